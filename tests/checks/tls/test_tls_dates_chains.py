"""Expiry thresholds exact to the second, leaf and intermediate named as such, and chain faults named.

Certificates are made here with fixed dates; the endpoint records the moment it was scanned,
and the expiry check judges at that moment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

import testkit
from auditor.check import CheckContext
from auditor.checks.tls import certificates as certs
from auditor.checks.tls.facts import TlsFacts
from auditor.checks.tls.scan import deployment
from auditor.config.profile import load_profile
from auditor.facts import facts_from_json, facts_to_json
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry
from testkit.services_lab import OPENSSL
from testkit.tls_lab import NAME, Issued, Pki, TlsLab, issue, new_key

FIXTURES = testkit.FIXTURES / "tls"
REGISTRY = default_registry()
SCANNED = dt.datetime(2026, 6, 1, 12, 0, 0, tzinfo=dt.UTC)
SCANNED_DAY = SCANNED.date()
ROOT = issue("Dates Root CA", new_key(), ca=True, days=3650, start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
INTERMEDIATE = issue("Dates Intermediate CA", new_key(), ROOT, ca=True, days=1000,
                     start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def endpoint(*chain: Issued, scanned: dt.datetime | None = SCANNED) -> dict[str, Any]:
    """The recorded modern endpoint serving ``chain``, scanned at ``scanned``."""
    data: dict[str, Any] = json.loads((FIXTURES / "endpoint-modern.json").read_text())
    ders = [item.cert.public_bytes(serialization.Encoding.DER) for item in chain]
    data["certificates"] = [facts_to_json(deployment("TLSv1.2 test", ders, (ROOT.cert,), SCANNED))]
    data["sni"] = NAME
    if scanned is not None:
        data["scanned_at"] = scanned.isoformat()
    return data


def judge(check_id: str, data: dict[str, Any], today: dt.date = SCANNED_DAY) -> list[Finding]:
    facts = facts_from_json(TlsFacts, {"address": NAME, "sni": NAME, "ca_bundle": None, "trust_store": None,
                                       "endpoints": [data], "http_redirects": []})
    profile = load_profile("baseline", REGISTRY)
    check = REGISTRY.checks[check_id]
    ctx = CheckContext(check=check, target=Target(NAME, TargetKind.NETWORK, address=NAME),
                       options=profile.options[check_id], severity=profile.severity[check_id], today=today,
                       policies={kind: profile.policies[kind] for kind in check.policies})
    findings = check().judge(testkit.fact_set(facts), ctx)
    assert not ctx.problems, ctx.problems
    return findings


def leaf_expiring_in(left: dt.timedelta, *, ca: bool = False) -> Issued:
    """A leaf issued 80 days before the scan whose notAfter lies ``left`` after it."""
    start = SCANNED - dt.timedelta(days=80)
    days = (SCANNED + left - start) / dt.timedelta(days=1)
    return issue(NAME, new_key(), INTERMEDIATE, names=(NAME,), days=days, start=start, ca=ca)


@pytest.mark.parametrize("left, severity", [
    (dt.timedelta(days=29.99), Severity.MEDIUM),  # inside the 30-day threshold, though the calendar says 30
    (dt.timedelta(days=30), Severity.MEDIUM),  # thresholds are inclusive
    (dt.timedelta(days=30, seconds=1), Severity.LOW),
    (dt.timedelta(days=7), Severity.HIGH),
    (dt.timedelta(days=7, seconds=1), Severity.MEDIUM),
    (dt.timedelta(days=60), Severity.LOW),
    (dt.timedelta(days=60, seconds=1), None),
    (dt.timedelta(0), Severity.HIGH),  # notAfter is the last valid second: expires now, not expired
    (dt.timedelta(seconds=-1), Severity.HIGH),
])
def test_expiry_thresholds_are_inclusive_and_exact_to_the_second(left: dt.timedelta, severity: Severity | None) -> None:
    findings = judge("tls.certificate-expiry", endpoint(leaf_expiring_in(left), INTERMEDIATE))
    assert [(f.resource, f.severity) for f in findings] == ([("tcp/443:cert/expiry", severity)] if severity else [])
    if findings:
        expected = "expired on" if left < dt.timedelta(0) else f"(in {left.total_seconds() / 86400:.2f} days)"
        assert expected in findings[0].message and findings[0].evidence["judged_at"] == SCANNED.isoformat()


def test_a_leaf_is_the_certificate_and_an_intermediate_is_named() -> None:
    message = judge("tls.certificate-expiry", endpoint(leaf_expiring_in(dt.timedelta(days=29.99), ca=True)))[0].message
    assert message.startswith("port 443: the certificate expires on") and "intermediate" not in message
    old_intermediate = issue("Old Intermediate CA", new_key(), ROOT, ca=True, days=155,
                             start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    leaf = issue(NAME, new_key(), old_intermediate, names=(NAME,), days=90, start=SCANNED - dt.timedelta(days=1))
    finding = judge("tls.certificate-expiry", endpoint(leaf, old_intermediate))[0]
    assert finding.resource == "tcp/443:cert/chain-1/expiry"
    assert "the intermediate certificate 'CN=Old Intermediate CA' expires on" in finding.message


def test_facts_without_a_scan_moment_are_judged_at_the_start_of_the_run_day() -> None:
    leaf = leaf_expiring_in(dt.timedelta(hours=6))  # 18:00 on the scan day
    assert [f.severity for f in judge("tls.certificate-expiry", endpoint(leaf, INTERMEDIATE, scanned=None))] == [
        Severity.HIGH]
    assert judge("tls.certificate-expiry", endpoint(leaf, INTERMEDIATE, scanned=None),
                 today=dt.date(2026, 6, 2))[0].message.startswith("port 443: the certificate expired on")


def test_a_ca_without_key_usage_is_named_as_the_cause() -> None:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    bare_root = issue("Bare Root CA", new_key(), ca=True, days=3650, start=start, key_usage=False)
    intermediate = issue("Sound Intermediate CA", new_key(), bare_root, ca=True, days=1000, start=start)
    leaf = issue(NAME, new_key(), intermediate, names=(NAME,), days=90, start=start)
    trust = certs.validate([leaf.cert, intermediate.cert], (bare_root.cert,), SCANNED)
    assert not trust.trusted and trust.reason.startswith("the CA certificate 'CN=Bare Root CA' (a trust anchor) "
                                                         "has no keyUsage extension")
    bare_intermediate = issue("Bare Intermediate CA", new_key(), ROOT, ca=True, days=1000, start=start,
                              key_usage=False)
    leaf = issue(NAME, new_key(), bare_intermediate, names=(NAME,), days=90, start=start)
    findings = judge("tls.certificate-trust", endpoint(leaf, bare_intermediate))
    assert "'CN=Bare Intermediate CA' has no keyUsage extension" in findings[0].message
    assert certs.ca_fault([leaf.cert, bare_intermediate.cert], (ROOT.cert,)) is not None
    sound = issue(NAME, new_key(), INTERMEDIATE, names=(NAME,), days=90, start=start)
    assert certs.ca_fault([sound.cert, INTERMEDIATE.cert], (ROOT.cert,)) is None


@pytest.fixture(scope="module")
def bare_ca_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """openssl s_server with a chain under a private root without keyUsage."""
    if OPENSSL is None:
        pytest.skip("openssl is needed")
    root = tmp_path_factory.mktemp("bare-ca")
    pki = Pki(root / "pki")
    bare = issue("Institute Root CA", new_key(), ca=True, days=3650, key_usage=False)
    intermediate = issue("Institute Issuing CA", new_key(), bare, ca=True, days=1000)
    leaf = issue(NAME, new_key(), intermediate, names=(NAME,), days=90)
    anchor = root / "bare-root.pem"
    anchor.write_bytes(bare.pem)
    lab = TlsLab(root / "daemons")
    try:
        yield lab.s_server("127.0.0.1", *pki.files("bare", leaf, [intermediate])).port, anchor
    finally:
        lab.stop()


@pytest.mark.integration
def test_a_private_root_without_key_usage_is_named_by_the_real_audit(
        bare_ca_server: tuple[int, Path], tmp_path: Path) -> None:
    from auditor.check import CollectEnv
    from auditor.checks.tls.collector import TlsCollector

    port, anchor = bare_ca_server
    options = {**TlsCollector.options, "ports": [port], "http_ports": [], "http": False, "sni": NAME,
               "ca_bundle": str(anchor)}
    facts = TlsCollector().collect(CollectEnv(target=Target("127.0.0.1", TargetKind.NETWORK, address="127.0.0.1"),
                                              host=None, options=options, timeout=60))
    trust = facts.endpoints[0].certificates[0].trust  # type: ignore[union-attr]
    assert trust is not None and not trust.trusted
    assert trust.reason.startswith("the CA certificate 'CN=Institute Root CA' (a trust anchor) has no keyUsage")
