"""What the host area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.host.judges import CHECKS, COLLECTORS, POLICIES

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
