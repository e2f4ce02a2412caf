"""The run report's views, built from a snapshot: measures by phase, header, verdict, targets.

Reporters read only a finished snapshot (it embeds the catalogue, check metadata, results,
findings and attestations); they never consult the registry or the network.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from auditor.config.attestations import Attestation
from auditor.config.catalogue import PHASE_ID, Measure
from auditor.models import CheckResult, ExitCode, Finding, Status
from auditor.reports.views import (
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
    NavLink,
    Outcome,
    PassedCheckView,
    PhaseView,
    ResultView,
    TargetRow,
)
from auditor.store.model import Snapshot, sorted_findings, waiver_state

INDEX_FILE = "index.html"
# Per measure, the most severe findings are shown in full; the rest are counted by check and
# are in findings.csv and the snapshot. A page of 100,000 findings helps nobody and takes
# minutes to render.
MAX_FINDINGS_SHOWN = 200

STATUSES = tuple(status.value for status in Status)
_OTHER_STATUSES = (Status.ERROR, Status.SKIPPED, Status.NOT_ASSESSABLE)
# How the pages name a finding's waiver state ("none" is an open finding).
_FINDING_STATE = {"none": "open", "waived": "waived", "expired": "expired"}


def _pairs(mapping: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((str(key), str(value)) for key, value in mapping.items())


def finding_view(finding: Finding, check_titles: Mapping[str, str] | None = None,
                 owners: Mapping[str, str] | None = None) -> FindingView:
    """The display form of one finding; state "open", "waived" or "expired" (expired counts as open)."""
    waiver = finding.waiver
    return FindingView(
        owner=(owners or {}).get(finding.target, ""),
        severity=finding.severity.value,
        target=finding.target,
        check_id=finding.check_id,
        check_title=(check_titles or {}).get(finding.check_id, ""),
        resource=finding.resource,
        message=finding.message,
        evidence=_pairs(finding.evidence),
        remediation=finding.remediation,
        measures=finding.measures,
        state=_FINDING_STATE[waiver_state(finding)],
        waiver_owner=waiver.owner if waiver else "",
        waiver_expires=waiver.expires if waiver else "",
        waiver_justification=waiver.justification if waiver else "",
    )


def finding_views(findings: Iterable[Finding], titles: Mapping[str, str] | None = None,
                  owners: Mapping[str, str] | None = None) -> tuple[FindingView, ...]:
    """Display forms, in the one finding order (most severe first)."""
    return tuple(finding_view(finding, titles, owners) for finding in sorted_findings(findings))


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
        details=_pairs(result.details),
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


def _passed_checks(results: Iterable[CheckResult], titles: Mapping[str, str]) -> tuple[PassedCheckView, ...]:
    by_check: dict[str, list[ResultView]] = {}
    for result in results:
        by_check.setdefault(result.check_id, []).append(_result_view(result, titles))
    return tuple(
        PassedCheckView(check_id, titles.get(check_id, check_id), tuple(sorted(views, key=lambda v: v.target)))
        for check_id, views in sorted(by_check.items())
    )


def _is_other(result: CheckResult) -> bool:
    """Results that neither pass nor carry findings: errors, skips, not-assessable (and a bare fail)."""
    return result.status in _OTHER_STATUSES or (result.status is Status.FAIL and not result.findings)


def measure_status(open_findings: int, passed: int, current: int, overdue: int) -> str:
    """Open findings outrank evidence; evidence outranks overdue attestations; else not evidenced."""
    if open_findings:
        return STATUS_FINDINGS
    if passed or current:
        return STATUS_EVIDENCED
    if overdue:
        return STATUS_OVERDUE
    return STATUS_NOT_EVIDENCED


@dataclass(frozen=True)
class _ByMeasure:
    """A snapshot's findings and results grouped by measure id, with what every measure view needs."""

    findings: Mapping[str, list[Finding]]
    results: Mapping[str, list[CheckResult]]
    owners: Mapping[str, str]
    titles: Mapping[str, str]
    attestations: tuple[Attestation, ...]
    as_of: dt.date

    @classmethod
    def of(cls, snapshot: Snapshot) -> _ByMeasure:
        findings: dict[str, list[Finding]] = defaultdict(list)
        results: dict[str, list[CheckResult]] = defaultdict(list)
        for finding in snapshot.findings:
            for measure_id in finding.measures:
                findings[measure_id].append(finding)
        for result in snapshot.results:
            for measure_id in result.measures:
                results[measure_id].append(result)
        return cls(findings, results, target_owners(snapshot), check_titles(snapshot), snapshot.attestations,
                   run_date(snapshot))


