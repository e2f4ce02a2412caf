"""Findings as pages show them: one display form per finding, grouped by the fix; results grouped per reason.

Findings grouped by the fix: one row per change that closes them, never hiding one.

One rule: findings of the same check with the same remediation on the same endpoint
(``tcp/443:cipher/...`` -> ``tcp/443``; resources without a port are host-wide) are one fix,
on one host or across hosts: the 26 weak ciphers one ``ssl_ciphers`` line removes from a web
server, that line on every web server configured alike, ``PasswordAuthentication no`` on 19
hosts. The row names every host and resource; a different port (``tcp/8443``) is another row,
since it is configured elsewhere.

A group keeps every one of its findings; pages decide how many members they print and always
say how many there are. Results that could not be checked are summarised per status and reason
(``reason_rows``), so 973 "not checked" rows become a handful.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from auditor.models import CheckResult, Finding, Severity, Status
from auditor.reports.views import FindingView
from auditor.store.model import sorted_findings, waiver_state

# A resource that starts with a port names a network endpoint; the fix is per endpoint there.
_ENDPOINT = re.compile(r"(?:tcp|udp)/\d+")
# How the pages name a finding's waiver state ("none" is an open finding).
_FINDING_STATE = {"none": "open", "waived": "waived", "expired": "expired"}
_OTHER_STATUSES = (Status.ERROR, Status.SKIPPED, Status.NOT_ASSESSABLE)


def pairs(mapping: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """A mapping as (key, value) text pairs, for evidence and details lists."""
    return tuple((str(key), str(value)) for key, value in mapping.items())


def finding_view(finding: Finding, check_titles: Mapping[str, str] | None = None,
                 owners: Mapping[str, str] | None = None) -> FindingView:
    """The display form of one finding; state "open", "waived" or "expired" (expired counts as open)."""
    waiver = finding.waiver
    return FindingView(
        owner=(owners or {}).get(finding.target, ""),
        fingerprint=finding.fingerprint,
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
    head = resource.split(":", 1)[0]
    return head if _ENDPOINT.fullmatch(head) else ""


@dataclass(frozen=True)
class FixGroup:
    """Findings one remediation fixes: a row with its count and its affected targets and resources.

    Members stay findings; display forms are made only for the members a page prints (``shown``),
    so a 100,000-finding run does not build views nobody sees.
    """

    key: str  # check id, remediation and endpoint: the same fix has the same key in every run
    check_id: str
    check_title: str
    remediation: str
    severity: str  # the worst member's severity
    findings: tuple[Finding, ...]  # every member, worst first
    targets: tuple[str, ...]  # affected targets, in member order
    titles: Mapping[str, str] = field(default_factory=dict, repr=False)
    owners: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def count(self) -> int:
        """How many findings this fix closes."""
        return len(self.findings)

    def shown(self, limit: int) -> tuple[FindingView, ...]:
        """Display forms of the first ``limit`` members (worst first)."""
        return tuple(finding_view(f, self.titles, self.owners) for f in self.findings[:limit])

    @property
    def resources(self) -> tuple[str, ...]:
        """The distinct affected resources, in member order."""
        return tuple(dict.fromkeys(f.resource for f in self.findings))

    @property
    def area(self) -> str:
        """The check area (``tls`` of ``tls.ciphers``): host pages group fixes by it."""
        return self.check_id.split(".", 1)[0]

    @property
    def severities(self) -> tuple[tuple[str, int], ...]:
        """(severity, count) of the members, worst first, only severities present."""
        counts = Counter(member.severity for member in self.findings)
        return tuple((s.value, counts[s]) for s in sorted(counts, reverse=True))

    def order(self) -> tuple[int, int, int, str, str]:
        """Worst first, then the fix shared by most hosts, then most findings."""
        return (-Severity(self.severity).rank, -len(self.targets), -self.count, self.check_id, self.targets[0])


def group_findings(findings: Iterable[Finding], titles: Mapping[str, str],
                   owners: Mapping[str, str] | None = None) -> tuple[FixGroup, ...]:
    """The findings as fix groups, worst first (see the module docstring for the rule)."""
    fixes: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        fixes.setdefault((finding.check_id, finding.remediation, endpoint(finding.resource)), []).append(finding)
    groups = [_group(key, members, titles, owners or {}) for key, members in fixes.items()]
    return tuple(sorted(groups, key=FixGroup.order))


def _group(key: tuple[str, str, str], members: list[Finding], titles: Mapping[str, str],
           owners: Mapping[str, str]) -> FixGroup:
    ordered = sorted_findings(members)
    first = ordered[0]
    return FixGroup(
        key="\x00".join(key),
        check_id=first.check_id,
        check_title=titles.get(first.check_id) or first.check_id,
        remediation=first.remediation,
        severity=first.severity.value,
        findings=tuple(ordered),
        targets=tuple(dict.fromkeys(f.target for f in ordered)),
        titles=titles,
        owners=owners,
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


def reason_rows(results: Iterable[CheckResult], titles: Mapping[str, str] | None = None) -> tuple[ReasonRow, ...]:
    """Results that were not checked (``not_checked``), one row per status and reason, largest first."""
    rows: dict[tuple[str, str], list[CheckResult]] = {}
    for result in results:
        if not_checked(result):
            rows.setdefault((result.status.value, result.reason), []).append(result)
    views = []
    for (status, reason), members in rows.items():
        targets = tuple(dict.fromkeys(r.target for r in members))
        checks = tuple(sorted({(titles or {}).get(r.check_id) or r.check_id for r in members}))
        views.append(ReasonRow(status, reason, len(members), checks, targets[:10], len(targets)))
    # Errors first (the audit is incomplete there), then the reasons that cover most results.
    return tuple(sorted(views, key=lambda row: (row.status != Status.ERROR.value, -row.count, row.reason)))
