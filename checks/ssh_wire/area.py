"""What the ssh_wire area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.ssh_wire import drift, judges

CHECKS = (*judges.CHECKS, *drift.CHECKS)
COLLECTORS = judges.COLLECTORS
