"""The codec: model <-> JSON document, version 1 snapshots upgraded on load, inconsistencies refused."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from auditor.errors import SnapshotError
from auditor.store.codec import load_snapshot, snapshot_from_json, snapshot_to_json, write_snapshot
from auditor.store.model import NameVersion, Rejudged
from auditor.store.validation import SCHEMA_VERSION
from testkit.snapshots import make_document, sample_snapshot

REJUDGED = Rejudged(from_started_at="2025-03-01T10:00:00+00:00", from_finished_at="2025-03-01T10:05:00+00:00",
                    from_profile=NameVersion("university-baseline", "1.1.0"),
                    from_tool=NameVersion("rifi-auditor", "0.0.9"), rejudged_at="2025-04-02T08:00:00+00:00")


def test_document_round_trips_through_the_model() -> None:
    document = snapshot_to_json(sample_snapshot())
    assert document["schema_version"] == SCHEMA_VERSION == 2
    assert snapshot_to_json(snapshot_from_json(document)) == document


def test_version_1_snapshots_are_read_and_written_back_as_version_2(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    old = {**snapshot_to_json(sample_snapshot()), "schema_version": 1}
    path.write_text(json.dumps(old))
    snapshot = load_snapshot(path)
    assert snapshot == sample_snapshot()
    write_snapshot(snapshot, tmp_path / "new.json")
    assert json.loads((tmp_path / "new.json").read_text()) == {**old, "schema_version": 2}


def test_version_1_snapshots_cannot_claim_a_rejudged_record(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    document = snapshot_to_json(dataclasses.replace(sample_snapshot(), rejudged=REJUDGED))
    path.write_text(json.dumps({**document, "schema_version": 1}))
    with pytest.raises(SnapshotError, match="does not match the snapshot schema"):
        load_snapshot(path)


def test_rejudged_record_round_trips(tmp_path: Path) -> None:
    snapshot = dataclasses.replace(sample_snapshot(), rejudged=REJUDGED)
    write_snapshot(snapshot, tmp_path / "snapshot.json")
    document = json.loads((tmp_path / "snapshot.json").read_text())
    assert document["rejudged"]["from_profile"] == {"name": "university-baseline", "version": "1.1.0"}
    assert load_snapshot(tmp_path / "snapshot.json") == snapshot


def test_summary_is_derived_not_read(tmp_path: Path) -> None:
    document = make_document([], [])
    expected = document["summary"]
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps({**document, "summary": {**expected, "blocking": 99, "exit_code": 1}}))
    assert snapshot_to_json(load_snapshot(path))["summary"] == expected


def test_a_fingerprint_that_does_not_match_its_finding_is_refused(tmp_path: Path) -> None:
    document = snapshot_to_json(sample_snapshot())
    document["findings"][1]["fingerprint"] = "0" * 24
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SnapshotError, match=r"snapshot.json: at findings/1: fingerprint 0+ does not match"):
        load_snapshot(path)


def test_a_result_naming_an_unknown_finding_is_refused() -> None:
    document = snapshot_to_json(sample_snapshot())
    document["results"][2]["findings"] = ["f" * 24]
    with pytest.raises(SnapshotError, match=r"^doc: at results/2/findings/0: no finding has fingerprint f+"):
        snapshot_from_json(document, "doc")
