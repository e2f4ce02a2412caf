"""snapshot.json written in pieces: the same bytes as one document, checked item by item, facts from a spool."""

from __future__ import annotations

import dataclasses
import json

import pytest

from auditor.errors import SnapshotError
from auditor.store.codec import load_snapshot, snapshot_to_json, write_snapshot
from auditor.store.model import FactRecord
from auditor.store.spool import FactSpool, raw_record
from testkit.snapshots import sample_snapshot


def test_a_spooled_snapshot_is_written_byte_for_byte_as_one_in_memory(tmp_path):
    snapshot = sample_snapshot()
    write_snapshot(snapshot, tmp_path / "memory.json")
    spool = FactSpool(tmp_path)
    for target, facts in snapshot.facts.items():
        spool.add(target, {name: raw_record(record) for name, record in facts.items()})
    write_snapshot(dataclasses.replace(snapshot, facts=spool), tmp_path / "spooled.json")
    spool.close()
    whole = json.JSONEncoder(indent=1, ensure_ascii=False).encode(snapshot_to_json(snapshot)) + "\n"
    assert (tmp_path / "memory.json").read_text() == (tmp_path / "spooled.json").read_text() == whole
    assert load_snapshot(tmp_path / "spooled.json") == load_snapshot(tmp_path / "memory.json")


@pytest.mark.parametrize(("member", "place"), [("findings", "findings/0/evidence"), ("facts", "facts/web1/tls/status")])
def test_a_bad_item_stops_the_write_and_leaves_no_file(tmp_path, member, place):
    snapshot = sample_snapshot()
    if member == "findings":
        broken = dataclasses.replace(snapshot.findings[0], evidence={"expected": 7})  # not a string
        snapshot = dataclasses.replace(snapshot, findings=(broken, *snapshot.findings[1:]))
    else:
        snapshot = dataclasses.replace(snapshot, facts={"web1": {"tls": FactRecord("lost")}})  # no such status
    with pytest.raises(SnapshotError, match=f"does not match the snapshot schema at {place}"):
        write_snapshot(snapshot, tmp_path / "snapshot.json")
    assert not list(tmp_path.iterdir())
