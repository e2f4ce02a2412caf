"""What the web area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.web.collector import WebCollector
from auditor.checks.web.judges import DirectoryListing, ExposedFiles, OpenApplication
from auditor.checks.web.policy import KIND, validate_web_exposure

CHECKS = (DirectoryListing, ExposedFiles, OpenApplication)
COLLECTORS = (WebCollector(),)
POLICIES = {KIND: validate_web_exposure}

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
