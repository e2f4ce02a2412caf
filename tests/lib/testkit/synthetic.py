"""Synthetic checks, collectors and facts for testing the runner, snapshots and diffs.

They are real plugins registered through the real registry: the runner under test is not mocked.
"""

import threading
import types
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from auditor.check import Check, CheckSkipped, Collector, Scope
from auditor.config.profile import load_profile
from auditor.errors import CollectError, FactsUnavailable, NotAssessable
from auditor.facts import Facts
from auditor.models import Severity, Target, TargetKind
from auditor.registry import build_registry

LOCAL = Target(name="local", kind=TargetKind.LOCAL)


@dataclass(frozen=True)
class Counted(Facts):
    """A number, collected by CountingCollector."""

    name: ClassVar[str] = "counted"
    value: int


@dataclass(frozen=True)
class Broken(Facts):
    name: ClassVar[str] = "broken"


@dataclass(frozen=True)
class Refusing(Facts):
    name: ClassVar[str] = "refusing"


class CountingCollector(Collector):
    """Returns a number and counts how often it was asked."""

    name = "counted"
    produces = Counted

    def __init__(self):
        self.calls = 0
        self.lock = threading.Lock()

    def collect(self, env):
        with self.lock:
            self.calls += 1
        return Counted(7)


class BrokenCollector(Collector):
    name = "broken"
    produces = Broken

    def collect(self, env):
        raise ZeroDivisionError("collector bug")


class RefusingCollector(Collector):
    name = "refusing"
    produces = Refusing

    def collect(self, env):
        raise {"local": NotAssessable("needs root"), "gone": FactsUnavailable("nothing installed")}.get(
            env.target.name, CollectError("connection refused"))


def make_check(check_id, facts, judge, scope=Scope.HOST, severity=Severity.MEDIUM):
    return type(check_id.replace(".", "_"), (Check,), {
        "id": check_id, "title": check_id, "severity": severity, "measures": ("PRV-5",),
        "facts": facts, "scope": scope, "judge": judge,
    })


def finding_when_seven(self, facts, ctx):
    return [ctx.finding("thing:one", "is seven")] if facts.get(Counted).value == 7 else []


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
        make_check("t.first", (Counted,), finding_when_seven),
        make_check("t.second", (Counted,), finding_when_seven, severity=Severity.HIGH),
        make_check("t.crashes", (Counted,), crash),
        make_check("t.skips", (Counted,), skip),
        make_check("t.broken-facts", (Broken,), nothing),
        make_check("t.refused", (Refusing,), nothing),
        make_check("t.network", (Counted,), nothing, scope=Scope.NETWORK),
        *extra_checks,
    )
    module.COLLECTORS = (counting, BrokenCollector(), RefusingCollector())
    registry = build_registry([module])
    path = tmp_path / "profile.yaml"
    path.write_text(profile_text)
    return registry, load_profile(str(path), registry), counting
