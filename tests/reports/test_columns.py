"""Per-target counts in columns: exact at any size, names found by ordinal, a name listed twice refused."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.reports.columns import Column, TargetIndex
from auditor.reports.html import write_run_reports
from testkit.snapshots import sample_snapshot


def test_a_column_widens_when_a_count_outgrows_it_and_keeps_every_count() -> None:
    column = Column()
    values = {0: 3, 5: 255, 7: 256, 9: 70_000, 12: 2**40}
    for ordinal, value in values.items():
        column.set(ordinal, value)
    assert [column[o] for o in range(15)] == [values.get(o, 0) for o in range(15)]


def test_the_index_finds_every_name_and_numbers_new_ones_after_the_snapshots() -> None:
    records = sample_snapshot().targets  # web1, db1
    index = TargetIndex(records)
    assert [index.find(record.name) for record in records] == [0, 1] and index.find("nope") is None
    assert index.add("a-extra") == 2 and index.add("z-extra") == 3 and index.add("db1") == 1
    assert [index.name(o) for o in index.by_name()] == ["a-extra", "db1", "web1", "z-extra"]
    assert list(index.run_order()) == [0, 1, 2, 3] and index.record(2) is None


def test_a_target_listed_twice_is_refused_before_any_page_is_written(tmp_path) -> None:
    snapshot = sample_snapshot()
    twice = dataclasses.replace(snapshot, targets=(*snapshot.targets, snapshot.targets[0]))
    with pytest.raises(ValueError, match="lists target 'web1' twice"):
        write_run_reports(twice, tmp_path)
    assert list(tmp_path.iterdir()) == []
