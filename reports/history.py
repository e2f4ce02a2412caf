"""The history page: per-phase posture over time, findings opened and closed, links to each run.

Scores are never an opaque index: each is "measures evidenced / measures in the phase" (the
same definition as the run report's coverage) and both numbers are shown. Few measures are
ever fully evidenced, so that line alone stays flat while findings are being closed: two more
charts show what moves, open findings by severity and measures with open findings per phase.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor import __version__
from auditor.reports.page import SEVERITIES, template
from auditor.reports.run_views import INDEX_FILE, phase_views
from auditor.store.diff import run_meta, version_changes
from auditor.store.history import HistoryEntry
from auditor.store.model import Snapshot

CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 640, 220, 32
# Distinct, print-safe colours with dash patterns, so the lines differ without colour too.
PHASE_STYLES = (("#0b4f8a", ""), ("#a40e26", "6 3"), ("#1a7f37", "2 3"), ("#7d4e00", "8 3 2 3"))
SEVERITY_STYLES = {"critical": ("#82071e", ""), "high": ("#a40e26", "6 3"), "medium": ("#7d4e00", "2 3"),
                   "low": ("#0b4f8a", "8 3 2 3"), "info": ("#59636e", "1 4")}


@dataclass(frozen=True)
class Score:
    """Measures evidenced out of the measures of one phase, in one run."""

    phase: str
    evidenced: int
    total: int
    with_findings: int = 0  # measures of the phase with open findings

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
    open_findings: tuple[int, ...] = ()  # per severity, critical first


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
    """One SVG line chart: its title, the value at its top edge, and its lines (one per phase or severity)."""

    id: str
    title: str
    top_label: str
    lines: tuple[ChartLine, ...]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    margin: int = CHART_MARGIN


def _scores(snapshot: Snapshot) -> tuple[Score, ...]:
    return tuple(Score(view.title, view.evidenced, len(view.measures), view.with_findings)
                 for view in phase_views(snapshot))


def _open_by_severity(snapshot: Snapshot) -> tuple[int, ...]:
    counts = {severity.value: count for severity, count in snapshot.summary.findings.items()}
    return tuple(counts[severity] for severity in SEVERITIES)


def _report_link(entry: HistoryEntry, page: Path) -> str:
    index = entry.path.parent / INDEX_FILE
    return os.path.relpath(index, page.parent) if index.is_file() else ""


@dataclass(frozen=True)
class _Compared:
    """What the next run is compared with: the run's fingerprints and what judged it (not the run)."""

    fingerprints: frozenset[str]
    meta: dict[str, str]


def run_rows(entries: Iterable[HistoryEntry], page: Path) -> tuple[tuple[RunRow, ...], tuple[HistoryEntry, ...]]:
    """Usable runs in order, each compared with the run before it; and the entries left out.

    Reads ``entries`` once, keeping of each run only its row and, until the next, its
    fingerprints: a history of fleet snapshots is never in memory at once.
    """
    rows: list[RunRow] = []
    left_out: list[HistoryEntry] = []
    previous: _Compared | None = None
    for entry in entries:
        snapshot = entry.snapshot
        if not entry.usable or snapshot is None:
            left_out.append(entry)
            continue
        current = _Compared(frozenset(finding.fingerprint for finding in snapshot.findings), run_meta(snapshot))
        rows.append(RunRow(
            started_at=snapshot.started_at,
            profile=f"{snapshot.profile.name} {snapshot.profile.version}",
            targets=len(snapshot.targets),
            scores=_scores(snapshot),
            opened=len(current.fingerprints - previous.fingerprints) if previous else None,
            closed=len(previous.fingerprints - current.fingerprints) if previous else None,
            changed_judgement=bool(previous and version_changes(previous.meta, current.meta)),
            report=_report_link(entry, page),
            signature=entry.signature,
            rejudged=snapshot.rejudged_note,
            open_findings=_open_by_severity(snapshot),
        ))
        previous = current
    return tuple(rows), tuple(left_out)


def _points(values: Sequence[float]) -> str:
    """Polyline points: x spreads the runs, y is the value's share of the chart's height (0-1)."""
    span = max(len(values) - 1, 1)
    plot_w, plot_h = CHART_WIDTH - 2 * CHART_MARGIN, CHART_HEIGHT - 2 * CHART_MARGIN
    return " ".join(f"{CHART_MARGIN + plot_w * i / span:.1f},{CHART_MARGIN + plot_h * (1 - value):.1f}"
                    for i, value in enumerate(values))


def chart_lines(rows: Sequence[RunRow]) -> tuple[ChartLine, ...]:
    """Per phase, the share of measures evidenced (0-100 %) in each run."""
    if not rows:
        return ()
    return tuple(ChartLine(score.phase, _points([row.scores[index].ratio for row in rows]),
                           *PHASE_STYLES[index % len(PHASE_STYLES)])
                 for index, score in enumerate(rows[0].scores))


def findings_lines(rows: Sequence[RunRow]) -> tuple[tuple[ChartLine, ...], int]:
    """Per severity, open findings in each run, scaled to the largest count; and that count."""
    top = max((count for row in rows for count in row.open_findings), default=0)
    lines = tuple(ChartLine(severity, _points([row.open_findings[index] / (top or 1) for row in rows]),
                            *SEVERITY_STYLES[severity])
                  for index, severity in enumerate(SEVERITIES))
    return (lines if rows else ()), top


def with_findings_lines(rows: Sequence[RunRow]) -> tuple[ChartLine, ...]:
    """Per phase, the share of its measures with open findings in each run (0-100 %)."""
    if not rows:
        return ()
    return tuple(ChartLine(score.phase, _points([row.scores[index].with_findings / (row.scores[index].total or 1)
                                                 for row in rows]), *PHASE_STYLES[index % len(PHASE_STYLES)])
                 for index, score in enumerate(rows[0].scores))


def charts(rows: Sequence[RunRow]) -> tuple[Chart, ...]:
    """The three trend charts: evidenced measures, open findings by severity, measures with findings."""
    severity_lines, top = findings_lines(rows)
    return (
        Chart("evidenced", "Share of measures evidenced per phase", "100%", chart_lines(rows)),
        Chart("open-findings", "Open findings by severity", str(top), severity_lines),
        Chart("with-findings", "Share of measures with open findings per phase", "100%", with_findings_lines(rows)),
    )


@dataclass(frozen=True)
class HistoryPage:
    """The history page, and what it was made of."""

    html: str
    runs: int  # usable runs shown
    left_out: tuple[HistoryEntry, ...]  # entries that could not be used, with their problem


def render_history(entries: Iterable[HistoryEntry], page: Path) -> HistoryPage:
    """The history page for the snapshots in ``entries`` (read once; the page will live at ``page``)."""
    rows, left_out = run_rows(entries, page)
    html = template("history.html.j2").render(
        page_title="Audit history",
        rows=rows,
        charts=charts(rows),
        severities=SEVERITIES,
        broken=tuple(BrokenRow(str(e.path), e.problem) for e in left_out),
        generator_version=__version__,
    )
    return HistoryPage(html, len(rows), left_out)
