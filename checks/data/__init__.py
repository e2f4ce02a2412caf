"""Data repositories: declared access rules checked against permissions, ACLs, shares and backups."""

from auditor.checks.data.collector import COLLECTORS
from auditor.checks.data.judges import CHECKS

__all__ = ["CHECKS", "COLLECTORS"]
