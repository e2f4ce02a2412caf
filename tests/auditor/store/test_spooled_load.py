"""A snapshot file read into a spool is the snapshot ``load_snapshot`` reads, and so are its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.errors import SnapshotError
from auditor.store.codec import load_snapshot, snapshot_to_json, write_snapshot
from auditor.store.model import TargetStore
from auditor.store.spooled_load import load_spooled
from testkit.large import large_snapshot
from testkit.snapshots import CHECKS, finding, in_target_order, make_document, result, sample_snapshot

CHECK = sorted(CHECKS)[0]


def write_document(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False))
    return path


def assert_reads_as_whole(path: Path, scratch: Path, *, streamed: bool = True) -> None:
    whole = load_snapshot(path)
    with load_spooled(path, scratch) as spooled:
        assert spooled == whole
        assert list(spooled.findings) == list(whole.findings) and list(spooled.results) == list(whole.results)
        assert dict(spooled.facts) == dict(whole.facts)
        assert isinstance(spooled.findings, TargetStore) is streamed  # on disk, or read whole when it must be
        assert spooled.summary == whole.summary
    assert list(scratch.iterdir()) == []  # the spool is gone with the block


def test_snapshots_in_run_order_are_streamed_and_read_as_whole(tmp_path: Path) -> None:
    (tmp_path / "scratch").mkdir()
    for number, snapshot in enumerate((sample_snapshot(), large_snapshot(3000, 120))):
        path = tmp_path / f"snapshot-{number}.json"
        write_snapshot(in_target_order(snapshot), path)
        assert_reads_as_whole(path, tmp_path / "scratch")
        write_snapshot(snapshot, path)  # as built by hand: a target's results apart
        assert_reads_as_whole(path, tmp_path / "scratch", streamed=False)


def test_compact_json_and_a_target_without_findings(tmp_path: Path) -> None:
    found = finding(CHECK, "web1", "sshd", "high")
    results = [result(CHECK, "web1", "fail", [found]), result(CHECK, "db é", "pass")]
    document = make_document(results, [found], targets=("web1", "db é"))
    path = tmp_path / "compact.json"
    path.write_text(json.dumps(document, separators=(",", ":"), ensure_ascii=False))
    (tmp_path / "scratch").mkdir()
    assert_reads_as_whole(path, tmp_path / "scratch")


def test_documents_not_shaped_as_a_run_writes_them_are_read_whole(tmp_path: Path) -> None:
    (tmp_path / "scratch").mkdir()
    document = snapshot_to_json(sample_snapshot())
    assert len(document["findings"]) > 1
    shapes = {
        "findings-reversed": {**document, "findings": document["findings"][::-1]},
        "version-1": {**document, "schema_version": 1},
        "schema-version-last": {**{k: v for k, v in document.items() if k != "schema_version"},
                                "schema_version": 2},
        "results-apart": {**document, "results": document["results"][::-1]},
    }
    for name, shaped in shapes.items():
        path = write_document(tmp_path / f"{name}.json", shaped)
        assert_reads_as_whole(path, tmp_path / "scratch", streamed=False)


def test_an_orphan_finding_is_kept_as_a_whole_read_keeps_it(tmp_path: Path) -> None:
    (tmp_path / "scratch").mkdir()
    document = snapshot_to_json(sample_snapshot())
    for item in document["results"]:
        item["findings"] = item["findings"][:-1] if item["findings"] else item["findings"]
    path = write_document(tmp_path / "orphans.json", document)
    try:
        load_snapshot(path)
    except SnapshotError:
        pytest.skip("the schema or decoder refuses unreferenced findings")
    assert_reads_as_whole(path, tmp_path / "scratch", streamed=False)


@pytest.mark.parametrize("damage", ["truncated", "bad-json", "bad-finding", "bad-fact", "bad-rest", "wrong-print",
                                    "unknown-print", "no-version", "list", "missing"])
def test_bad_files_are_refused_as_a_whole_read_refuses_them(tmp_path: Path, damage: str) -> None:
    (tmp_path / "scratch").mkdir()
    path = tmp_path / "snapshot.json"
    write_snapshot(sample_snapshot(), path)
    document = json.loads(path.read_text())
    if damage == "truncated":
        path.write_text(path.read_text()[: len(path.read_text()) * 2 // 3])
    elif damage == "bad-json":
        path.write_text(path.read_text().replace('"findings": [', '"findings": [,', 1))
    elif damage == "bad-finding":
        document["findings"][1]["severity"] = "dire"
        write_document(path, document)
    elif damage == "bad-fact":
        next(iter(document["facts"].values()))["tls"] = {"status": "lost"}
        write_document(path, document)
    elif damage == "bad-rest":
        document["tool"] = {}
        write_document(path, document)
    elif damage == "wrong-print":
        document["findings"][0]["fingerprint"] = "0" * 64
        write_document(path, document)
    elif damage == "unknown-print":
        next(r for r in document["results"] if r["findings"])["findings"][0] = "f" * 64
        write_document(path, document)
    elif damage == "no-version":
        del document["schema_version"]
        write_document(path, document)
    elif damage == "list":
        path.write_text("[1, 2]")
    else:
        path.unlink()
    with pytest.raises(SnapshotError) as whole:
        load_snapshot(path)
    with pytest.raises(SnapshotError) as spooled, load_spooled(path, tmp_path / "scratch"):
        pass
    assert type(spooled.value) is type(whole.value)
    assert spooled.value.path == whole.value.path == str(path)
    assert list((tmp_path / "scratch").iterdir()) == []
