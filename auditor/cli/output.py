"""Writing a snapshot's outputs and printing its summary: shared by run, report and merge."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from auditor.fileio import write_atomic
from auditor.models import Status
from auditor.store.codec import write_snapshot
from auditor.store.model import Snapshot

SNAPSHOT_NAME = "snapshot.json"
HISTORY_PAGE = "history.html"


# The page and format writers, loaded only when outputs are written.
_WRITER_MODULES = ("auditor.reports.html", "auditor.reports.machine")


# While the preload runs beside the audit, each answer from the network wakes an audit thread that
# must then wait for the preload to hand over the interpreter: up to the switch interval (5 ms by
# default) per answer, with tens of answers per SSH port. Half a millisecond keeps that wait short.
PRELOAD_SWITCH_INTERVAL = 0.0005


def preload_in_background(first: Sequence[str] = ()) -> threading.Thread:
    """Import ``first``, then the writers, and prepare the writers' caches in the background.

    A short audit mostly waits on the network; this fills that time with work it would
    otherwise do afterwards (or, for ``first``, in the middle of the audit): ``first`` are modules
    the audit itself imports lazily (the SSH client of the wire audit's authentication probe,
    needed a few connections in), then Jinja and the reporters, the run pages' templates and the
    snapshot's validators. The interpreter's switch interval is ``PRELOAD_SWITCH_INTERVAL`` while
    it runs. A failure here is ignored: whoever needs the module imports it again and meets the
    same error where it is reported. Returns the thread (started).
    """
    def load() -> None:
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, PRELOAD_SWITCH_INTERVAL))
        try:
            for name in (*first, *_WRITER_MODULES):
                importlib.import_module(name)
            from auditor.reports.html import prepare_templates
            from auditor.store.validation import prepare_validators

            prepare_templates()
            prepare_validators()
        except Exception:  # reported by whoever imports it when needed, in its own thread
            return
        finally:
            sys.setswitchinterval(interval)

    thread = threading.Thread(target=load, name="preload", daemon=True)
    thread.start()
    return thread


def write_outputs(snapshot: Snapshot, out: Path, previous: Snapshot | None = None) -> None:
    """The snapshot, the HTML reports and the machine-readable outputs of one run."""
    write_snapshot(snapshot, out / SNAPSHOT_NAME)
    write_reports(snapshot, out, previous)


def write_reports(snapshot: Snapshot, out: Path, previous: Snapshot | None = None) -> None:
    """The HTML pages and the machine-readable outputs (CSV, JUnit, SARIF) of a snapshot.

    ``previous`` (the run before, from a history) makes the pages say what changed since.
    """
    from auditor.reports.html import write_run_reports  # the reporters load only when pages are written
    from auditor.reports.machine import machine_outputs

    write_run_reports(snapshot, out, previous)
    for name, text in machine_outputs(snapshot):
        write_atomic(out / name, text)


def summary_stream(stdout_format: str | None) -> TextIO:
    """Where the human summary goes: stderr when stdout carries a machine format."""
    return sys.stderr if stdout_format else sys.stdout


def print_format(snapshot: Snapshot, stdout_format: str | None) -> None:
    """``--format``: the snapshot document (json) or one finding per line (jsonl) on stdout."""
    if not stdout_format:
        return
    from auditor.reports.formats.jsonl import jsonl_lines, snapshot_json_chunks

    chunks = snapshot_json_chunks(snapshot) if stdout_format == "json" else jsonl_lines(snapshot)
    for chunk in chunks:
        sys.stdout.write(chunk)
    sys.stdout.flush()


def print_summary(snapshot: Snapshot, out: Path, quiet: bool = False, file: TextIO | None = None) -> None:
    """What a run found, in a few lines (errors only with ``quiet``, on stderr), on ``file`` (stdout)."""
    stream = file or sys.stdout
    errors = [result for result in snapshot.results if result.status is Status.ERROR]
    if quiet:
        for result in errors:
            print(f"error: {result.check_id} on {result.target}: {result.reason}", file=sys.stderr)
        return
    summary, profile = snapshot.summary, snapshot.profile
    results = ", ".join(f"{count} {status.value}" for status, count in summary.results.items() if count)
    findings = ", ".join(f"{count} {severity.value}" for severity, count in reversed(list(summary.findings.items()))
                         if count)
    if snapshot.rejudged_note:
        print(f"{snapshot.rejudged_note}.", file=stream)
    targets = len(snapshot.targets)
    print(f"Profile {profile.name} {profile.version}: {targets} targets, {results or 'no checks'}", file=stream)
    print(f"Open findings: {findings or 'none'}"
          + (f" ({summary.waived} waived)" if summary.waived else "")
          + (f"; {summary.expired_waivers} with an EXPIRED waiver" if summary.expired_waivers else ""), file=stream)
    for result in errors:
        print(f"error: {result.check_id} on {result.target}: {result.reason}", file=stream)
    print(f"Snapshot: {out / SNAPSHOT_NAME}", file=stream)
    print(f"Report:   {out / 'index.html'}", file=stream)
