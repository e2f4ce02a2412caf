"""TLS: protocols, suites, groups, certificates and HTTPS extras, judged against a TLS policy."""

from auditor.checks.tls.judges import CHECKS, COLLECTORS, POLICIES

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
