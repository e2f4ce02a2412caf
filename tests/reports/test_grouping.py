"""Findings grouped by the fix, results grouped per reason, and safe page names for hosts and owners."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from auditor.models import CheckResult, Finding, Severity, Status
from auditor.reports.grouping import FixGroup, FixViews, endpoint, group_findings, reason_rows
from auditor.reports.refs import Member
from auditor.reports.site import host_file, owner_file, page_name

FIX = "Set ssl_ciphers to the Mozilla intermediate list."


def tls(target: str, resource: str, severity: Severity = Severity.HIGH, remediation: str = FIX) -> Finding:
    return Finding("tls.ciphers", target, resource, severity, "weak cipher", ("PRV-4",), remediation)


def ssh(target: str, resource: str = "sshd:PasswordAuthentication",
        remediation: str = "PasswordAuthentication no") -> Finding:
    return Finding("ssh.password-authentication", target, resource, Severity.HIGH, "on", ("PRV-3",), remediation)


def test_endpoint_is_the_port_a_resource_starts_with() -> None:
    assert endpoint("tcp/443:cipher/RC4") == "tcp/443"
    assert endpoint("udp/161:community") == "udp/161"
    assert endpoint("sshd:PermitRootLogin") == "" and endpoint("tcp/6379") == "tcp/6379"
    assert endpoint("repo:tcp/443:x") == ""


def test_one_remediation_on_one_endpoint_is_one_row_with_its_count() -> None:
    ciphers = [tls("web1", f"tcp/443:cipher/C{n}", Severity.CRITICAL if n < 2 else Severity.MEDIUM)
               for n in range(26)]
    other_port = tls("web1", "tcp/8443:cipher/C0")
    other_fix = tls("web1", "tcp/443:protocol/TLSv1.0", remediation="Disable TLS 1.0.")
    groups = group_findings([*ciphers, other_port, other_fix], {"tls.ciphers": "TLS ciphers"})
    counts = sorted((g.count, g.targets, g.remediation) for g in groups)
    assert counts == [(1, ("web1",), "Disable TLS 1.0."), (1, ("web1",), FIX), (26, ("web1",), FIX)]
    big = next(g for g in groups if g.count == 26)
    assert big.severity == "critical" and big.severities == (("critical", 2), ("medium", 24))
    assert big.check_title == "TLS ciphers" and big.resource_count == 26


def test_the_same_setting_across_hosts_is_one_row_naming_every_host() -> None:
    hosts = [f"node{n:02d}" for n in range(19)]
    other_fix = ssh("odd", "sshd:Match[user=guest]", "Remove the Match block that turns passwords on.")
    groups = group_findings([ssh(host) for host in hosts] + [other_fix], {})
    assert [(g.count, g.target_count, len(g.targets)) for g in groups] == [(19, 19, 19), (1, 1, 1)]  # most hosts first
    assert groups[0].targets == tuple(hosts)


def test_one_ssl_ciphers_line_on_many_web_servers_is_one_row_another_port_is_another() -> None:
    shared = [tls(host, f"tcp/443:cipher/C{n}") for host in ("a", "b", "c") for n in range(3)]
    fewer = [tls("d", "tcp/443:cipher/C0")]
    elsewhere = [tls("a", "tcp/8443:cipher/C0")]
    groups = group_findings([*shared, *fewer, *elsewhere], {})
    assert sorted((g.count, g.targets) for g in groups) == [(1, ("a",)), (10, ("a", "b", "c", "d"))]


def test_grouping_never_loses_or_repeats_a_finding() -> None:
    findings = [tls(f"h{n % 7}", f"tcp/{443 + n % 3}:cipher/C{n % 11}", Severity(("low", "high")[n % 2]),
                    remediation=("x", "y")[n % 5 == 0]) for n in range(300)]
    findings = list({f.fingerprint: f for f in findings}.values())
    groups = group_findings(findings, {})
    members = [(f.target, f.resource) for g in groups for f in g.members]
    assert sorted(members) == sorted((f.target, f.resource) for f in findings)
    assert [g.order() for g in groups] == sorted(g.order() for g in groups)  # worst first


def test_results_not_checked_are_one_row_per_status_and_reason() -> None:
    results = [CheckResult(f"c.{n % 4}", f"h{n}", Status.SKIPPED, (), reason="no TLS port") for n in range(900)]
    results += [CheckResult("c.x", f"h{n}", Status.ERROR, (), reason="timed out") for n in range(3)]
    results += [CheckResult("c.y", "h1", Status.PASS, ()), CheckResult("c.z", "h1", Status.FAIL, ())]  # a bare fail counts
    rows = reason_rows(results, {"c.x": "Check X"})
    assert [(r.status, r.reason, r.count, r.targets_total) for r in rows] == [
        ("error", "timed out", 3, 3), ("skipped", "no TLS port", 900, 900), ("fail", "", 1, 1)]
    assert rows[0].checks == ("Check X",) and len(rows[1].targets) == 10


def test_page_names_are_safe_unique_and_stable() -> None:
    hostile = ['../../etc/passwd', '"><img src=x onerror=alert(1)>', "web 01", "web-01", "WEB-01", "", "a" * 300]
    names = [host_file(name) for name in hostile]
    assert all(re.fullmatch(r"host-[a-z0-9-]{1,40}-[0-9a-f]{12}\.html", name) for name in names), names
    assert len(set(names)) == len(names)
    assert host_file("web-01") == host_file("web-01") == page_name("host", "web-01")
    assert host_file("lab") != owner_file("lab") and owner_file("lab").startswith("owner-lab-")


def _varied_findings(count: int) -> list[Finding]:
    findings = [tls(f"h{n % 7}", f"tcp/{443 + n % 3}:cipher/C{n % 11}", Severity(("low", "high", "critical")[n % 3]),
                    remediation=("x", "y")[n % 5 == 0]) for n in range(count)]
    return list({f.fingerprint: f for f in findings}.values())


def _shape(groups: tuple[FixGroup, ...]) -> list[tuple[object, ...]]:
    return [(g.key, g.severity, g.count, g.severities, g.members, g.targets, g.target_count, g.resource_count)
            for g in groups]


def _views_of(findings: list[Finding], keys: Callable[[Member], Iterable[str]],
              kept: int | None = None) -> dict[str, tuple[FixGroup, ...]]:
    views: FixViews[str] = FixViews(keys, kept)
    for host in dict.fromkeys(f.target for f in findings):
        views.add_target(host, [f for f in findings if f.target == host])
    return views.groups({})


def test_views_of_the_runs_findings_are_grouping_each_subset() -> None:
    findings = _varied_findings(400)
    by_host = _views_of(findings, lambda f: (f.target,))
    assert sorted(by_host) == sorted({f.target for f in findings})
    for host, groups in by_host.items():
        assert _shape(groups) == _shape(group_findings([f for f in findings if f.target == host], {}))
    severe = _views_of(findings, lambda f: ("severe",) if f.severity >= Severity.HIGH else ())
    assert _shape(severe["severe"]) == _shape(group_findings([f for f in findings if f.severity >= Severity.HIGH], {}))
    twice = _views_of(findings, lambda f: ("all", f.target))  # a finding under several keys
    assert _shape(twice["all"]) == _shape(group_findings(findings, {}))


def test_a_fix_keeps_its_counts_and_only_its_first_members_and_targets() -> None:
    findings = _varied_findings(400)
    whole = group_findings(findings, {})
    kept = _views_of(findings, lambda f: ("all",), kept=3)["all"]
    assert [g.key for g in kept] == [g.key for g in whole]  # the same fixes, in the same order
    for small, full in zip(kept, whole, strict=True):
        assert (small.count, small.severities, small.target_count, small.resource_count) == (
            full.count, full.severities, full.target_count, full.resource_count)
        assert small.members == full.members[:3] and small.targets == full.targets[:3]
        assert small.listed(3) == list(full.members[:3])
    large = next(g for g in kept if g.count > 3)
    try:
        large.listed(4)
    except ValueError as error:
        assert "keeps 3 of its members" in str(error)
    else:
        raise AssertionError("a fix listed more members than it kept")
