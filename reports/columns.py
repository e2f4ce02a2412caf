"""A fleet's per-target figures in columns: a few bytes a target, not a Python object per target.

A report's pages show for every target its counts (results per status, open findings per
severity, waived findings, findings per phase), its owner and its page. A dict of a record
per target costs about a kilobyte a target; here a target is an ordinal (its place in the
snapshot's targets), each count a column of small integers indexed by ordinal, and the owner a
small integer into the tuple of distinct owners: the figures of 10,000 targets take well under
a megabyte. Names stay where the snapshot keeps them (``Snapshot.targets``).
"""

from __future__ import annotations

import itertools
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.store.model import TargetRecord

# Array type codes from the narrowest: a column starts at one byte a target and widens only when a
# count outgrows it (a target with 300 findings makes its column two bytes wide, for every target).
_WIDER = {"B": "H", "H": "I", "I": "q"}


class Column:
    """One non-negative integer per target ordinal (0 until set), in the narrowest array that holds them."""

    __slots__ = ("_cells",)

    def __init__(self) -> None:
        """Every ordinal at 0."""
        self._cells: array[int] = array("B")

    def __getitem__(self, ordinal: int) -> int:
        cells = self._cells
        return cells[ordinal] if ordinal < len(cells) else 0

    def set(self, ordinal: int, value: int) -> None:
        """Set the integer of ``ordinal`` (the ordinals before it that were never set stay 0)."""
        cells = self._cells
        if ordinal >= len(cells):
            cells.extend(itertools.repeat(0, ordinal + 1 - len(cells)))
        while True:
            try:
                cells[ordinal] = value
                return
            except OverflowError:  # too large for this width: widen the whole column once
                cells = self._cells = array(_WIDER[cells.typecode], cells)


class CountColumns:
    """``width`` counts per target ordinal, a column each (results per status, findings per severity...)."""

    __slots__ = ("_columns",)

    def __init__(self, width: int) -> None:
        """Every count of every ordinal at 0."""
        self._columns = tuple(Column() for _ in range(width))

    def set(self, ordinal: int, counts: Sequence[int]) -> None:
        """The counts of ``ordinal`` (zeros are not stored: a column only grows to its last non-zero count)."""
        for column, count in zip(self._columns, counts, strict=True):
            if count:
                column.set(ordinal, count)

    def row(self, ordinal: int) -> tuple[int, ...]:
        """The counts of ``ordinal``."""
        return tuple(column[ordinal] for column in self._columns)

    def total(self, ordinal: int) -> int:
        """The sum of ``ordinal``'s counts."""
        return sum(column[ordinal] for column in self._columns)


class TargetIndex:
    """Target name <-> ordinal: the snapshot's targets (ordinal = place in ``Snapshot.targets``), then any
    target only results or findings name, numbered as they are met.

    Names are looked up by binary search over the ordinals sorted by name (4 bytes a target), not in
    a dict of every name. Two targets of one name would merge their pages, so they are refused.
    """

    def __init__(self, records: Sequence[TargetRecord]) -> None:
        """Index ``records`` (a snapshot's targets); ``ValueError`` when a name is listed twice."""
        self._records = records
        self._extra: list[str] = []  # names only results or findings give, ordinals from len(records) on
        self._by_name: array[int] = array("I", sorted(range(len(records)), key=self.name))
        for first, second in itertools.pairwise(self._by_name):
            if self.name(first) == self.name(second):
                raise ValueError(f"the snapshot lists target {self.name(first)!r} twice: their pages would merge")
        self._last: tuple[str, int] = ("", -1)  # findings come target by target: the same name is asked again

    def name(self, ordinal: int) -> str:
        """The name of target ``ordinal``."""
        known = len(self._records)
        return self._records[ordinal].name if ordinal < known else self._extra[ordinal - known]

    def record(self, ordinal: int) -> TargetRecord | None:
        """The inventory record of target ``ordinal`` (None for a target only results or findings name)."""
        return self._records[ordinal] if ordinal < len(self._records) else None

    def find(self, name: str) -> int | None:
        """The ordinal of ``name`` (None for a name never indexed)."""
        if self._last[0] == name and self._last[1] >= 0:
            return self._last[1]
        position = bisect_left(self._by_name, name, key=self.name)
        if position < len(self._by_name) and self.name(self._by_name[position]) == name:
            self._last = (name, self._by_name[position])
            return self._by_name[position]
        return None

    def add(self, name: str) -> int:
        """The ordinal of ``name``, numbering it after every other when it is new."""
        found = self.find(name)
        if found is not None:
            return found
        ordinal = len(self._records) + len(self._extra)
        self._extra.append(name)
        self._by_name.insert(bisect_left(self._by_name, name, key=self.name), ordinal)
        return ordinal

    def __len__(self) -> int:
        return len(self._by_name)

    def run_order(self) -> Iterator[int]:
        """Every ordinal: the snapshot's targets in run order, then the others by name."""
        known = len(self._records)
        yield from range(known)
        yield from sorted(range(known, len(self)), key=self.name)

    def by_name(self) -> Sequence[int]:
        """Every ordinal, in name order."""
        return self._by_name


class TargetOwners(Mapping[str, str]):
    """Target name -> owner, for the targets that name one: an owner is a small integer a target."""

    def __init__(self, index: TargetIndex, records: Sequence[TargetRecord]) -> None:
        """The owners ``records`` (the snapshot's targets, indexed by ``index``) name."""
        self._index = index
        self.names: tuple[str, ...] = tuple(sorted({record.target.owner for record in records if record.target.owner}))
        """Every owner named, sorted."""
        number = {owner: place + 1 for place, owner in enumerate(self.names)}  # 0: no owner
        self._ids = Column()
        for ordinal, record in enumerate(records):
            if record.target.owner:
                self._ids.set(ordinal, number[record.target.owner])

    def id_of(self, ordinal: int) -> int:
        """The owner of target ``ordinal``: 0 for none, else its place in ``names`` plus one."""
        return self._ids[ordinal]

    def of(self, ordinal: int) -> str:
        """The owner of target ``ordinal`` ("" for none)."""
        owner = self._ids[ordinal]
        return self.names[owner - 1] if owner else ""

    def __getitem__(self, name: str) -> str:
        ordinal = self._index.find(name)
        owner = self.of(ordinal) if ordinal is not None else ""
        if not owner:
            raise KeyError(name)
        return owner

    def __iter__(self) -> Iterator[str]:
        index = self._index
        return (index.name(ordinal) for ordinal in index.run_order() if self._ids[ordinal])

    def __len__(self) -> int:
        return sum(1 for ordinal in range(len(self._index)) if self._ids[ordinal])
