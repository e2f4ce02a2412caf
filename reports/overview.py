"""The run's worst-first views: blocking findings by name, top risks, worst hosts, changes, trend.

The overview and the executive summary read these; each list is short by construction (the
top few, with the total count beside it), so neither page grows with the run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from auditor.models import Finding
from auditor.reports.grouping import FixGroup, group_findings
from auditor.reports.run_views import phase_views
from auditor.reports.site import HostRow, RunSite, severity_counts

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


def _open(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.waived]


def run_changes(site: RunSite) -> RunChanges | None:
    """New and resolved open findings, per severity and per phase, since the previous run (None without one)."""
    previous = site.previous
    if previous is None:
        return None
    before = _open(previous.findings)
    now = site.open_findings
    before_prints = {f.fingerprint for f in before}
    now_prints = {f.fingerprint for f in now}
    new = [f for f in now if f.fingerprint not in before_prints]
    old_phases = {phase.id: phase for phase in phase_views(previous)}
    trends = tuple(
        PhaseTrend(phase.title, old_phases[phase.id].with_findings if phase.id in old_phases else 0,
                   phase.with_findings, len(phase.measures))
        for phase in site.phases
    )
    return RunChanges(
        previous_run=previous.started_at,
        open_before=severity_counts(before),
        open_now=severity_counts(now),
        new_total=len(new),
        resolved_total=len(before_prints - now_prints),
        new_groups=group_findings(new, site.titles, site.owners)[:MAX_NEW_SHOWN],
        phases=trends,
    )


def overview(site: RunSite) -> Overview:
    """The worst of the run."""
    blocking = group_findings(site.blocking_findings, site.titles, site.owners)
    risks = group_findings(site.open_findings, site.titles, site.owners)
    return Overview(
        blocking=blocking[:MAX_BLOCKING_SHOWN],
        blocking_total=sum(group.count for group in blocking),
        blocking_fixes=len(blocking),
        top_risks=risks[:MAX_TOP_RISKS],
        risk_fixes=len(risks),
        worst_hosts=tuple(row for row in site.host_rows if row.open_findings)[:MAX_WORST_HOSTS],
        changes=run_changes(site),
    )
