"""Findings as pages show them: one display form per finding, grouped by the fix; results grouped per reason.

Findings grouped by the fix: one row per change that closes them, never hiding one.

One rule: findings of the same check with the same remediation on the same endpoint
(``tcp/443:cipher/...`` -> ``tcp/443``; resources without a port are host-wide) are one fix,
on one host or across hosts: the 26 weak ciphers one ``ssl_ciphers`` line removes from a web
server, that line on every web server configured alike, ``PasswordAuthentication no`` on 19
hosts. The row names every host and resource; a different port (``tcp/8443``) is another row,
since it is configured elsewhere.

A group counts every one of its findings and keeps the first few (``FixViews`` builds groups as a
run's findings stream past, a target at a time; fleet-wide pages keep compact references,
``refs.FindingRef``, and read back in full only the members they print); pages always say how
many there are. Results that could not be
checked are summarised per status and reason (``reason_rows``), so 973 "not checked" rows become a handful.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Generic, TypeVar

from auditor.models import CheckResult, Finding, Severity, Status
from auditor.reports.refs import Member
from auditor.reports.views import FindingView
from auditor.store.model import finding_order, sorted_findings, waiver_state

# A resource that starts with a port names a network endpoint; the fix is per endpoint there.
_ENDPOINT = re.compile(r"(?:tcp|udp)/\d+")
# How the pages name a finding's waiver state ("none" is an open finding).
_FINDING_STATE = {"none": "open", "waived": "waived", "expired": "expired"}
_OTHER_STATUSES = (Status.ERROR, Status.SKIPPED, Status.NOT_ASSESSABLE)
# Attribute getters run in C: a 100,000-finding run reads these once per finding per page.
_RESOURCE, _SEVERITY = attrgetter("resource"), attrgetter("severity")
Key = TypeVar("Key", bound=Hashable)


def pairs(mapping: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """A mapping as (key, value) text pairs, for evidence and details lists."""
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
        evidence=pairs(finding.evidence),
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


def endpoint(resource: str) -> str:
    """The endpoint a resource belongs to (``tcp/443``), or "" for host-wide resources."""
    if not resource.startswith(("tcp/", "udp/")):  # most resources: no regular expression to run
        return ""
    head = resource.partition(":")[0]
    return head if _ENDPOINT.fullmatch(head) else ""


def _as_finding(member: Member) -> Finding:
    """How a group of findings (not of references) reads its members back: they are the findings."""
    if not isinstance(member, Finding):
        raise TypeError("a group of finding references needs the run's resolve (RunSite.finding_of)")
    return member


@dataclass(frozen=True)
class FixGroup:
    """Findings one remediation fixes: a row with its counts, its first affected targets and its first members.

    A fleet-wide fix can have a member on every host; pages print a few (``listed``,
    ``members.member_rows``) and count the rest, so a group keeps its counts and only the first
    ``kept`` members and targets (every one when built with ``kept=None``): its memory does not
    grow with the fleet. Members are findings or references to them.
    """

    key: str  # check id, remediation and endpoint: the same fix has the same key in every run
    check_id: str
    check_title: str
    remediation: str
    severity: str  # the worst member's severity
    count: int  # every member
    severities: tuple[tuple[str, int], ...]  # (severity, members) worst first, only severities present
    members: tuple[Member, ...]  # the first members, worst first (``finding_order``)
    targets: tuple[str, ...]  # the first affected targets, in member order
    target_count: int  # every affected target
    resource_count: int  # distinct affected resources
    owners: Mapping[str, str] = field(default_factory=dict, repr=False)  # target -> owner, for the filter
    resolve: Callable[[Member], Finding] = field(default=_as_finding, repr=False, compare=False)  # member -> finding

    def listed(self, limit: int) -> list[Finding]:
        """The first ``limit`` members as findings (read back where the members are references)."""
        if limit > len(self.members) < self.count:
            raise ValueError(f"a fix keeps {len(self.members)} of its members, {limit} were asked for")
        return [self.resolve(member) for member in self.members[:limit]]

    @property
    def area(self) -> str:
        """The check area (``tls`` of ``tls.ciphers``): host pages group fixes by it."""
        return self.check_id.split(".", 1)[0]

    def order(self) -> tuple[int, int, int, str, str, str]:
        """Worst first, then the fix shared by most hosts, then most findings; the key breaks any tie."""
        return (-Severity(self.severity).rank, -self.target_count, -self.count, self.check_id, self.targets[0],
                self.key)


def fix_key(finding: Member) -> tuple[str, str, str]:
    """What makes findings one fix: check, remediation and endpoint (module docstring)."""
    return finding.check_id, finding.remediation, endpoint(finding.resource)


class _Tally:
    """One fix as its members stream past, a target at a time: counts, and the first members and targets."""

    __slots__ = ("count", "kept", "members", "resources", "severities", "target_count", "targets")

    def __init__(self, kept: int | None) -> None:
        self.kept = kept
        self.count = self.target_count = 0
        self.severities: Counter[Severity] = Counter()
        self.resources: set[str] = set()
        self.members: list[Member] = []
        self.targets: list[tuple[int, str]] = []  # (minus the target's worst rank, target): member order

    def add_target(self, target: str, members: Sequence[Member]) -> None:
        """All of one target's members of this fix (each target is added once)."""
        self.count += len(members)
        self.target_count += 1
        self.severities.update(map(_SEVERITY, members))
        self.resources.update(map(_RESOURCE, members))
        self.members += members
        self.targets.append((-max(member.severity.rank for member in members), target))
        if self.kept is not None and len(self.members) > 2 * self.kept:  # trimmed now and then, not per target
            self.members = heapq.nsmallest(self.kept, self.members, key=finding_order)
        if self.kept is not None and len(self.targets) > 2 * self.kept:
            self.targets = heapq.nsmallest(self.kept, self.targets)

    def group(self, key: tuple[str, str, str], titles: Mapping[str, str], owners: Mapping[str, str],
              resolve: Callable[[Member], Finding]) -> FixGroup:
        members = sorted_findings(self.members)[:self.kept]
        first = members[0]
        return FixGroup(
            key="\x00".join(key),
            check_id=first.check_id,
            check_title=titles.get(first.check_id) or first.check_id,
            remediation=first.remediation,
            severity=first.severity.value,
            count=self.count,
            severities=tuple((severity.value, self.severities[severity])
                             for severity in sorted(self.severities, key=attrgetter("rank"), reverse=True)),
            members=tuple(members),
            targets=tuple(target for _, target in sorted(self.targets)[:self.kept]),
            target_count=self.target_count,
            resource_count=len(self.resources),
            owners=owners,
            resolve=resolve,
        )


