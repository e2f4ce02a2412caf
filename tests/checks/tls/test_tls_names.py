"""Which name the TLS audit sends and matches: inventory host names, aliases, addresses (no network).

An address target is matched with the address (IP subjectAltName entries, as browsers and
sslyze do); the inventory's fully qualified host name is the SNI; with no name at all the
certificate-name check is ``not-assessable``, never a pass.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

import testkit
from auditor.check import CheckContext
from auditor.checks.tls import certificates as certs
from auditor.checks.tls.collector import alias_names, server_name
from auditor.checks.tls.facts import TlsFacts
from auditor.checks.tls.scan import deployment
from auditor.config.profile import load_profile
from auditor.errors import InventoryError, NotAssessable
from auditor.facts import facts_from_json, facts_to_json
from auditor.inventory.targets import load_inventory, parse_target
from auditor.models import Finding, Target, TargetKind
from auditor.registry import default_registry
from testkit.tls_lab import issue, new_key

FIXTURES = testkit.FIXTURES / "tls"
REGISTRY = default_registry()
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DAY = dt.date(2026, 2, 1)
ROOT = issue("Names Root CA", new_key(), ca=True, days=3650, start=START)


def endpoint_with(*names: str, aliases: list[dict[str, Any]] | None = None, sni: str | None = None) -> dict[str, Any]:
    """The recorded modern endpoint serving a leaf for ``names`` (signed by ROOT)."""
    endpoint: dict[str, Any] = json.loads((FIXTURES / "endpoint-modern.json").read_text())
    leaf = issue("leaf", new_key(), ROOT, names=names, days=89, start=START)
    der = leaf.cert.public_bytes(serialization.Encoding.DER)
    chain = deployment("TLSv1.2 test", [der], (ROOT.cert,), dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    endpoint["certificates"] = [facts_to_json(chain)]
    endpoint["sni"] = sni
    if aliases is not None:
        endpoint["aliases"] = aliases
    return endpoint


def judge(address: str, endpoint: dict[str, Any]) -> tuple[list[Finding], CheckContext]:
    facts = facts_from_json(TlsFacts, {"address": address, "sni": endpoint["sni"], "ca_bundle": None,
                                       "trust_store": None, "endpoints": [endpoint], "http_redirects": []})
    profile = load_profile("baseline", REGISTRY)
    check = REGISTRY.checks["tls.certificate-name"]
    ctx = CheckContext(check=check, target=Target(name=address, kind=TargetKind.NETWORK, address=address),
                       options=profile.options[check.id], severity=profile.severity[check.id], today=DAY)
    return check().judge(testkit.fact_set(facts), ctx), ctx


def test_an_address_target_is_matched_with_the_address() -> None:
    findings, _ = judge("127.0.0.1", endpoint_with("www.example.test"))
    assert [(f.resource, f.evidence["expected"]) for f in findings] == [("tcp/443:cert/name", "127.0.0.1")]
    assert "the address 127.0.0.1" in findings[0].message
    assert judge("127.0.0.1", endpoint_with("www.example.test", "127.0.0.1"))[0] == []
    assert judge("::1", endpoint_with("0:0::1"))[0] == []  # compared as addresses, not as text


def test_no_name_at_all_is_not_assessable() -> None:
    with pytest.raises(NotAssessable, match="no name to match"):
        judge("www.example.test", endpoint_with("www.example.test"))  # stored facts without SNI


def test_the_sni_is_matched_and_ip_entries_do_not_cover_names() -> None:
    assert judge("127.0.0.1", endpoint_with("www.example.test", sni="www.example.test"))[0] == []
    findings, _ = judge("127.0.0.1", endpoint_with("127.0.0.1", sni="www.example.test"))
    assert [f.resource for f in findings] == ["tcp/443:cert/name"]


def test_each_alias_is_matched_with_the_certificate_served_for_it() -> None:
    covered = issue("alias", new_key(), ROOT, names=("files.example.test",), days=89, start=START)
    other = issue("alias", new_key(), ROOT, names=("www.example.test",), days=89, start=START)
    aliases = [{"name": "files.example.test", "certificate": covered.pem.decode(), "error": ""},
               {"name": "data.example.test", "certificate": other.pem.decode(), "error": ""}]
    findings, ctx = judge("127.0.0.1", endpoint_with("www.example.test", sni="www.example.test", aliases=aliases))
    assert [f.resource for f in findings] == ["tcp/443:cert/name/data.example.test"]
    assert not ctx.problems
    failed = [{"name": "files.example.test", "certificate": None, "error": "handshake failed: reset"}]
    _, ctx = judge("127.0.0.1", endpoint_with("www.example.test", sni="www.example.test", aliases=failed))
    assert ctx.problems == ["tcp/443: alias files.example.test: handshake failed: reset"]


@pytest.mark.parametrize("target, expected", [
    (Target("127.0.0.1", TargetKind.NETWORK, address="127.0.0.1"), None),
    (Target("www.example.test", TargetKind.NETWORK, address="www.example.test"), "www.example.test"),
    (Target("portal.example.test", TargetKind.NETWORK, address="127.0.0.1"), "portal.example.test"),
    (Target("web01", TargetKind.NETWORK, address="127.0.0.1"), None),  # a label, not a name clients use
    (Target("web01", TargetKind.NETWORK, address="127.0.0.1", aliases=("www.example.test",)), "www.example.test"),
    (Target("127.0.0.1:8443", TargetKind.NETWORK, address="127.0.0.1"), None),
    (Target("ssh://a@127.0.0.1:22", TargetKind.SSH, address="127.0.0.1"), None),
])
def test_the_server_name_comes_from_the_profile_then_the_inventory(target: Target, expected: str | None) -> None:
    assert server_name(target, None) == expected
    assert server_name(target, "sni.example.test") == "sni.example.test"
    assert server_name(target, {target.name: "mapped.example.test"}) == "mapped.example.test"


def test_inventory_aliases_are_host_names(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("hosts:\n  - name: portal.example.test\n    address: 127.0.0.1\n"
                    "    aliases: [Files.Example.Test., portal.example.test]\n")
    target = load_inventory(path)[0]
    assert target.aliases == ("files.example.test", "portal.example.test")
    assert alias_names(target, server_name(target, None)) == ("files.example.test",)
    assert target.to_dict()["aliases"] == ["files.example.test", "portal.example.test"]
    assert parse_target("127.0.0.1").aliases == ()
    for bad, message in (("[192.0.2.1]", "is an address"), ("['bad name']", "not a valid host name"),
                         ("{a: b}", "expected a list")):
        path.write_text(f"hosts:\n  - name: web01\n    address: 127.0.0.1\n    aliases: {bad}\n")
        with pytest.raises(InventoryError, match=rf"inventory.yaml:4: .*aliases.*{message}"):
            load_inventory(path)


def test_certificates_parse_ip_entries() -> None:
    leaf = issue("leaf", new_key(), ROOT, names=("127.0.0.1", "www.example.test"), days=89, start=START).cert
    assert certs.subject_names(leaf) == (["www.example.test"], ["127.0.0.1"])
