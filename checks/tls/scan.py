"""Scanning one TLS endpoint: every fact about it, from enumeration, certificates and HTTP extras.

The first attempt is a hello any TLS server answers; a port that does not answer it as TLS is
recorded with its state (closed, reset, timeout, another service) and not probed further. Only
the chain of a TLS 1.3-only server and the HTTP requests need a full handshake (``handshakes``).
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from cryptography import x509

from auditor.checks.tls import certificates as certs
from auditor.checks.tls.enumeration import (
    VersionScan,
    handshake_features,
    key_exchange_sizes,
    offer_order,
    scan_fallback,
    scan_groups,
    scan_version,
)
from auditor.checks.tls.facts import (
    AliasLeaf,
    CertificateSummary,
    ChainFacts,
    EndpointFacts,
    ForeignEndpoint,
    SilentEndpoint,
    SilentState,
    TlsEndpoint,
    UnreadableChain,
)
from auditor.checks.tls.handshakes import alias_leaf, http_extras
from auditor.checks.tls.names import CIPHER_SUITES, TLS13_SUITES, VERSIONS, X25519
from auditor.checks.tls.probe import Endpoint, Outcome
from auditor.checks.tls.suites import suite
from auditor.checks.tls.vulns import scan_vulnerabilities
from auditor.checks.tls.wire import TLS13, ClientHello, group_offer


def chains_from_flights(scans: dict[str, VersionScan]) -> list[tuple[str, list[bytes]]]:
    """One chain per authentication type (RSA, ECDSA, ...) as sent in TLS <= 1.2 handshakes."""
    chains: dict[str, tuple[str, list[bytes]]] = {}
    for name, scan in reversed(list(scans.items())):
        for code, flight in zip(scan.suites, scan.flights, strict=True):
            auth = suite(CIPHER_SUITES[code]).authentication
            if flight.certificates and auth not in chains:
                chains[auth] = (f"{name} {CIPHER_SUITES[code]}", flight.certificates)
    return list(chains.values())


def deployment(via: str, ders: list[bytes], roots: tuple[x509.Certificate, ...], now: dt.datetime) -> ChainFacts:
    """Facts of one certificate chain: PEMs as sent, readable summaries, and path validation."""
    pems = tuple(certs.to_pem(der) for der in ders)
    summaries: tuple[CertificateSummary, ...] = ()
    try:
        parsed = [certs.parse_pem(pem) for pem in pems]
        summaries = tuple(certs.summary(cert) for cert in parsed)
        trust = certs.validate(parsed, roots, now)
    except ValueError as exc:
        return UnreadableChain(via=via, chain=pems, certificates=summaries, trust=None,
                               error=f"a certificate does not parse: {exc}")
    return ChainFacts(via=via, chain=pems, certificates=summaries, trust=trust)


def _universal_hello(server_name: str | None) -> ClientHello:
    """A hello any TLS server answers: every version, every suite, every group."""
    versions = tuple(sorted((code for code in VERSIONS.values() if code > 0x0300), reverse=True))
    return ClientHello(TLS13, tuple(offer_order(0x0303) + list(TLS13_SUITES)), group_offer(TLS13), server_name,
                       versions=versions, key_share=(X25519,))


def classify_sample(sample: bytes) -> Literal["other-service", "not-tls"]:
    """``other-service`` when the answer is readable text (a banner, an HTTP error), else ``not-tls``."""
    if not sample:
        return "not-tls"
    printable = sum(32 <= byte < 127 or byte in (9, 10, 13) for byte in sample)
    return "other-service" if printable / len(sample) >= 0.9 else "not-tls"


# How a first attempt that got no TLS answer is recorded.
# A port that accepts and hangs up without a word is as broken as one that resets.
_UNREACHABLE_STATES: dict[str, SilentState] = {
    "refused": "closed", "hangup": "reset", "reset": "reset", "timeout": "timeout", "error": "error"}


def _unreachable(outcome: Outcome, origin: str, endpoint: Endpoint, started: float) -> SilentEndpoint:
    seconds = _elapsed(started)
    if outcome.state == "not-tls" and outcome.sample:
        return ForeignEndpoint(origin=origin, port=endpoint.port, sni=endpoint.server_name,
                               state=classify_sample(outcome.sample), detail=outcome.detail,
                               connections=endpoint.attempts, seconds=seconds,
                               sample=outcome.sample.decode("latin-1"))  # raw bytes, one character each
    state = classify_sample(outcome.sample) if outcome.state == "not-tls" else _UNREACHABLE_STATES[outcome.state]
    return SilentEndpoint(origin=origin, port=endpoint.port, sni=endpoint.server_name, state=state,
                          detail=outcome.detail, connections=endpoint.attempts, seconds=seconds)


def scan_endpoint(endpoint: Endpoint, roots: tuple[x509.Certificate, ...], *, origin: str, http_extras_wanted: bool,
                  now: dt.datetime | None = None, aliases: tuple[str, ...] = (),
                  vulnerabilities: bool = True) -> EndpointFacts:
    """Every fact about one endpoint (scanned because of ``origin``); never raises for anything the peer does.

    Each of ``aliases`` (inventory names besides the SNI) gets one full handshake with it as SNI;
    ``vulnerabilities`` runs the probes of ``vulns`` once the versions and suites are known.
    """
    started = time.monotonic()
    now = now or dt.datetime.now(dt.UTC)
    first = endpoint.send(_universal_hello(endpoint.server_name))
    if first.state not in ("answered", "alert"):
        return _unreachable(first, origin, endpoint, started)
    with ThreadPoolExecutor(max_workers=endpoint.connections, thread_name_prefix="tls-scan") as pool:
        scans = dict(zip(VERSIONS, pool.map(lambda name: scan_version(endpoint, name), VERSIONS), strict=True))
        groups = pool.submit(scan_groups, endpoint, scans)
        fallback = pool.submit(scan_fallback, endpoint, scans)
        flight_chains = chains_from_flights(scans)
        # Python's ssl speaks TLS 1.0 and later; it fetches the chain only where no raw answer had one.
        full_handshake = any(scan.state == "accepted" for name, scan in scans.items() if name != "SSLv3")
        extras = (pool.submit(http_extras, endpoint, not flight_chains, http_extras_wanted)
                  if full_handshake and (http_extras_wanted or not flight_chains) else None)
        leaves = [pool.submit(alias_leaf, endpoint, name) if full_handshake else None for name in aliases]
        probes = pool.submit(scan_vulnerabilities, endpoint, scans) if vulnerabilities else None
        ssl_chain, http_facts, problem = extras.result() if extras else ([], None, "")
        group_scan, fallback_probe = groups.result(), fallback.result()
    features = handshake_features(scans)
    chains = flight_chains or ([("full handshake", ssl_chain)] if ssl_chain else [])
    return TlsEndpoint(
        origin=origin, port=endpoint.port, sni=endpoint.server_name, state="tls",
        protocols={name: scan.fact() for name, scan in scans.items()},
        groups=group_scan, fallback_scsv=fallback_probe,
        secure_renegotiation=features.secure_renegotiation, extended_master_secret=features.extended_master_secret,
        compression=features.compression, ocsp_stapling=features.ocsp_stapling,
        key_exchange=key_exchange_sizes(scans),
        certificates=tuple(deployment(via, ders, roots, now) for via, ders in chains),
        http=http_facts, notes=(problem,) if problem else (),
        connections=endpoint.attempts, seconds=_elapsed(started),
        aliases=tuple(leaf.result() if leaf else AliasLeaf(name=name, certificate=None, error=_SSL3_ONLY)
                      for name, leaf in zip(aliases, leaves, strict=True)),
        scanned_at=now.isoformat(),
        vulnerabilities=probes.result() if probes else None,
    )


_SSL3_ONLY = "only SSLv3 accepted: no full handshake to ask for the alias"


def _elapsed(started: float) -> float:
    return round(time.monotonic() - started, 3)
