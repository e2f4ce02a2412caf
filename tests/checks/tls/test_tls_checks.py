"""TLS checks judged from recorded facts and stored certificates (no network).

tests/fixtures/tls/endpoint-modern.json and endpoint-legacy.json are real scans of the nginx
sites of tls_lab (recorded on 2026-11-23, see tests/fixtures/tls/README.md); the *.pem files
come from tests/fixtures/tls/generate.py, valid from 2026-01-01.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

import testkit
from auditor.check import CheckContext, CheckSkipped
from auditor.checks.tls import certificates as certs
from auditor.checks.tls.facts import TlsFacts
from auditor.checks.tls.scan import deployment
from auditor.config.profile import Profile, load_profile
from auditor.errors import NotAssessable
from auditor.facts import facts_from_json, facts_to_json
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry

FIXTURES = testkit.FIXTURES / "tls"
REGISTRY = default_registry()
TARGET = Target(name="www.example.test", kind=TargetKind.NETWORK, address="www.example.test")
NAME = "www.example.test"
RECORDED = dt.date(2026, 11, 24)  # the day after the endpoint-*.json scans
PEM_DAY = dt.date(2026, 2, 1)  # the stored leaves are valid 2026-01-01 .. 2026-03-31
TLS_CHECKS = sorted(check_id for check_id in REGISTRY.checks if check_id.startswith("tls."))
ROOTS = tuple(certs.read_bundle(str(FIXTURES / "root.pem")))


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"endpoint-{name}.json").read_text())
    return data


def facts(*endpoints: dict[str, Any], redirects: list[dict[str, Any]] | None = None) -> TlsFacts:
    """Typed facts from endpoints and redirects in their JSON form (as recorded, or edited by a test)."""
    if redirects is None:
        redirects = [{"port": 80, "origin": "default", "state": "http", "status": 301,
                      "headers": {"location": ["https://www.example.test/"]}}]
    return facts_from_json(TlsFacts, {"address": NAME, "sni": NAME, "ca_bundle": None, "trust_store": None,
                                      "endpoints": list(endpoints), "http_redirects": redirects})


def with_pem(pem_file: str, *, sni: str | None = NAME, leaf_only: bool = False) -> dict[str, Any]:
    """The recorded modern endpoint serving a stored certificate instead (validated as the collector does)."""
    endpoint = recorded("modern")
    ders = [cert.public_bytes(serialization.Encoding.DER) for cert in certs.read_bundle(str(FIXTURES / pem_file))]
    now = dt.datetime.combine(PEM_DAY, dt.time(), dt.UTC)
    endpoint["certificates"] = [facts_to_json(deployment("TLSv1.2 test", ders[:1] if leaf_only else ders, ROOTS, now))]
    endpoint["sni"] = sni
    return endpoint


@functools.cache
def profile_named(name: str) -> Profile:
    return load_profile(name, REGISTRY)


def judge(check_id: str, tls_facts: TlsFacts, profile: str = "baseline", today: dt.date = RECORDED,
          **options: Any) -> tuple[list[Finding], CheckContext]:
    loaded = profile_named(profile)
    check = REGISTRY.checks[check_id]
    ctx = CheckContext(check=check, target=TARGET, options={**loaded.options[check_id], **options},
                       severity=loaded.severity[check_id], today=today,
                       policies={kind: loaded.policies[kind] for kind in check.policies})
    return check().judge(testkit.fact_set(tls_facts), ctx), ctx


def found(check_id: str, tls_facts: TlsFacts, **kwargs: Any) -> dict[str, Severity]:
    findings, ctx = judge(check_id, tls_facts, **kwargs)
    assert not ctx.problems, ctx.problems
    return {finding.resource: finding.severity for finding in findings}


def test_twenty_tls_checks_all_network_scoped_with_measures() -> None:
    assert len(TLS_CHECKS) >= 20
    for check_id in TLS_CHECKS:
        check = REGISTRY.checks[check_id]
        assert check.measures and check.scope.value == "network" and check.__doc__


@pytest.mark.parametrize("check_id", TLS_CHECKS)
def test_the_mozilla_intermediate_site_passes_every_check_under_baseline(check_id: str) -> None:
    findings, ctx = judge(check_id, facts(recorded("modern")))
    assert findings == [] and ctx.problems == []


def test_mozilla_modern_flags_tls12_and_its_suites_as_low() -> None:
    modern = facts(recorded("modern"))
    assert found("tls.protocols", modern, profile="strict") == {"tcp/443:protocol/TLSv1.2": Severity.LOW}
    assert found("tls.cipher-suites", modern, profile="strict") == {
        "tcp/443:cipher/TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": Severity.LOW,
        "tcp/443:cipher/TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": Severity.LOW,
        "tcp/443:cipher/TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": Severity.LOW,
    }


def test_legacy_site_protocols_suites_and_groups_each_their_own_finding() -> None:
    legacy = facts(recorded("legacy"))
    assert found("tls.protocols", legacy) == {"tcp/443:protocol/TLSv1.0": Severity.MEDIUM,
                                              "tcp/443:protocol/TLSv1.1": Severity.MEDIUM}
    suites = found("tls.cipher-suites", legacy)
    assert suites["tcp/443:cipher/TLS_ECDH_anon_WITH_AES_128_CBC_SHA"] is Severity.HIGH  # anonymous
    assert suites["tcp/443:cipher/TLS_RSA_WITH_AES_128_CBC_SHA"] is Severity.MEDIUM  # no forward secrecy
    assert suites["tcp/443:cipher/TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384"] is Severity.LOW  # sound, not listed
    assert "tcp/443:cipher/TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" not in suites
    assert found("tls.groups", legacy) == {"tcp/443:group/secp521r1": Severity.LOW, "tcp/443:group/x448": Severity.LOW}
    finding = judge("tls.protocols", legacy)[0][0]
    assert finding.measures == ("PRV-4", "PRV-5") and finding.evidence["policy"] == "mozilla-intermediate"


def test_legacy_site_certificate_findings() -> None:
    legacy = facts(recorded("legacy"))
    expected = {
        "tls.certificate-trust": {"tcp/443:cert/trust": Severity.HIGH},
        "tls.certificate-self-signed": {"tcp/443:cert/self-signed": Severity.HIGH},
        "tls.certificate-signature": {"tcp/443:cert/signature": Severity.HIGH},
        "tls.certificate-key": {"tcp/443:cert/key": Severity.MEDIUM},
        "tls.certificate-expiry": {"tcp/443:cert/expiry": Severity.HIGH},
        "tls.certificate-eku": {"tcp/443:cert/eku": Severity.LOW},
        "tls.certificate-name": {},
        "tls.hsts": {"tcp/443:http/hsts": Severity.LOW},
        "tls.security-txt": {"tcp/443:http/security.txt": Severity.LOW},
    }
    for check_id, resources in expected.items():
        assert found(check_id, legacy) == resources, check_id
    expiry = judge("tls.certificate-expiry", legacy)[0][0]
    assert expiry.measures == ("PRV-4", "RCV-4") and "expired on 2025-11-23" in expiry.message


@pytest.mark.parametrize("day, severity", [
    (dt.date(2025, 12, 1), Severity.HIGH),  # not yet valid
    (dt.date(2026, 2, 1), Severity.LOW),  # 58 days left
    (dt.date(2026, 3, 10), Severity.MEDIUM),  # 21 days
    (dt.date(2026, 3, 28), Severity.HIGH),  # 3 days
    (dt.date(2026, 4, 2), Severity.HIGH),  # expired
    (dt.date(2026, 1, 15), None),  # 75 days
])
def test_expiry_tiers_judged_against_the_run_date(day: dt.date, severity: Severity | None) -> None:
    result = found("tls.certificate-expiry", facts(with_pem("good.pem")), today=day)
    expected = {"tcp/443:cert/expiry": severity} if severity else {}
    if day < dt.date(2026, 1, 1):  # the intermediate is not valid yet either
        expected["tcp/443:cert/chain-1/expiry"] = Severity.HIGH
    assert result == expected


def test_expiry_tiers_are_options() -> None:
    assert found("tls.certificate-expiry", facts(with_pem("good.pem")), today=PEM_DAY, low_days=30) == {}


def test_lifetime_limit_is_the_smaller_of_cab_forum_and_policy() -> None:
    long_lived = facts(with_pem("long-lived.pem"))
    findings, _ = judge("tls.certificate-lifetime", long_lived, today=PEM_DAY)
    assert [(f.resource, f.evidence["expected"]) for f in findings] == [("tcp/443:cert/lifetime", "at most 366 days")]
    assert findings[0].measures[0] == "RCV-4"
    findings, _ = judge("tls.certificate-lifetime", long_lived, today=PEM_DAY, max_days=200)
    assert findings[0].evidence["expected"] == "at most 200 days"
    good = facts(with_pem("good.pem"))
    assert found("tls.certificate-lifetime", good, today=PEM_DAY, profile="strict") == {}  # 89 days <= 90


@pytest.mark.parametrize("pem, check_id, resource, severity", [
    ("ca-flag.pem", "tls.certificate-ca-flag", "tcp/443:cert/ca-flag", Severity.MEDIUM),
    ("no-eku.pem", "tls.certificate-eku", "tcp/443:cert/eku", Severity.LOW),
    ("client-eku.pem", "tls.certificate-eku", "tcp/443:cert/eku", Severity.MEDIUM),
    ("wrong-order.pem", "tls.certificate-chain", "tcp/443:cert/chain-order", Severity.LOW),
    ("legacy.pem", "tls.certificate-self-signed", "tcp/443:cert/self-signed", Severity.HIGH),
    ("legacy.pem", "tls.certificate-signature", "tcp/443:cert/signature", Severity.HIGH),
])
def test_certificate_deviations_from_stored_pems(pem: str, check_id: str, resource: str, severity: Severity) -> None:
    assert found(check_id, facts(with_pem(pem)), today=PEM_DAY) == {resource: severity}
    assert found(check_id, facts(with_pem("good.pem")), today=PEM_DAY) == {}


def test_a_private_ca_chain_is_trusted_only_with_its_bundle() -> None:
    endpoint = with_pem("good.pem")
    assert endpoint["certificates"][0]["trust"] == {"trusted": True, "reason": "", "incomplete": False}
    leaf = certs.parse_pem(endpoint["certificates"][0]["chain"][0])
    untrusted = certs.validate([leaf], certs.trust_roots(None), dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert untrusted.trusted is False and untrusted.incomplete is True


def test_incomplete_chain_is_its_own_finding_besides_trust() -> None:
    incomplete = facts(with_pem("good.pem", leaf_only=True))
    assert found("tls.certificate-chain", incomplete, today=PEM_DAY) == {
        "tcp/443:cert/chain-incomplete": Severity.MEDIUM}
    assert found("tls.certificate-trust", incomplete, today=PEM_DAY) == {"tcp/443:cert/trust": Severity.HIGH}


@pytest.mark.parametrize("pem, name, mismatch", [
    ("good.pem", "www.example.test", False),
    ("good.pem", "PORTAL.example.test.", False),
    ("good.pem", "other.example.test", True),
    ("wildcard.pem", "files.example.test", False),
    ("wildcard.pem", "a.files.example.test", True),
    ("wildcard.pem", "example.test", True),
])
def test_name_matching_follows_rfc_6125(pem: str, name: str, mismatch: bool) -> None:
    result = found("tls.certificate-name", facts(with_pem(pem, sni=name)), today=PEM_DAY)
    assert result == ({"tcp/443:cert/name": Severity.HIGH} if mismatch else {})


def test_no_server_name_means_no_name_verdict() -> None:
    with pytest.raises(NotAssessable, match="no name to match"):  # a host-name address, yet no SNI was sent
        judge("tls.certificate-name", facts(with_pem("good.pem", sni=None)), today=PEM_DAY)


def test_markup_and_control_characters_stay_raw_in_facts_and_evidence() -> None:
    endpoint = with_pem("markup.pem", sni=NAME)
    summary = endpoint["certificates"][0]["certificates"][0]
    assert summary["common_names"] == ["<script>alert('cn')</script>\x1b[31m"]
    assert "DNS:<img src=x onerror=alert(1)>.example.test" in summary["san"]
    finding = judge("tls.certificate-name", facts(endpoint), today=PEM_DAY)[0][0]
    assert "<img src=x onerror=alert(1)>.example.test" in finding.evidence["observed"]
    assert "bell\x07.example.test" in finding.evidence["observed"]


def test_key_type_is_a_policy_choice() -> None:
    rsa = facts(with_pem("rsa2048.pem"))
    assert found("tls.certificate-key", rsa, today=PEM_DAY) == {}
    assert found("tls.certificate-key", rsa, today=PEM_DAY, profile="strict") == {"tcp/443:cert/key-type": Severity.LOW}


def test_small_dh_parameters() -> None:
    endpoint = recorded("legacy")
    endpoint["key_exchange"]["dh_bits"] = [1024, 2048]
    assert found("tls.groups", facts(endpoint))["tcp/443:dh-params"] is Severity.MEDIUM
    endpoint["key_exchange"]["dh_bits"] = [768]
    assert found("tls.groups", facts(endpoint))["tcp/443:dh-params"] is Severity.HIGH


@pytest.mark.parametrize("check_id, key, value, resource", [
    ("tls.secure-renegotiation", "secure_renegotiation", False, "tcp/443:secure-renegotiation"),
    ("tls.extended-master-secret", "extended_master_secret", False, "tcp/443:extended-master-secret"),
    ("tls.compression", "compression", True, "tcp/443:compression"),
    ("tls.fallback-scsv", "fallback_scsv", {"supported": False, "detail": ""}, "tcp/443:fallback-scsv"),
])
def test_handshake_features(check_id: str, key: str, value: object, resource: str) -> None:
    endpoint = recorded("legacy")
    endpoint[key] = value
    assert list(found(check_id, facts(endpoint))) == [resource]
    endpoint[key] = None if key != "fallback_scsv" else {"supported": None, "detail": "only one version"}
    with pytest.raises(CheckSkipped, match="not applicable"):  # TLS 1.3 only, one version: nothing judged
        judge(check_id, facts(endpoint))
    if key == "fallback_scsv":  # a probe that could not tell is no verdict at all
        endpoint[key] = {"supported": None, "detail": "unclear: timeout"}
        with pytest.raises(NotAssessable, match="unclear: timeout"):
            judge(check_id, facts(endpoint))


def _endpoint(port: int, origin: str, state: str, **extra: Any) -> dict[str, Any]:
    return {"port": port, "origin": origin, "sni": NAME, "state": state, "detail": "x",
            "connections": 1, "seconds": 0.1, **extra}


def test_unanswered_expected_ports_make_an_error_and_the_rest_is_still_judged() -> None:
    timed_out = _endpoint(8443, "target", "timeout", detail="no answer within 5 s")
    garbage = _endpoint(9443, "discovered", "not-tls", sample="\x00\xff\x13")
    findings, ctx = judge("tls.protocols", facts(recorded("legacy"), timed_out, garbage))
    assert {f.resource for f in findings} == {"tcp/443:protocol/TLSv1.0", "tcp/443:protocol/TLSv1.1"}
    assert ctx.problems == ["tcp/8443 timed out (no answer within 5 s)",
                            "tcp/9443 does not speak TLS (answered '\\x00\\xff\\x13')"]


def test_other_services_and_closed_defaults_are_notes_not_errors() -> None:
    ssh = _endpoint(22, "target", "other-service", sample="SSH-2.0-OpenSSH_9.2p1 <b>\r\n")
    closed = _endpoint(443, "default", "closed")
    with pytest.raises(CheckSkipped, match="no TLS endpoint"):
        judge("tls.protocols", facts(ssh, closed))
    findings, ctx = judge("tls.protocols", facts(recorded("modern") | {"port": 8443}, ssh, closed))
    assert findings == [] and ctx.problems == []
    assert ctx.details["not audited"] == (
        "tcp/22 does not speak TLS (answered 'SSH-2.0-OpenSSH_9.2p1 <b>\\r\\n'); tcp/443 closed")


def test_probe_timeouts_and_partial_enumerations_are_not_read_as_refusals() -> None:
    endpoint = recorded("legacy")
    endpoint["protocols"]["SSLv3"] = {"state": "timeout", "detail": "no answer within 5 s"}
    endpoint["protocols"]["TLSv1.2"].update(complete=False, detail="suite enumeration stopped early: connection reset")
    _, ctx = judge("tls.protocols", facts(endpoint))
    assert ctx.problems == ["tcp/443: the SSLv3 probe ended in timeout (no answer within 5 s)"]
    _, ctx = judge("tls.cipher-suites", facts(endpoint))
    assert ctx.problems == ["tcp/443: TLSv1.2 suite enumeration stopped early: connection reset"]


def test_grade_is_a_detail_beside_the_findings() -> None:
    findings, ctx = judge("tls.grade", facts(recorded("modern")))
    assert findings == [] and ctx.details["tcp/443"].startswith("A+ (score")
    findings, ctx = judge("tls.grade", facts(recorded("legacy")))
    assert findings == [] and ctx.details["tcp/443"].startswith("T (score")
    assert "untrusted" in ctx.details["tcp/443"] and "TLS 1.0/1.1 accepted" in ctx.details["tcp/443"]
    findings, _ = judge("tls.grade", facts(recorded("legacy")), min_grade="A")
    assert [f.resource for f in findings] == ["tcp/443:grade"]


def test_grade_caps_follow_ssl_labs() -> None:
    legacy = recorded("legacy")
    legacy["certificates"] = recorded("modern")["certificates"]  # take trust out of the picture
    _, ctx = judge("tls.grade", facts(legacy))
    assert ctx.details["tcp/443"].startswith("F ")  # anonymous suites
    for version in ("TLSv1.0", "TLSv1.1", "TLSv1.2"):
        ciphers = legacy["protocols"][version]["ciphers"]
        legacy["protocols"][version]["ciphers"] = [n for n in ciphers if "anon" not in n]
    _, ctx = judge("tls.grade", facts(legacy))
    assert ctx.details["tcp/443"].startswith("B ") and "capped: TLS 1.0/1.1 accepted" in ctx.details["tcp/443"]


@pytest.mark.parametrize("entry, resources", [
    ({"origin": "default", "state": "http", "status": 301, "headers": {"location": ["https://x/"]}}, set()),
    ({"origin": "default", "state": "http", "status": 200, "headers": {}}, {"tcp/80:http/redirect"}),
    ({"origin": "target", "state": "http", "status": 302, "headers": {"location": ["http://x/"]}},
     {"tcp/80:http/redirect"}),
])
def test_plain_http_must_redirect_to_https(entry: dict[str, Any], resources: set[str]) -> None:
    findings, _ = judge("tls.http-redirect", facts(redirects=[{"port": 80, **entry}]))
    assert {f.resource for f in findings} == resources


def test_plain_http_port_absent_or_unanswered() -> None:
    with pytest.raises(CheckSkipped):
        judge("tls.http-redirect", facts(redirects=[{"port": 80, "origin": "default", "state": "closed",
                                                     "detail": "connection refused"}]))
    timeout = {"port": 80, "origin": "target", "state": "timeout", "detail": "5 s"}
    _, ctx = judge("tls.http-redirect", facts(redirects=[timeout]))
    assert ctx.problems == ["tcp/80: timeout (5 s)"]


@pytest.mark.parametrize("security_txt, problem", [
    ({"status": 404, "headers": {"content-type": ["text/html"]}, "fields": {}, "truncated": False},
     "no security.txt (HTTP 404, text/html)"),
    ({"status": 200, "headers": {"content-type": ["text/plain"]},
      "fields": {"contact": ["mailto:a@b"], "expires": ["2026-01-01T00:00:00Z"]}, "truncated": False},
     "security.txt expired on 2026-01-01"),
    ({"status": 200, "headers": {"content-type": ["text/plain; charset=utf-8"]}, "fields": {"contact": ["https://x/"]},
      "truncated": False},
     "security.txt has no valid Expires field (missing)"),
])
def test_security_txt(security_txt: dict[str, Any], problem: str) -> None:
    endpoint = recorded("modern")
    endpoint["http"]["security_txt"] = security_txt
    findings, _ = judge("tls.security-txt", facts(endpoint))
    assert [f.message for f in findings] == [f"port 443: {problem}"]
    assert findings[0].measures == ("AWR-3", "RSP-2")


def test_hsts_minimum_comes_from_the_policy_unless_set() -> None:
    endpoint = recorded("modern")
    endpoint["http"]["root"]["headers"]["strict-transport-security"] = ["max-age=31536000; includeSubDomains"]
    assert found("tls.hsts", facts(endpoint)) == {"tcp/443:http/hsts": Severity.LOW}
    assert found("tls.hsts", facts(endpoint), min_max_age=31536000) == {}
    del endpoint["http"]["root"]["headers"]["strict-transport-security"]
    assert found("tls.hsts", facts(endpoint)) == {"tcp/443:http/hsts": Severity.MEDIUM}


def test_recorded_facts_are_not_modified_by_judging() -> None:
    legacy = facts(recorded("legacy"))
    before = copy.deepcopy(legacy)
    for check_id in TLS_CHECKS:
        with contextlib.suppress(CheckSkipped, NotAssessable):
            judge(check_id, legacy)
    assert legacy == before


def test_groups_with_nothing_to_compare_are_skipped_not_passed() -> None:
    endpoint = recorded("legacy")
    endpoint["groups"] = {"groups": [], "via": None, "complete": True,
                          "detail": "no (EC)DHE suite to enumerate groups with"}
    endpoint["key_exchange"]["dh_bits"] = []
    with pytest.raises(CheckSkipped, match="no key exchange group to judge"):
        judge("tls.groups", facts(endpoint))
