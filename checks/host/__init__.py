"""Host posture beyond sshd: patching, accounts and key revocation, logging and time, firewall and kernel."""

from auditor.checks.host.judges import CHECKS, COLLECTORS, POLICIES

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
