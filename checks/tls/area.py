"""What the tls area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.tls.collector import TlsCollector
from auditor.checks.tls.judges import CHECKS
from auditor.checks.tls.policy import validate_tls

COLLECTORS = (TlsCollector(),)
POLICIES = {"tls": validate_tls}

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
