"""What the data area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.data.collector import COLLECTORS
from auditor.checks.data.judges import CHECKS

__all__ = ["CHECKS", "COLLECTORS"]
