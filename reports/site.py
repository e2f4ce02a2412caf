"""What every page of one run's report shares: the snapshot indexed once, file names, navigation.

The index holds counts, and the first members of each fix as compact references
(``tally.RunTally``), never every result and finding: a spooled run's are read from disk a target
at a time, for the page that shows them (``results_of``, ``findings_of``, ``finding_of``), so
writing a fleet's pages takes about the memory of one host's plus a few counts per host.

Host and owner pages are named from a slug and a short hash of the name (``host-web01-3f2a9c1e5b07.html``):
safe (letters, digits and dashes only), unique (the hash tells ``web 01`` from ``web-01``) and
stable across runs, and never a path taken from collected text.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from auditor.models import CheckResult, Finding, Severity, Status, Target
from auditor.reports.grouping import FixGroup, group_findings
from auditor.reports.refs import FindingRef, Member
from auditor.reports.run_views import INDEX_FILE, check_titles, header, phase_views, target_owners
from auditor.reports.tally import OPEN, RunTally, TallyInputs, owner_key, tally_run
from auditor.reports.views import Header, NavLink, PhaseView
from auditor.store.model import FindingStore, Snapshot, TargetStore, by_target

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
Item = TypeVar("Item", CheckResult, Finding)


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


@dataclass(frozen=True, slots=True)
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
        return phase_views(self.snapshot, self.tally.views)

    @functools.cached_property
    def tally(self) -> RunTally:
        """The run's fixes and counts, in one pass over its findings (a spooled run's read a target at a time)."""
        catalogue = self.snapshot.catalogue
        phase_of = {measure.id: phase.id for phase in catalogue.phases for measure in catalogue.in_phase(phase.id)}
        previous_open = None
        if self.previous is not None:
            previous_open = frozenset(itertools.chain.from_iterable(self.previous_open_by_target.values()))
        inputs = TallyInputs(self.titles, self.owners, phase_of, self.snapshot.profile.fail_on.rank, previous_open)
        return tally_run(by_target(self.snapshot.findings), inputs, self.finding_of)

    @property
    def open_groups(self) -> tuple[FixGroup, ...]:
        """The open findings (no current waiver), grouped by the fix."""
        return self.tally.fixes(OPEN)

    def owner_groups(self, owner: str) -> tuple[FixGroup, ...]:
        """The open findings of an owner's targets, grouped by the fix."""
        return self.tally.fixes(owner_key(owner))

    def host_groups(self, findings: Iterable[Finding]) -> tuple[FixGroup, ...]:
        """Some of one target's findings (read with ``findings_of``), grouped by the fix."""
        return group_findings(findings, self.titles, self.owners)

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
    def statuses_by_target(self) -> Mapping[str, tuple[int, ...]]:
        """Results per status (in ``Status`` order), by target."""
        return {target: status_counts(results) for target, results in by_target(self.snapshot.results)}

    @functools.cached_property
    def target_names(self) -> tuple[str, ...]:
        """Every target: the audited ones in run order, then any that only appear in results or findings."""
        known = self.snapshot.target_names
        seen = set(known)
        extra = sorted((self.statuses_by_target.keys() | self.tally.targets.keys()) - seen)
        return (*known, *extra)

    @functools.cached_property
    def host_files(self) -> Mapping[str, str]:
        """Target name -> its page, for every target (templates look links up here, a fast dict access)."""
        return {name: row.file for name, row in self.host_row_of.items()}

    @functools.cached_property
    def targets(self) -> Mapping[str, Target]:
        """Target name -> its inventory record (targets only seen in results have none)."""
        return {record.name: record.target for record in self.snapshot.targets}

    def results_of(self, name: str) -> Sequence[CheckResult]:
        """One target's check results (read from disk for a spooled run)."""
        return _of_target(self.snapshot.results, name, self._results_held)

    def findings_of(self, name: str) -> Sequence[Finding]:
        """One target's findings, in the order ``refs_by_target`` numbers them (read from disk for a spooled run)."""
        return _of_target(self.snapshot.findings, name, self._findings_held)

    def finding_of(self, member: Member) -> Finding:
        """The finding a fix group's member stands for: a reference is read back, a finding is itself."""
        if isinstance(member, FindingRef):
            findings = self.snapshot.findings
            if isinstance(findings, FindingStore):  # one finding read alone, not its target's whole line
                return findings.at(member.target, member.index)
            return self.findings_of(member.target)[member.index]
        assert isinstance(member, Finding)
        return member

    @functools.cached_property
    def _results_held(self) -> Mapping[str, Sequence[CheckResult]]:
        """A snapshot held in memory: its results by target (a spooled run's are read per target instead)."""
        return _held(self.snapshot.results)

    @functools.cached_property
    def _findings_held(self) -> Mapping[str, Sequence[Finding]]:
        """A snapshot held in memory: its findings by target."""
        return _held(self.snapshot.findings)

    @functools.cached_property
    def previous_open_by_target(self) -> Mapping[str, frozenset[str]]:
        """Fingerprints of the previous run's open findings, by target (empty without a previous run)."""
        grouped: dict[str, set[str]] = defaultdict(set)
        for finding in self.previous.findings if self.previous is not None else ():
            if not finding.waived:
                grouped[finding.target].add(finding.fingerprint)
        return {target: frozenset(prints) for target, prints in grouped.items()}

    @functools.cached_property
    def owner_names(self) -> tuple[str, ...]:
        """Every owner named by a target, sorted."""
        return tuple(sorted(set(self.owners.values())))

    @functools.cached_property
    def host_rows(self) -> tuple[HostRow, ...]:
        """Every target of the run, worst first."""
        return tuple(sorted(self.host_row_of.values(), key=HostRow.worst_first))

    @functools.cached_property
    def host_row_of(self) -> Mapping[str, HostRow]:
        """Target name -> its counts (made once: the hosts list and the host's own page show them)."""
        return {name: host_row(self, name) for name in self.target_names}

    @functools.cached_property
    def overview(self) -> Overview:
        """Blocking findings, top risks, worst hosts and changes (the overview and the summary show them)."""
        from auditor.reports.overview import overview  # it reads this module's records

        return overview(self)

    def navigation(self, current: str) -> tuple[NavLink, ...]:
        """Links to the fleet-wide pages and every phase page; ``current`` is the file being rendered."""
        links = [*NAV_PAGES, *((phase.href, phase.title) for phase in self.phases)]
        return tuple(NavLink(href, label, href == current) for href, label in links)


