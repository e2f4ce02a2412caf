"""Snapshots: schema-valid, written atomically, and refused clearly when corrupt or foreign."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.errors import SnapshotError
from auditor.models import ExitCode, Status, Target, TargetKind
from auditor.runner import Runner
from auditor.snapshots import build_snapshot
from auditor.store.codec import load_snapshot, snapshot_to_json, write_snapshot
from auditor.store.model import Snapshot
from auditor.store.validation import validate

Synthetic = Callable[..., tuple[Any, Any, Any]]  # tests/auditor/conftest.py: (registry, profile, collector)
LOCAL = Target(name="local", kind=TargetKind.LOCAL)


def snapshot_of(synthetic: Synthetic, profile_text: str = "name: t\n") -> Snapshot:
    registry, profile, _ = synthetic(profile_text)
    run = Runner(registry, profile, opener=lambda target: None).run([LOCAL])
    return build_snapshot(run)


def test_snapshot_is_schema_valid_and_round_trips(synthetic: Synthetic, tmp_path: Path) -> None:
    snapshot = snapshot_of(synthetic)
    path = tmp_path / "out" / "snapshot.json"
    write_snapshot(snapshot, path)
    assert snapshot_to_json(load_snapshot(path)) == json.loads(json.dumps(snapshot_to_json(snapshot)))
    assert json.loads(path.read_text()) == snapshot_to_json(load_snapshot(path))
    assert [p.name for p in path.parent.iterdir()] == ["snapshot.json"]  # no temporary files left
    assert snapshot.summary.results[Status.ERROR] == 2
    assert snapshot.summary.exit_code == 2
    assert {f.fingerprint for f in snapshot.findings} == {
        f.fingerprint for result in snapshot.results for f in result.findings}


def test_exit_code_follows_fail_on_and_waivers(synthetic: Synthetic) -> None:
    select = "select: [t.first, t.second]\n"
    assert snapshot_of(synthetic, "name: t\nfail_on: high\n" + select).summary.exit_code == ExitCode.FINDINGS
    assert snapshot_of(synthetic, "name: t\nfail_on: critical\n" + select).summary.exit_code == ExitCode.OK
    waived = snapshot_of(synthetic, "name: t\nfail_on: medium\n" + select + (
        "waivers:\n  - {check: t.first, target: '*', justification: j, owner: o, expires: 2999-01-01}\n"
        "  - {check: t.second, target: '*', justification: j, owner: o, expires: 2999-01-01}\n"))
    assert waived.summary.exit_code == 0 and waived.summary.waived == 2


def test_fingerprint_ignores_message_and_severity(synthetic: Synthetic) -> None:
    first = snapshot_of(synthetic).findings[0]
    again = snapshot_of(synthetic, "name: t\nseverity: {t.first: critical}\n").findings[0]
    assert first.severity != again.severity and first.fingerprint == again.fingerprint


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not an auditor snapshot"),
        ('{"schema_version": 99}', "schema version 99 is not supported"),
        ('{"schema_version": 1, "tool": {}}', "does not match the snapshot schema"),
        ('{"schema_version": 2, "tool": {}}', "does not match the snapshot schema"),
    ],
)
def test_bad_snapshots_are_refused_with_a_reason(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text(content)
    with pytest.raises(SnapshotError, match=message):
        load_snapshot(path)


def test_truncated_snapshot_is_refused(synthetic: Synthetic, tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    write_snapshot(snapshot_of(synthetic), path)
    path.write_text(path.read_text()[:500])
    with pytest.raises(SnapshotError, match="not valid JSON"):
        load_snapshot(path)


def test_schema_rejects_a_finding_without_fingerprint(synthetic: Synthetic) -> None:
    document = snapshot_to_json(snapshot_of(synthetic))
    del document["findings"][0]["fingerprint"]
    with pytest.raises(SnapshotError, match="findings/0"):
        validate(document, "test")
