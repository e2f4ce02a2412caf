"""The one pass over a run's findings that fleet-wide pages read: exact counts, and only the first members kept."""

from __future__ import annotations

import dataclasses
from collections import Counter

from auditor.models import Finding, Severity, Waiver
from auditor.reports.grouping import FixGroup, group_findings
from auditor.reports.site import RunSite
from auditor.reports.tally import BLOCKING, MEMBERS_KEPT, NEW, OPEN, measure_key, owner_key
from auditor.store.model import Snapshot
from testkit.large import large_snapshot

CRITICAL_FIRST = sorted(Severity, reverse=True)


def _with_waivers(snapshot: Snapshot, every: int) -> Snapshot:
    """Every ``every``-th finding waived (and every ``3 * every``-th one's waiver expired)."""
    findings = []
    for number, finding in enumerate(snapshot.findings):
        if number % every == 0:
            waiver = Waiver(finding.check_id, finding.target, finding.resource, "accepted", "it-sec", "2027-01-01")
            finding = dataclasses.replace(finding, waiver=waiver, waiver_expired=number % (3 * every) == 0)
        findings.append(finding)
    return dataclasses.replace(snapshot, findings=tuple(findings))


def _shape(groups: tuple[FixGroup, ...]) -> list[tuple[object, ...]]:
    """What a page shows of fixes: keys, counts, and the first members and targets (as findings)."""
    return [(g.key, g.count, g.severities, g.target_count, g.resource_count, g.targets[:10],
             g.listed(min(g.count, MEMBERS_KEPT))) for g in groups]


def test_every_view_is_grouping_its_findings_with_the_first_members_only() -> None:
    snapshot = _with_waivers(large_snapshot(6_000, 300), every=7)
    site = RunSite(snapshot)
    findings = list(snapshot.findings)
    owners, fail_on = site.owners, snapshot.profile.fail_on.rank

    def expected(keep: list[Finding]) -> list[tuple[object, ...]]:
        return _shape(group_findings(keep, site.titles, owners))

    open_now = [f for f in findings if not f.waived]
    assert _shape(site.tally.fixes(OPEN)) == expected(open_now)
    assert _shape(site.tally.fixes(BLOCKING)) == expected([f for f in open_now if f.severity.rank >= fail_on])
    for owner in {owners[f.target] for f in open_now}:
        assert _shape(site.tally.fixes(owner_key(owner))) == expected([f for f in open_now if owners[f.target] == owner])
    for measure in ("PRV-3", "PRV-4", "PRV-7"):
        for waived in (False, True):
            keep = [f for f in findings if measure in f.measures and f.waived is waived]
            assert _shape(site.tally.fixes(measure_key(measure, waived))) == expected(keep)
    biggest = max(site.tally.fixes(OPEN), key=lambda group: group.count)
    assert biggest.count > 10 * MEMBERS_KEPT and len(biggest.members) == MEMBERS_KEPT  # counted, not kept
    widest = max(site.tally.fixes(OPEN), key=lambda group: group.target_count)
    assert len(widest.targets) == MEMBERS_KEPT < widest.target_count


def test_counts_per_target_and_phase_are_every_finding_counted() -> None:
    snapshot = _with_waivers(large_snapshot(6_000, 200), every=5)
    site = RunSite(snapshot)
    phase_of = {m.id: p.id for p in snapshot.catalogue.phases for m in snapshot.catalogue.in_phase(p.id)}
    for target in {f.target for f in snapshot.findings}:
        mine = [f for f in snapshot.findings if f.target == target]
        counts = site.tally.targets[target]
        severities = Counter(f.severity for f in mine if not f.waived)
        assert counts.severities == tuple(severities[s] for s in CRITICAL_FIRST)
        assert counts.waived == sum(1 for f in mine if f.waived)
        phases: dict[str, Counter[Severity]] = {}
        for finding in mine:
            for phase in {phase_of[m] for m in finding.measures}:
                phases.setdefault(phase, Counter())[finding.severity] += 1
        assert counts.phases == {phase: tuple(c[s] for s in CRITICAL_FIRST) for phase, c in phases.items()}
    every = Counter(f.severity for f in snapshot.findings if not f.waived)
    assert site.tally.open_now == tuple(every[s] for s in CRITICAL_FIRST)


def test_new_findings_and_those_still_open_are_against_the_previous_runs_open_findings() -> None:
    now = _with_waivers(large_snapshot(6_000, 200), every=11)
    previous = _with_waivers(large_snapshot(5_000, 200, skip_every=4, started_at="2026-02-01T10:00:00+00:00"), every=3)
    site = RunSite(now, previous)
    before = {f.fingerprint for f in previous.findings if not f.waived}
    open_now = [f for f in now.findings if not f.waived]
    new = [f for f in open_now if f.fingerprint not in before]
    assert 0 < len(new) < len(open_now)
    assert _shape(site.tally.fixes(NEW)) == _shape(group_findings(new, site.titles, site.owners))
    changes = site.overview.changes
    assert changes is not None and changes.new_total == len(new)
    assert changes.resolved_total == len(before - {f.fingerprint for f in open_now})
