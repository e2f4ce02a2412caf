"""The runner isolates failures, collects each fact once per target, and applies waivers."""

import dataclasses
import datetime as dt
import threading
import time
import types
from dataclasses import dataclass
from typing import ClassVar

import pytest

from auditor.check import Collector, Scope
from auditor.config.profile import load_profile
from auditor.errors import CollectError, TransientError
from auditor.facts import Facts
from auditor.models import Severity, Status, Target, TargetKind
from auditor.registry import build_registry
from auditor.runner import Runner
from testkit.synthetic import Counted

LOCAL = Target(name="local", kind=TargetKind.LOCAL)


def by_id(audit):
    return {result.check_id: result for result in audit.results}


def test_failures_are_isolated_and_facts_collected_once(synthetic):
    registry, profile, counting = synthetic()
    run = Runner(registry, profile, opener=lambda target: None).run([LOCAL])
    results = by_id(run.audits[0])
    assert counting.calls == 1
    assert results["t.first"].status is Status.FAIL
    assert results["t.first"].findings[0].resource == "thing:one"
    assert results["t.second"].findings[0].severity is Severity.HIGH
    assert results["t.crashes"].status is Status.ERROR and "KeyError" in results["t.crashes"].reason
    assert results["t.skips"].status is Status.SKIPPED and results["t.skips"].reason == "not relevant here"
    assert results["t.broken-facts"].status is Status.ERROR and "collector bug" in results["t.broken-facts"].reason
    assert results["t.refused"].status is Status.NOT_ASSESSABLE
    assert "t.network" not in results  # network checks do not run on the local target
    assert run.audits[0].facts["counted"] == {"status": "ok", "version": 1, "value": {"value": 7}}
    assert run.audits[0].facts["broken"]["status"] == "error"
    assert "inventory" not in run.audits[0].facts  # seeded facts are not copied into every target


def test_collector_error_kinds_map_to_statuses(synthetic):
    registry, profile, _ = synthetic()
    targets = [Target(name="gone", kind=TargetKind.LOCAL), Target(name="far", kind=TargetKind.SSH, address="127.0.0.1")]
    run = Runner(registry, profile, opener=lambda target: None).run(targets)
    assert by_id(run.audits[0])["t.refused"].status is Status.SKIPPED
    assert by_id(run.audits[1])["t.refused"].status is Status.ERROR
    assert by_id(run.audits[1])["t.refused"].reason == "connection refused"


def test_host_checks_on_a_network_target_say_why_they_are_skipped(synthetic):
    registry, profile, _ = synthetic()
    run = Runner(registry, profile, opener=lambda target: None).run([Target(name="h", kind=TargetKind.NETWORK, address="127.0.0.1")])
    results = by_id(run.audits[0])
    assert results["t.first"].status is Status.SKIPPED and "host access" in results["t.first"].reason
    assert results["t.network"].status is Status.PASS


def test_many_targets_each_collect_once(synthetic):
    registry, profile, counting = synthetic("name: t\nconcurrency: {targets: 4}\n")
    targets = [Target(name=f"h{i}", kind=TargetKind.LOCAL) for i in range(12)]
    run = Runner(registry, profile, opener=lambda target: None).run(targets)
    assert counting.calls == 12
    assert [audit.target.name for audit in run.audits] == [target.name for target in targets]


def test_waivers_hide_until_they_expire(synthetic):
    registry, profile, _ = synthetic(
        "name: t\nwaivers:\n"
        "  - {check: t.first, target: 'loc*', justification: accepted, owner: ana, expires: 2026-06-30}\n"
        "  - {check: t.second, target: local, resource: 'thing:*', justification: accepted, owner: ana, expires: 2026-06-30}\n"
    )
    before = Runner(registry, profile, opener=lambda t: None, today=dt.date(2026, 6, 30)).run([LOCAL])
    after = Runner(registry, profile, opener=lambda t: None, today=dt.date(2026, 7, 1)).run([LOCAL])
    first_before, first_after = by_id(before.audits[0])["t.first"].findings[0], by_id(after.audits[0])["t.first"].findings[0]
    assert first_before.waived and first_before.waiver.owner == "ana"
    assert not first_after.waived and first_after.waiver_expired
    assert by_id(before.audits[0])["t.second"].findings[0].waived


