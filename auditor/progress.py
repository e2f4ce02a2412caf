"""Progress of a run: a live display on a terminal, plain log lines for cron and CI.

The runner reports each finished target; nothing here changes what is audited.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import TaskID

    from auditor.runner import TargetAudit


class Progress(Protocol):
    """What the runner tells about a run's progress."""

    def start(self, total: int) -> None:
        """The run begins with ``total`` targets."""

    def target_done(self, audit: TargetAudit) -> None:
        """One target is finished."""

    def finish(self) -> None:
        """The run is over."""


class LineProgress:
    """One line per finished target on stderr: targets done/total, errors, elapsed, ETA."""

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream
        self.total = self.done = self.errors = 0
        self.started = 0.0

    def start(self, total: int) -> None:
        self.total, self.started = total, time.monotonic()

    def target_done(self, audit: TargetAudit) -> None:
        self.done += 1
        errors = audit.errors
        self.errors += errors
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done)
        self.stream.write(f"[{self.done}/{self.total}] {audit.target.name}: {audit.checks} checks, "
                          f"{errors} errors ({self.errors} in all), elapsed {elapsed:.0f} s, ETA {eta:.0f} s\n")
        self.stream.flush()

    def finish(self) -> None:
        pass


class LiveProgress:
    """A rich progress bar with the same figures, for people watching a terminal."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[errors]} errors"), TimeElapsedColumn(), TimeRemainingColumn(),
                            transient=True)
        self.task: TaskID | None = None
        self.errors = 0

    def start(self, total: int) -> None:
        self.bar.start()
        self.task = self.bar.add_task("audit", total=total, errors=0)

    def target_done(self, audit: TargetAudit) -> None:
        self.errors += audit.errors
        if self.task is not None:
            self.bar.update(self.task, advance=1, errors=self.errors)

    def finish(self) -> None:
        self.bar.stop()


def progress_printer(stream: TextIO = sys.stderr) -> Progress:
    """Live progress on a terminal, plain lines otherwise (cron, CI, pipes)."""
    return LiveProgress() if stream.isatty() else LineProgress(stream)
