"""The web checks judged from recorded web facts: findings per (probe, URL), severities, gaps, re-judging."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from auditor.check import CheckContext, CheckSkipped
from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort, DiscoveryFacts
from auditor.checks.web.facts import WebFacts, WebMatch, WebPort
from auditor.config.policies import load_policy
from auditor.config.profile import load_profile
from auditor.errors import NotAssessable
from auditor.facts import InventoryFacts, facts_from_json, facts_to_json
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry
from testkit import fact_set

REGISTRY = default_registry()
BASELINE = load_profile("baseline", REGISTRY)
WEB = Target(name="web01", kind=TargetKind.NETWORK, address="web01.example.org", role="web")
RANGE = Target(name="lab", kind=TargetKind.RANGE, address="127.77.200.0/29")
DISCOVERY = DiscoveryFacts(hosts=(DiscoveredHost("web01.example.org", ip="127.77.200.1", ports=(
    DiscoveredPort(80, service="http", method="probed"), DiscoveredPort(8899, service="http", method="probed"))),))


def match(probe: str, path: str, port: int = 80, **evidence: str) -> WebMatch:
    entries = tuple(evidence.pop("entries_list", "").split(",")) if "entries_list" in evidence else ()
    return WebMatch(probe, path, f"http://web01.example.org:{port}{path}", 200, evidence, entries)


def port(number: int, *matches: WebMatch, **changes: object) -> WebPort:
    record = WebPort("web01.example.org", number, False, "probed", "", "nginx/1.22.1", 403, 90, matches)
    return replace(record, **changes)


RECORDED = WebFacts(ports=(
    port(80,
         match("listing-data-paths", "/data/", title="Index of /data/", entries="3",
               entries_list="cohort-2026.csv,cohort.sql,.env"),
         match("listing-linked", "/data/", title="Index of /data/", entries="3",
               entries_list="cohort-2026.csv,cohort.sql,.env"),
         match("listing-linked", "/results/", title="Index of /results/", entries="1",
               entries_list="trial.csv"),
         match("git-head", "/.git/HEAD", first_bytes="ref: refs/heads/main\\x0a"),
         match("env-file", "/.env", keys="DB_PASSWORD, API_TOKEN")),
    port(8899, match("jupyter-api", "/api/status", port=8899, first_bytes='{"connections": 0'),
         match("jupyter-contents", "/api/contents", port=8899, first_bytes='{"name": ""'),
         home_status=200),
))


def judge(check_id: str, web: WebFacts = RECORDED, target: Target = WEB, discovery: DiscoveryFacts = DISCOVERY,
          policy: object = None, severity: Severity | None = None) -> tuple[list[Finding], CheckContext]:
    check = REGISTRY.checks[check_id]
    ctx = CheckContext(check=check, target=target, options=BASELINE.options[check_id],
                       severity=severity or BASELINE.severity[check_id],
                       policies={"web-exposure": policy or BASELINE.policies["web-exposure"]})
    return check().judge(fact_set(discovery, web, InventoryFacts()), ctx), ctx


def resources(findings: Iterable[Finding]) -> dict[str, Finding]:
    return {finding.resource: finding for finding in findings}


def test_listings_one_finding_per_url_whichever_probe_asked() -> None:
    findings, ctx = judge("services.directory-listing")
    found = resources(findings)
    assert sorted(found) == ["tcp/80/http:/data/", "tcp/80/http:/results/"]
    data = found["tcp/80/http:/data/"]
    assert data.severity is Severity.MEDIUM and data.measures == ("PRV-5", "PRV-8")
    assert data.evidence["url"] == "http://web01.example.org:80/data/" and data.evidence["status"] == "200"
    assert "Turn automatic indexes off" in data.remediation
    assert ctx.details["web_ports"] == "2 HTTP(S) port(s) probed, 180 request(s)" and not ctx.problems


def test_exposed_files_and_dumps_offered_by_a_listing() -> None:
    found = resources(judge("web.exposed-files")[0])
    assert sorted(found) == ["tcp/80/http:/.env:env-file", "tcp/80/http:/.git/HEAD:git-head",
                             "tcp/80/http:/data/:listed-dumps"]
    assert found["tcp/80/http:/.env:env-file"].evidence["keys"] == "DB_PASSWORD, API_TOKEN"
    assert found["tcp/80/http:/data/:listed-dumps"].evidence["files"] == "cohort.sql, .env"
    assert found["tcp/80/http:/.git/HEAD:git-head"].severity is Severity.HIGH
    assert "rotate every secret" in found["tcp/80/http:/.env:env-file"].remediation


def test_a_jupyter_api_without_token_on_any_port_is_high() -> None:
    found = resources(judge("web.open-application")[0])
    assert sorted(found) == ["tcp/8899/http:/api/contents:jupyter-contents", "tcp/8899/http:/api/status:jupyter-api"]
    jupyter = found["tcp/8899/http:/api/status:jupyter-api"]
    assert jupyter.severity is Severity.HIGH and jupyter.measures == ("PRV-3", "PRV-7")
    assert jupyter.message == "Jupyter Server API answers without a token: http://web01.example.org:8899/api/status (HTTP 200)"


def test_the_profile_s_severity_for_a_check_wins_over_the_catalogue_s() -> None:
    findings, _ = judge("web.open-application", severity=Severity.CRITICAL)
    assert {finding.severity for finding in findings} == {Severity.CRITICAL}


def test_rejudged_under_a_policy_without_a_probe_its_matches_are_not_findings(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text("policy: lab\ndisable: [jupyter-contents, git-head]\n")
    policy = load_policy("web-exposure", "web.yaml", tmp_path, REGISTRY.policies)
    assert list(resources(judge("web.open-application", policy=policy)[0])) == ["tcp/8899/http:/api/status:jupyter-api"]
    assert "tcp/80/http:/.git/HEAD:git-head" not in resources(judge("web.exposed-files", policy=policy)[0])
    (tmp_path / "none.yaml").write_text("policy: none\nbuiltin: false\n")
    with pytest.raises(NotAssessable, match="no probes of kind application"):
        judge("web.open-application", policy=load_policy("web-exposure", "none.yaml", tmp_path, REGISTRY.policies))


def test_no_http_port_is_skipped_not_passed() -> None:
    not_web = WebFacts(ports=(port(2222, status="not-http", reason="not an HTTP reply: 'SSH-2.0-OpenSSH_9.2'",
                                   requests=1, home_status=0),))
    with pytest.raises(CheckSkipped, match="no HTTP"):
        judge("web.open-application", not_web)
    with pytest.raises(CheckSkipped):
        judge("services.directory-listing", WebFacts())


def test_limits_failures_and_dead_ports_make_the_verdict_incomplete_and_keep_the_findings() -> None:
    web = WebFacts(ports=(
        replace(RECORDED.ports[0], not_sent=40, limit="max_requests", failures=("GET /data/: connection refused",),
                failed=1),
        port(8443, status="error", reason="no complete answer within 5 s", requests=1, home_status=0),
    ))
    findings, ctx = judge("services.directory-listing", web)
    assert len(findings) == 2
    assert ctx.problems == [
        "web probes on tcp/80: 40 request(s) not sent, the max_requests limit was reached",
        "web probes on tcp/80: 1 request(s) failed, first: GET /data/: connection refused",
        "web probes on tcp/8443: no complete answer within 5 s",
    ]
    only_dead = WebFacts(ports=(web.ports[1],))
    findings, ctx = judge("web.exposed-files", only_dead)
    assert findings == [] and ctx.problems  # an error, never a pass


def test_on_a_range_resources_name_the_host() -> None:
    discovery = DiscoveryFacts(hosts=(DiscoveredHost("127.77.200.3", ip="127.77.200.3", ports=(
        DiscoveredPort(80, service="http", method="probed"),)),))
    web = WebFacts(ports=(replace(RECORDED.ports[0], address="127.77.200.3"),))
    found = resources(judge("services.directory-listing", web, RANGE, discovery)[0])
    assert sorted(found) == ["127.77.200.3:tcp/80/http:/data/", "127.77.200.3:tcp/80/http:/results/"]


def test_web_facts_survive_the_snapshot_round_trip() -> None:
    assert facts_from_json(WebFacts, facts_to_json(RECORDED)) == RECORDED


def test_baseline_runs_the_web_checks_with_the_shipped_catalogue() -> None:
    assert {"services.directory-listing", "web.exposed-files", "web.open-application"} <= set(BASELINE.selected)
    assert BASELINE.policies["web-exposure"]["policy"] == "default"
    assert REGISTRY.checks["web.open-application"].tags == ("network", "web", "probe")


def test_strict_makes_every_listing_high() -> None:
    strict = load_profile("strict", REGISTRY)
    findings, _ = judge("services.directory-listing", severity=strict.severity["services.directory-listing"])
    assert {finding.severity for finding in findings} == {Severity.HIGH}
