"""Exposed services: discovery (nmap), a per-role allowed-service policy, and read-only probes."""

from auditor.checks.services.judges import CHECKS, COLLECTORS, POLICIES

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
