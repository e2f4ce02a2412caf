"""What the ssh_wire area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.ssh_wire import drift, judges, throttling

CHECKS = (*judges.CHECKS, *drift.CHECKS, *throttling.CHECKS)
COLLECTORS = judges.COLLECTORS
