"""Comparing snapshots: matched by fingerprint, with every kind of change reported."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from auditor.models import Target, TargetKind
from auditor.runner import Runner
from auditor.snapshots import build_snapshot
from auditor.store.diff import compare, render_text
from auditor.store.model import JSON, FactRecord, Snapshot

Synthetic = Callable[..., tuple[Any, Any, Any]]  # tests/auditor/conftest.py: (registry, profile, collector)


def snapshot_of(synthetic: Synthetic, profile_text: str, targets: list[Target]) -> Snapshot:
    registry, profile, _ = synthetic(profile_text)
    run = Runner(registry, profile, opener=lambda target: None).run(targets)
    return build_snapshot(run)


def test_compare_reports_each_kind_of_change(synthetic: Synthetic) -> None:
    a = Target(name="a", kind=TargetKind.LOCAL)
    b = Target(name="b", kind=TargetKind.LOCAL)
    c = Target(name="c", kind=TargetKind.LOCAL)
    old = snapshot_of(synthetic, "name: t\nselect: [t.first, t.second]\n", [a, b])
    new = snapshot_of(synthetic, (
        "name: t\nselect: [t.first, t.second]\nseverity: {t.second: critical}\n"
        "waivers:\n  - {check: t.first, target: a, justification: j, owner: o, expires: 2999-01-01}\n"
    ), [a, c])
    diff = compare(old, new)
    assert diff.targets_added == ["c"] and diff.targets_removed == ["b"]
    assert {(f.target, f.check_id) for f in diff.new} == {("c", "t.first"), ("c", "t.second")}
    assert {(f.target, f.check_id) for f in diff.resolved} == {("b", "t.first"), ("b", "t.second")}
    assert [(c.old.severity.value, c.new.severity.value) for c in diff.severity_changed] == [("high", "critical")]
    assert [(c.finding.target, c.old, c.new) for c in diff.waiver_changed] == [("a", "none", "waived")]
    assert {(c.target, c.old, c.new) for c in diff.status_changed} == {
        ("b", "fail", "absent"), ("c", "absent", "fail")}
    assert len(diff.persisting) == 2
    text = render_text(diff)
    assert "new findings: 2" in text and "resolved findings: 2" in text and "high -> critical" in text
    assert diff.to_dict()["findings"]["severity_changed"][0]["new"] == "critical"


def test_identical_snapshots_have_no_changes(synthetic: Synthetic) -> None:
    target = [Target(name="a", kind=TargetKind.LOCAL)]
    one = snapshot_of(synthetic, "name: t\n", target)
    two = snapshot_of(synthetic, "name: t\n", target)
    diff = compare(one, two)
    assert not diff.has_changes and len(diff.persisting) == len(one.findings)


def with_discovery(snapshot: Snapshot, target: str, ports: list[tuple[int, str]], status: str = "ok") -> Snapshot:
    """Discovery facts as the discovery collector records them."""
    value: JSON = {"hosts": [{"address": "127.0.0.5", "ports": [
        {"port": port, "protocol": "tcp", "state": "open", "service": service} for port, service in ports]}]}
    record = FactRecord(status, value=value) if status == "ok" else FactRecord(status, reason="nmap missing")
    facts = {**snapshot.facts, target: {**snapshot.facts.get(target, {}), "discovery": record}}
    return dataclasses.replace(snapshot, facts=facts)


def test_ports_opened_and_closed_on_targets_scanned_twice(synthetic: Synthetic) -> None:
    target = [Target(name="a", kind=TargetKind.LOCAL)]
    old = with_discovery(snapshot_of(synthetic, "name: t\n", target), "a", [(22, "ssh"), (6379, "redis")])
    new = with_discovery(snapshot_of(synthetic, "name: t\n", target), "a", [(22, "ssh"), (8888, "jupyter")])
    diff = compare(old, new)
    assert [(c.port, c.service) for c in diff.ports_opened] == [(8888, "jupyter")]
    assert [(c.port, c.service) for c in diff.ports_closed] == [(6379, "redis")]
    text = render_text(diff)
    assert "ports opened: 1\n  a: 127.0.0.5:tcp/8888 (jupyter)" in text and "ports closed: 1" in text
    assert diff.to_dict()["ports_opened"][0]["port"] == 8888
    from auditor.reports.html import render_diff_html

    page = render_diff_html(diff)
    assert "Ports opened (1) and closed (1)" in page and "tcp/6379" in page
    failed_scan = with_discovery(snapshot_of(synthetic, "name: t\n", target), "a", [], status="error")
    assert compare(old, failed_scan).ports_closed == []  # a failed scan closes nothing


def test_changes_from_a_new_or_reconfigured_check_are_attributed_to_the_judging(synthetic: Synthetic) -> None:
    target = [Target(name="a", kind=TargetKind.LOCAL)]
    old = snapshot_of(synthetic, "name: t\nselect: [t.first, t.network]\n", target)
    new = snapshot_of(synthetic, "name: t\nselect: [t.first, t.second]\nseverity: {t.first: critical}\n", target)
    diff = compare(old, new)
    assert diff.judged_differently == {
        "t.first": "check severity changed in the profile",
        "t.second": "new check: not run in the older snapshot",
        "t.network": "check not run in the newer snapshot",
    }
    assert diff.caused_by_judging("t.second") and not diff.caused_by_judging("t.crashes")
    text = render_text(diff)
    assert "from the judging, not the systems: t.second: new check" in text
    from auditor.reports.html import render_diff_html

    assert "Changes that may come from the judging, not the systems" in render_diff_html(diff)
    assert compare(old, old).judged_differently == {}