@dataclass(frozen=True)
class Late(Facts):
    name: ClassVar[str] = "tarpit"


@dataclass(frozen=True)
class Double(Facts):
    name: ClassVar[str] = "derived"
    double: int


class Tarpit(Collector):
    """Answers only when released, like a port that accepts and then says nothing."""

    name = "tarpit"
    produces = Late

    def __init__(self):
        self.release = threading.Event()

    def collect(self, env):
        self.release.wait(30)
        return Late()


def test_a_tarpit_ends_at_the_budget_and_what_was_collected_is_still_judged(synthetic, check_factory, tmp_path):
    _, _, counting = synthetic()
    tarpit = Tarpit()
    module = types.ModuleType("budget")
    module.CHECKS = (check_factory("b.1-first", (Counted,), lambda self, facts, ctx: []),
                     check_factory("b.2-stuck", (Late,), lambda self, facts, ctx: []),
                     check_factory("b.3-after", (Counted,), lambda self, facts, ctx: [ctx.finding("x", "judged")]))
    module.COLLECTORS = (counting, tarpit)
    registry = build_registry([module])
    (tmp_path / "b.yaml").write_text("name: b\ntimeouts: {target: 1}\n")
    profile = load_profile(str(tmp_path / "b.yaml"), registry)
    started = time.monotonic()
    try:
        audit = Runner(registry, profile, opener=lambda target: None).run([LOCAL]).audits[0]
    finally:
        tarpit.release.set()
    assert time.monotonic() - started < 2.0  # the budget, plus at most a second
    results = by_id(audit)
    assert results["b.1-first"].status is Status.PASS
    assert results["b.2-stuck"].status is Status.ERROR
    assert results["b.2-stuck"].reason == "target time budget of 1 s exhausted while collecting 'tarpit' facts"
    assert results["b.3-after"].status is Status.FAIL  # its facts were in hand: judged, not "budget exhausted"
    assert audit.facts["tarpit"]["status"] == "error"


class Doubling(Collector):
    """Derives its facts from another collector's through ``env.fact``."""

    name = "derived"
    produces = Double

    def collect(self, env):
        return Double(env.fact(Counted).value * 2)


def judge_double(self, facts, ctx):
    return [] if facts.get(Double).double == 14 else [ctx.finding("x", "wrong")]


def test_collectors_can_use_other_facts_which_are_still_collected_once(synthetic, check_factory, tmp_path):
    _, _, counting = synthetic()
    module = types.ModuleType("derived")
    module.CHECKS = (check_factory("d.uses-derived", (Double,), judge_double),
                     check_factory("d.uses-counted", (Counted,), lambda self, facts, ctx: []))
    module.COLLECTORS = (counting, Doubling())
    registry = build_registry([module])
    (tmp_path / "d.yaml").write_text("name: d\n")
    profile = load_profile(str(tmp_path / "d.yaml"), registry)
    results = Runner(registry, profile, opener=lambda target: None).run([LOCAL]).audits[0].results
    assert [result.status for result in results] == [Status.PASS, Status.PASS]
    assert counting.calls == 1


def judge_partly(self, facts, ctx):
    ctx.incomplete("tcp/2222: connection refused")
    return [ctx.finding("tcp/22:thing", "bad on the port that answered")]


def test_a_partly_judged_check_is_an_error_that_keeps_its_findings(synthetic, check_factory):
    registry, profile, _ = synthetic("name: t\nselect: [t.partly]\n", [check_factory("t.partly", (Counted,), judge_partly)])
    result = Runner(registry, profile, opener=lambda target: None).run([LOCAL]).audits[0].results[0]
    assert result.status is Status.ERROR and result.reason == "tcp/2222: connection refused"
    assert [finding.resource for finding in result.findings] == ["tcp/22:thing"]


@dataclass(frozen=True)
class OpenPorts(Facts):
    name: ClassVar[str] = "ports"
    open: tuple[int, ...]


class PortCounter(Collector):
    """A network collector: it never needs to log in to the host."""

    name = "ports"
    produces = OpenPorts
    needs_host = False

    def collect(self, env):
        assert env.host is None
        return OpenPorts(env.target.ports)


