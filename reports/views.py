"""What report pages show, as small frozen records: the templates only lay these out.

Builders from a snapshot are in ``auditor.reports.run_views`` and ``auditor.reports.diff_views``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # records built from these live in grouping, which imports this module
    from auditor.reports.grouping import FixGroup, ReasonRow

# A measure's status, worst first; the second item is the CSS class of its badge.
STATUS_FINDINGS = "findings"
STATUS_EVIDENCED = "evidenced"
STATUS_OVERDUE = "attestation overdue"
STATUS_NOT_EVIDENCED = "not evidenced"
STATUS_CLASS = {
    STATUS_FINDINGS: "st-findings",
    STATUS_EVIDENCED: "st-evidenced",
    STATUS_OVERDUE: "st-overdue",
    STATUS_NOT_EVIDENCED: "st-none",
}


# Audited targets every page's header names; the rest are counted (the hosts list has them all).
MAX_HEADER_TARGETS = 10


@dataclass(frozen=True)
class Header:
    """What every page states about the run it reports."""

    tool: str
    tool_version: str
    profile: str
    profile_version: str
    fail_on: str
    catalogue: str
    catalogue_version: str
    started_at: str
    finished_at: str
    targets: tuple[str, ...]  # the first MAX_HEADER_TARGETS audited targets, in run order
    targets_total: int  # every audited target
    rejudged: str = ""  # the re-judging note, on every page of a re-judged snapshot


@dataclass(frozen=True)
class NavLink:
    """One entry of the navigation between the overview and the phase pages."""

    href: str
    label: str
    current: bool


@dataclass(frozen=True)
class FindingView:
    """A finding as displayed: ``state`` is "open", "waived" or "expired" (expired waivers count as open).

    ``check_title`` is empty where no check metadata is at hand (the diff page).
    """

    severity: str
    target: str
    check_id: str
    check_title: str
    resource: str
    message: str
    evidence: tuple[tuple[str, str], ...]
    remediation: str
    measures: tuple[str, ...]
    state: str
    waiver_owner: str
    waiver_expires: str
    waiver_justification: str
    owner: str = ""  # the target's owner (lab, team), for the owner filter


@dataclass(frozen=True)
class ResultView:
    """One check result on one target (used for errors, skips and passes)."""

    check_id: str
    check_title: str
    target: str
    status: str
    reason: str
    details: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PassedCheckView:
    """A check that passed on some targets, with each target's result details."""

    check_id: str
    check_title: str
    results: tuple[ResultView, ...]  # the first targets' results (a phase page lists at most a few)
    total: int = 0  # targets it passed on, when more than ``results`` (0: ``results`` is complete)

    @property
    def more(self) -> int:
        """Targets it passed on that are not listed."""
        return max(self.total - len(self.results), 0)


@dataclass(frozen=True)
class AttestationView:
    """A person's statement for a measure; ``evidence_url`` is set only for https:// links."""

    statement: str
    by: str
    date: str
    next_review: str
    evidence: str
    evidence_url: str
    source: str
    overdue: bool


@dataclass(frozen=True)
class MeasureView:
    """One toolkit measure with its status and everything that evidences it."""

    id: str
    title: str
    summary: str
    evidence_kind: str
    machine_evidence: str
    nist_csf_2: tuple[str, ...]
    cis_v8: tuple[str, ...]
    status: str
    status_class: str
    open_groups: tuple[FixGroup, ...]  # the most severe fixes, at most MAX_GROUPS_SHOWN
    waived_groups: tuple[FixGroup, ...]
    passed: tuple[PassedCheckView, ...]
    not_checked: tuple[ReasonRow, ...]  # errors, skips, not-assessable: one row per status and reason
    attestations: tuple[AttestationView, ...]
    open_total: int = 0
    open_more: tuple[tuple[str, int], ...] = ()  # (check title, count) of open findings not shown
    waived_total: int = 0
    not_checked_total: int = 0

    @property
    def open_shown(self) -> int:
        """Open findings in the fixes shown."""
        return sum(group.count for group in self.open_groups)

    @property
    def nothing_recorded(self) -> bool:
        """True when no finding, check result or attestation mentions this measure."""
        return not (self.open_groups or self.waived_groups or self.passed or self.not_checked
                    or self.attestations)


@dataclass(frozen=True)
class PhaseView:
    """A toolkit phase with its measures and their status counts."""

    id: str
    title: str
    summary: str
    href: str
    measures: tuple[MeasureView, ...]

    def count(self, status: str) -> int:
        """How many measures of this phase have ``status``."""
        return sum(1 for measure in self.measures if measure.status == status)

    @property
    def with_findings(self) -> int:
        """Measures with open findings."""
        return self.count(STATUS_FINDINGS)

    @property
    def evidenced(self) -> int:
        """Measures evidenced by passing checks or current attestations."""
        return self.count(STATUS_EVIDENCED)

    @property
    def overdue(self) -> int:
        """Measures whose only evidence is an overdue attestation."""
        return self.count(STATUS_OVERDUE)

    @property
    def not_evidenced(self) -> int:
        """Measures nothing evidences."""
        return self.count(STATUS_NOT_EVIDENCED)


@dataclass(frozen=True)
class Outcome:
    """The run's verdict from the snapshot summary."""

    exit_code: int
    blocking: int
    fail_on: str
    verdict: str
    verdict_class: str


@dataclass(frozen=True)
class Coverage:
    """Measures evidenced as in place, out of all measures in the catalogue."""

    evidenced: int
    total: int

    @property
    def percent(self) -> int:
        """Whole-number percentage (0 for an empty catalogue)."""
        return round(100 * self.evidenced / self.total) if self.total else 0


@dataclass(frozen=True)
class MetaRow:
    """One line of the old/new comparison table in the diff header."""

    label: str
    old: str
    new: str
    changed: bool = False  # a version that differs: the judging changed, not only the systems


@dataclass(frozen=True)
class DiffSection:
    """A titled group of changes; ``kind`` tells the template how to lay out ``items``."""

    id: str
    title: str
    kind: str  # "findings", "severity", "waiver", "status"
    items: tuple[Any, ...]
    collapsed: bool = False
    empty_text: str = "None."

    @property
    def count(self) -> int:
        """Number of items in the section."""
        return len(self.items)


@dataclass(frozen=True)
class ChangeView:
    """A finding with a before and after value (severity or waiver state)."""

    old: str
    new: str
    finding: FindingView