def status_counts(results: Iterable[CheckResult]) -> tuple[int, ...]:
    """Results per status, in ``Status`` order."""
    counts = dict.fromkeys(Status, 0)
    for result in results:
        counts[result.status] += 1
    return tuple(counts[status] for status in Status)


_NO_RESULTS = (0,) * len(Status)
_NO_FINDINGS = (0,) * len(Severity)


def _held(items: Sequence[Item]) -> Mapping[str, Sequence[Item]]:
    """Items held in memory, by target; empty for a store (read per target through ``_of_target``)."""
    return {} if isinstance(items, TargetStore) else dict(by_target(items))


def _of_target(items: Sequence[Item], name: str, held: Mapping[str, Sequence[Item]]) -> Sequence[Item]:
    """One target's items: read from a store, or looked up among those held in memory."""
    return items.of_target(name) if isinstance(items, TargetStore) else held.get(name, ())


def host_row(site: RunSite, name: str) -> HostRow:
    """The counts of one target."""
    target = site.targets.get(name)
    owner = site.owners.get(name, "")
    counts = site.tally.targets.get(name)
    return HostRow(
        name=name, file=host_file(name), kind=target.kind.value if target else "",
        address=(target.address or "") if target else "", owner=owner, owner_file=owner_file(owner) if owner else "",
        severities=counts.severities if counts else _NO_FINDINGS,
        statuses=site.statuses_by_target.get(name, _NO_RESULTS), waived=counts.waived if counts else 0,
    )
