"""Where a run writes: a folder of its own, never another run's.

``run --out DIR`` takes a new or empty folder (a reused one would mix a new snapshot with an
old run's pages); ``run --history DIR`` gives every run a folder of its own, named by its UTC
start and made unique when two runs start within the same second. Folders are created with
the process umask, history folders at most 0750: an institution's posture is sensitive.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from auditor.errors import InputError

HISTORY_MODE = 0o750


class OutputError(InputError):
    """An output folder cannot be used (it is a file, or holds another run's output)."""


def utc_stamp(moment: dt.datetime | None = None) -> str:
    """A run's name: its UTC start to the second, e.g. ``20261203T023000Z``."""
    return f"{(moment or dt.datetime.now(dt.UTC)):%Y%m%dT%H%M%SZ}"


def claim_output_dir(path: Path) -> Path:
    """``path`` as a new or empty folder for one run's outputs (created if missing)."""
    if path.exists() and not path.is_dir():
        raise OutputError(str(path), "exists and is not a folder")
    if path.is_dir():
        if any(path.iterdir()):
            raise OutputError(str(path), "already holds files (another run's output?); give a new or empty folder")
        return path  # an empty folder the user prepared
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir()  # exclusive: two runs started together are never handed the same new folder
    except FileExistsError:
        raise OutputError(str(path), "was just created by another run; give a new folder") from None
    return path


def new_run_dir(history: Path) -> Path:
    """A folder of its own under ``history`` for one run: ``STAMP``, else ``STAMP-2``, ``STAMP-3``...

    Created with an exclusive mkdir, so two runs can never be handed the same folder.
    """
    history.mkdir(mode=HISTORY_MODE, parents=True, exist_ok=True)
    stamp = utc_stamp()
    for attempt in range(1, 1000):
        candidate = history / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        try:
            candidate.mkdir(mode=HISTORY_MODE)  # the umask narrows it further, never widens it
        except FileExistsError:
            continue
        return candidate
    raise OutputError(str(history), f"no free run folder for {stamp}")

