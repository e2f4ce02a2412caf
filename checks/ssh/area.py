"""What the ssh area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.ssh.judges import CHECKS, COLLECTORS, POLICIES

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
