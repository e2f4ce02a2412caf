"""The typed ``tls`` facts keep the JSON shape snapshots have always stored.

tests/fixtures/tls/endpoint-*.json are endpoints as the collector recorded them: decoding them
and writing them out again must give the same JSON, so earlier snapshots are judged the same.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

import testkit
from auditor.checks.tls import certificates as certs
from auditor.checks.tls.facts import (
    AcceptedVersion,
    ChainFacts,
    EndpointFacts,
    ForeignEndpoint,
    HttpsFacts,
    PlainHttpAnswer,
    PlainHttpFailure,
    SecurityTxtAnswer,
    SilentEndpoint,
    TlsEndpoint,
    TlsFacts,
    UnreadableChain,
    VersionProbe,
)
from auditor.checks.tls.scan import deployment
from auditor.facts import FactsDecodeError, facts_from_json, facts_to_json

FIXTURES = testkit.FIXTURES / "tls"
ROOTS = tuple(certs.read_bundle(str(FIXTURES / "root.pem")))


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"endpoint-{name}.json").read_text())
    return data


def tls_json(*endpoints: dict[str, Any], redirects: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The collector's JSON for one target (address, SNI and stores as it writes them)."""
    return {"address": "www.example.test", "sni": "www.example.test", "ca_bundle": "/etc/rifi/ca.pem",
            "trust_store": "/etc/ssl/certs/ca-certificates.crt", "endpoints": list(endpoints),
            "http_redirects": redirects or []}


REDIRECTS = [
    {"port": 80, "origin": "default", "state": "http", "status": 301,
     "headers": {"location": ["https://www.example.test/"], "server": ["nginx"]}},
    {"port": 8080, "origin": "target", "state": "timeout", "detail": "no answer within 5 s"},
]
UNREACHABLE = [
    {"origin": "target", "port": 8443, "sni": None, "state": "timeout", "detail": "no answer within 5 s",
     "connections": 1, "seconds": 5.002},
    {"origin": "discovered", "port": 22, "sni": None, "state": "other-service", "detail": "the answer is not TLS",
     "sample": "SSH-2.0-OpenSSH_9.2p1\r\n", "connections": 1, "seconds": 0.31},
]


@pytest.mark.parametrize("name", ["modern", "legacy"])
def test_recorded_endpoints_decode_and_write_back_the_same_json(name: str) -> None:
    data = tls_json(recorded(name), *UNREACHABLE, redirects=REDIRECTS)
    facts = facts_from_json(TlsFacts, data, TlsFacts.version)
    assert facts_to_json(facts) == data
    assert facts_from_json(TlsFacts, json.loads(json.dumps(facts_to_json(facts)))) == facts


def test_each_shape_decodes_to_its_own_record() -> None:
    facts = facts_from_json(TlsFacts, tls_json(recorded("modern"), *UNREACHABLE, redirects=REDIRECTS))
    modern, timeout, ssh = facts.endpoints
    assert isinstance(modern, TlsEndpoint) and type(timeout) is SilentEndpoint and isinstance(ssh, ForeignEndpoint)
    assert isinstance(modern.protocols["TLSv1.3"], AcceptedVersion)
    assert isinstance(modern.protocols["SSLv3"], VersionProbe)
    assert isinstance(modern.http, HttpsFacts) and isinstance(modern.http.security_txt, SecurityTxtAnswer)
    assert modern.http.root.header("strict-transport-security") == "max-age=63072000"
    assert type(modern.certificates[0]) is ChainFacts
    assert [type(entry) for entry in facts.http_redirects] == [PlainHttpAnswer, PlainHttpFailure]


def test_a_chain_that_does_not_parse_keeps_its_error() -> None:
    good = certs.read_bundle(str(FIXTURES / "good.pem"))[0].public_bytes(serialization.Encoding.DER)
    now = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    broken = deployment("TLSv1.2 test", [good, b"\x30\x03\x02\x01\x00"], ROOTS, now)
    assert isinstance(broken, UnreadableChain) and broken.error.startswith("a certificate does not parse")
    stored = facts_to_json(broken)
    assert set(stored) == {"via", "chain", "certificates", "trust", "error"} and stored["trust"] is None
    endpoint = recorded("modern") | {"certificates": [stored]}
    facts = facts_from_json(TlsFacts, tls_json(endpoint))
    assert facts.endpoints[0] == facts_from_json(TlsFacts, tls_json(endpoint)).endpoints[0]
    assert isinstance(facts.endpoints[0], TlsEndpoint) and facts.endpoints[0].certificates[0] == broken


def test_a_sound_chain_is_stored_as_the_collector_always_wrote_it() -> None:
    ders = [cert.public_bytes(serialization.Encoding.DER) for cert in certs.read_bundle(str(FIXTURES / "good.pem"))]
    chain = deployment("TLSv1.2 test", ders, ROOTS, dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    stored = facts_to_json(chain)
    assert set(stored) == {"via", "chain", "certificates", "trust"}
    assert stored["trust"] == {"trusted": True, "reason": "", "incomplete": False}
    assert set(stored["certificates"][0]) == {"subject", "common_names", "issuer", "serial", "not_before", "not_after",
                                              "san", "key", "signature", "sha256"}


@pytest.mark.parametrize("change", [
    {"state": "tls"},  # an unreachable port cannot claim TLS without the TLS facts
    {"sample": 7},
    {"unexpected": True},
])
def test_malformed_stored_endpoints_are_decode_errors(change: dict[str, Any]) -> None:
    with pytest.raises(FactsDecodeError):
        facts_from_json(TlsFacts, tls_json(UNREACHABLE[0] | change))


def test_every_endpoint_shape_is_in_the_union() -> None:
    assert set(EndpointFacts.__args__) == {TlsEndpoint, ForeignEndpoint, SilentEndpoint}