class FixViews(Generic[Key]):
    """Fix groups under keys (a measure, an owner, "open"...), built as findings stream past, a target at a time.

    ``keys`` names the distinct keys a finding is listed under (none, one or several), so one
    pass over a run's findings makes every page's fixes, and each key's fixes are what grouping
    only that key's findings would give. With ``kept`` a fix keeps that many members and targets.
    """

    def __init__(self, keys: Callable[[Member], Iterable[Key]], kept: int | None = None) -> None:
        """No findings yet."""
        self._keys = keys
        self._kept = kept
        self._tallies: dict[Key, dict[tuple[str, str, str], _Tally]] = defaultdict(dict)

    def add_target(self, target: str, findings: Iterable[Member]) -> None:
        """Every finding of one target (each target is added once)."""
        found: dict[tuple[Key, tuple[str, str, str]], list[Member]] = defaultdict(list)
        for finding in findings:
            fix = fix_key(finding)
            for key in self._keys(finding):
                found[key, fix].append(finding)
        for (key, fix), members in found.items():
            fixes = self._tallies[key]
            tally = fixes.get(fix)
            if tally is None:
                tally = fixes[fix] = _Tally(self._kept)
            tally.add_target(target, members)

    def groups(self, titles: Mapping[str, str], owners: Mapping[str, str] | None = None,
               resolve: Callable[[Member], Finding] = _as_finding) -> dict[Key, tuple[FixGroup, ...]]:
        """Key -> its fixes, worst first (``FixGroup.order``); members are read back through ``resolve``."""
        return {key: tuple(sorted((tally.group(fix, titles, owners or {}, resolve) for fix, tally in fixes.items()),
                                  key=FixGroup.order))
                for key, fixes in self._tallies.items()}


def group_findings(findings: Iterable[Member], titles: Mapping[str, str], owners: Mapping[str, str] | None = None,
                   resolve: Callable[[Member], Finding] = _as_finding, kept: int | None = None) -> tuple[FixGroup, ...]:
    """The findings (or references, read back through ``resolve``) as fix groups, worst first (module docstring)."""
    views: FixViews[bool] = FixViews(lambda finding: (True,), kept)
    by_target: dict[str, list[Member]] = defaultdict(list)
    for finding in findings:
        by_target[finding.target].append(finding)
    for target, members in by_target.items():
        views.add_target(target, members)
    return views.groups(titles, owners, resolve).get(True, ())


@dataclass(frozen=True)
class ReasonRow:
    """Results that could not be checked for one reason: how many, which checks, which targets."""

    status: str
    reason: str
    count: int
    checks: tuple[str, ...]
    targets: tuple[str, ...]  # the first few
    targets_total: int


def not_checked(result: CheckResult) -> bool:
    """Results that neither pass nor carry findings: errors, skips, not-assessable (and a bare fail)."""
    return result.status in _OTHER_STATUSES or (result.status is Status.FAIL and not result.findings)


@dataclass
class _Reason:
    count: int = 0
    checks: set[str] = field(default_factory=set)  # check ids
    targets: dict[str, None] = field(default_factory=dict)  # distinct, in order of appearance


class ReasonTally:
    """Results not checked (``not_checked``), counted per status and reason as they stream past.

    Holds per reason a count, its checks and its distinct targets, never the results: the phase
    pages tally a spooled run's results a target at a time.
    """

    def __init__(self) -> None:
        """An empty tally."""
        self._reasons: dict[tuple[str, str], _Reason] = {}

    def add(self, result: CheckResult) -> None:
        """Count ``result`` if it was not checked."""
        if not_checked(result):
            reason = self._reasons.setdefault((result.status.value, result.reason), _Reason())
            reason.count += 1
            reason.checks.add(result.check_id)
            reason.targets[result.target] = None

    def rows(self, titles: Mapping[str, str] | None = None) -> tuple[ReasonRow, ...]:
        """One row per status and reason; errors first (the audit is incomplete there), then the largest."""
        views = []
        for (status, reason), tally in self._reasons.items():
            targets = tuple(itertools.islice(tally.targets, 10))
            checks = tuple(sorted({(titles or {}).get(check_id) or check_id for check_id in tally.checks}))
            views.append(ReasonRow(status, reason, tally.count, checks, targets, len(tally.targets)))
        return tuple(sorted(views, key=lambda row: (row.status != Status.ERROR.value, -row.count, row.reason)))


def reason_rows(results: Iterable[CheckResult], titles: Mapping[str, str] | None = None) -> tuple[ReasonRow, ...]:
    """Results that were not checked (``not_checked``), one row per status and reason, largest first."""
    tally = ReasonTally()
    for result in results:
        tally.add(result)
    return tally.rows(titles)
