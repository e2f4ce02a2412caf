"""Built-in check modules. Each module exposes ``CHECKS`` and ``COLLECTORS``; list it here."""

from auditor.checks import attestation, data, services, ssh, ssh_drift, ssh_wire, tls

MODULES = (ssh, ssh_wire, ssh_drift, services, tls, data, attestation)
