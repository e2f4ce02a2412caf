"""Scanning one TLS endpoint: versions, suites, groups, handshake features, chain, HTTP extras.

Enumeration uses few handshakes: per version, offer every suite, record the server's pick,
remove it, offer the rest again, until the server refuses; groups the same way on the highest
version. Each attempt is one raw ClientHello answered by the server's first flight
(``_tls_wire``); only the chain of a TLS 1.3-only server and the HTTP requests need a full
handshake, which Python's ssl module does. Connections to the endpoint are limited twice: by the
endpoint's own limit (``per_endpoint_connections``) and by the run's per-host limiter.

"Rejected" and "timed out" are different facts: a server that refuses a version answers (an
alert, a close, another version); one that does not answer within the handshake timeout may be
filtering, overloaded or hostile, and the checks must not read its silence as a refusal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from auditor.checks.tls import certificates as certs
from auditor.checks.tls import http
from auditor.checks.tls.names import (
    CIPHER_SUITES,
    LEGACY_SUITES,
    TLS13_SUITES,
    VERSIONS,
    X25519,
    alert_name,
    group_name,
    suite,
    version_name,
)
from auditor.checks.tls.wire import (
    EXT_EXTENDED_MASTER_SECRET,
    EXT_RENEGOTIATION_INFO,
    TLS13,
    Alert,
    ClientHello,
    NotTls,
    PeerClosed,
    ProtocolError,
    ServerFlight,
    group_offer,
    handshake,
)
from auditor.net.connections import Deadline, HostLimiter, connect, unverified_tls_context

_INAPPROPRIATE_FALLBACK = 86
# TLS ports that speak something other than HTTP: no HTTP request is sent there.
NON_HTTP_PORTS = frozenset({465, 563, 585, 614, 636, 989, 990, 992, 993, 994, 995, 5061, 5223, 6697, 8883})


@dataclass
class Outcome:
    """How one attempt ended: ``answered`` (with the flight) or why not."""

    state: str  # answered | alert | hangup | reset | timeout | refused | not-tls | error
    flight: ServerFlight | None = None
    detail: str = ""
    sample: bytes = b""


@dataclass
class Endpoint:
    """Where to connect and how: address, port, the server name sent, and the limits."""

    address: str
    port: int
    server_name: str | None
    limiter: HostLimiter
    connections: int = 3
    handshake_timeout: float = 5.0
    budget: float = 120.0
    attempts: int = 0
    _gate: threading.BoundedSemaphore = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _deadline: Deadline = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.connections = max(1, int(self.connections))
        self._gate = threading.BoundedSemaphore(self.connections)
        self._deadline = Deadline(self.budget)

    def timeout(self) -> float:
        """This attempt's timeout: the handshake timeout, cut short by the endpoint's budget."""
        return min(self.handshake_timeout, self._deadline.remaining())

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """One connection's worth of both limits."""
        with self._gate, self.limiter.slot(self.address):
            with self._lock:
                self.attempts += 1
            yield

    def send(self, hello: ClientHello) -> Outcome:
        """One raw handshake attempt; every way it can end becomes an Outcome."""
        try:
            timeout = self.timeout()
        except TimeoutError:
            return Outcome("timeout", detail=f"endpoint time budget of {self.budget:g} s exhausted")
        with self.slot():
            try:
                return Outcome("answered", handshake(self.address, self.port, hello, timeout))
            except Alert as exc:
                return Outcome("alert", detail=f"alert {alert_name(exc.description)}")
            except NotTls as exc:
                return Outcome("not-tls", detail=str(exc), sample=exc.sample)
            except ProtocolError as exc:
                return Outcome("error", detail=str(exc))
            except PeerClosed:
                return Outcome("hangup", detail="connection closed without an answer")
            except ConnectionRefusedError:
                return Outcome("refused", detail="connection refused")
            except ConnectionResetError:
                return Outcome("reset", detail="connection reset")
            except TimeoutError:
                return Outcome("timeout", detail=f"no answer within {timeout:g} s")
            except OSError as exc:
                return Outcome("error", detail=exc.strerror or str(exc))


# --- enumeration ---------------------------------------------------------------------------------


def _offer_order(code: int) -> list[int]:
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
    state: str = "rejected"  # accepted | rejected | timeout | error
    detail: str = ""
    suites: list[int] = field(default_factory=list)
    flights: list[ServerFlight] = field(default_factory=list)
    complete: bool = True
    key_share: tuple[int, ...] = ()

    def fact(self) -> dict[str, Any]:
        """The JSON fact for this version."""
        fact: dict[str, Any] = {"state": self.state, "detail": self.detail}
        if self.state == "accepted":
            fact["ciphers"] = [CIPHER_SUITES[code] for code in self.suites]
            fact["complete"] = self.complete
        return fact


