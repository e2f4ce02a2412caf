"""Findings as pages show them: one display form per finding, grouped by the fix; results grouped per reason.

Findings grouped by the fix: one row per change that closes them, never hiding one.

One rule: findings of the same check with the same remediation on the same endpoint
(``tcp/443:cipher/...`` -> ``tcp/443``; resources without a port are host-wide) are one fix,
on one host or across hosts: the 26 weak ciphers one ``ssl_ciphers`` line removes from a web
server, that line on every web server configured alike, ``PasswordAuthentication no`` on 19
hosts. The row names every host and resource; a different port (``tcp/8443``) is another row,
since it is configured elsewhere.

A group keeps every one of its findings (as ``Member`` records: the run's pages hold compact
references, ``refs.FindingRef``, and read back in full only the members they print); pages decide
how many members they print and always say how many there are. Results that could not be
checked are summarised per status and reason (``reason_rows``), so 973 "not checked" rows become a handful.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

from auditor.models import CheckResult, Finding, Severity, Status
from auditor.reports.refs import Member
from auditor.reports.views import FindingView
from auditor.store.model import sorted_findings, waiver_state

# A resource that starts with a port names a network endpoint; the fix is per endpoint there.
_ENDPOINT = re.compile(r"(?:tcp|udp)/\d+")
# How the pages name a finding's waiver state ("none" is an open finding).
_FINDING_STATE = {"none": "open", "waived": "waived", "expired": "expired"}
_OTHER_STATUSES = (Status.ERROR, Status.SKIPPED, Status.NOT_ASSESSABLE)
# Attribute getters run in C: a 100,000-finding run reads these once per finding per page.
_TARGET, _RESOURCE, _SEVERITY = attrgetter("target"), attrgetter("resource"), attrgetter("severity")
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
    """Findings one remediation fixes: a row with its count and its affected targets and resources.

    Members stay findings or references to them: pages print the first few as list items
    (``listed``, ``members.member_rows``), so a 100,000-finding run builds no display record per finding.
    """

    key: str  # check id, remediation and endpoint: the same fix has the same key in every run
    check_id: str
    check_title: str
    remediation: str
    severity: str  # the worst member's severity
    findings: tuple[Member, ...]  # every member, worst first
    targets: tuple[str, ...]  # affected targets, in member order
    owners: Mapping[str, str] = field(default_factory=dict, repr=False)  # target -> owner, for the filter
    resolve: Callable[[Member], Finding] = field(default=_as_finding, repr=False, compare=False)  # member -> finding

    def listed(self, limit: int) -> list[Finding]:
        """The first ``limit`` members as findings (read back where the members are references)."""
        return [self.resolve(member) for member in self.findings[:limit]]

    @property
    def count(self) -> int:
        """How many findings this fix closes."""
        return len(self.findings)

    @functools.cached_property
    def resources(self) -> tuple[str, ...]:
        """The distinct affected resources, in member order."""
        return tuple(dict.fromkeys(map(_RESOURCE, self.findings)))

    @property
    def area(self) -> str:
        """The check area (``tls`` of ``tls.ciphers``): host pages group fixes by it."""
        return self.check_id.split(".", 1)[0]

    @functools.cached_property
    def severities(self) -> tuple[tuple[str, int], ...]:
        """(severity, count) of the members, worst first, only severities present."""
        if self.findings[0].severity is self.findings[-1].severity:  # members are worst first: one severity
            return ((self.severity, self.count),)
        return tuple((severity.value, len(list(members)))  # members are worst first: one run per severity
                     for severity, members in itertools.groupby(self.findings, key=_SEVERITY))

    def order(self) -> tuple[int, int, int, str, str, str]:
        """Worst first, then the fix shared by most hosts, then most findings; the key breaks any tie."""
        return (-Severity(self.severity).rank, -len(self.targets), -self.count, self.check_id, self.targets[0],
                self.key)

    def subset(self, members: Sequence[Member]) -> FixGroup:
        """This fix for some of its members only (``members`` in member order, so still worst first)."""
        targets = self.targets if len(self.targets) == 1 else tuple(dict.fromkeys(map(_TARGET, members)))
        return dataclasses.replace(self, severity=members[0].severity.value, findings=tuple(members), targets=targets)


def group_findings(findings: Iterable[Member], titles: Mapping[str, str], owners: Mapping[str, str] | None = None,
                   resolve: Callable[[Member], Finding] = _as_finding) -> tuple[FixGroup, ...]:
    """The findings (or references, read back through ``resolve``) as fix groups, worst first (module docstring)."""
    fixes: dict[tuple[str, str, str], list[Member]] = {}
    for finding in findings:
        fixes.setdefault((finding.check_id, finding.remediation, endpoint(finding.resource)), []).append(finding)
    groups = [_group(key, members, titles, owners or {}, resolve) for key, members in fixes.items()]
    return tuple(sorted(groups, key=FixGroup.order))


def split_groups(groups: Iterable[FixGroup],
                 keys: Callable[[Member], Iterable[Key]]) -> dict[Key, tuple[FixGroup, ...]]:
    """The members of ``groups`` by ``keys`` (none, one or several distinct keys per finding), worst first per key.

    Members keep their order, so a run's findings are grouped once (``group_findings``) and each
    page's fixes (a host's, an owner's, a measure's) are what grouping that page's findings gives.
    """
    by_key: dict[Key, list[FixGroup]] = defaultdict(list)
    for group in groups:
        members: dict[Key, list[Member]] = defaultdict(list)
        for finding in group.findings:
            for key in keys(finding):
                members[key].append(finding)
        for key, found in members.items():
            by_key[key].append(group if len(found) == group.count else group.subset(found))
    return {key: tuple(sorted(found, key=FixGroup.order)) for key, found in by_key.items()}


def select_groups(groups: Iterable[FixGroup], keep: Callable[[Member], bool]) -> tuple[FixGroup, ...]:
    """The members of ``groups`` that ``keep`` accepts, as fix groups worst first."""
    return split_groups(groups, lambda finding: (True,) if keep(finding) else ()).get(True, ())


def _group(key: tuple[str, str, str], members: list[Member], titles: Mapping[str, str],
           owners: Mapping[str, str], resolve: Callable[[Member], Finding]) -> FixGroup:
    ordered = sorted_findings(members)
    first = ordered[0]
    return FixGroup(
        key="\x00".join(key),
        check_id=first.check_id,
        check_title=titles.get(first.check_id) or first.check_id,
        remediation=first.remediation,
        severity=first.severity.value,
        findings=tuple(ordered),
        targets=tuple(dict.fromkeys(map(_TARGET, ordered))),
        owners=owners,
        resolve=resolve,
    )


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
