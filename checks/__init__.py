"""Built-in checks, one package per area. Each area exposes ``CHECKS``, ``COLLECTORS`` and
``POLICIES`` (where it has them) from its ``__init__``; list the area here."""

from auditor.checks import attestation, data, host, services, ssh, ssh_wire, tls, web

MODULES = (ssh, ssh_wire, services, web, tls, data, host, attestation)
