"""Comparing snapshots: matched by fingerprint, with every kind of change reported."""

from auditor.catalogue import load_catalogue
from auditor.diff import compare, render_text
from auditor.models import Target, TargetKind
from auditor.runner import Runner
from auditor.snapshot import build_snapshot


def snapshot_of(synthetic, profile_text, targets):
    registry, profile, _ = synthetic(profile_text)
    run = Runner(registry, profile, opener=lambda target: None).run(targets)
    return build_snapshot(run, profile, load_catalogue(), registry)


def test_compare_reports_each_kind_of_change(synthetic):
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
    assert {(f["target"], f["check_id"]) for f in diff.new} == {("c", "t.first"), ("c", "t.second")}
    assert {(f["target"], f["check_id"]) for f in diff.resolved} == {("b", "t.first"), ("b", "t.second")}
    assert [(c.old["severity"], c.new["severity"]) for c in diff.severity_changed] == [("high", "critical")]
    assert [(c.finding["target"], c.old, c.new) for c in diff.waiver_changed] == [("a", "none", "waived")]
    assert {(c.target, c.old, c.new) for c in diff.status_changed} == {
        ("b", "fail", "absent"), ("c", "absent", "fail")}
    assert len(diff.persisting) == 2
    text = render_text(diff)
    assert "new findings: 2" in text and "resolved findings: 2" in text and "high -> critical" in text
    assert diff.to_dict()["findings"]["severity_changed"][0]["new"] == "critical"


def test_identical_snapshots_have_no_changes(synthetic):
    target = [Target(name="a", kind=TargetKind.LOCAL)]
    one = snapshot_of(synthetic, "name: t\n", target)
    two = snapshot_of(synthetic, "name: t\n", target)
    diff = compare(one, two)
    assert not diff.has_changes and len(diff.persisting) == len(one["findings"])
