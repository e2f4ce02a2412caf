"""The vulnerability and OCSP stapling checks judged from recorded facts (no network).

endpoint-modern.json carries the probes as recorded from the tls_lab nginx site (all not
vulnerable, OCSP stapled); the tests edit a probe's verdict to each state a real probe reports.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import testkit
from auditor.check import CheckContext, CheckSkipped
from auditor.checks.tls.facts import TlsFacts
from auditor.config.profile import load_profile
from auditor.errors import NotAssessable
from auditor.facts import facts_from_json
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry

FIXTURES = testkit.FIXTURES / "tls"
REGISTRY = default_registry()
NAME = "www.example.test"
PROBES = {"tls.heartbleed": "heartbleed", "tls.ccs-injection": "ccs_injection", "tls.robot": "robot",
          "tls.client-renegotiation": "client_renegotiation"}


def modern(port: int = 443) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / "endpoint-modern.json").read_text())
    data["port"] = port
    return data


def judge(check_id: str, *endpoints: dict[str, Any], policy_changes: dict[str, Any] | None = None
          ) -> tuple[list[Finding], CheckContext]:
    facts = facts_from_json(TlsFacts, {"address": NAME, "sni": NAME, "ca_bundle": None, "trust_store": None,
                                       "endpoints": list(endpoints), "http_redirects": []})
    profile = load_profile("baseline", REGISTRY)
    check = REGISTRY.checks[check_id]
    policies = {kind: {**profile.policies[kind], **(policy_changes or {})} for kind in check.policies}
    ctx = CheckContext(check=check, target=Target(NAME, TargetKind.NETWORK, address=NAME),
                       options=profile.options[check_id], severity=profile.severity[check_id], policies=policies)
    return check().judge(testkit.fact_set(facts), ctx), ctx


@pytest.mark.parametrize("check_id, severity", [
    ("tls.heartbleed", Severity.CRITICAL), ("tls.ccs-injection", Severity.HIGH), ("tls.robot", Severity.HIGH),
    ("tls.client-renegotiation", Severity.MEDIUM)])
def test_a_vulnerable_probe_is_a_finding_and_a_sound_one_a_pass(check_id: str, severity: Severity) -> None:
    sound, ctx = judge(check_id, modern())
    assert sound == [] and ctx.details["tcp/443"].startswith("not-vulnerable: ")
    endpoint = modern()
    endpoint["vulnerabilities"][PROBES[check_id]] = {"state": "vulnerable", "detail": "seen", "oracle": "strong"}
    findings, _ = judge(check_id, endpoint)
    aspect = check_id.removeprefix("tls.")
    assert [(f.resource, f.severity) for f in findings] == [(f"tcp/443:vuln/{aspect}", severity)]
    assert findings[0].evidence["observed"] == "seen" and findings[0].measures == REGISTRY.checks[check_id].measures


def test_a_weak_robot_oracle_is_medium() -> None:
    endpoint = modern()
    endpoint["vulnerabilities"]["robot"] = {"state": "vulnerable", "detail": "x", "oracle": "weak"}
    finding = judge("tls.robot", endpoint)[0][0]
    assert finding.severity is Severity.MEDIUM and finding.message.endswith("weak oracle")


@pytest.mark.parametrize("check_id", sorted(PROBES))
def test_an_inconclusive_probe_is_never_a_pass(check_id: str) -> None:
    unclear = modern()
    unclear["vulnerabilities"][PROBES[check_id]] = {"state": "inconclusive", "detail": "no reaction"}
    with pytest.raises(NotAssessable, match="tcp/443: no reaction"):
        judge(check_id, unclear)
    _, ctx = judge(check_id, modern(8443), unclear)  # one judged, one not: an error naming the other
    assert ctx.problems == ["tcp/443: no reaction"]
    older = modern()
    del older["vulnerabilities"]
    with pytest.raises(NotAssessable, match="without vulnerability probes"):
        judge(check_id, older)


def test_vulnerability_checks_map_to_patch_management() -> None:
    for check_id in ("tls.heartbleed", "tls.ccs-injection", "tls.robot"):
        assert "PRV-6" in REGISTRY.checks[check_id].measures
    assert "RCV-4" in REGISTRY.checks["tls.heartbleed"].measures  # keys must be replaced after a leak


def test_ocsp_stapling_is_judged_per_policy() -> None:
    assert judge("tls.ocsp-stapling", modern())[0] == []
    unstapled = modern()
    unstapled["ocsp_stapling"] = False
    findings, _ = judge("tls.ocsp-stapling", unstapled)
    assert [(f.resource, f.severity, f.evidence["policy"]) for f in findings] == [
        ("tcp/443:ocsp-stapling", Severity.LOW, "mozilla-intermediate")]
    with pytest.raises(CheckSkipped, match="does not ask for OCSP stapling"):
        judge("tls.ocsp-stapling", unstapled, policy_changes={"ocsp_staple": False})
    tls13_only = modern()
    tls13_only["ocsp_stapling"] = None
    with pytest.raises(NotAssessable, match=r"only TLS 1\.3"):
        judge("tls.ocsp-stapling", tls13_only)
