"""The run's worst-first views: blocking findings by name, top risks, worst hosts, changes, trend.

The overview and the executive summary read these; each list is short by construction (the
top few, with the total count beside it), so neither page grows with the run.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.models import Finding, Severity
from auditor.reports.grouping import FixGroup
from auditor.reports.site import HostRow, RunSite
from auditor.reports.tally import BLOCKING, NEW
from auditor.store.model import Snapshot

MAX_BLOCKING_SHOWN = 20
MAX_TOP_RISKS = 10
MAX_WORST_HOSTS = 10
MAX_NEW_SHOWN = 10


@dataclass(frozen=True)
class PhaseTrend:
    """Measures with open findings in one phase, in the previous run and in this one."""

    phase: str
    before: int
    now: int
    total: int


@dataclass(frozen=True)
class RunChanges:
    """This run against the previous run of the history."""

    previous_run: str
    open_before: tuple[int, ...]  # open findings per severity, critical first
    open_now: tuple[int, ...]
    new_total: int
    resolved_total: int
    new_groups: tuple[FixGroup, ...]  # the worst new fixes, at most MAX_NEW_SHOWN
    phases: tuple[PhaseTrend, ...]

    @property
    def severity_rows(self) -> tuple[tuple[int, int, int], ...]:
        """(before, now, now - before) per severity, critical first."""
        return tuple((b, n, n - b) for b, n in zip(self.open_before, self.open_now, strict=True))


@dataclass(frozen=True)
class Overview:
    """What the overview and the executive summary put first."""

    blocking: tuple[FixGroup, ...]  # at most MAX_BLOCKING_SHOWN fixes
    blocking_total: int  # blocking findings
    blocking_fixes: int  # fixes they make up
    top_risks: tuple[FixGroup, ...]
    risk_fixes: int  # open fixes in the run
    worst_hosts: tuple[HostRow, ...]
    changes: RunChanges | None


def run_changes(site: RunSite) -> RunChanges | None:
    """New and resolved open findings, per severity and per phase, since the previous run (None without one)."""
    previous = site.previous
    if previous is None:
        return None
    before = _severity_counts(f for f in previous.findings if not f.waived)
    new = site.tally.fixes(NEW)
    old_phases = measures_with_findings(previous)
    trends = tuple(
        PhaseTrend(phase.title, old_phases.get(phase.id, 0), phase.with_findings, len(phase.measures))
        for phase in site.phases
    )
    before_total = sum(len(prints) for prints in site.previous_open_by_target.values())
    new_total = sum(group.count for group in new)
    still_open = sum(site.tally.open_now) - new_total  # open now and open before (fingerprints are unique)
    return RunChanges(
        previous_run=previous.started_at,
        open_before=before,
        open_now=site.tally.open_now,
        new_total=new_total,
        resolved_total=before_total - still_open,
        new_groups=new[:MAX_NEW_SHOWN],
        phases=trends,
    )


def _severity_counts(findings: Iterable[Finding]) -> tuple[int, ...]:
    """Findings per severity, critical first."""
    counts = Counter(finding.severity for finding in findings)
    return tuple(counts[severity] for severity in sorted(Severity, reverse=True))


def measures_with_findings(snapshot: Snapshot) -> dict[str, int]:
    """Phase id -> how many of its measures have open findings (``PhaseView.with_findings``, without the views)."""
    measures = {measure_id for f in snapshot.findings if not f.waived for measure_id in f.measures}
    catalogue = snapshot.catalogue
    return {phase.id: sum(1 for m in catalogue.in_phase(phase.id) if m.id in measures) for phase in catalogue.phases}


def _worst_hosts(site: RunSite) -> tuple[HostRow, ...]:
    """The first MAX_WORST_HOSTS targets with open findings, worst first (rows made for those only)."""
    table = site.hosts
    findings = table.findings.severities
    worst = (ordinal for ordinal in table.worst_first if findings.total(ordinal))
    return table.rows(itertools.islice(worst, MAX_WORST_HOSTS))


def overview(site: RunSite) -> Overview:
    """The worst of the run."""
    blocking = site.tally.fixes(BLOCKING)
    risks = site.open_groups
    return Overview(
        blocking=blocking[:MAX_BLOCKING_SHOWN],
        blocking_total=sum(group.count for group in blocking),
        blocking_fixes=len(blocking),
        top_risks=risks[:MAX_TOP_RISKS],
        risk_fixes=len(risks),
        worst_hosts=_worst_hosts(site),
        changes=run_changes(site),
    )
