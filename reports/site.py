"""What every page of one run's report shares: the snapshot indexed once, file names, navigation.

Host and owner pages are named from a slug and a short hash of the name (``host-web01-3f2a9c1e5b07.html``):
safe (letters, digits and dashes only), unique (the hash tells ``web 01`` from ``web-01``) and
stable across runs, and never a path taken from collected text.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.models import CheckResult, Finding, Severity, Status, Target
from auditor.reports.run_views import INDEX_FILE, check_titles, header, phase_views, target_owners
from auditor.reports.views import Header, NavLink, PhaseView
from auditor.store.model import Snapshot

if TYPE_CHECKING:
    from auditor.reports.overview import Overview

SUMMARY_FILE = "summary.html"
HOSTS_FILE = "hosts.html"
# The pages every page links to, besides the phase pages (which follow them). A new fleet-wide
# page adds its (file, label) here and its writer to ``html.PAGES``.
NAV_PAGES: tuple[tuple[str, str], ...] = (
    (INDEX_FILE, "Overview"),
    (SUMMARY_FILE, "Executive summary"),
    (HOSTS_FILE, "Hosts"),
)
# Rows of one page of the hosts list: a fleet of any size never makes one long page.
HOSTS_PER_PAGE = 200
_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")


def page_name(prefix: str, name: str) -> str:
    """``prefix-slug-hash12.html`` for a host or owner ``name``: a bare, safe file name."""
    slug = _SLUG_UNSAFE.sub("-", name.lower()).strip("-")[:40].strip("-") or "x"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:12]  # 48 bits: no collision in any fleet
    return f"{prefix}-{slug}-{digest}.html"


def hosts_file(number: int) -> str:
    """Page ``number`` (from 1) of the hosts list: ``hosts.html``, then ``hosts-2.html``, ..."""
    return HOSTS_FILE if number == 1 else f"hosts-{number}.html"


def host_file(name: str) -> str:
    """The page of one target."""
    return page_name("host", name)


def owner_file(name: str) -> str:
    """The page of one owner (lab, team)."""
    return page_name("owner", name)


@dataclass(frozen=True)
class HostRow:
    """One target in a list of hosts, with the counts that rank it."""

    name: str
    file: str
    kind: str
    address: str
    owner: str
    owner_file: str
    severities: tuple[int, ...]  # open findings per severity, critical first
    statuses: tuple[int, ...]  # results per status, in Status order
    waived: int

    @property
    def open_findings(self) -> int:
        """Open findings of every severity."""
        return sum(self.severities)

    def worst_first(self) -> tuple[tuple[int, ...], str]:
        """Sort key: most critical findings first, then most high, ... then name."""
        return tuple(-count for count in self.severities), self.name


@dataclass(frozen=True)
class RunSite:
    """One run's snapshot, indexed once for all its pages, and the previous run when a history is given."""

    snapshot: Snapshot
    previous: Snapshot | None = None

    @functools.cached_property
    def phases(self) -> tuple[PhaseView, ...]:
        """Every phase with its measures (built once: several pages show them)."""
        return phase_views(self.snapshot)

    @functools.cached_property
    def header(self) -> Header:
        """What every page states about the run (made once: a large run writes thousands of pages)."""
        return header(self.snapshot)

    @functools.cached_property
    def titles(self) -> Mapping[str, str]:
        """Check id -> title."""
        return check_titles(self.snapshot)

    @functools.cached_property
    def owners(self) -> Mapping[str, str]:
        """Target name -> owner, for targets that name one."""
        return target_owners(self.snapshot)

    @functools.cached_property
    def target_names(self) -> tuple[str, ...]:
        """Every target: the audited ones in run order, then any that only appear in results or findings."""
        known = self.snapshot.target_names
        seen = set(known)
        extra = sorted(({r.target for r in self.snapshot.results} | {f.target for f in self.snapshot.findings}) - seen)
        return (*known, *extra)

    @functools.cached_property
    def host_files(self) -> Mapping[str, str]:
        """Target name -> its page, for every target (templates look links up here, a fast dict access)."""
        return {name: host_file(name) for name in self.target_names}

    @functools.cached_property
    def targets(self) -> Mapping[str, Target]:
        """Target name -> its inventory record (targets only seen in results have none)."""
        return {record.name: record.target for record in self.snapshot.targets}

    @functools.cached_property
    def findings_by_target(self) -> Mapping[str, Sequence[Finding]]:
        """Every finding, by target."""
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.snapshot.findings:
            grouped[finding.target].append(finding)
        return grouped

    @functools.cached_property
    def previous_open_by_target(self) -> Mapping[str, frozenset[str]]:
        """Fingerprints of the previous run's open findings, by target (empty without a previous run)."""
        grouped: dict[str, set[str]] = defaultdict(set)
        for finding in self.previous.findings if self.previous is not None else ():
            if not finding.waived:
                grouped[finding.target].add(finding.fingerprint)
        return {target: frozenset(prints) for target, prints in grouped.items()}

    @functools.cached_property
    def results_by_target(self) -> Mapping[str, Sequence[CheckResult]]:
        """Every check result, by target."""
        grouped: dict[str, list[CheckResult]] = defaultdict(list)
        for result in self.snapshot.results:
            grouped[result.target].append(result)
        return grouped

    @functools.cached_property
    def owner_names(self) -> tuple[str, ...]:
        """Every owner named by a target, sorted."""
        return tuple(sorted(set(self.owners.values())))

    @property
    def open_findings(self) -> list[Finding]:
        """Findings no current waiver hides."""
        return [f for f in self.snapshot.findings if not f.waived]

    @property
    def blocking_findings(self) -> list[Finding]:
        """Open findings at or above the profile's ``fail_on``."""
        fail_on = self.snapshot.profile.fail_on
        return [f for f in self.open_findings if f.severity >= fail_on]

    @functools.cached_property
    def host_rows(self) -> tuple[HostRow, ...]:
        """Every target of the run, worst first."""
        return tuple(sorted((host_row(self, name) for name in self.target_names), key=HostRow.worst_first))

    @functools.cached_property
    def overview(self) -> Overview:
        """Blocking findings, top risks, worst hosts and changes (the overview and the summary show them)."""
        from auditor.reports.overview import overview  # it reads this module's records

        return overview(self)

    def navigation(self, current: str) -> tuple[NavLink, ...]:
        """Links to the fleet-wide pages and every phase page; ``current`` is the file being rendered."""
        links = [*NAV_PAGES, *((phase.href, phase.title) for phase in self.phases)]
        return tuple(NavLink(href, label, href == current) for href, label in links)


def severity_counts(findings: Sequence[Finding]) -> tuple[int, ...]:
    """Open findings per severity, critical first (the order of ``page.SEVERITIES``)."""
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        if not finding.waived:
            counts[finding.severity] += 1
    return tuple(counts[severity] for severity in sorted(Severity, reverse=True))


def status_counts(results: Sequence[CheckResult]) -> tuple[int, ...]:
    """Results per status, in ``Status`` order."""
    counts = dict.fromkeys(Status, 0)
    for result in results:
        counts[result.status] += 1
    return tuple(counts[status] for status in Status)


def host_row(site: RunSite, name: str) -> HostRow:
    """The counts of one target."""
    target = site.targets.get(name)
    owner = site.owners.get(name, "")
    findings = site.findings_by_target.get(name, ())
    return HostRow(
        name=name, file=host_file(name), kind=target.kind.value if target else "",
        address=(target.address or "") if target else "", owner=owner, owner_file=owner_file(owner) if owner else "",
        severities=severity_counts(findings), statuses=status_counts(site.results_by_target.get(name, ())),
        waived=sum(1 for f in findings if f.waived),
    )