def _enumerate(endpoint: Endpoint, code: int, candidates: list[int], make: Callable[[list[int], tuple[int, ...]], ClientHello],
               pick: Callable[[ServerFlight], int | None]) -> tuple[list[int], list[ServerFlight], Outcome | None, tuple[int, ...]]:
    """Offer, record the pick, remove it, repeat; returns picks, their flights, the final outcome.

    A TLS 1.3 server that refuses a hello without key share gets one more try with an X25519
    share before its answer counts.
    """
    picked: list[int] = []
    flights: list[ServerFlight] = []
    key_share: tuple[int, ...] = ()
    remaining = list(candidates)
    while remaining:
        outcome = endpoint.send(make(remaining, key_share))
        if code == TLS13 and not picked and not key_share and outcome.state in ("alert", "hangup"):
            key_share = (X25519,)
            continue
        flight = outcome.flight
        choice = pick(flight) if outcome.state == "answered" and flight and flight.version == code else None
        if choice is None or choice not in remaining:
            if choice is not None:
                outcome = Outcome("error", detail=f"the server picked {choice:#06x}, which was not offered")
            return picked, flights, outcome, key_share
        picked.append(choice)
        flights.append(flight)  # type: ignore[arg-type]
        remaining.remove(choice)
    return picked, flights, None, key_share


def scan_version(endpoint: Endpoint, name: str) -> VersionScan:
    """Whether ``name`` is accepted, and every suite it accepts."""
    code = VERSIONS[name]
    groups = group_offer(code)
    compression = (0,) if code == TLS13 else (1, 0)  # offering DEFLATE reveals CRIME-prone servers

    def make(remaining: list[int], key_share: tuple[int, ...]) -> ClientHello:
        return ClientHello(code, tuple(remaining), groups, endpoint.server_name, compression=compression,
                           key_share=key_share)

    picked, flights, end, key_share = _enumerate(endpoint, code, _offer_order(code), make, lambda f: f.cipher)
    scan = VersionScan(name, suites=picked, flights=flights, key_share=key_share)
    if picked:
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


def _refusal(outcome: Outcome, code: int) -> tuple[str, str]:
    if outcome.state == "answered" and outcome.flight is not None:
        return "rejected", f"the server answered with {version_name(outcome.flight.version)}"
    if _is_refusal(outcome, code):
        return "rejected", outcome.detail
    if outcome.state == "timeout":
        return "timeout", outcome.detail
    return "error", outcome.detail or outcome.state


def scan_groups(endpoint: Endpoint, scans: dict[str, VersionScan]) -> dict[str, Any]:
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
            return {"groups": [], "via": None, "complete": True, "detail": "no (EC)DHE suite to enumerate groups with"}

    def make(remaining: list[int], key_share: tuple[int, ...]) -> ClientHello:
        share = (key_share or tls13.key_share) if code == TLS13 and X25519 in remaining else ()
        return ClientHello(code, tuple(suites), tuple(remaining), endpoint.server_name, key_share=share)

    picked, _, end, _ = _enumerate(endpoint, code, candidates, make, lambda flight: flight.group)
    complete = end is None or _is_refusal(end, code)
    return {"groups": [group_name(group) for group in picked], "via": version_name(code), "complete": complete,
            "detail": "" if complete else f"group enumeration stopped early: {end.detail or end.state}"}  # type: ignore[union-attr]


def scan_fallback(endpoint: Endpoint, scans: dict[str, VersionScan]) -> dict[str, Any]:
    """RFC 7507: does the server refuse a downgraded hello that carries TLS_FALLBACK_SCSV?"""
    accepted = [scan for scan in scans.values() if scan.state == "accepted"]
    if len(accepted) < 2:
        return {"supported": None, "detail": "only one protocol version: nothing to fall back to"}
    lower = accepted[-2]
    code = VERSIONS[lower.name]
    outcome = endpoint.send(ClientHello(code, tuple(lower.suites), group_offer(code), endpoint.server_name, fallback=True))
    if outcome.state == "answered":
        return {"supported": False, "detail": f"accepted a {lower.name} fallback hello"}
    if outcome.state == "alert" and outcome.detail.endswith(alert_name(_INAPPROPRIATE_FALLBACK)):
        return {"supported": True, "detail": ""}
    return {"supported": None, "detail": f"unclear: {outcome.detail or outcome.state}"}


def handshake_features(scans: dict[str, VersionScan]) -> dict[str, Any]:
    """Renegotiation, extended master secret, compression and stapling from TLS <= 1.2 answers."""
    legacy = [scan for name, scan in scans.items() if name != "TLSv1.3" and scan.state == "accepted"]
    if not legacy:
        return {"secure_renegotiation": None, "extended_master_secret": None, "compression": None, "ocsp_stapling": None}
    flights = [flight for scan in legacy for flight in scan.flights]
    best = legacy[-1].flights[0]
    return {
        "secure_renegotiation": EXT_RENEGOTIATION_INFO in best.extensions,
        "extended_master_secret": EXT_EXTENDED_MASTER_SECRET in best.extensions,
        "compression": any(flight.compression != 0 for flight in flights),
        "ocsp_stapling": any(flight.ocsp_stapled for flight in flights),
    }


