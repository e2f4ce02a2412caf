"""SSH seen from the network: what any SSH server offers on the wire, and drift from its configuration."""

from auditor.checks.ssh_wire import drift, judges, throttling

CHECKS = (*judges.CHECKS, *drift.CHECKS, *throttling.CHECKS)
COLLECTORS = judges.COLLECTORS
