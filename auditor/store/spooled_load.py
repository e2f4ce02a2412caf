"""Reading a snapshot file into a spool, so a fleet's previous run is never whole in memory.

``load_snapshot`` parses a whole document: for a 10,000-host run, a 400 MB file becomes
gigabytes of objects. ``load_spooled`` streams the file (``JsonStream``) into a ``FactSpool``:
facts go to it target by target, findings to a scratch file indexed by fingerprint, results
wait on another scratch file until the findings are read (they come after the results), then
each target's results with their findings go to the spool's results. Every item is checked
against the schema as it is read, the rest of the document as a whole; the snapshot returned
is the one ``load_snapshot`` returns (its records read back from disk a target at a time).

A document this cannot stream as the run wrote it (an older schema version, a target's results
not together, findings not in their results' order or not all referenced by a result) is
read whole instead: the result is the same, only the memory differs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from auditor.errors import SnapshotError
from auditor.models import CheckResult, Finding
from auditor.store.codec import load_snapshot, validate_document
from auditor.store.decode import decode_finding, decode_result, decode_snapshot
from auditor.store.jsonstream import JsonStream
from auditor.store.model import Snapshot
from auditor.store.spool import FactSpool
from auditor.store.spool_index import SpoolIndex
from auditor.store.validation import SCHEMA_VERSION, validate_item

_STREAMED = ("results", "findings", "facts")


class _NotStreamable(Exception):
    """The document is valid as far as read, but not in the shape a run writes: read it whole."""


@contextlib.contextmanager
def load_spooled(path: str | Path, folder: Path) -> Iterator[Snapshot]:
    """The snapshot in ``path``, its facts, results and findings spooled under ``folder`` while in use.

    Raises SnapshotError as ``load_snapshot`` does; the spool is removed when the block ends.
    """
    spool = FactSpool(folder)
    try:
        try:
            snapshot = _stream(Path(path), spool)
        except _NotStreamable:
            spool.close()
            spool = FactSpool(folder)  # nothing of the first attempt is kept
            snapshot = load_snapshot(path)
        yield snapshot
    finally:
        spool.close()


def _stream(path: Path, spool: FactSpool) -> Snapshot:
    name = str(path)
    try:
        text = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(name, "file not found") from None
    except OSError as exc:
        raise SnapshotError(name, f"cannot read: {exc}") from None
    with text, _Scratch(spool.folder / "findings-by-print.jsonl") as findings, \
            _Scratch(spool.folder / "results-waiting.jsonl") as results:
        try:
            rest = _read_members(JsonStream(text, name), name, spool, findings, results)
        except UnicodeDecodeError as exc:
            raise SnapshotError(name, f"cannot read: {exc}") from None
        validate_document(rest, name)  # its streamed members stand empty there: their items were checked
        order = _spool_results(results, findings, spool, name)
        base = decode_snapshot(rest, name)
    return dataclasses.replace(base, results=spool.results.results(order), findings=spool.results.findings(order),
                               facts=spool)


def _read_members(stream: JsonStream, name: str, spool: FactSpool, findings: _Scratch,
                  results: _Scratch) -> dict[str, Any]:
    """Every member: the streamed ones to their files (left empty in what is returned), the rest returned."""
    rest: dict[str, Any] = {}
    for position, key in enumerate(stream.members()):
        if position == 0 and (key != "schema_version" or _version(rest, stream) != SCHEMA_VERSION):
            raise _NotStreamable  # an older version's items follow the older schema: read it whole
        if key == "schema_version":
            continue
        if key in _STREAMED:
            rest[key] = {} if key == "facts" else []
        if key == "results":
            for index, item in enumerate(stream.items()):
                validate_item("results", item, name, index)
                results.add(item)
        elif key == "findings":
            for index, item in enumerate(stream.items()):
                validate_item("findings", item, name, index)
                finding = decode_finding(item, name, f"findings/{index}")  # checks its fingerprint
                findings.add(item, finding.fingerprint)
        elif key == "facts":
            for target, facts in stream.entries():
                validate_item("facts", facts, name, target)
                if target in spool:
                    raise _NotStreamable  # a repeated key: JSON keeps the last, as a whole read would
                spool.add(target, facts)
        else:
            rest[key] = stream.value()
    if "schema_version" not in rest:
        raise SnapshotError(name, "not an auditor snapshot (no schema_version)")
    return rest


def _version(rest: dict[str, Any], stream: JsonStream) -> object:
    """Read the ``schema_version`` member's value into ``rest`` and return it."""
    rest["schema_version"] = version = stream.value()
    return version


