"""Self-contained HTML reports: an overview, one page per toolkit phase, and the change report.

Reporters read only a finished snapshot (it embeds the catalogue, check metadata, results,
findings and attestations); they never consult the registry or the network. Every view is
computed here as small frozen dataclasses, so the Jinja2 templates only lay things out.

All text in a snapshot can be attacker-controlled (banners, certificate names, config values),
so one Environment with autoescape on for every template renders everything.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from auditor import __version__, resources
from auditor.fileio import write_atomic
from auditor.models import Severity, Status
from auditor.store.diff import SnapshotDiff

INDEX_FILE = "index.html"
# Per measure, the most severe findings are shown in full; the rest are counted by check and
# are in findings.csv and the snapshot. A page of 100,000 findings helps nobody and takes
# minutes to render.
MAX_FINDINGS_SHOWN = 200

# A measure's status, worst first; the second item is the CSS class of its badge.
STATUS_FINDINGS = "findings"
STATUS_EVIDENCED = "evidenced"
STATUS_OVERDUE = "attestation overdue"
STATUS_NOT_EVIDENCED = "not evidenced"
_STATUS_CLASS = {
    STATUS_FINDINGS: "st-findings",
    STATUS_EVIDENCED: "st-evidenced",
    STATUS_OVERDUE: "st-overdue",
    STATUS_NOT_EVIDENCED: "st-none",
}

SEVERITIES = tuple(severity.value for severity in sorted(Severity, reverse=True))  # critical first
STATUSES = tuple(status.value for status in Status)
_OTHER_STATUSES = (Status.ERROR.value, Status.SKIPPED.value, Status.NOT_ASSESSABLE.value)


# --------------------------------------------------------------------------- environment


# Pages may run exactly one script, ours, pinned by its hash; nothing may load from anywhere.
# Even if hostile text ever escaped escaping, the browser would refuse to run or fetch it.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; script-src {}"


@functools.cache
def filter_script() -> str:
    """The findings filter (reports/templates/filters.js), inlined so pages stay self-contained."""
    return (resources.templates_dir() / "filters.js").read_text(encoding="utf-8")


def content_security_policy(script: str | None) -> str:
    """The CSP of a page: no script at all, or only ``script`` (by SHA-256)."""
    if script is None:
        return _CSP.format("'none'")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return _CSP.format(f"'sha256-{digest}'")


@functools.cache
def environment() -> Environment:
    """The one Jinja2 environment: autoescape for every template, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(resources.templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(csp=content_security_policy(None), script=None, filters=None)
    return env


def template(name: str) -> Template:
    """A report template from the one environment."""
    return environment().get_template(name)


@dataclass(frozen=True)
class Filters:
    """The choices of a page's findings filter."""

    severities: tuple[str, ...]
    targets: tuple[str, ...]
    owners: tuple[str, ...]


def filter_context(findings: Iterable[FindingView]) -> dict[str, Any]:
    """Template variables for a page with the findings filter: its choices, the script, the CSP."""
    findings = list(findings)
    script = filter_script()
    return {
        "filters": Filters(SEVERITIES, tuple(sorted({f.target for f in findings})),
                           tuple(sorted({f.owner for f in findings if f.owner}))),
        "script": Markup(script),  # our own static file, never data
        "csp": content_security_policy(script),
    }


# --------------------------------------------------------------------------- view models


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
    targets: tuple[str, ...]


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
    results: tuple[ResultView, ...]


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
    open_findings: tuple[FindingView, ...]  # the most severe, at most MAX_FINDINGS_SHOWN
    waived_findings: tuple[FindingView, ...]
    passed: tuple[PassedCheckView, ...]
    other_results: tuple[ResultView, ...]
    attestations: tuple[AttestationView, ...]
    open_total: int = 0
    open_more: tuple[tuple[str, int], ...] = ()  # (check title, count) of open findings not shown
    waived_total: int = 0

    @property
    def nothing_recorded(self) -> bool:
        """True when no finding, check result or attestation mentions this measure."""
        return not (self.open_findings or self.waived_findings or self.passed or self.other_results
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
class TargetRow:
    """Per-target counts of result statuses and open findings."""

    name: str
    kind: str
    address: str
    counts: tuple[int, ...]  # in STATUSES order
    open_findings: int


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


# --------------------------------------------------------------------------- helpers


def _severity_key(finding: Mapping[str, Any]) -> tuple[int, str, str, str]:
    return (-Severity(finding["severity"]).rank, finding["target"], finding["check_id"], finding["resource"])


def _check_title(snapshot: Mapping[str, Any], check_id: str) -> str:
    return str(snapshot["checks"].get(check_id, {}).get("title", check_id))


def _pairs(mapping: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(key), str(value)) for key, value in mapping.items())


def _finding_state(finding: Mapping[str, Any]) -> str:
    if "waiver" not in finding:
        return "open"
    return "expired" if finding.get("waiver_expired") else "waived"


def finding_view(finding: Mapping[str, Any], check_titles: Mapping[str, str] | None = None,
                 owners: Mapping[str, str] | None = None) -> FindingView:
    """The display form of one snapshot finding."""
    waiver = finding.get("waiver") or {}
    return FindingView(
        owner=(owners or {}).get(finding["target"], ""),
        severity=finding["severity"],
        target=finding["target"],
        check_id=finding["check_id"],
        check_title=(check_titles or {}).get(finding["check_id"], ""),
        resource=finding["resource"],
        message=finding["message"],
        evidence=_pairs(finding.get("evidence", {})),
        remediation=finding.get("remediation", ""),
        measures=tuple(finding.get("measures", ())),
        state=_finding_state(finding),
        waiver_owner=str(waiver.get("owner", "")),
        waiver_expires=str(waiver.get("expires", "")),
        waiver_justification=str(waiver.get("justification", "")),
    )


def _finding_views(findings: Iterable[Mapping[str, Any]], titles: Mapping[str, str],
                   owners: Mapping[str, str]) -> tuple[FindingView, ...]:
    """Display forms, most severe first."""
    return tuple(finding_view(finding, titles, owners) for finding in sorted(findings, key=_severity_key))


def target_owners(snapshot: Mapping[str, Any]) -> dict[str, str]:
    """Target name -> owner, for targets that name one."""
    return {target["name"]: target["owner"] for target in snapshot["targets"] if target.get("owner")}


def _result_view(result: Mapping[str, Any], titles: Mapping[str, str]) -> ResultView:
    return ResultView(
        check_id=result["check_id"],
        check_title=titles.get(result["check_id"], result["check_id"]),
        target=result["target"],
        status=result["status"],
        reason=result.get("reason", ""),
        details=_pairs(result.get("details", {})),
    )


def _run_date(snapshot: Mapping[str, Any]) -> dt.date:
    """The day the run finished: attestations are judged overdue as of then, so a report never changes."""
    return dt.datetime.fromisoformat(snapshot["finished_at"]).date()


def attestation_view(attestation: Mapping[str, Any], as_of: dt.date) -> AttestationView:
    """The display form of one attestation, overdue once its review date is before ``as_of``."""
    evidence = str(attestation.get("evidence", ""))
    return AttestationView(
        statement=attestation["statement"],
        by=attestation["by"],
        date=attestation["date"],
        next_review=attestation["next_review"],
        evidence=evidence,
        evidence_url=evidence if evidence.startswith("https://") else "",
        source=str(attestation.get("source", "")),
        overdue=dt.date.fromisoformat(attestation["next_review"]) < as_of,
    )


def _passed_checks(results: Sequence[Mapping[str, Any]], titles: Mapping[str, str]) -> tuple[PassedCheckView, ...]:
    by_check: dict[str, list[ResultView]] = {}
    for result in results:
        by_check.setdefault(result["check_id"], []).append(_result_view(result, titles))
    return tuple(
        PassedCheckView(check_id, titles.get(check_id, check_id), tuple(sorted(views, key=lambda v: v.target)))
        for check_id, views in sorted(by_check.items())
    )


def _is_other(result: Mapping[str, Any]) -> bool:
    """Results that neither pass nor carry findings: errors, skips, not-assessable (and a bare fail)."""
    return result["status"] in _OTHER_STATUSES or (result["status"] == Status.FAIL.value and not result["findings"])


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
    """A snapshot's findings and results grouped by measure id (built once per report)."""

    findings: Mapping[str, list[Mapping[str, Any]]]
    results: Mapping[str, list[Mapping[str, Any]]]
    owners: Mapping[str, str]

    @classmethod
    def of(cls, snapshot: Mapping[str, Any]) -> _ByMeasure:
        findings: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        results: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for finding in snapshot["findings"]:
            for measure_id in finding["measures"]:
                findings[measure_id].append(finding)
        for result in snapshot["results"]:
            for measure_id in result["measures"]:
                results[measure_id].append(result)
        return cls(findings, results, target_owners(snapshot))


def measure_view(measure: Mapping[str, Any], snapshot: Mapping[str, Any], titles: Mapping[str, str],
                 as_of: dt.date, grouped: _ByMeasure | None = None) -> MeasureView:
    """Everything the snapshot says about one measure."""
    measure_id = measure["id"]
    grouped = grouped or _ByMeasure.of(snapshot)
    findings = grouped.findings.get(measure_id, [])
    results = grouped.results.get(measure_id, [])
    owners = grouped.owners
    open_raw = sorted((f for f in findings if _finding_state(f) != "waived"), key=_severity_key)
    waived_raw = sorted((f for f in findings if _finding_state(f) == "waived"), key=_severity_key)
    open_findings = _finding_views(open_raw[:MAX_FINDINGS_SHOWN], titles, owners)
    waived = _finding_views(waived_raw[:MAX_FINDINGS_SHOWN], titles, owners)
    passed = _passed_checks([r for r in results if r["status"] == Status.PASS.value], titles)
    others = tuple(sorted((_result_view(r, titles) for r in results if _is_other(r)),
                          key=lambda v: (v.status, v.check_id, v.target)))
    attestations = tuple(attestation_view(a, as_of) for a in snapshot["attestations"] if a["measure"] == measure_id)
    overdue = sum(1 for a in attestations if a.overdue)
    status = measure_status(len(open_raw), len(passed), len(attestations) - overdue, overdue)
    crosswalk = measure.get("crosswalk", {})
    return MeasureView(
        id=measure_id,
        title=measure["title"],
        summary=measure["summary"],
        evidence_kind=measure["evidence"],
        machine_evidence=measure.get("machine_evidence", ""),
        nist_csf_2=tuple(crosswalk.get("nist_csf_2", ())),
        cis_v8=tuple(crosswalk.get("cis_v8", ())),
        status=status,
        status_class=_STATUS_CLASS[status],
        open_findings=open_findings,
        waived_findings=waived,
        passed=passed,
        other_results=others,
        attestations=attestations,
        open_total=len(open_raw),
        open_more=_count_by_check(open_raw[MAX_FINDINGS_SHOWN:], titles),
        waived_total=len(waived_raw),
    )


def _count_by_check(findings: Sequence[Mapping[str, Any]], titles: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(titles.get(f["check_id"]) or f["check_id"] for f in findings)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def phase_views(snapshot: Mapping[str, Any]) -> tuple[PhaseView, ...]:
    """Every phase of the snapshot's catalogue with every one of its measures, in catalogue order."""
    titles = {check_id: _check_title(snapshot, check_id) for check_id in snapshot["checks"]}
    as_of = _run_date(snapshot)
    measures = snapshot["catalogue"]["measures"]
    grouped = _ByMeasure.of(snapshot)
    return tuple(
        PhaseView(
            id=phase["id"],
            title=phase["title"],
            summary=phase.get("summary", ""),
            href=phase_file_name(phase["id"]),
            measures=tuple(measure_view(m, snapshot, titles, as_of, grouped) for m in measures
                           if m["phase"] == phase["id"]),
        )
        for phase in snapshot["catalogue"]["phases"]
    )


def phase_file_name(phase_id: str) -> str:
    """The file a phase page is written to."""
    return f"{phase_id}.html"


def header(snapshot: Mapping[str, Any]) -> Header:
    """The run identification shown at the top of every page."""
    catalogue = snapshot["catalogue"]
    return Header(
        tool=snapshot["tool"]["name"],
        tool_version=snapshot["tool"]["version"],
        profile=snapshot["profile"]["name"],
        profile_version=snapshot["profile"]["version"],
        fail_on=snapshot["profile"]["fail_on"],
        catalogue=catalogue.get("title") or catalogue["framework"],
        catalogue_version=catalogue["version"],
        started_at=snapshot["started_at"],
        finished_at=snapshot["finished_at"],
        targets=tuple(target["name"] for target in snapshot["targets"]),
    )


def navigation(phases: Sequence[PhaseView], current: str) -> tuple[NavLink, ...]:
    """Links to the overview and every phase page; ``current`` is the file being rendered."""
    links = [NavLink(INDEX_FILE, "Overview", current == INDEX_FILE)]
    links.extend(NavLink(phase.href, phase.title, current == phase.href) for phase in phases)
    return tuple(links)


def outcome(snapshot: Mapping[str, Any]) -> Outcome:
    """The exit code and what it means, from the snapshot summary."""
    summary = snapshot["summary"]
    fail_on = snapshot["profile"]["fail_on"]
    errors = summary["results"].get(Status.ERROR.value, 0)
    code = summary["exit_code"]
    if code == 2:
        verdict = (f"Incomplete audit: {errors} check result(s) ended in error. "
                   "What was not checked is not known to be clean.")
        css = "v-error"
    elif code == 1:
        verdict = f"{summary['blocking']} open finding(s) at or above the profile's threshold ({fail_on})."
        css = "v-fail"
    else:
        verdict = f"No open findings at or above the profile's threshold ({fail_on})."
        css = "v-ok"
    return Outcome(code, summary["blocking"], fail_on, verdict, css)


def target_rows(snapshot: Mapping[str, Any]) -> tuple[TargetRow, ...]:
    """Per-target result counts, including targets that only appear in results."""
    known = {target["name"]: target for target in snapshot["targets"]}
    names = list(known) + sorted({r["target"] for r in snapshot["results"]} - known.keys())
    open_counts = Counter(f["target"] for f in snapshot["findings"] if _finding_state(f) != "waived")
    rows = []
    for name in names:
        statuses = Counter(r["status"] for r in snapshot["results"] if r["target"] == name)
        target = known.get(name, {})
        rows.append(TargetRow(
            name=name,
            kind=str(target.get("kind", "")),
            address=str(target.get("address", "")),
            counts=tuple(statuses.get(status, 0) for status in STATUSES),
            open_findings=open_counts.get(name, 0),
        ))
    return tuple(rows)


def error_results(snapshot: Mapping[str, Any]) -> tuple[ResultView, ...]:
    """Every check result that ended in error, by target then check."""
    titles = {check_id: _check_title(snapshot, check_id) for check_id in snapshot["checks"]}
    errors = (r for r in snapshot["results"] if r["status"] == Status.ERROR.value)
    return tuple(sorted((_result_view(r, titles) for r in errors), key=lambda v: (v.target, v.check_id)))


def unmapped_findings(snapshot: Mapping[str, Any]) -> tuple[FindingView, ...]:
    """Findings naming no measure of the snapshot's catalogue: no phase page would show them."""
    known = {measure["id"] for measure in snapshot["catalogue"]["measures"]}
    titles = {check_id: _check_title(snapshot, check_id) for check_id in snapshot["checks"]}
    unmapped = (f for f in snapshot["findings"] if not known.intersection(f["measures"]))
    return _finding_views(unmapped, titles, target_owners(snapshot))


def coverage(phases: Sequence[PhaseView]) -> Coverage:
    """Measures evidenced as in place, out of all catalogue measures."""
    return Coverage(sum(phase.evidenced for phase in phases), sum(len(phase.measures) for phase in phases))


# --------------------------------------------------------------------------- rendering


def render_index(snapshot: Mapping[str, Any], phases: Sequence[PhaseView]) -> str:
    """The overview page."""
    summary = snapshot["summary"]
    return template("index.html.j2").render(
        header=header(snapshot),
        nav=navigation(phases, INDEX_FILE),
        page_title="Overview",
        phases=phases,
        outcome=outcome(snapshot),
        severity_counts=tuple((sev, summary["findings"].get(sev, 0)) for sev in SEVERITIES),
        waived=summary["waived"],
        expired_waivers=summary["expired_waivers"],
        coverage=coverage(phases),
        statuses=STATUSES,
        targets=target_rows(snapshot),
        errors=error_results(snapshot),
        unmapped=unmapped_findings(snapshot),
        as_of=_run_date(snapshot).isoformat(),
        generator_version=__version__,
    )


def render_phase(snapshot: Mapping[str, Any], phases: Sequence[PhaseView], phase: PhaseView) -> str:
    """One phase page listing every measure of the phase."""
    return template("phase.html.j2").render(
        header=header(snapshot),
        nav=navigation(phases, phase.href),
        page_title=phase.title,
        phase=phase,
        as_of=_run_date(snapshot).isoformat(),
        generator_version=__version__,
        **filter_context(f for m in phase.measures for f in (*m.open_findings, *m.waived_findings)),
    )


def write_run_reports(snapshot: Mapping[str, Any], out_dir: Path) -> list[Path]:
    """Write index.html and one page per catalogue phase into ``out_dir``; return the paths written."""
    out_dir = Path(out_dir)
    phases = phase_views(snapshot)
    pages = [(out_dir / INDEX_FILE, render_index(snapshot, phases))]
    pages.extend((out_dir / phase.href, render_phase(snapshot, phases, phase)) for phase in phases)
    for path, text in pages:
        write_atomic(path, text)
    return [path for path, _ in pages]


# --------------------------------------------------------------------------- diff page


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


_META_LABELS = (
    ("started_at", "Run started"),
    ("tool_version", "Tool version"),
    ("profile", "Profile"),
    ("catalogue_version", "Catalogue version"),
)


def diff_sections(diff: SnapshotDiff) -> tuple[DiffSection, ...]:
    """The change report's sections, in reading order, persisting findings last and collapsed."""
    titles: dict[str, str] = {}
    return (
        DiffSection("new", "New findings", "findings", _finding_views(diff.new, titles, {})),
        DiffSection("resolved", "Resolved findings", "findings", _finding_views(diff.resolved, titles, {})),
        DiffSection("severity", "Severity changed", "severity", tuple(
            ChangeView(c.old["severity"], c.new["severity"], finding_view(c.new)) for c in diff.severity_changed)),
        DiffSection("waiver", "Waiver changed", "waiver", tuple(
            ChangeView(c.old, c.new, finding_view(c.finding)) for c in diff.waiver_changed)),
        DiffSection("status", "Check status changed", "status", tuple(diff.status_changed)),
        DiffSection("persisting", "Persisting findings", "findings",
                    _finding_views(diff.persisting, titles, {}), collapsed=True),
    )


def render_diff_html(diff: SnapshotDiff) -> str:
    """The change report page for ``auditor diff --html``."""
    meta = tuple(
        MetaRow(label, str(diff.old_meta.get(key, "")), str(diff.new_meta.get(key, "")), key in diff.version_changes)
        for key, label in _META_LABELS
    )
    version_changes = tuple(
        MetaRow(key.replace("_", " "), str(old), str(new)) for key, (old, new) in diff.version_changes.items()
    )
    return template("diff.html.j2").render(
        page_title="Change report",
        meta=meta,
        version_changes=version_changes,
        targets_added=tuple(diff.targets_added),
        targets_removed=tuple(diff.targets_removed),
        judged_differently=tuple(sorted(diff.judged_differently.items())),
        ports_opened=tuple(diff.ports_opened),
        ports_closed=tuple(diff.ports_closed),
        sections=diff_sections(diff),
        has_changes=diff.has_changes,
        generator_version=__version__,
    )
