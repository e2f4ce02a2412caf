"""A history of snapshots: load every run under a directory, tolerate and report broken ones.

A history directory holds one sub-directory per run (``DIR/RUN/snapshot.json``, as
``auditor run --out DIR/RUN`` writes them) or snapshot files directly (``DIR/*.json``).
A corrupt, truncated, foreign or wrongly signed snapshot never stops the page: it is listed
with its reason and the other runs are shown.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from auditor.errors import InputError
from auditor.store.codec import load_snapshot
from auditor.store.jsonstream import JsonStream
from auditor.store.model import Snapshot
from auditor.store.signing import SignatureError, load_verified
from auditor.store.spooled_load import load_spooled


@dataclass(frozen=True)
class HistoryEntry:
    """One snapshot file of the history and what became of it."""

    path: Path
    snapshot: Snapshot | None  # None when it could not be used
    problem: str = ""  # why it could not be used (or why its signature is not trusted)
    signature: str = "not checked"  # "verified" | "not checked" | the verification problem

    @property
    def usable(self) -> bool:
        """True when the snapshot was read and, if a key was given, verified."""
        return self.snapshot is not None and not self.problem


def snapshot_files(directory: Path) -> list[Path]:
    """``DIR/*/snapshot.json`` and ``DIR/*.json``, in name order."""
    return sorted({*directory.glob("*/snapshot.json"), *directory.glob("*.json")})


def history_entries(directory: Path, key: Ed25519PublicKey | None, scratch: Path) -> Iterator[HistoryEntry]:
    """Every snapshot under ``directory``: usable ones in run order, then the broken ones (by path).

    One run at a time: each usable entry's snapshot is spooled under ``scratch`` and readable
    only until the next entry is asked for (a history keeps months of fleet snapshots; never
    hold on to one). With ``key``, each is verified on its whole document, as ``load_verified`` reads it.
    """
    broken: list[HistoryEntry] = []
    for path in sorted(snapshot_files(directory), key=lambda path: (_peek_started_at(path), str(path))):
        with _opened(path, key, scratch) as entry:
            if entry.usable:
                yield entry
            else:
                broken.append(entry)
    yield from sorted(broken, key=lambda entry: entry.path)


def _peek_started_at(path: Path) -> str:
    """When the run in ``path`` started, reading no further than that member ("" if it cannot be read)."""
    try:
        with path.open(encoding="utf-8") as text:
            stream = JsonStream(text, str(path))
            for member in stream.members():
                value = stream.value()
                if member == "started_at":
                    return value if isinstance(value, str) else ""
    except (OSError, UnicodeDecodeError, InputError):
        pass  # the full read says what is wrong with it
    return ""


@contextlib.contextmanager
def _opened(path: Path, key: Ed25519PublicKey | None, scratch: Path) -> Iterator[HistoryEntry]:
    """One history entry, its snapshot spooled while the block runs (verified whole with ``key``)."""
    with contextlib.ExitStack() as stack:
        try:
            if key is not None:
                entry = HistoryEntry(path, load_verified(path, key), signature="verified")
            else:
                entry = HistoryEntry(path, stack.enter_context(load_spooled(path, scratch)))
        except SignatureError as exc:
            # Loudly marked and left out of the trend: an unverified run must not shape the picture.
            entry = HistoryEntry(path, None, f"signature: {exc.detail}", exc.detail)
        except InputError as exc:
            entry = HistoryEntry(path, None, exc.detail)
        yield entry  # outside the ``try``: the block's own errors are not a broken run


@contextlib.contextmanager
def latest_spooled(directory: Path, folder: Path) -> Iterator[Snapshot | None]:
    """The newest readable snapshot under ``directory`` (None if none): what a new run's reports compare with.

    Its facts, results and findings are spooled under ``folder`` while the block runs: a fleet's
    previous run is too large to read whole.
    """
    with contextlib.ExitStack() as stack:
        for path in _newest_first(directory):
            try:
                snapshot = stack.enter_context(load_spooled(path, folder))
            except InputError:
                continue
            yield snapshot  # outside the ``try``: the block's own errors are not a broken run
            return
        yield None


def newest_snapshot(directory: Path, key: Ed25519PublicKey | None = None) -> tuple[Path, Snapshot] | None:
    """The newest snapshot under ``directory`` that can be read (and, with ``key``, verifies), and its path.

    Newest by file time, as ``prune`` ages runs. Only the newest are read, not the whole history
    (a history keeps months of fleet snapshots); a broken or unverified run is passed over (it is
    listed on the history page) and the one before it is used.
    """
    for path in _newest_first(directory):
        try:
            return path, (load_snapshot(path) if key is None else load_verified(path, key))
        except InputError:
            continue
    return None


def _newest_first(directory: Path) -> list[Path]:
    return sorted(snapshot_files(directory), key=lambda path: path.stat().st_mtime, reverse=True)


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest run directories (those holding a snapshot.json).

    Only run directories are ever removed; other files in the history directory are left alone.
    Age is the snapshot file's modification time, which also works for unreadable snapshots.
    """
    if keep < 1:
        raise ValueError("keep at least one run")
    runs = sorted((path.parent for path in directory.glob("*/snapshot.json")),
                  key=lambda run: (run / "snapshot.json").stat().st_mtime, reverse=True)
    removed = runs[keep:]
    for run in removed:
        shutil.rmtree(run)
    return removed