def _spool_results(results: _Scratch, findings: _Scratch, spool: FactSpool, name: str) -> list[str]:
    """Each target's waiting results, with their findings, into the spool; the targets in order."""
    order: list[str] = []
    group: list[CheckResult] = []
    expected = 0  # the next finding in document order: results must reference them in that order

    def lookup(fingerprint: str) -> Finding:
        nonlocal expected
        ordinal, finding = findings.finding(fingerprint, name)
        if ordinal != expected:
            raise _NotStreamable
        expected += 1
        return finding

    for index, item in enumerate(results.items()):
        if order and item["target"] != order[-1]:
            _add(spool, order[-1], group)
            group = []
        if not order or item["target"] != order[-1]:
            order.append(item["target"])
        group.append(decode_result(item, _Lookup(lookup, findings), name, f"results/{index}"))
    if order:
        _add(spool, order[-1], group)
    if expected != len(findings):
        raise _NotStreamable  # findings no result lists: a whole read keeps them
    return order


def _add(spool: FactSpool, target: str, results: list[CheckResult]) -> None:
    if target in spool.results:
        raise _NotStreamable  # a target's results are not together
    spool.results.add(target, results)


class _Lookup(Mapping[str, Finding]):
    """Fingerprint -> finding, read from the scratch file as results name them."""

    def __init__(self, read: Callable[[str], Finding], findings: _Scratch):
        self._read = read
        self._findings = findings

    def __getitem__(self, fingerprint: str) -> Finding:
        return self._read(fingerprint)

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self._findings

    def __iter__(self) -> Iterator[str]:
        return iter(self._findings.keys())

    def __len__(self) -> int:
        return len(self._findings)


class _Scratch:
    """A scratch JSON Lines file in the spool's private folder: items added, read back in order or by key."""

    def __init__(self, path: Path):
        self._path = path
        self._file: IO[bytes] | None = None
        self._index = SpoolIndex(3)  # key -> (ordinal, offset, length)
        self._count = 0

    def __enter__(self) -> _Scratch:
        self._file = self._path.open("w+b")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._file is not None
        self._file.close()
        self._path.unlink(missing_ok=True)

    def add(self, item: Any, key: str | None = None) -> None:
        """Append ``item``; with ``key``, it can be found by it (a repeated key: not streamable)."""
        assert self._file is not None
        line = json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        if key is not None:
            if key in self._index:
                raise _NotStreamable  # two findings with one fingerprint
            self._index.add(key, (self._count, self._file.tell(), len(line)))
        self._file.write(line)
        self._count += 1

    def items(self) -> Iterator[Any]:
        """Every item, in the order added."""
        assert self._file is not None
        self._file.flush()
        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)
        self._file.seek(0, os.SEEK_END)

    def finding(self, key: str, name: str) -> tuple[int, Finding]:
        """The finding added with ``key`` and its ordinal (KeyError if none)."""
        assert self._file is not None
        ordinal, offset, length = self._index.row(key)
        self._file.flush()
        self._file.seek(offset)
        item = json.loads(self._file.read(length))
        self._file.seek(0, os.SEEK_END)
        return ordinal, decode_finding(item, name, f"findings/{ordinal}")

    def keys(self) -> Iterator[str]:
        """The keys, in the order added."""
        return iter(self._index)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __len__(self) -> int:
        return self._count
