"""Built-in check modules. Each module exposes ``CHECKS`` and ``COLLECTORS``; list it here."""

from auditor.checks import attestation, services, ssh, tls

MODULES = (ssh, services, tls, attestation)
