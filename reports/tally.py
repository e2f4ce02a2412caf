"""One pass over a run's findings, a target at a time: what every fleet-wide page shows of them.

The overview, the summary, the phase, owner and hosts pages show fixes (each with its counts
and first members), counts per host and per phase, and what changed since the previous run.
All of it is tallied here in one pass over the findings, which a spooled run reads from disk a
target at a time, keeping counts and the first members of each fix only: the memory of a
fleet's pages grows with its hosts' counts, not with its findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from auditor.models import Severity
from auditor.reports.columns import Column, CountColumns, TargetIndex
from auditor.reports.grouping import FixGroup, FixViews
from auditor.reports.refs import FindingRef, Member, refs

if TYPE_CHECKING:
    from collections.abc import Callable

    from auditor.models import Finding

# The most members any fleet-wide page lists of one fix (a phase page lists 100).
MEMBERS_KEPT = 100
# Views of the run's fixes: the open ones, the blocking ones, the new ones, an owner's, a measure's.
OPEN: tuple[str, ...] = ("open",)
BLOCKING: tuple[str, ...] = ("blocking",)
NEW: tuple[str, ...] = ("new",)
# A view's name (``OPEN``, ``owner_key(...)``, ``measure_key(...)``) -> its fixes, worst first.
Fixes: TypeAlias = Mapping[tuple[str, ...], tuple[FixGroup, ...]]
_SEVERITY_COLUMN = {severity: column for column, severity in enumerate(sorted(Severity, reverse=True))}


def owner_key(owner: str) -> tuple[str, ...]:
    """The view of an owner's open fixes."""
    return "owner", owner


def measure_key(measure_id: str, waived: bool) -> tuple[str, ...]:
    """The view of a measure's open (or waived) fixes."""
    return "measure", measure_id, "waived" if waived else "open"


@dataclass(frozen=True, slots=True)
class TargetCounts:
    """One target's findings, counted: open per severity, waived, and every finding per phase and severity."""

    severities: tuple[int, ...]  # open findings per severity, critical first
    waived: int
    phases: Mapping[str, tuple[int, ...]]  # phase id -> its findings (open and waived) per severity, critical first


class FindingCounts(Mapping[str, TargetCounts]):
    """Every target's findings counted, in columns by target ordinal (``columns``): a few bytes a target.

    As a mapping, target name -> its ``TargetCounts`` (made when asked for), for targets with findings.
    """

    def __init__(self, index: TargetIndex, phases: Iterable[str]) -> None:
        """No finding counted yet; ``phases`` are the catalogue's phase ids."""
        self.index = index
        self.severities = CountColumns(len(Severity))  # open findings per severity, critical first
        self.waived = Column()
        self.phases = {phase: CountColumns(len(Severity)) for phase in phases}  # every finding, per severity

    def has_findings(self, ordinal: int) -> bool:
        """True when target ``ordinal`` has findings (open or waived)."""
        return bool(self.waived[ordinal] or self.severities.total(ordinal))

    def counts(self, ordinal: int) -> TargetCounts:
        """The counts of target ``ordinal``."""
        phases = {phase: row for phase, columns in self.phases.items() if any(row := columns.row(ordinal))}
        return TargetCounts(self.severities.row(ordinal), self.waived[ordinal], phases)

    def __getitem__(self, name: str) -> TargetCounts:
        ordinal = self.index.find(name)
        if ordinal is None or not self.has_findings(ordinal):
            raise KeyError(name)
        return self.counts(ordinal)

    def __iter__(self) -> Iterator[str]:
        return (self.index.name(ordinal) for ordinal in self.index.run_order() if self.has_findings(ordinal))

    def __len__(self) -> int:
        return sum(1 for ordinal in range(len(self.index)) if self.has_findings(ordinal))


