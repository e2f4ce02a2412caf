"""Built-in check modules. Each module exposes ``CHECKS`` and ``COLLECTORS``; list it here."""

from auditor.checks import attestation, ssh, tls

MODULES = (ssh, tls, attestation)