def refuse_login(target):
    raise CollectError("ssh://audit@h: authentication failed")


def test_a_failed_login_does_not_sink_network_collectors(synthetic, check_factory, tmp_path):
    _, _, counting = synthetic()
    module = types.ModuleType("mixed")
    module.CHECKS = (check_factory("m.network", (OpenPorts,), lambda self, facts, ctx: [], scope=Scope.NETWORK),
                     check_factory("m.host", (Counted,), lambda self, facts, ctx: []))
    module.COLLECTORS = (counting, PortCounter())
    registry = build_registry([module])
    (tmp_path / "m.yaml").write_text("name: m\n")
    target = Target(name="ssh://audit@h", kind=TargetKind.SSH, address="127.0.0.1", ports=(22,))
    audit = Runner(registry, load_profile(str(tmp_path / "m.yaml"), registry), opener=refuse_login).run([target]).audits[0]
    results = {result.check_id: result for result in audit.results}
    assert results["m.network"].status is Status.PASS
    assert results["m.host"].status is Status.ERROR and results["m.host"].reason == "ssh://audit@h: authentication failed"
    assert counting.calls == 0


@dataclass(frozen=True)
class Answered(Facts):
    name: ClassVar[str] = "flaky"


class Flaky(Collector):
    """Fails with a transient error ``failures`` times, then answers."""

    name = "flaky"
    produces = Answered
    needs_host = False

    def __init__(self, failures, error=None):
        self.failures, self.calls = failures, 0
        self.error = error or TransientError("tcp/22: connection reset by peer")

    def collect(self, env):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return Answered()


@pytest.mark.parametrize("failures, error, status, calls", [
    (1, None, Status.PASS, 2),  # one hiccup: the retry succeeds
    (2, None, Status.ERROR, 2),  # still failing: an error, after exactly one retry
    (1, CollectError("tcp/22: connection refused"), Status.ERROR, 1),  # not transient: no retry
])
def test_one_retry_for_transient_network_errors(check_factory, tmp_path, monkeypatch, failures, error, status, calls):
    monkeypatch.setattr("auditor.collection.RETRY_PAUSE", 0.01)
    flaky = Flaky(failures, error)
    module = types.ModuleType("flaky")
    module.CHECKS = (check_factory("f.uses-flaky", (Answered,), lambda self, facts, ctx: [], scope=Scope.NETWORK),)
    module.COLLECTORS = (flaky,)
    registry = build_registry([module])
    (tmp_path / "f.yaml").write_text("name: f\n")
    target = Target(name="h", kind=TargetKind.NETWORK, address="127.0.0.1")
    result = Runner(registry, load_profile(str(tmp_path / "f.yaml"), registry)).run([target]).audits[0].results[0]
    assert (result.status, flaky.calls) == (status, calls)
    if failures == 2:
        assert result.reason == "tcp/22: connection reset by peer (also on a second try)"


@dataclasses.dataclass(frozen=True)
class Recorded:
    """A fact as a snapshot records it (the store's FactRecord has the same fields)."""

    status: str
    version: int | None = None
    value: object = None
    reason: str = ""


def test_stored_facts_are_judged_again_without_collecting(synthetic):
    registry, profile, counting = synthetic()
    first = Runner(registry, profile, opener=lambda target: None).run([LOCAL])
    stored = {"local": {name: Recorded(**record) for name, record in first.audits[0].facts.items()}}

    def no_host(target):
        raise AssertionError("re-judging must not open a host")

    again = Runner(registry, profile, opener=no_host, stored_facts=stored).run([LOCAL])
    assert counting.calls == 1  # the collector ran once, in the first run only
    summary = [(r.check_id, r.status, r.reason, [f.fingerprint for f in r.findings]) for r in first.audits[0].results]
    assert [(r.check_id, r.status, r.reason, [f.fingerprint for f in r.findings])
            for r in again.audits[0].results] == summary
    assert again.audits[0].facts == first.audits[0].facts  # recorded again, so it can be re-judged again


