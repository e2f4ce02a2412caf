"""What every page of one run's report shares: the snapshot indexed once, file names, navigation.

The index holds counts, and the first members of each fix as compact references
(``tally.RunTally``), never every result and finding: a spooled run's are read from disk a target
at a time, for the page that shows them (``results_of``, ``findings_of``, ``finding_of``), so
writing a fleet's pages takes about the memory of one host's plus a few counts per host. The counts
are in columns by target ordinal (``columns``), and a host's row is made only for the pages that print
it (``host_table``): no Python object per host stays for the whole fleet.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from auditor.models import CheckResult, Finding, Target
from auditor.reports.columns import CountColumns, TargetIndex, TargetOwners
from auditor.reports.grouping import FixGroup, group_findings
from auditor.reports.host_table import HostFiles, HostRow, HostTable, host_file, owner_file, page_name, status_columns
from auditor.reports.refs import FindingRef, Member
from auditor.reports.run_views import INDEX_FILE, check_titles, header, phase_views
from auditor.reports.tally import OPEN, RunTally, TallyInputs, owner_key, tally_run
from auditor.reports.views import Header, NavLink, PhaseView

__all__ = [  # the page names and rows, made in ``host_table``, are imported from here too
    "HOSTS_FILE", "HOSTS_PER_PAGE", "NAV_PAGES", "SUMMARY_FILE", "HostRow", "RunSite", "host_file",
    "hosts_file", "owner_file", "page_name",
]
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
Item = TypeVar("Item", CheckResult, Finding)


def hosts_file(number: int) -> str:
    """Page ``number`` (from 1) of the hosts list: ``hosts.html``, then ``hosts-2.html``, ..."""
    return HOSTS_FILE if number == 1 else f"hosts-{number}.html"


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
        inputs = TallyInputs(self.titles, self.owners, phase_of, self.snapshot.profile.fail_on.rank, previous_open,
                             self.index)
        return tally_run(by_target(self.snapshot.findings), inputs, self.finding_of)

    @functools.cached_property
    def index(self) -> TargetIndex:
        """Target name <-> ordinal, the row of its counts; ``ValueError`` for a target listed twice.

        Targets only results or findings name are added by the passes that meet them (``hosts``).
        """
        return TargetIndex(self.snapshot.targets)

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
    def owners(self) -> TargetOwners:
        """Target name -> owner, for targets that name one."""
        return TargetOwners(self.index, self.snapshot.targets)

    @functools.cached_property
    def statuses(self) -> CountColumns:
        """Results per status (in ``Status`` order), by target ordinal."""
        return status_columns(by_target(self.snapshot.results), self.index)

    @functools.cached_property
    def hosts(self) -> HostTable:
        """Every target's counts and row: the audited ones, then any that only appear in results or findings."""
        statuses, tally = self.statuses, self.tally  # both passes first: they add the targets only they name
        return HostTable(self.index, self.owners, statuses, tally.targets)

    def target_order(self) -> Iterator[int]:
        """Every target's ordinal: the audited ones in run order, then any only results or findings name, by name."""
        return self.hosts.index.run_order()

    @functools.cached_property
    def host_files(self) -> HostFiles:
        """Target name -> its page, for every target (templates look links up here)."""
        return HostFiles(self.hosts.index)

    def target(self, name: str) -> Target | None:
        """The inventory record of a target (None for targets only seen in results or findings)."""
        ordinal = self.index.find(name)
        record = self.index.record(ordinal) if ordinal is not None else None
        return record.target if record is not None else None

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

    @property
    def owner_names(self) -> tuple[str, ...]:
        """Every owner named by a target, sorted."""
        return self.owners.names

    def host_row(self, name: str) -> HostRow:
        """The counts of one target (made when asked: the hosts list and the host's own page show them)."""
        return self.hosts.row_of(name)

    @functools.cached_property
    def overview(self) -> Overview:
        """Blocking findings, top risks, worst hosts and changes (the overview and the summary show them)."""
        from auditor.reports.overview import overview  # it reads this module's records

        return overview(self)

    def navigation(self, current: str) -> tuple[NavLink, ...]:
        """Links to the fleet-wide pages and every phase page; ``current`` is the file being rendered."""
        links = [*NAV_PAGES, *((phase.href, phase.title) for phase in self.phases)]
        return tuple(NavLink(href, label, href == current) for href, label in links)


def _held(items: Sequence[Item]) -> Mapping[str, Sequence[Item]]:
    """Items held in memory, by target; empty for a store (read per target through ``_of_target``)."""
    return {} if isinstance(items, TargetStore) else dict(by_target(items))


def _of_target(items: Sequence[Item], name: str, held: Mapping[str, Sequence[Item]]) -> Sequence[Item]:
    """One target's items: read from a store, or looked up among those held in memory."""
    return items.of_target(name) if isinstance(items, TargetStore) else held.get(name, ())
