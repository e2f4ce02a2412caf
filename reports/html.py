"""Self-contained HTML reports: an overview, one page per toolkit phase, and the change report.

Views are built in ``run_views`` and ``diff_views`` as small frozen records; this module
only hands them to the templates of the one autoescaping environment (``page``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.fileio import write_atomic
from auditor.reports.keys import KEYS_FILE, has_key_facts, render_keys
from auditor.reports.page import SEVERITIES, filter_context, template
from auditor.reports.run_views import (
    INDEX_FILE,
    STATUSES,
    coverage,
    error_results,
    header,
    navigation,
    outcome,
    phase_views,
    run_date,
    target_rows,
    unmapped_findings,
)
from auditor.reports.views import PhaseView
from auditor.store.model import Snapshot

if TYPE_CHECKING:  # the comparison loads with the change report, not with every run's pages
    from auditor.store.diff import SnapshotDiff


def render_index(snapshot: Snapshot, phases: Sequence[PhaseView]) -> str:
    """The overview page."""
    summary = snapshot.summary
    counts = {severity.value: count for severity, count in summary.findings.items()}
    return template("index.html.j2").render(
        header=header(snapshot),
        nav=navigation(phases, INDEX_FILE),
        page_title="Overview",
        phases=phases,
        outcome=outcome(snapshot),
        severity_counts=tuple((severity, counts[severity]) for severity in SEVERITIES),
        waived=summary.waived,
        expired_waivers=summary.expired_waivers,
        coverage=coverage(phases),
        statuses=STATUSES,
        targets=target_rows(snapshot),
        errors=error_results(snapshot),
        unmapped=unmapped_findings(snapshot),
        as_of=run_date(snapshot).isoformat(),
        generator_version=__version__,
        keys_href=KEYS_FILE if has_key_facts(snapshot) else None,
    )


def render_phase(snapshot: Snapshot, phases: Sequence[PhaseView], phase: PhaseView) -> str:
    """One phase page listing every measure of the phase."""
    return template("phase.html.j2").render(
        header=header(snapshot),
        nav=navigation(phases, phase.href),
        page_title=phase.title,
        phase=phase,
        as_of=run_date(snapshot).isoformat(),
        generator_version=__version__,
        **filter_context(f for m in phase.measures for f in (*m.open_findings, *m.waived_findings)),
    )


def write_run_reports(snapshot: Snapshot, out_dir: Path) -> list[Path]:
    """Write index.html, one page per catalogue phase and, where hosts' keys were read, keys.html
    into ``out_dir``; return the paths written."""
    out_dir = Path(out_dir)
    phases = phase_views(snapshot)
    pages = [(out_dir / INDEX_FILE, render_index(snapshot, phases))]
    pages.extend((out_dir / phase.href, render_phase(snapshot, phases, phase)) for phase in phases)
    if has_key_facts(snapshot):
        pages.append((out_dir / KEYS_FILE, render_keys(snapshot)))
    for path, text in pages:
        write_atomic(path, text)
    return [path for path, _ in pages]


def render_diff_html(diff: SnapshotDiff) -> str:
    """The change report page for ``auditor diff --html``."""
    from auditor.reports.diff_views import diff_sections, meta_rows, version_changes  # only the change report

    return template("diff.html.j2").render(
        page_title="Change report",
        meta=meta_rows(diff),
        rejudged=diff.rejudged_notes,
        version_changes=version_changes(diff),
        targets_added=tuple(diff.targets_added),
        targets_removed=tuple(diff.targets_removed),
        judged_differently=tuple(sorted(diff.judged_differently.items())),
        ports_opened=tuple(diff.ports_opened),
        ports_closed=tuple(diff.ports_closed),
        sections=diff_sections(diff),
        has_changes=diff.has_changes,
        generator_version=__version__,
    )
