"""Check results and findings on disk while a run goes on, so memory does not grow with the fleet.

Each target's results leave memory when its audit ends: they are appended as one JSON line to
a file in the run's private spool folder (``FactSpool``), and their findings, each on a line of
its own, to another (a page or a worst-first output decodes one finding without the rest); only
a few counts per target stay in memory. ``Snapshot.results`` and ``Snapshot.findings``
of a spooled run are the read-only sequences ``SpooledResults`` and ``SpooledFindings``:
they read the spool back one target at a time, in the run's target order, so everything that
iterates a snapshot (the writer of ``snapshot.json``, the summary, diff, merge, the reporters)
reads a spooled snapshot as it reads one held in memory, and finds the same records.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import operator
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, overload

from auditor.models import CheckResult, Finding, Severity, Status
from auditor.store.decode import decode_finding
from auditor.store.model import FindingStore, ResultStore, TargetStore
from auditor.store.spool_index import SpoolIndex

_STATUS = {status.value: status for status in Status}
Item = TypeVar("Item", CheckResult, Finding)
# Targets whose results stay decoded: pages re-read the few members they list, often of the same hosts.
_RECENT = 32


@dataclass(frozen=True, slots=True)
class SpooledTarget:
    """Where one target's results and findings are, and the counts that spare reading them (a row of
    the spool's index, made when asked for)."""

    offset: int  # its results' line
    length: int
    findings_offset: int  # its findings' block: a line of ranks and check order, then a line per finding
    findings_length: int
    results: int
    findings: int
    severities: int  # bit ``rank`` set for each severity among its findings: worst-first reads only those

    def has(self, severity: Severity) -> bool:
        """True when the target has a finding of ``severity``."""
        return bool(self.severities >> severity.rank & 1)


def _block_header(findings: Sequence[Finding]) -> bytes:
    """The first line of a target's findings block: each finding's severity rank (a digit each), then
    the finding indexes in check, resource order, so worst-first reads decode only what they list."""
    if not findings:
        return b""  # no block at all
    ranks = "".join(str(finding.severity.rank) for finding in findings)
    order = sorted(range(len(findings)), key=lambda index: (findings[index].check_id, findings[index].resource))
    return f"{ranks} {','.join(map(str, order))}\n".encode("ascii")


def _read_header(line: bytes) -> tuple[bytes, list[int]]:
    """(each finding's rank as an ASCII digit, finding indexes in check order) from a block's first line."""
    ranks, order = line.split(b" ")
    return ranks, [int(index) for index in order.split(b",")]


def _encode(result: CheckResult) -> dict[str, Any]:
    """A result with the number of its findings (they are on lines of their own, in result order)."""
    data = result.to_dict()
    data["findings"] = len(result.findings)
    return data


def _encode_finding(finding: Finding) -> dict[str, Any]:
    data = finding.to_dict()
    if finding.waiver is not None:  # the snapshot document drops where a waiver was declared; the spool keeps it
        data["waiver"]["source"] = finding.waiver.source
    return data


def _decode_finding(item: dict[str, Any], place: str) -> Finding:
    finding = decode_finding(item, "results spool", place)
    if finding.waiver is not None and item["waiver"].get("source"):
        finding = _with_waiver_source(finding, item["waiver"]["source"])
    return finding


def _decode(data: dict[str, Any], findings: Iterator[Finding]) -> CheckResult:
    """A result, with its findings taken from ``findings`` (the target's, in result order)."""
    return CheckResult(check_id=sys.intern(data["check_id"]), target=sys.intern(data["target"]),
                       status=_STATUS[data["status"]], measures=tuple(data["measures"]), reason=data["reason"],
                       findings=tuple(itertools.islice(findings, data["findings"])), details=dict(data["details"]))


