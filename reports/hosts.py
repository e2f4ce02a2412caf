"""Views of one host, one owner and the list of hosts: what a lab manager opens.

A host page shows its open findings worst-first, grouped by area and by fix; its passed checks
collapsed; what could not be checked, summarised per reason; and what changed since the
previous run when one is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor.models import Finding, Severity, Status
from auditor.reports.grouping import FixGroup, ReasonRow, reason_rows
from auditor.reports.run_views import passed_checks
from auditor.reports.site import HostRow, RunSite, owner_file
from auditor.reports.views import PassedCheckView

# Rows of a "not checked" summary shown; the rest are counted (their results are in the snapshot).
MAX_REASONS_SHOWN = 50
# Fix groups an owner page shows in full; the rest are on the owner's host pages.
MAX_OWNER_GROUPS = 100
# Fix groups a host page shows: a discovered range audited as one target can have thousands.
MAX_HOST_GROUPS = 300


@dataclass(frozen=True)
class AreaView:
    """The fixes of one check area (ssh, tls, services, ...) on one host, worst first."""

    name: str
    severity: str
    groups: tuple[FixGroup, ...]

    @property
    def count(self) -> int:
        """Findings in this area."""
        return sum(group.count for group in self.groups)


@dataclass(frozen=True)
class HostChanges:
    """One host against the previous run of the history."""

    previous_run: str
    open_before: int
    open_now: int
    new: tuple[FixGroup, ...]
    resolved: int

    @property
    def new_count(self) -> int:
        """Findings that were not there in the previous run."""
        return sum(group.count for group in self.new)


@dataclass(frozen=True)
class HostView:
    """Everything the run says about one target."""

    row: HostRow
    role: str
    tags: tuple[str, ...]
    areas: tuple[AreaView, ...]
    waived: tuple[FixGroup, ...]
    passed: tuple[PassedCheckView, ...]
    not_checked: tuple[ReasonRow, ...]
    not_checked_total: int
    changes: HostChanges | None
    more_groups: int = 0  # open fixes beyond MAX_HOST_GROUPS, not shown
    more_findings: int = 0  # their findings (in findings.csv and the snapshot)


@dataclass(frozen=True)
class OwnerView:
    """The hosts of one owner and their fixes."""

    name: str
    file: str
    hosts: Sequence[HostRow]  # worst first, each made as the page reads it
    groups: tuple[FixGroup, ...]  # at most MAX_OWNER_GROUPS
    groups_total: int


def _areas(groups: Sequence[FixGroup]) -> tuple[AreaView, ...]:
    by_area: dict[str, list[FixGroup]] = {}
    for group in groups:  # already worst first, so each area's first group is its worst
        by_area.setdefault(group.area, []).append(group)
    areas = [AreaView(name, members[0].severity, tuple(members)) for name, members in by_area.items()]
    return tuple(sorted(areas, key=lambda a: (-Severity(a.severity).rank, -a.count, a.name)))


def host_changes(site: RunSite, name: str, open_now: Sequence[Finding]) -> HostChanges | None:
    """New and resolved findings of one host since the previous run (None without a previous run).

    ``open_now`` are the host's open findings.
    """
    previous = site.previous
    if previous is None:
        return None
    before = site.previous_open_by_target.get(name, frozenset())
    now_prints = {f.fingerprint for f in open_now}
    new = site.host_groups(f for f in open_now if f.fingerprint not in before)
    return HostChanges(previous.started_at, len(before), len(open_now), new, len(before - now_prints))


def host_view(site: RunSite, name: str) -> HostView:
    """The page of one target."""
    results = site.results_of(name)
    findings = site.findings_of(name)
    open_now = [finding for finding in findings if not finding.waived]
    target = site.target(name)
    reasons = reason_rows(results, site.titles)
    groups = site.host_groups(open_now)
    hidden = groups[MAX_HOST_GROUPS:]
    return HostView(
        row=site.host_row(name),
        role=(target.role or "") if target else "",
        tags=target.tags if target else (),
        areas=_areas(groups[:MAX_HOST_GROUPS]),
        more_groups=len(hidden),
        more_findings=sum(group.count for group in hidden),
        waived=site.host_groups(finding for finding in findings if finding.waived)[:MAX_HOST_GROUPS],
        passed=passed_checks((r for r in results if r.status is Status.PASS), site.titles),
        not_checked=reasons[:MAX_REASONS_SHOWN],
        not_checked_total=sum(row.count for row in reasons),
        changes=host_changes(site, name, open_now),
    )


def owner_view(site: RunSite, owner: str) -> OwnerView:
    """The page of one owner: its hosts (worst first) and the open fixes across them."""
    hosts = site.hosts.of_owner(owner)
    groups = site.owner_groups(owner)
    return OwnerView(owner, owner_file(owner), hosts, groups[:MAX_OWNER_GROUPS], len(groups))
