"""The fleet's hosts as the pages list them: counts in columns, rows made only for the hosts a page prints.

A ``HostRow`` (six strings and three counts) is made when a page asks for it, from the target's
ordinal: its counts (``columns``), its inventory record (``Snapshot.targets``) and its page name
(``host_file``, a hash of the name: cheap to make again). The worst-first order of the whole
fleet is one array of ordinals.

Host and owner pages are named from a slug and a short hash of the name (``host-web01-3f2a9c1e5b07.html``):
safe (letters, digits and dashes only), unique (the hash tells ``web 01`` from ``web-01``) and
stable across runs, and never a path taken from collected text.
"""

from __future__ import annotations

import functools
import hashlib
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import overload

from auditor.models import CheckResult, Severity, Status
from auditor.reports.columns import CountColumns, TargetIndex, TargetOwners
from auditor.reports.tally import FindingCounts

_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
_CLEAN = (0,) * len(Severity)  # the sort key of every host without open findings: one tuple, shared


def page_name(prefix: str, name: str) -> str:
    """``prefix-slug-hash12.html`` for a host or owner ``name``: a bare, safe file name."""
    slug = _SLUG_UNSAFE.sub("-", name.lower()).strip("-")[:40].strip("-") or "x"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]  # 48 bits: no collision in any fleet
    return f"{prefix}-{slug}-{digest}.html"


def host_file(name: str) -> str:
    """The page of one target."""
    return page_name("host", name)


def owner_file(name: str) -> str:
    """The page of one owner (lab, team)."""
    return page_name("owner", name)


@dataclass(frozen=True, slots=True)
class HostRow:
    """One target in a list of hosts, with the counts that rank it."""

    name: str
    file: str
    kind: str
    address: str
    owner: str
    owner_file: str
    severities: tuple[int, ...]  # open findings per severity, critical first
    statuses: tuple[int, ...]  # results per status, in Status order
    waived: int

    @property
    def open_findings(self) -> int:
        """Open findings of every severity."""
        return sum(self.severities)

    def worst_first(self) -> tuple[tuple[int, ...], str]:
        """Sort key: most critical findings first, then most high, ... then name."""
        return tuple(-count for count in self.severities), self.name


class HostFiles(Mapping[str, str]):
    """Target name -> its page, for every target of the run (templates look links up here), made when asked."""

    def __init__(self, index: TargetIndex) -> None:
        """The pages of the targets of ``index``."""
        self._index = index

    def __getitem__(self, name: str) -> str:
        if self._index.find(name) is None:
            raise KeyError(name)
        return host_file(name)

    def __iter__(self) -> Iterator[str]:
        return (self._index.name(ordinal) for ordinal in self._index.run_order())

    def __len__(self) -> int:
        return len(self._index)


@dataclass(frozen=True)
class HostTable:
    """Every target's row, made on demand from the run's columns; the fleet worst first as ordinals."""

    index: TargetIndex
    owners: TargetOwners
    statuses: CountColumns  # results per status, in Status order
    findings: FindingCounts

    def row(self, ordinal: int) -> HostRow:
        """The row of target ``ordinal``."""
        name = self.index.name(ordinal)
        record = self.index.record(ordinal)
        target = record.target if record is not None else None
        owner = self.owners.of(ordinal)
        return HostRow(
            name=name, file=host_file(name), kind=target.kind.value if target else "",
            address=(target.address or "") if target else "", owner=owner,
            owner_file=owner_file(owner) if owner else "",
            severities=self.findings.severities.row(ordinal), statuses=self.statuses.row(ordinal),
            waived=self.findings.waived[ordinal],
        )

    def row_of(self, name: str) -> HostRow:
        """The row of the target named ``name`` (``KeyError`` for a name not in the run)."""
        ordinal = self.index.find(name)
        if ordinal is None:
            raise KeyError(name)
        return self.row(ordinal)

    def __len__(self) -> int:
        return len(self.index)

    @functools.cached_property
    def worst_first(self) -> Sequence[int]:
        """Every ordinal: most critical open findings first, then most high, ... then name."""
        severities = self.findings.severities

        def key(ordinal: int) -> tuple[int, ...]:
            row = severities.row(ordinal)
            return tuple(-count for count in row) if any(row) else _CLEAN

        # A stable sort of the name order by counts alone: ties stay in name order, as the key (counts, name) has them.
        return array("I", sorted(self.index.by_name(), key=key))

    def rows(self, ordinals: Iterable[int]) -> tuple[HostRow, ...]:
        """The rows of ``ordinals``, in that order."""
        return tuple(map(self.row, ordinals))

    def of_owner(self, owner: str) -> HostRows:
        """The targets of ``owner``, worst first."""
        number = self.owners.names.index(owner) + 1 if owner in self.owners.names else -1
        return HostRows(self, array("I", (o for o in self.worst_first if self.owners.id_of(o) == number)))


class HostRows(Sequence[HostRow]):
    """Some targets' rows in a given order, each made when a page reads it (an owner's hosts)."""

    def __init__(self, table: HostTable, ordinals: Sequence[int]) -> None:
        """The rows of ``ordinals``, in that order."""
        self._table = table
        self._ordinals = ordinals

    @overload
    def __getitem__(self, index: int) -> HostRow: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[HostRow]: ...

    def __getitem__(self, index: int | slice) -> HostRow | Sequence[HostRow]:
        if isinstance(index, slice):
            return HostRows(self._table, self._ordinals[index])
        return self._table.row(self._ordinals[index])

    def __len__(self) -> int:
        return len(self._ordinals)

    def __iter__(self) -> Iterator[HostRow]:
        return map(self._table.row, self._ordinals)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same rows in the same order (a tuple of rows)."""
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to tuples, so never a key


def status_columns(results_by_target: Iterable[tuple[str, Sequence[CheckResult]]], index: TargetIndex) -> CountColumns:
    """Results per status (in ``Status`` order) of every target, in columns; a target only results name is added."""
    columns = CountColumns(len(Status))
    column_of = {status: column for column, status in enumerate(Status)}
    for target, results in results_by_target:
        counts = [0] * len(Status)
        for result in results:
            counts[column_of[result.status]] += 1
        columns.set(index.add(target), counts)
    return columns
