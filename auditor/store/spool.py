"""Facts (and check results) on disk while a run goes on, so memory does not grow with the number of targets.

Each target's facts leave memory when its audit ends: they are appended to a JSON Lines file
in a private temporary folder, and the snapshot reads them back one target at a time (the
snapshot writer streams them into ``snapshot.json``). The spool is a read-only mapping
(target name → facts name → record), so everything that reads ``Snapshot.facts`` (diff,
merge, re-judging) reads a spooled snapshot as it reads one loaded from a file. The same
private folder holds the run's check results and findings (``results``, a ``ResultSpool``).
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from auditor.store.model import FactRecord
from auditor.store.results_spool import ResultSpool
from auditor.store.spool_index import SpoolIndex

_PRIVATE = 0o700  # facts name hosts, users and keys: readable by the auditor's user only


def fact_record(raw: Mapping[str, Any]) -> FactRecord:
    """A recorded fact (``{"status", "version"?, "value"?, "reason"?}``) as a typed record."""
    return FactRecord(status=raw["status"], version=raw.get("version"), value=raw.get("value"),
                      reason=raw.get("reason", ""))


def raw_record(record: FactRecord) -> dict[str, Any]:
    """The JSON member of a fact record, as the snapshot document holds it."""
    data: dict[str, Any] = {"status": record.status}
    if record.version is not None:
        data["version"] = record.version
    if record.ok or record.value is not None:
        data["value"] = record.value
    if not record.ok or record.reason:
        data["reason"] = record.reason
    return data


class FactSpool(Mapping[str, Mapping[str, FactRecord]]):
    """Targets' facts in a temporary JSON Lines file: written once per target, read back lazily.

    Thread-safe: the runner's threads add targets as they finish. ``results`` spools their check
    results in the same private folder. ``close()`` removes both files and the folder.
    """

    def __init__(self, folder: Path | None = None):
        """``folder``: where the private temporary folder is made (the system's default otherwise)."""
        self._dir = Path(tempfile.mkdtemp(prefix=".auditor-spool-", dir=folder))
        os.chmod(self._dir, _PRIVATE)
        self._path = self._dir / "facts.jsonl"
        self._file = self._path.open("w+b")
        self._index = SpoolIndex(2)  # target -> (offset, length) of its line
        self._lock = threading.Lock()
        self.results = ResultSpool(self._dir)

    @property
    def folder(self) -> Path:
        """The spool's private folder (mode 0700), removed by ``close``."""
        return self._dir

    def add(self, target: str, facts: Mapping[str, Mapping[str, Any]]) -> None:
        """Spool one target's recorded facts (the runner's JSON form); a target is added once."""
        line = json.dumps(facts, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        with self._lock:
            if target in self._index:
                raise ValueError(f"facts of {target} spooled twice")
            self._file.seek(0, os.SEEK_END)
            self._index.add(target, (self._file.tell(), len(line)))
            self._file.write(line)

    def raw(self, target: str) -> dict[str, Any]:
        """One target's facts as JSON (what ``snapshot.json`` holds), read from disk."""
        with self._lock:
            offset, length = self._index.row(target)
            self._file.flush()
            self._file.seek(offset)
            data = self._file.read(length)
        loaded: dict[str, Any] = json.loads(data)
        return loaded

    def __getitem__(self, target: str) -> Mapping[str, FactRecord]:
        return {name: fact_record(raw) for name, raw in self.raw(target).items()}

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._index))

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, target: object) -> bool:
        return target in self._index

    def close(self) -> None:
        """Remove the spool files and their folder; the mapping is empty afterwards."""
        self.results.close()
        with self._lock:
            self._file.close()
            self._index.clear()
        self._path.unlink(missing_ok=True)
        self._dir.rmdir()
