"""A lock file so that two scheduled audits never run over each other."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from auditor.errors import AuditorError

LOCK_NAME = ".auditor.lock"


class LockHeld(AuditorError):
    """Another audit holds the lock."""


@contextmanager
def run_lock(directory: Path) -> Iterator[Path]:
    """Hold ``directory/.auditor.lock`` for the block; LockHeld names the holder if it is taken.

    flock() is released by the kernel when the holder dies, so a crashed run never leaves a
    stale lock behind; the pid and start time written inside are only for the message.
    """
    directory.mkdir(mode=0o750, parents=True, exist_ok=True)
    path = directory / LOCK_NAME
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 200, 0).decode(errors="replace").strip() or "another process"
            raise LockHeld(f"{path}: another audit is running ({holder})") from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()} since {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}\n".encode(), 0)
        yield path
    finally:
        os.close(descriptor)  # closing releases the flock