def measure_view(measure: Measure, grouped: _ByMeasure) -> MeasureView:
    """Everything the snapshot says about one measure."""
    titles, owners = grouped.titles, grouped.owners
    findings = grouped.findings.get(measure.id, [])
    results = grouped.results.get(measure.id, [])
    open_raw = sorted_findings(f for f in findings if not f.waived)
    waived_raw = sorted_findings(f for f in findings if f.waived)
    passed = _passed_checks((r for r in results if r.status is Status.PASS), titles)
    others = tuple(sorted((_result_view(r, titles) for r in results if _is_other(r)),
                          key=lambda v: (v.status, v.check_id, v.target)))
    attestations = tuple(attestation_view(a, grouped.as_of) for a in grouped.attestations if a.measure == measure.id)
    overdue = sum(1 for a in attestations if a.overdue)
    status = measure_status(len(open_raw), len(passed), len(attestations) - overdue, overdue)
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
        open_findings=finding_views(open_raw[:MAX_FINDINGS_SHOWN], titles, owners),
        waived_findings=finding_views(waived_raw[:MAX_FINDINGS_SHOWN], titles, owners),
        passed=passed,
        other_results=others,
        attestations=attestations,
        open_total=len(open_raw),
        open_more=_count_by_check(open_raw[MAX_FINDINGS_SHOWN:], titles),
        waived_total=len(waived_raw),
    )


def _count_by_check(findings: Sequence[Finding], titles: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(titles.get(f.check_id) or f.check_id for f in findings)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def phase_views(snapshot: Snapshot) -> tuple[PhaseView, ...]:
    """Every phase of the snapshot's catalogue with every one of its measures, in catalogue order."""
    grouped = _ByMeasure.of(snapshot)
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
        targets=tuple(snapshot.target_names),
        rejudged=snapshot.rejudged_note,
    )


def navigation(phases: Sequence[PhaseView], current: str) -> tuple[NavLink, ...]:
    """Links to the overview and every phase page; ``current`` is the file being rendered."""
    links = [NavLink(INDEX_FILE, "Overview", current == INDEX_FILE)]
    links.extend(NavLink(phase.href, phase.title, current == phase.href) for phase in phases)
    return tuple(links)


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


def target_rows(snapshot: Snapshot) -> tuple[TargetRow, ...]:
    """Per-target result counts, including targets that only appear in results."""
    known = {record.name: record.target for record in snapshot.targets}
    names = list(known) + sorted({r.target for r in snapshot.results} - known.keys())
    open_counts = Counter(f.target for f in snapshot.findings if not f.waived)
    statuses: dict[str, Counter[Status]] = defaultdict(Counter)
    for result in snapshot.results:
        statuses[result.target][result.status] += 1
    rows = []
    for name in names:
        target = known.get(name)
        rows.append(TargetRow(
            name=name,
            kind=target.kind.value if target else "",
            address=(target.address or "") if target else "",
            counts=tuple(statuses[name][status] for status in Status),
            open_findings=open_counts.get(name, 0),
        ))
    return tuple(rows)


def error_results(snapshot: Snapshot) -> tuple[ResultView, ...]:
    """Every check result that ended in error, by target then check."""
    titles = check_titles(snapshot)
    errors = (r for r in snapshot.results if r.status is Status.ERROR)
    return tuple(sorted((_result_view(r, titles) for r in errors), key=lambda v: (v.target, v.check_id)))


def unmapped_findings(snapshot: Snapshot) -> tuple[FindingView, ...]:
    """Findings naming no measure of the snapshot's catalogue: no phase page would show them."""
    known = snapshot.catalogue.measures.keys()
    unmapped = (f for f in snapshot.findings if not known & set(f.measures))
    return finding_views(unmapped, check_titles(snapshot), target_owners(snapshot))


def coverage(phases: Sequence[PhaseView]) -> Coverage:
    """Measures evidenced as in place, out of all catalogue measures."""
    return Coverage(sum(phase.evidenced for phase in phases), sum(len(phase.measures) for phase in phases))
