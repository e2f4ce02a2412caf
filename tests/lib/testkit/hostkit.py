"""Shared helpers of the host-area tests: run a collector on a recorded machine, judge a check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import testkit
from auditor.check import CheckContext, CollectEnv, Collector
from auditor.config.profile import load_profile
from auditor.facts import Facts, facts_from_json, facts_to_json
from auditor.models import Finding, Target, TargetKind
from auditor.previous import PreviousRunFacts
from auditor.registry import default_registry
from testkit.recorded_host import RecordedHost

REGISTRY = default_registry()
LOCAL = Target(name="local", kind=TargetKind.LOCAL)
MACHINES = testkit.FIXTURES / "host"


def recorded(machine: str, *, privileged: bool = True) -> RecordedHost:
    """The recorded machine ``machine`` (a folder under tests/fixtures/host)."""
    return RecordedHost(MACHINES / machine, privileged=privileged, name=machine)


def collect(collector: Collector, host: Any, options: dict[str, Any] | None = None,
            target: Target = LOCAL, fact: Any = None, policies: dict[str, Any] | None = None) -> Any:
    """The collector's facts from ``host``, checked to survive their JSON round trip."""
    env = CollectEnv(target=target, host=host, options={**collector.options, **(options or {})}, timeout=10,
                     policies=policies or {}, **({"fact": fact} if fact else {}))
    facts = collector.collect(env)
    assert facts_from_json(type(facts), facts_to_json(facts)) == facts
    return facts


def judge(check_id: str, *facts: Facts, profile: str = "baseline", options: dict[str, Any] | None = None,
          today: dt.date = dt.date(2026, 12, 1), target: Target = LOCAL) -> tuple[list[Finding], CheckContext]:
    """The findings of ``check_id`` on ``facts`` under a shipped profile (options overridable)."""
    loaded = load_profile(profile, REGISTRY)
    check = REGISTRY.checks[check_id]
    ctx = CheckContext(check=check, target=target, options={**loaded.options[check_id], **(options or {})},
                       severity=loaded.severity[check_id],
                       policies={kind: loaded.policies[kind] for kind in check.policies}, today=today)
    if PreviousRunFacts in check.facts and not any(isinstance(item, PreviousRunFacts) for item in facts):
        facts = (*facts, PreviousRunFacts())  # as a run without a previous snapshot seeds it
    findings = check().judge(testkit.fact_set(*facts), ctx)
    assert len({finding.fingerprint for finding in findings}) == len(findings)
    return findings, ctx