def key_exchange_sizes(scans: dict[str, VersionScan]) -> dict[str, Any]:
    """Finite-field DH prime sizes and ECDHE curves the server used with TLS <= 1.2 suites."""
    dh_bits = sorted({f.dh_bits for s in scans.values() for f in s.flights if f.dh_bits})
    curves = sorted({group_name(f.group) for name, s in scans.items() if name != "TLSv1.3"
                     for f in s.flights if f.group is not None})
    return {"dh_bits": dh_bits, "ecdhe_curves": curves}


# --- certificates --------------------------------------------------------------------------------


def chains_from_flights(scans: dict[str, VersionScan]) -> list[tuple[str, list[bytes]]]:
    """One chain per authentication type (RSA, ECDSA, ...) as sent in TLS <= 1.2 handshakes."""
    chains: dict[str, tuple[str, list[bytes]]] = {}
    for name, scan in reversed(list(scans.items())):
        for code, flight in zip(scan.suites, scan.flights):
            auth = suite(CIPHER_SUITES[code]).authentication
            if flight.certificates and auth not in chains:
                chains[auth] = (f"{name} {CIPHER_SUITES[code]}", flight.certificates)
    return list(chains.values())


def deployment(via: str, ders: list[bytes], roots: tuple[Any, ...], now: dt.datetime) -> dict[str, Any]:
    """Facts of one certificate chain: PEMs as sent, readable summaries, and path validation."""
    fact: dict[str, Any] = {"via": via, "chain": [certs.to_pem(der) for der in ders], "certificates": [], "trust": None}
    try:
        parsed = [certs.parse_pem(pem) for pem in fact["chain"]]
        fact["certificates"] = [certs.summary(cert) for cert in parsed]
        fact["trust"] = certs.validate(parsed, roots, now)
    except ValueError as exc:
        fact["error"] = f"a certificate does not parse: {exc}"
    return fact


# --- full handshakes (Python ssl): TLS 1.3 chains and HTTP ----------------------------------------




@contextlib.contextmanager
def tls_connection(endpoint: Endpoint, deadline: Deadline) -> Iterator[ssl.SSLSocket]:
    """A completed TLS connection to the endpoint (within both connection limits)."""
    with endpoint.slot():
        raw = connect(endpoint.address, endpoint.port, deadline.remaining())
        try:
            tls = unverified_tls_context().wrap_socket(raw, server_hostname=endpoint.server_name,
                                               do_handshake_on_connect=False)
        except (ssl.SSLError, ValueError):
            raw.close()
            raise
        with tls:
            tls.settimeout(deadline.remaining())
            tls.do_handshake()
            yield tls


def peer_chain(tls: ssl.SSLSocket) -> list[bytes]:
    """The chain the server sent (DER), leaf first; the leaf alone where Python cannot tell more."""
    getter = getattr(tls, "get_unverified_chain", None) or getattr(getattr(tls, "_sslobj", None), "get_unverified_chain", None)
    if getter is not None:
        chain = getter() or []
        return [item if isinstance(item, bytes) else item.public_bytes(2) for item in chain]  # 2 = DER
    leaf = tls.getpeercert(binary_form=True)
    return [leaf] if leaf else []


def http_extras(endpoint: Endpoint, want_chain: bool, want_http: bool) -> tuple[list[bytes], dict[str, Any] | None, str]:
    """The chain and the HTTP facts of the endpoint, each if wanted; the third item says what failed."""
    host = http.host_header(endpoint.server_name or endpoint.address, endpoint.port, 443)
    chain: list[bytes] = []
    try:
        deadline = Deadline(endpoint.timeout() * 2)
        with tls_connection(endpoint, deadline) as tls:
            if want_chain:
                chain = peer_chain(tls)
            if not want_http or endpoint.port in NON_HTTP_PORTS:
                return chain, None, ""
            response = http.get(tls, host, "/", deadline, body=False)
    except http.NotHttp as exc:
        return chain, {"speaks_http": False, "detail": str(exc)}, ""
    except (OSError, ValueError) as exc:  # ssl.SSLError and timeouts are OSErrors
        return chain, None, f"full handshake or HTTP request failed: {exc}"
    facts: dict[str, Any] = {"speaks_http": True, "root": http.response_facts(response)}
    try:
        deadline = Deadline(endpoint.timeout() * 2)
        with tls_connection(endpoint, deadline) as tls:
            facts["security_txt"] = http.security_txt_facts(http.get(tls, host, http.SECURITY_TXT, deadline, body=True))
    except (OSError, ValueError) as exc:
        facts["security_txt"] = {"error": str(exc)}
    return chain, facts, ""


