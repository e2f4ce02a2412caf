"""Synthetic checks and collectors for testing the runner, snapshots and diffs.

They are real plugins registered through the real registry: the runner under test is not mocked.
"""

import threading
import types
from pathlib import Path

import pytest

from auditor.check import Check, CheckSkipped, Collector, Scope
from auditor.config.profile import load_profile
from auditor.errors import CollectError, FactsUnavailable, NotAssessable
from auditor.models import Severity, Target, TargetKind
from auditor.registry import build_registry

LOCAL = Target(name="local", kind=TargetKind.LOCAL)


class CountingCollector(Collector):
    """Returns a number and counts how often it was asked."""

    name = "counted"

    def __init__(self):
        self.calls = 0
        self.lock = threading.Lock()

    def collect(self, env):
        with self.lock:
            self.calls += 1
        return {"value": 7}


class BrokenCollector(Collector):
    name = "broken"

    def collect(self, env):
        raise ZeroDivisionError("collector bug")


class RefusingCollector(Collector):
    name = "refusing"

    def collect(self, env):
        raise {"local": NotAssessable("needs root"), "gone": FactsUnavailable("nothing installed")}.get(
            env.target.name, CollectError("connection refused"))


def make_check(check_id, facts, judge, scope=Scope.HOST, severity=Severity.MEDIUM):
    return type(check_id.replace(".", "_"), (Check,), {
        "id": check_id, "title": check_id, "severity": severity, "measures": ("PRV-5",),
        "facts": facts, "scope": scope, "judge": judge,
    })


def finding_when_seven(self, facts, ctx):
    return [ctx.finding("thing:one", "is seven")] if facts["counted"]["value"] == 7 else []


def crash(self, facts, ctx):
    raise KeyError("check bug")


def skip(self, facts, ctx):
    raise CheckSkipped("not relevant here")


def nothing(self, facts, ctx):
    return []


def build_setup(tmp_path: Path, profile_text: str = "name: t\n", extra_checks=()):
    counting = CountingCollector()
    module = types.ModuleType("synthetic")
    module.CHECKS = (
        make_check("t.first", ("counted",), finding_when_seven),
        make_check("t.second", ("counted",), finding_when_seven, severity=Severity.HIGH),
        make_check("t.crashes", ("counted",), crash),
        make_check("t.skips", ("counted",), skip),
        make_check("t.broken-facts", ("broken",), nothing),
        make_check("t.refused", ("refusing",), nothing),
        make_check("t.network", ("counted",), nothing, scope=Scope.NETWORK),
        *extra_checks,
    )
    module.COLLECTORS = (counting, BrokenCollector(), RefusingCollector())
    registry = build_registry([module])
    path = tmp_path / "profile.yaml"
    path.write_text(profile_text)
    return registry, load_profile(str(path), registry), counting



@pytest.fixture
def synthetic(tmp_path):
    """``synthetic(profile_text, extra_checks)`` -> (registry, profile, counting collector)."""
    return lambda profile_text="name: t\n", extra_checks=(): build_setup(tmp_path, profile_text, extra_checks)


@pytest.fixture
def check_factory():
    """``check_factory(check_id, facts, judge, scope=..., severity=...)`` -> a Check class."""
    return make_check
