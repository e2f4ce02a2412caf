"""The ``host`` area's registry: its checks by theme, its collectors and policy kinds."""

from auditor.checks.host import judges_accounts, judges_kernel, judges_logging, judges_patching, judges_setid
from auditor.checks.host.collector_accounts import AccountsCollector
from auditor.checks.host.collector_kernel import KernelCollector
from auditor.checks.host.collector_logging import LoggingCollector
from auditor.checks.host.collector_patching import PatchCollector
from auditor.checks.host.lifecycle import validate_lifecycle

CHECKS = (*judges_patching.CHECKS, *judges_accounts.CHECKS, *judges_logging.CHECKS, *judges_kernel.CHECKS,
          *judges_setid.CHECKS)
COLLECTORS = (PatchCollector(), AccountsCollector(), LoggingCollector(), KernelCollector())
POLICIES = {"host-os-lifecycle": validate_lifecycle, "host-sysctl": judges_kernel.validate_sysctl}