def test_facts_the_earlier_run_did_not_collect_are_not_assessable(synthetic):
    registry, profile, counting = synthetic()
    again = Runner(registry, profile, opener=lambda target: None, stored_facts={}).run([LOCAL])
    results = by_id(again.audits[0])
    assert counting.calls == 0
    assert results["t.first"].status is Status.NOT_ASSESSABLE
    assert "did not collect 'counted' facts" in results["t.first"].reason


@dataclass(frozen=True)
class Unstorable(Facts):
    name: ClassVar[str] = "unstorable"
    raw: object  # a plug-in's field the JSON form does not know


class UnstorableCollector(Collector):
    name = "unstorable"
    produces = Unstorable

    def collect(self, env):
        return Unstorable(raw={1, 2})


def test_facts_that_cannot_be_stored_cost_only_themselves(synthetic, check_factory, tmp_path):
    _, _, counting = synthetic()
    module = types.ModuleType("unstorable")
    module.CHECKS = (check_factory("u.odd", (Unstorable,), lambda self, facts, ctx: []),
                     check_factory("u.fine", (Counted,), lambda self, facts, ctx: []))
    module.COLLECTORS = (counting, UnstorableCollector())
    registry = build_registry([module])
    (tmp_path / "u.yaml").write_text("name: u\n")
    audit = Runner(registry, load_profile(str(tmp_path / "u.yaml"), registry), opener=lambda t: None).run([LOCAL]).audits[0]
    assert audit.facts["unstorable"]["status"] == "error" and "cannot be stored" in audit.facts["unstorable"]["reason"]
    assert audit.facts["counted"]["status"] == "ok"


def test_stored_facts_this_version_cannot_read_are_kept_as_they_were(synthetic):
    registry, profile, _ = synthetic()
    stored = {"local": {"counted": Recorded("ok", 1, {"value": "not a number"}),
                        "vanished": Recorded("ok", 3, {"anything": [1, 2]})}}
    audit = Runner(registry, profile, opener=lambda t: None, stored_facts=stored).run([LOCAL]).audits[0]
    assert by_id(audit)["t.first"].status is Status.ERROR  # the facts could not be read: said, not guessed
    assert audit.facts["counted"] == {"status": "ok", "version": 1, "value": {"value": "not a number"}}
    assert audit.facts["vanished"] == {"status": "ok", "version": 3, "value": {"anything": [1, 2]}}


@dataclass(frozen=True)
class Greeted(Facts):
    name: ClassVar[str] = "greeted"


class Greeter(Collector):
    """A network collector whose client library loads only when it collects."""

    name = "greeted"
    produces = Greeted
    needs_host = False
    preload = ("json.tool", "email.parser")

    def collect(self, env):
        return Greeted()


def test_preload_names_the_modules_of_collectors_the_targets_will_run(synthetic, check_factory, tmp_path):
    _, _, counting = synthetic()
    module = types.ModuleType("preloading")
    module.CHECKS = (check_factory("p.network", (Greeted,), lambda self, facts, ctx: [], scope=Scope.NETWORK),
                     check_factory("p.network-again", (Greeted,), lambda self, facts, ctx: [], scope=Scope.NETWORK),
                     check_factory("p.host", (Counted,), lambda self, facts, ctx: []))
    module.COLLECTORS = (counting, Greeter())
    registry = build_registry([module])
    (tmp_path / "p.yaml").write_text("name: p\n")
    runner = Runner(registry, load_profile(str(tmp_path / "p.yaml"), registry))
    network = Target(name="h", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(22,))
    # Each module once, in the collector's order; a collector declaring none adds nothing.
    assert runner.preload_modules([network]) == ["json.tool", "email.parser"]
    # No target a network check applies to: nothing to load ahead.
    assert runner.preload_modules([Target(name="local", kind=TargetKind.LOCAL)]) == []


def test_the_wire_audit_preloads_the_client_its_authentication_probe_imports():
    from auditor.checks.ssh_wire.auth import ask_none
    from auditor.checks.ssh_wire.collector import SshWireCollector

    assert SshWireCollector.preload == ("auditor.hosts.paramiko_loader",)
    # The module named is the one the probe imports (a renamed module would preload nothing).
    import inspect

    assert "from auditor.hosts.paramiko_loader import paramiko" in inspect.getsource(ask_none)
