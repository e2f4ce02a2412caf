"""Enumerating what one endpoint accepts: protocol versions, suites, groups, downgrade protection.

Enumeration uses few handshakes: per version, offer every suite, record the server's pick,
remove it, offer the rest again, until the server refuses; groups the same way on the highest
version. Each attempt is one raw ClientHello answered by the server's first flight (``wire``).

"Rejected" and "timed out" are different facts: a server that refuses a version answers (an
alert, a close, another version); one that does not answer within the handshake timeout may be
filtering, overloaded or hostile, and the checks must not read its silence as a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from auditor.checks.tls.facts import AcceptedVersion, FallbackProbe, GroupScan, KeyExchange, VersionProbe
from auditor.checks.tls.names import (
    CIPHER_SUITES,
    LEGACY_SUITES,
    TLS13_SUITES,
    VERSIONS,
    X25519,
    alert_name,
    group_name,
    version_name,
)
from auditor.checks.tls.probe import Endpoint, Outcome
from auditor.checks.tls.suites import suite
from auditor.checks.tls.wire import (
    EXT_EXTENDED_MASTER_SECRET,
    EXT_RENEGOTIATION_INFO,
    TLS13,
    ClientHello,
    ServerFlight,
    group_offer,
)

_INAPPROPRIATE_FALLBACK = 86
Refusal = Literal["rejected", "timeout", "error"]  # how a version that was not accepted ended
VersionState = Literal["accepted"] | Refusal


def offer_order(code: int) -> list[int]:
    """Suites in a sensible client preference (strong first), so servers that follow the
    client's order pick a good suite first, as a real client would get."""
    pool = TLS13_SUITES if code == TLS13 else LEGACY_SUITES
    return sorted(pool, key=lambda s: _strength_rank(CIPHER_SUITES[s]))


def _strength_rank(name: str) -> tuple[bool, bool, bool, int]:
    info = suite(name)
    return info.insecure, not info.forward_secret, not info.aead, -info.bits


@dataclass
class VersionScan:
    """What one protocol version gave: the verdict, and the suites in the order they were picked."""

    name: str
    state: VersionState = "rejected"
    detail: str = ""
    suites: list[int] = field(default_factory=list)
    flights: list[ServerFlight] = field(default_factory=list)
    complete: bool = True
    key_share: tuple[int, ...] = ()

    def fact(self) -> AcceptedVersion | VersionProbe:
        """The fact for this version: its suites by name when accepted, else why not."""
        if self.state == "accepted":
            ciphers = tuple(CIPHER_SUITES[code] for code in self.suites)
            return AcceptedVersion(state="accepted", detail=self.detail, ciphers=ciphers, complete=self.complete)
        return VersionProbe(state=self.state, detail=self.detail)


# Builds the hello to send from the candidates not picked yet and the key shares to include.
HelloMaker = Callable[[list[int], tuple[int, ...]], ClientHello]


@dataclass
class Enumeration:
    """What one enumeration gave: the picks in order, their flights, and how it ended (None: nothing left)."""

    picked: list[int] = field(default_factory=list)
    flights: list[ServerFlight] = field(default_factory=list)
    end: Outcome | None = None
    key_share: tuple[int, ...] = ()


def _enumerate(endpoint: Endpoint, code: int, candidates: list[int], make: HelloMaker,
               pick: Callable[[ServerFlight], int | None]) -> Enumeration:
    """Offer, record the pick, remove it, repeat; returns picks, their flights, the final outcome.

    A TLS 1.3 server that refuses a hello without key share gets one more try with an X25519
    share before its answer counts.
    """
    result = Enumeration()
    remaining = list(candidates)
    while remaining:
        outcome = endpoint.send(make(remaining, result.key_share))
        if code == TLS13 and not result.picked and not result.key_share and outcome.state in ("alert", "hangup"):
            result.key_share = (X25519,)
            continue
        flight = outcome.flight if outcome.state == "answered" else None
        choice = pick(flight) if flight is not None and flight.version == code else None
        if flight is None or choice is None or choice not in remaining:
            if choice is not None:
                outcome = Outcome("error", detail=f"the server picked {choice:#06x}, which was not offered")
            result.end = outcome
            return result
        result.picked.append(choice)
        result.flights.append(flight)
        remaining.remove(choice)
    return result


def scan_version(endpoint: Endpoint, name: str) -> VersionScan:
    """Whether ``name`` is accepted, and every suite it accepts."""
    code = VERSIONS[name]
    groups = group_offer(code)
    compression = (0,) if code == TLS13 else (1, 0)  # offering DEFLATE reveals CRIME-prone servers

    def make(remaining: list[int], key_share: tuple[int, ...]) -> ClientHello:
        return ClientHello(code, tuple(remaining), groups, endpoint.server_name, compression=compression,
                           key_share=key_share)

    found = _enumerate(endpoint, code, offer_order(code), make, lambda f: f.cipher)
    scan = VersionScan(name, suites=found.picked, flights=found.flights, key_share=found.key_share)
    end = found.end
    if found.picked:
        scan.state = "accepted"
        if end is not None and not _is_refusal(end, code):
            scan.complete = False
            scan.detail = f"suite enumeration stopped early: {end.detail or end.state}"
    elif end is not None:
        scan.state, scan.detail = _refusal(end, code)
    return scan


