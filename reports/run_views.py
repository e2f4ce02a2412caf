"""The run report's views, built from a snapshot: measures by phase, header, verdict, targets.

Reporters read only a finished snapshot (it embeds the catalogue, check metadata, results,
findings and attestations); they never consult the registry or the network.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from auditor.config.attestations import Attestation
from auditor.config.catalogue import PHASE_ID, Measure
from auditor.models import CheckResult, ExitCode, Status
from auditor.reports.grouping import FixGroup, ReasonTally, finding_views, pairs
from auditor.reports.tally import Fixes, measure_fixes, measure_key
from auditor.reports.views import (
    MAX_HEADER_TARGETS,
    STATUS_CLASS,
    STATUS_EVIDENCED,
    STATUS_FINDINGS,
    STATUS_NOT_EVIDENCED,
    STATUS_OVERDUE,
    AttestationView,
    Coverage,
    FindingView,
    Header,
    MeasureView,
    Outcome,
    PassedCheckView,
    PhaseView,
    ResultView,
)
from auditor.store.model import Snapshot, by_target

INDEX_FILE = "index.html"
# Per measure, the most severe fixes are shown (each with its count and members); the rest are
# counted by check and are on their host pages, in findings.csv and the snapshot. A page of
# 100,000 findings helps nobody and takes minutes to render.
MAX_GROUPS_SHOWN = 40
# Targets listed per passed check and "not checked" reasons per measure; the rest are counted.
MAX_PASSES_SHOWN = 20
MAX_REASONS_SHOWN = 30

STATUSES = tuple(status.value for status in Status)


def target_owners(snapshot: Snapshot) -> dict[str, str]:
    """Target name -> owner, for targets that name one."""
    return {record.name: record.target.owner for record in snapshot.targets if record.target.owner}


def check_titles(snapshot: Snapshot) -> dict[str, str]:
    """Check id -> title, for every check the snapshot has metadata for."""
    return {check_id: meta.title for check_id, meta in snapshot.checks.items()}


def _result_view(result: CheckResult, titles: Mapping[str, str]) -> ResultView:
    return ResultView(
        check_id=result.check_id,
        check_title=titles.get(result.check_id, result.check_id),
        target=result.target,
        status=result.status.value,
        reason=result.reason,
        details=pairs(result.details),
    )


def run_date(snapshot: Snapshot) -> dt.date:
    """The day the run finished: attestations are judged overdue as of then, so a report never changes."""
    return dt.datetime.fromisoformat(snapshot.finished_at).date()


def attestation_view(attestation: Attestation, as_of: dt.date) -> AttestationView:
    """The display form of one attestation, overdue once its review date is before ``as_of``."""
    evidence = attestation.evidence
    return AttestationView(
        statement=attestation.statement,
        by=attestation.by,
        date=attestation.date,
        next_review=attestation.next_review,
        evidence=evidence,
        evidence_url=evidence if evidence.startswith("https://") else "",
        source=attestation.source,
        overdue=attestation.overdue(as_of),
    )


def passed_checks(results: Iterable[CheckResult], titles: Mapping[str, str]) -> tuple[PassedCheckView, ...]:
    """Passing results by check, each with its targets in name order."""
    by_check: dict[str, list[ResultView]] = {}
    for result in results:
        by_check.setdefault(result.check_id, []).append(_result_view(result, titles))
    return tuple(
        PassedCheckView(check_id, titles.get(check_id, check_id), tuple(sorted(views, key=lambda v: v.target)))
        for check_id, views in sorted(by_check.items())
    )


def measure_status(open_findings: int, passed: int, current: int, overdue: int) -> str:
    """Open findings outrank evidence; evidence outranks overdue attestations; else not evidenced."""
    if open_findings:
        return STATUS_FINDINGS
    if passed or current:
        return STATUS_EVIDENCED
    if overdue:
        return STATUS_OVERDUE
    return STATUS_NOT_EVIDENCED


@dataclass
class _MeasureResults:
    """What a measure's view shows of its results, tallied as they stream past (never the results themselves)."""

    passed: dict[str, list[ResultView]] = field(default_factory=dict)  # check id -> passes, first targets by name
    passed_total: Counter[str] = field(default_factory=Counter)  # check id -> targets it passed on
    reasons: ReasonTally = field(default_factory=ReasonTally)

    def add(self, result: CheckResult, titles: Mapping[str, str]) -> None:
        """Count ``result``; keep its view only while it is among the first MAX_PASSES_SHOWN targets by name."""
        self.reasons.add(result)
        if result.status is not Status.PASS:
            return
        shown = self.passed.setdefault(result.check_id, [])
        shown.append(_result_view(result, titles))
        self.passed_total[result.check_id] += 1
        if len(shown) > 2 * MAX_PASSES_SHOWN:  # nsmallest is sorted()[:n]: stable, as the full sort would be
            shown[:] = heapq.nsmallest(MAX_PASSES_SHOWN, shown, key=_TARGET_OF)

    def passed_views(self, titles: Mapping[str, str]) -> tuple[PassedCheckView, ...]:
        """The passed checks, by check id, each with its first targets by name and how many there are."""
        return tuple(PassedCheckView(check_id, titles.get(check_id, check_id),
                                     tuple(sorted(views, key=_TARGET_OF)[:MAX_PASSES_SHOWN]),
                                     total=self.passed_total[check_id])
                     for check_id, views in sorted(self.passed.items()))


_TARGET_OF = attrgetter("target")