def plain_http(address: str, port: int, host: str, limiter: HostLimiter, timeout: float) -> dict[str, Any]:
    """What plain HTTP on ``port`` answers to GET / (status and Location), or why nothing."""
    deadline = Deadline(timeout)
    try:
        with limiter.slot(address), connect(address, port, deadline.remaining()) as sock:
            response = http.get(sock, http.host_header(host, port, 80), "/", deadline, body=False)
    except ConnectionRefusedError:
        return {"state": "closed", "detail": "connection refused"}
    except TimeoutError:
        return {"state": "timeout", "detail": f"no answer within {timeout:g} s"}
    except http.NotHttp as exc:
        return {"state": "not-http", "detail": str(exc)}
    except (OSError, ValueError) as exc:
        return {"state": "error", "detail": str(exc)}
    return {"state": "http", **http.response_facts(response)}


# --- the whole endpoint --------------------------------------------------------------------------


def _universal_hello(server_name: str | None) -> ClientHello:
    """A hello any TLS server answers: every version, every suite, every group."""
    versions = tuple(sorted((code for code in VERSIONS.values() if code > 0x0300), reverse=True))
    return ClientHello(TLS13, tuple(_offer_order(0x0303) + list(TLS13_SUITES)), group_offer(TLS13), server_name,
                       versions=versions, key_share=(X25519,))


def classify_sample(sample: bytes) -> str:
    """``other-service`` when the answer is readable text (a banner, an HTTP error), else ``not-tls``."""
    if not sample:
        return "not-tls"
    printable = sum(32 <= byte < 127 or byte in (9, 10, 13) for byte in sample)
    return "other-service" if printable / len(sample) >= 0.9 else "not-tls"


def _unreachable(outcome: Outcome) -> dict[str, Any]:
    # A port that accepts and hangs up without a word is as broken as one that resets.
    state = {"refused": "closed", "hangup": "reset", "not-tls": classify_sample(outcome.sample)}.get(outcome.state, outcome.state)
    fact: dict[str, Any] = {"state": state, "detail": outcome.detail}
    if outcome.sample:
        fact["sample"] = outcome.sample.decode("latin-1")  # raw bytes, one character each
    return fact


def scan_endpoint(endpoint: Endpoint, roots: tuple[Any, ...], *, http_extras_wanted: bool,
                  now: dt.datetime | None = None) -> dict[str, Any]:
    """Every fact about one endpoint; never raises for anything the peer does."""
    started = time.monotonic()
    now = now or dt.datetime.now(dt.UTC)
    facts: dict[str, Any] = {"port": endpoint.port, "sni": endpoint.server_name}
    first = endpoint.send(_universal_hello(endpoint.server_name))
    if first.state not in ("answered", "alert"):
        facts.update(_unreachable(first))
        return _finish(facts, endpoint, started)
    facts["state"] = "tls"
    with ThreadPoolExecutor(max_workers=endpoint.connections, thread_name_prefix="tls-scan") as pool:
        scans = dict(zip(VERSIONS, pool.map(lambda name: scan_version(endpoint, name), VERSIONS)))
        groups = pool.submit(scan_groups, endpoint, scans)
        fallback = pool.submit(scan_fallback, endpoint, scans)
        flight_chains = chains_from_flights(scans)
        # Python's ssl speaks TLS 1.0 and later; it fetches the chain only where no raw answer had one.
        full_handshake = any(scan.state == "accepted" for name, scan in scans.items() if name != "SSLv3")
        extras = (pool.submit(http_extras, endpoint, not flight_chains, http_extras_wanted)
                  if full_handshake and (http_extras_wanted or not flight_chains) else None)
        facts["protocols"] = {name: scan.fact() for name, scan in scans.items()}
        facts["groups"] = groups.result()
        facts["fallback_scsv"] = fallback.result()
        ssl_chain, http_facts, problem = extras.result() if extras else ([], None, "")
    facts.update(handshake_features(scans))
    facts["key_exchange"] = key_exchange_sizes(scans)
    chains = flight_chains or ([("full handshake", ssl_chain)] if ssl_chain else [])
    facts["certificates"] = [deployment(via, ders, roots, now) for via, ders in chains]
    facts["http"] = http_facts
    facts["notes"] = [problem] if problem else []
    return _finish(facts, endpoint, started)


def _finish(facts: dict[str, Any], endpoint: Endpoint, started: float) -> dict[str, Any]:
    facts["connections"] = endpoint.attempts
    facts["seconds"] = round(time.monotonic() - started, 3)
    return facts