@dataclass(frozen=True)
class RunTally:
    """The run's findings as fleet-wide pages show them."""

    views: Fixes
    targets: FindingCounts  # every target's counts (a mapping of the targets with findings)
    open_now: tuple[int, ...]  # open findings per severity, critical first

    def fixes(self, view: tuple[str, ...]) -> tuple[FixGroup, ...]:
        """The fixes of one view, worst first (none when it has no findings)."""
        return self.views.get(view, ())


@dataclass(frozen=True)
class TallyInputs:
    """What the tally reads besides the findings."""

    titles: Mapping[str, str]  # check id -> title
    owners: Mapping[str, str]  # target -> owner
    phase_of: Mapping[str, str]  # measure id -> phase id
    fail_on: int  # the severity rank from which a finding blocks
    previous_open: frozenset[str] | None  # fingerprints of the previous run's open findings (None: no previous run)
    index: TargetIndex  # target name -> ordinal: the counts' row (a target only findings name is added)


class _Counter:
    """Counts while the findings pass: per target (in columns), and the run's totals."""

    def __init__(self, inputs: TallyInputs) -> None:
        self.inputs = inputs
        self.targets = FindingCounts(inputs.index, dict.fromkeys(inputs.phase_of.values()))
        self.open_now = [0] * len(Severity)

    def add_target(self, target: str, members: Sequence[FindingRef]) -> None:
        severities, waived = [0] * len(Severity), 0
        phases: dict[str, list[int]] = {}
        for member in members:
            column = _SEVERITY_COLUMN[member.severity]
            for phase in {self.inputs.phase_of[m] for m in member.measures if m in self.inputs.phase_of}:
                phases.setdefault(phase, [0] * len(Severity))[column] += 1
            if member.waived:
                waived += 1
                continue
            severities[column] += 1
        for column, count in enumerate(severities):
            self.open_now[column] += count
        ordinal = self.inputs.index.add(target)
        self.targets.severities.set(ordinal, severities)
        if waived:
            self.targets.waived.set(ordinal, waived)
        for phase, counts in phases.items():
            self.targets.phases[phase].set(ordinal, counts)


def tally_run(findings_by_target: Iterable[tuple[str, Sequence[Finding]]], inputs: TallyInputs,
              resolve: Callable[[Member], Finding]) -> RunTally:
    """Every view's fixes and every target's counts, in one pass over the findings (by target)."""
    views: FixViews[tuple[str, ...]] = FixViews(_views(inputs), MEMBERS_KEPT)
    counter = _Counter(inputs)
    for target, findings in findings_by_target:
        members = tuple(refs(findings))
        views.add_target(target, members)
        counter.add_target(target, members)
    return RunTally(views.groups(inputs.titles, inputs.owners, resolve), counter.targets, tuple(counter.open_now))


def _views(inputs: TallyInputs) -> Callable[[Member], list[tuple[str, ...]]]:
    """The views a finding is listed in."""
    owners, fail_on, previous = inputs.owners, inputs.fail_on, inputs.previous_open

    def views(finding: Member) -> list[tuple[str, ...]]:
        waived = finding.waived
        keys = [measure_key(measure_id, waived) for measure_id in dict.fromkeys(finding.measures)]
        if waived:
            return keys
        keys.append(OPEN)
        if finding.severity.rank >= fail_on:
            keys.append(BLOCKING)
        owner = owners.get(finding.target)
        if owner:
            keys.append(owner_key(owner))
        if previous is not None and finding.fingerprint not in previous:
            keys.append(NEW)
        return keys

    return views


def measure_fixes(findings_by_target: Iterable[tuple[str, Sequence[Finding]]],
                  titles: Mapping[str, str], owners: Mapping[str, str]) -> Fixes:
    """Every measure's open and waived fixes (``measure_key``), for a snapshot without a site (a history's runs)."""
    views: FixViews[tuple[str, ...]] = FixViews(
        lambda finding: [measure_key(measure_id, finding.waived) for measure_id in dict.fromkeys(finding.measures)],
        MEMBERS_KEPT)
    for target, findings in findings_by_target:
        views.add_target(target, findings)
    return views.groups(titles, owners)
