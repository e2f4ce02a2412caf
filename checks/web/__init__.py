"""Web exposure: a catalogue of read-only HTTP probes run on every HTTP(S) port discovery found."""

from auditor.checks.web.collector import WebCollector
from auditor.checks.web.judges import DirectoryListing, ExposedFiles, OpenApplication
from auditor.checks.web.policy import KIND, validate_web_exposure

CHECKS = (DirectoryListing, ExposedFiles, OpenApplication)
COLLECTORS = (WebCollector(),)
POLICIES = {KIND: validate_web_exposure}

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
