"""The history page: per-phase posture over time, findings opened and closed, links to each run.

Scores are never an opaque index: each is "measures evidenced / measures in the phase" (the
same definition as the run report's coverage) and both numbers are shown.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor import __version__
from auditor.reports.page import template
from auditor.reports.run_views import INDEX_FILE, phase_views
from auditor.store.diff import SnapshotDiff, compare
from auditor.store.history import HistoryEntry
from auditor.store.model import Snapshot

CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 640, 220, 32
# Distinct, print-safe colours with dash patterns, so the lines differ without colour too.
PHASE_STYLES = (("#0b4f8a", ""), ("#a40e26", "6 3"), ("#1a7f37", "2 3"), ("#7d4e00", "8 3 2 3"))


@dataclass(frozen=True)
class Score:
    """Measures evidenced out of the measures of one phase, in one run."""

    phase: str
    evidenced: int
    total: int

    @property
    def ratio(self) -> float:
        """evidenced / total (0 for an empty phase)."""
        return self.evidenced / self.total if self.total else 0.0


@dataclass(frozen=True)
class RunRow:
    """One run of the history table."""

    started_at: str
    profile: str
    targets: int
    scores: tuple[Score, ...]
    opened: int | None  # None for the first run
    closed: int | None
    changed_judgement: bool  # tool, profile or catalogue version differs from the previous run
    report: str  # relative link to the run's index.html, "" when it has none
    signature: str
    rejudged: str = ""  # the re-judging note of a re-judged snapshot


@dataclass(frozen=True)
class ChartLine:
    """One phase's line in the SVG chart."""

    title: str
    points: str
    colour: str
    dash: str


@dataclass(frozen=True)
class BrokenRow:
    """A snapshot that could not be used, and why."""

    path: str
    problem: str


@dataclass(frozen=True)
class Chart:
    """The SVG chart's geometry."""

    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    margin: int = CHART_MARGIN


def _scores(snapshot: Snapshot) -> tuple[Score, ...]:
    return tuple(Score(view.title, view.evidenced, len(view.measures)) for view in phase_views(snapshot))


def _report_link(entry: HistoryEntry, page: Path) -> str:
    index = entry.path.parent / INDEX_FILE
    return os.path.relpath(index, page.parent) if index.is_file() else ""


def run_rows(entries: Sequence[HistoryEntry], page: Path) -> tuple[RunRow, ...]:
    """Usable runs in order, each compared with the run before it."""
    rows: list[RunRow] = []
    previous: Snapshot | None = None
    for entry in entries:
        snapshot = entry.snapshot
        if not entry.usable or snapshot is None:
            continue
        diff: SnapshotDiff | None = compare(previous, snapshot) if previous is not None else None
        rows.append(RunRow(
            started_at=snapshot.started_at,
            profile=f"{snapshot.profile.name} {snapshot.profile.version}",
            targets=len(snapshot.targets),
            scores=_scores(snapshot),
            opened=len(diff.new) if diff else None,
            closed=len(diff.resolved) if diff else None,
            changed_judgement=bool(diff and diff.version_changes),
            report=_report_link(entry, page),
            signature=entry.signature,
            rejudged=snapshot.rejudged_note,
        ))
        previous = snapshot
    return tuple(rows)


def chart_lines(rows: Sequence[RunRow]) -> tuple[ChartLine, ...]:
    """Polyline points per phase: x spreads the runs, y is the share evidenced (0-100 %)."""
    if not rows:
        return ()
    span = max(len(rows) - 1, 1)
    plot_w, plot_h = CHART_WIDTH - 2 * CHART_MARGIN, CHART_HEIGHT - 2 * CHART_MARGIN
    lines = []
    for index, score in enumerate(rows[0].scores):
        colour, dash = PHASE_STYLES[index % len(PHASE_STYLES)]
        points = " ".join(
            f"{CHART_MARGIN + plot_w * i / span:.1f},{CHART_MARGIN + plot_h * (1 - row.scores[index].ratio):.1f}"
            for i, row in enumerate(rows)
        )
        lines.append(ChartLine(score.phase, points, colour, dash))
    return tuple(lines)


def render_history_html(entries: Sequence[HistoryEntry], page: Path) -> str:
    """The history page for the snapshots in ``entries`` (the page will live at ``page``)."""
    rows = run_rows(entries, page)
    return template("history.html.j2").render(
        page_title="Audit history",
        rows=rows,
        lines=chart_lines(rows),
        broken=tuple(BrokenRow(str(e.path), e.problem) for e in entries if not e.usable),
        chart=Chart(),
        generator_version=__version__,
    )