def _line(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _with_waiver_source(finding: Finding, source: str) -> Finding:
    assert finding.waiver is not None
    return dataclasses.replace(finding, waiver=dataclasses.replace(finding.waiver, source=source))


class ResultSpool:
    """Targets' check results in a JSON Lines file of the run's private spool folder.

    Thread-safe: the runner's threads add targets as they finish. ``close()`` removes the file.
    """

    def __init__(self, folder: Path):
        """``folder``: the run's private spool folder (made by ``FactSpool``, mode 0700)."""
        self._path = folder / "results.jsonl"
        self._file = self._path.open("w+b")
        self._findings_path = folder / "findings.jsonl"  # each finding on a line of its own, a block a target
        self._findings_file = self._findings_path.open("w+b")
        self._index = SpoolIndex(len(dataclasses.fields(SpooledTarget)))
        self._recent: OrderedDict[str, tuple[CheckResult, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, target: str, results: Sequence[CheckResult]) -> None:
        """Spool one target's results, each finding on a line of its own; a target is added once."""
        line = _line([_encode(result) for result in results])
        findings = [finding for result in results for finding in result.findings]
        block = _block_header(findings) + b"".join(_line(_encode_finding(finding)) for finding in findings)
        severities = functools.reduce(operator.or_, (1 << finding.severity.rank for finding in findings), 0)
        with self._lock:
            if target in self._index:
                raise ValueError(f"results of {target} spooled twice")
            self._file.seek(0, os.SEEK_END)
            self._findings_file.seek(0, os.SEEK_END)
            self._index.add(target, (self._file.tell(), len(line), self._findings_file.tell(), len(block),
                                     len(results), len(findings), severities))
            self._file.write(line)
            self._findings_file.write(block)

    def __contains__(self, target: object) -> bool:
        return target in self._index

    def entry(self, target: str) -> SpooledTarget:
        """The counts of one spooled target."""
        with self._lock:
            return SpooledTarget(*self._index.row(target))

    def target_results(self, target: str) -> tuple[CheckResult, ...]:
        """One target's results, with their findings, read from disk (empty for a target never added)."""
        if target not in self:
            return ()
        entry = self.entry(target)
        if entry.results == 0:
            return ()
        with self._lock:
            if target in self._recent:
                self._recent.move_to_end(target)
                return self._recent[target]
            self._file.flush()
            self._file.seek(entry.offset)
            data = self._file.read(entry.length)
        findings = iter(self.findings_of(target, range(entry.findings)))
        results = tuple(_decode(item, findings) for item in json.loads(data))
        with self._lock:
            self._recent[target] = results
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
        return results

    def findings_of(self, target: str, indexes: Iterable[int]) -> list[Finding]:
        """Some findings of ``target`` by their index among its findings, each line decoded alone."""
        lines = self._block(target)
        return [_decode_finding(json.loads(lines[1 + index]), f"{target}/findings/{index}") for index in indexes]

    def worst_first_of(self, target: str, severity: Severity) -> list[Finding]:
        """``target``'s findings of ``severity``, in check and resource order; only those are decoded."""
        lines = self._block(target)
        ranks, order = _read_header(lines[0])
        rank = ord(str(severity.rank))
        return [_decode_finding(json.loads(lines[1 + index]), f"{target}/findings/{index}")
                for index in order if ranks[index] == rank]

    def _block(self, target: str) -> list[bytes]:
        """The lines of ``target``'s findings block (its header first)."""
        entry = self.entry(target)
        with self._lock:
            self._findings_file.flush()
            self._findings_file.seek(entry.findings_offset)
            return self._findings_file.read(entry.findings_length).split(b"\n")

    def results(self, order: Sequence[str]) -> SpooledResults:
        """Every spooled result, target by target in ``order`` (the run's target order)."""
        return SpooledResults(self, tuple(order))

    def findings(self, order: Sequence[str]) -> SpooledFindings:
        """Every spooled finding, target by target in ``order``."""
        return SpooledFindings(self, tuple(order))

    def close(self) -> None:
        """Remove the spool file; nothing can be read afterwards."""
        with self._lock:
            self._file.close()
            self._findings_file.close()
            self._index.clear()
            self._recent.clear()
        self._path.unlink(missing_ok=True)
        self._findings_path.unlink(missing_ok=True)


class _Spooled(TargetStore[Item]):
    """A read-only sequence read from a ``ResultSpool`` one target at a time (never all at once)."""

    def __init__(self, spool: ResultSpool, order: tuple[str, ...]):
        self._spool = spool
        self._order = tuple(target for target in order if target in spool)

    def _count(self, entry: SpooledTarget) -> int:
        raise NotImplementedError

    def _items(self, target: str) -> Sequence[Item]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Item]:
        for _, items in self.by_target():
            yield from items

    def by_target(self) -> Iterator[tuple[str, Sequence[Item]]]:
        """(target, its items), one target read at a time, in the run's target order."""
        for target in self._order:
            if self._count(self._spool.entry(target)):
                yield target, self._items(target)

    def of_target(self, target: str) -> Sequence[Item]:
        """One target's items, read from disk (the last few targets read stay decoded)."""
        return self._items(target) if target in self._spool else ()

    def __len__(self) -> int:
        return sum(self._count(self._spool.entry(target)) for target in self._order)

    @overload
    def __getitem__(self, index: int) -> Item: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | Sequence[Item]:
        if isinstance(index, slice):
            return tuple(self)[index]
        position = index + len(self) if index < 0 else index
        for target in self._order:
            count = self._count(self._spool.entry(target))
            if 0 <= position < count:
                return self._items(target)[position]
            position -= count
        raise IndexError(index)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence holding the same records in the same order (a tuple of a loaded snapshot)."""
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to tuples, so never a key

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)} from {len(self._order)} targets>"


class SpooledResults(_Spooled[CheckResult], ResultStore):
    """A spooled run's check results, in the run's target order."""

    def _count(self, entry: SpooledTarget) -> int:
        return entry.results

    def _items(self, target: str) -> Sequence[CheckResult]:
        return self._spool.target_results(target)


class SpooledFindings(_Spooled[Finding], FindingStore):
    """A spooled run's findings (those of its results, in order), sorting themselves a target at a time."""

    def _count(self, entry: SpooledTarget) -> int:
        return entry.findings

    def _items(self, target: str) -> Sequence[Finding]:
        return [finding for result in self._spool.target_results(target) for finding in result.findings]

    def worst_first(self) -> Iterator[Finding]:
        """Every finding in ``finding_order`` with one target's findings in memory at a time.

        The order is severity, then target name, then check and resource: so for each severity,
        worst first, the targets holding findings of it are read in name order and theirs sorted.
        """
        by_name = sorted(self._order)
        for severity in sorted(Severity, reverse=True):
            for target in by_name:
                if self._spool.entry(target).has(severity):
                    # Only the findings of this severity are decoded: not all of them once per severity.
                    yield from self._spool.worst_first_of(target, severity)

    def at(self, target: str, index: int) -> Finding:
        """The ``index``-th finding of ``target``, decoded alone."""
        return self._spool.findings_of(target, (index,))[0]