@dataclass(frozen=True)
class _ByMeasure:
    """A snapshot's fixes and results by measure id, with what every measure view needs."""

    fixes: Fixes  # ``tally.measure_key`` -> the measure's fixes
    results: Mapping[str, _MeasureResults]
    titles: Mapping[str, str]
    attestations: tuple[Attestation, ...]
    as_of: dt.date

    @classmethod
    def of(cls, snapshot: Snapshot, fixes: Fixes) -> _ByMeasure:
        """One pass over the results (a spooled run's, a target at a time), keeping only what views show."""
        titles = check_titles(snapshot)
        results: dict[str, _MeasureResults] = defaultdict(_MeasureResults)
        for result in snapshot.results:
            for measure_id in result.measures:
                results[measure_id].add(result, titles)
        return cls(fixes, results, titles, snapshot.attestations, run_date(snapshot))


def measure_view(measure: Measure, grouped: _ByMeasure) -> MeasureView:
    """Everything the snapshot says about one measure."""
    titles = grouped.titles
    results = grouped.results.get(measure.id) or _MeasureResults()
    open_groups = grouped.fixes.get(measure_key(measure.id, False), ())
    waived_groups = grouped.fixes.get(measure_key(measure.id, True), ())
    open_total = sum(group.count for group in open_groups)
    passed = results.passed_views(titles)
    attestations = tuple(attestation_view(a, grouped.as_of) for a in grouped.attestations if a.measure == measure.id)
    overdue = sum(1 for a in attestations if a.overdue)
    status = measure_status(open_total, len(passed), len(attestations) - overdue, overdue)
    reasons = results.reasons.rows(titles)
    return MeasureView(
        id=measure.id,
        title=measure.title,
        summary=measure.summary,
        evidence_kind=measure.evidence,
        machine_evidence=measure.machine_evidence,
        nist_csf_2=measure.nist_csf_2,
        cis_v8=measure.cis_v8,
        status=status,
        status_class=STATUS_CLASS[status],
        open_groups=open_groups[:MAX_GROUPS_SHOWN],
        waived_groups=waived_groups[:MAX_GROUPS_SHOWN],
        passed=passed,
        not_checked=reasons[:MAX_REASONS_SHOWN],
        not_checked_total=sum(row.count for row in reasons),
        attestations=attestations,
        open_total=open_total,
        open_more=_count_by_check(open_groups[MAX_GROUPS_SHOWN:]),
        waived_total=sum(group.count for group in waived_groups),
    )


def _count_by_check(groups: Sequence[FixGroup]) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    for group in groups:
        counts[group.check_title] += group.count
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def phase_views(snapshot: Snapshot,
                fixes: Fixes | None = None) -> tuple[PhaseView, ...]:
    """Every phase of the snapshot's catalogue with every one of its measures, in catalogue order.

    ``fixes`` are the snapshot's fixes by ``tally.measure_key`` (a run's tally has them), else grouped here.
    """
    if fixes is None:
        fixes = measure_fixes(by_target(snapshot.findings), check_titles(snapshot), target_owners(snapshot))
    grouped = _ByMeasure.of(snapshot, fixes)
    catalogue = snapshot.catalogue
    return tuple(
        PhaseView(
            id=phase.id,
            title=phase.title,
            summary=phase.summary,
            href=phase_file_name(phase.id),
            measures=tuple(measure_view(m, grouped) for m in catalogue.in_phase(phase.id)),
        )
        for phase in catalogue.phases
    )


def phase_file_name(phase_id: str) -> str:
    """The file a phase page is written to: a bare name inside the output folder, never a path."""
    if not PHASE_ID.fullmatch(phase_id):  # loaded snapshots are validated; this guards any other caller
        raise ValueError(f"phase id {phase_id!r} cannot name a report page")
    return f"{phase_id}.html"


def header(snapshot: Snapshot) -> Header:
    """The run identification shown at the top of every page, with the re-judging note if any."""
    catalogue = snapshot.catalogue
    return Header(
        tool=snapshot.tool.name,
        tool_version=snapshot.tool.version,
        profile=snapshot.profile.name,
        profile_version=snapshot.profile.version,
        fail_on=snapshot.profile.fail_on.value,
        catalogue=catalogue.title or catalogue.framework,
        catalogue_version=catalogue.version,
        started_at=snapshot.started_at,
        finished_at=snapshot.finished_at,
        targets=tuple(record.name for record in snapshot.targets[:MAX_HEADER_TARGETS]),
        targets_total=len(snapshot.targets),
        rejudged=snapshot.rejudged_note,
    )


def outcome(snapshot: Snapshot) -> Outcome:
    """The exit code and what it means, from the snapshot summary."""
    summary = snapshot.summary
    fail_on = snapshot.profile.fail_on.value
    if summary.exit_code is ExitCode.INCOMPLETE:
        verdict = (f"Incomplete audit: {summary.errors} check result(s) ended in error. "
                   "What was not checked is not known to be clean.")
        css = "v-error"
    elif summary.exit_code is ExitCode.FINDINGS:
        verdict = f"{summary.blocking} open finding(s) at or above the profile's threshold ({fail_on})."
        css = "v-fail"
    else:
        verdict = f"No open findings at or above the profile's threshold ({fail_on})."
        css = "v-ok"
    return Outcome(int(summary.exit_code), summary.blocking, fail_on, verdict, css)


def unmapped_findings(snapshot: Snapshot) -> tuple[FindingView, ...]:
    """Findings naming no measure of the snapshot's catalogue: no phase page would show them."""
    known = snapshot.catalogue.measures.keys()
    unmapped = (f for f in snapshot.findings if known.isdisjoint(f.measures))
    return finding_views(unmapped, check_titles(snapshot), target_owners(snapshot))


def coverage(phases: Sequence[PhaseView]) -> Coverage:
    """Measures evidenced as in place, out of all catalogue measures."""
    return Coverage(sum(phase.evidenced for phase in phases), sum(len(phase.measures) for phase in phases))
