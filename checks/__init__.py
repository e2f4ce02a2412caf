"""Built-in check modules. Each module exposes ``CHECKS`` and ``COLLECTORS``; list it here."""

from auditor.checks import attestation, data, services, ssh, tls

MODULES = (ssh, services, tls, data, attestation)
