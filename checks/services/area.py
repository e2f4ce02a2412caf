"""What the services area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.services.discovery import DiscoveryCollector
from auditor.checks.services.judges import ClearText, RiskyService, UnexpectedService
from auditor.checks.services.judges_inventory import UndeclaredService, UnknownHost
from auditor.checks.services.judges_probes import UnauthenticatedAccess
from auditor.checks.services.policy import validate_services
from auditor.checks.services.probes import ProbeCollector

# services.directory-listing is judged in the web area (checks/web), from the web exposure probes.
CHECKS = (RiskyService, UnexpectedService, ClearText, UnauthenticatedAccess, UnknownHost, UndeclaredService)
COLLECTORS = (DiscoveryCollector(), ProbeCollector())
POLICIES = {"services": validate_services}

__all__ = ["CHECKS", "COLLECTORS", "POLICIES"]