def _is_refusal(outcome: Outcome, code: int) -> bool:
    """True when the server answered "no" (rather than not answering or answering nonsense)."""
    if outcome.state == "answered":
        return outcome.flight is not None and outcome.flight.version != code
    return outcome.state in ("alert", "hangup", "reset")


def _refusal(outcome: Outcome, code: int) -> tuple[Refusal, str]:
    if outcome.state == "answered" and outcome.flight is not None:
        return "rejected", f"the server answered with {version_name(outcome.flight.version)}"
    if _is_refusal(outcome, code):
        return "rejected", outcome.detail
    if outcome.state == "timeout":
        return "timeout", outcome.detail
    return "error", outcome.detail or outcome.state


def scan_groups(endpoint: Endpoint, scans: dict[str, VersionScan]) -> GroupScan:
    """Groups the server accepts, enumerated on TLS 1.3 when it speaks it, else with its ECDHE suites."""
    tls13 = scans["TLSv1.3"]
    legacy = [scan for name, scan in scans.items() if name != "TLSv1.3" and scan.state == "accepted"]
    if tls13.state == "accepted":
        code, suites, candidates = TLS13, tls13.suites, list(group_offer(TLS13))
    else:
        best = legacy[-1] if legacy else VersionScan("none")
        code = VERSIONS.get(best.name, 0)
        suites = [s for s in best.suites if suite(CIPHER_SUITES[s]).key_exchange.startswith("ECDH")]
        candidates = [group for group in group_offer(code) if group < 256]  # curves; DHE primes are explicit
        if not suites:
            return GroupScan(groups=(), via=None, complete=True, detail="no (EC)DHE suite to enumerate groups with")

    def make(remaining: list[int], key_share: tuple[int, ...]) -> ClientHello:
        share = (key_share or tls13.key_share) if code == TLS13 and X25519 in remaining else ()
        return ClientHello(code, tuple(suites), tuple(remaining), endpoint.server_name, key_share=share)

    found = _enumerate(endpoint, code, candidates, make, lambda flight: flight.group)
    end, picked = found.end, found.picked
    stopped = end is not None and not _is_refusal(end, code)
    detail = f"group enumeration stopped early: {end.detail or end.state}" if end is not None and stopped else ""
    return GroupScan(groups=tuple(group_name(group) for group in picked), via=version_name(code),
                     complete=not stopped, detail=detail)


def scan_fallback(endpoint: Endpoint, scans: dict[str, VersionScan]) -> FallbackProbe:
    """RFC 7507: does the server refuse a downgraded hello that carries TLS_FALLBACK_SCSV?"""
    accepted = [scan for scan in scans.values() if scan.state == "accepted"]
    if len(accepted) < 2:
        return FallbackProbe(supported=None, detail="only one protocol version: nothing to fall back to")
    lower = accepted[-2]
    code = VERSIONS[lower.name]
    hello = ClientHello(code, tuple(lower.suites), group_offer(code), endpoint.server_name, fallback=True)
    outcome = endpoint.send(hello)
    if outcome.state == "answered":
        return FallbackProbe(supported=False, detail=f"accepted a {lower.name} fallback hello")
    if outcome.state == "alert" and outcome.detail.endswith(alert_name(_INAPPROPRIATE_FALLBACK)):
        return FallbackProbe(supported=True, detail="")
    return FallbackProbe(supported=None, detail=f"unclear: {outcome.detail or outcome.state}")


@dataclass(frozen=True)
class HandshakeFeatures:
    """Properties of TLS <= 1.2 answers (None each when no such version was accepted)."""

    secure_renegotiation: bool | None = None
    extended_master_secret: bool | None = None
    compression: bool | None = None
    ocsp_stapling: bool | None = None


def handshake_features(scans: dict[str, VersionScan]) -> HandshakeFeatures:
    """Renegotiation, extended master secret, compression and stapling from TLS <= 1.2 answers."""
    legacy = [scan for name, scan in scans.items() if name != "TLSv1.3" and scan.state == "accepted"]
    if not legacy:
        return HandshakeFeatures()
    flights = [flight for scan in legacy for flight in scan.flights]
    best = legacy[-1].flights[0]
    return HandshakeFeatures(
        secure_renegotiation=EXT_RENEGOTIATION_INFO in best.extensions,
        extended_master_secret=EXT_EXTENDED_MASTER_SECRET in best.extensions,
        compression=any(flight.compression != 0 for flight in flights),
        ocsp_stapling=any(flight.ocsp_stapled for flight in flights),
    )


def key_exchange_sizes(scans: dict[str, VersionScan]) -> KeyExchange:
    """Finite-field DH prime sizes and ECDHE curves the server used with TLS <= 1.2 suites."""
    dh_bits = sorted({f.dh_bits for s in scans.values() for f in s.flights if f.dh_bits})
    curves = sorted({group_name(f.group) for name, s in scans.items() if name != "TLSv1.3"
                     for f in s.flights if f.group is not None})
    return KeyExchange(dh_bits=tuple(dh_bits), ecdhe_curves=tuple(curves))
