"""Probes of known TLS implementation flaws, done as sslyze and testssl do them, safe and bounded.

- Heartbleed (CVE-2014-0160): offer heartbeats; if the server accepts the extension, send one
  heartbeat request that claims one byte of payload and carries none. A bounds-checking server
  drops it (RFC 6520 §4); a vulnerable one answers, and its answer holds the one byte it read
  past our record: the smallest over-read that tells the two apart. The answer is read and
  dropped, never stored or printed. A close_notify right behind it makes every server react
  at once (by closing), so no probe waits for a timeout.
- CCS injection (CVE-2014-0224): send ChangeCipherSpec right after ServerHelloDone, then a
  short record. A sound server refuses the early CCS (alert unexpected_message); a vulnerable
  one switches to keys from an empty master secret and fails to decrypt the next record
  (bad_record_mac / decryption_failed).
- ROBOT (Bleichenbacher oracle): five ClientKeyExchanges with differently malformed PKCS#1 v1.5
  premaster secrets, each followed by CCS and a garbage Finished; a sound server answers all
  alike. Different answers are an oracle, confirmed by a second round (at most 10 handshakes).
- Client-initiated renegotiation: ``renegotiation`` finishes a TLS 1.2 handshake and asks again.

Every probe is one connection (ROBOT: at most ten) under the endpoint's limits and budget.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Literal

from auditor.checks.tls.enumeration import VersionScan
from auditor.checks.tls.facts import VulnerabilityProbe, VulnerabilityScan
from auditor.checks.tls.names import CIPHER_SUITES, VERSIONS
from auditor.checks.tls.probe import Endpoint
from auditor.checks.tls.records import (
    ALERT,
    BAD_RECORD_MAC,
    CCS,
    DECRYPTION_FAILED,
    HANDSHAKE,
    HEARTBEAT,
    RECORD_OVERFLOW,
    UNEXPECTED_MESSAGE,
    describe,
    handshake_message,
    opened,
    reactions,
    record,
)
from auditor.checks.tls.renegotiation import client_renegotiation
from auditor.checks.tls.suites import suite
from auditor.checks.tls.wire import EXT_HEARTBEAT, Alert, ClientHello, ProtocolError, group_offer

CLOSE_NOTIFY = b"\x01\x00"  # a warning close_notify alert
_CLIENT_KEY_EXCHANGE = 16
_ROBOT_VARIANTS = ("well-formed", "wrong header", "0x00 too early", "no 0x00 separator", "wrong version")
# The server's reaction to a probe's bait, read within this (or the handshake timeout, if shorter).
REACTION_SECONDS = 3.0
Verdict = Literal["vulnerable", "not-vulnerable", "inconclusive"]


def _probe(state: Verdict, detail: str, oracle: Literal["strong", "weak"] | None = None) -> VulnerabilityProbe:
    return VulnerabilityProbe(state=state, detail=detail, oracle=oracle)


def _legacy(scans: dict[str, VersionScan], wanted: Callable[[str], bool] = lambda name: True) -> tuple[int, list[int]]:
    """The highest TLS <= 1.2 version accepted with suites ``wanted`` accepts, and those suites (0: none)."""
    for name in reversed([name for name in scans if name != "TLSv1.3"]):
        scan = scans[name]
        chosen = [code for code in scan.suites if wanted(CIPHER_SUITES[code])]
        if scan.state == "accepted" and chosen:
            return VERSIONS[name], chosen
    return 0, []


def _failed(exc: Exception) -> VulnerabilityProbe:
    return _probe("inconclusive", f"the probe's handshake failed: {exc or type(exc).__name__}")


def heartbleed(endpoint: Endpoint, version: int, suites: list[int]) -> VulnerabilityProbe:
    """Heartbleed with a one-byte over-read, only if the server accepts the heartbeat extension."""
    hello = ClientHello(version, tuple(suites), group_offer(version), endpoint.server_name, heartbeat=True)
    try:
        with opened(endpoint, hello) as connection:
            if EXT_HEARTBEAT not in connection.flight.extensions:
                return _probe("not-vulnerable", "the server does not accept the heartbeat extension")
            # HeartbeatMessage: type 1 (request), payload_length 1, no payload and no padding.
            connection.send(record(HEARTBEAT, connection.flight.version, b"\x01\x00\x01")
                            + record(ALERT, connection.flight.version, CLOSE_NOTIFY))
            connection.wait(REACTION_SECONDS)
            events = reactions(connection.stream)
    except (OSError, ProtocolError, Alert) as exc:
        return _failed(exc)
    if f"record:{HEARTBEAT}" in events:
        return _probe("vulnerable", "the server answered a heartbeat request whose length exceeds the record "
                                    "(it read past the request; the bytes were discarded)")
    if events[-1] == "timeout":
        return _probe("inconclusive", "no reaction to the heartbeat request and close_notify")
    return _probe("not-vulnerable", f"a heartbeat request longer than its record got {describe(events[-1])}, "
                                    "no heartbeat answer")


def ccs_injection(endpoint: Endpoint, version: int, suites: list[int]) -> VulnerabilityProbe:
    """An early ChangeCipherSpec, then a short record: refused, or taken as a key change."""
    hello = ClientHello(version, tuple(suites), group_offer(version), endpoint.server_name)
    try:
        with opened(endpoint, hello) as connection:
            negotiated = connection.flight.version
            connection.send(record(CCS, negotiated, b"\x01") + record(ALERT, negotiated, CLOSE_NOTIFY))
            connection.wait(REACTION_SECONDS)
            events = reactions(connection.stream)
    except (OSError, ProtocolError, Alert) as exc:
        return _failed(exc)
    last = events[-1]
    if last in (f"alert:{BAD_RECORD_MAC}", f"alert:{DECRYPTION_FAILED}", f"alert:{RECORD_OVERFLOW}"):
        return _probe("vulnerable", f"after an early ChangeCipherSpec the server tried to decrypt the next record "
                                    f"({describe(last)}): it accepted the CCS before the key exchange")
    if last == "timeout":
        return _probe("inconclusive", "no reaction to an early ChangeCipherSpec")
    if last == f"alert:{UNEXPECTED_MESSAGE}" or last.startswith(("alert:", "closed", "reset")):
        return _probe("not-vulnerable", f"an early ChangeCipherSpec got {describe(last)}")
    return _probe("inconclusive", f"unexpected reaction to an early ChangeCipherSpec: {', '.join(events)}")


def _premaster(variant: str, size: int, version: int) -> int:
    """One PKCS#1 v1.5 block of ``size`` bytes carrying a premaster secret, malformed as ``variant`` says."""
    secret = version.to_bytes(2, "big") + os.urandom(46)
    padding = bytes(byte or 1 for byte in os.urandom(size - 3 - len(secret)))  # nonzero, as PKCS#1 wants
    header, separator = b"\x00\x02", b"\x00"
    if variant == "wrong header":
        header = b"\x41\x17"
    elif variant == "0x00 too early":
        padding = padding[:8] + b"\x00" + padding[9:]
    elif variant == "no 0x00 separator":
        separator = b"\x01"
    elif variant == "wrong version":
        secret = b"\x02\x02" + secret[2:]
    return int.from_bytes(header + padding + separator + secret, "big")


def _robot_round(endpoint: Endpoint, version: int, suites: list[int]) -> list[str]:
    """The server's reaction to each of the five premaster variants (one handshake each)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    reactions_seen = []
    for variant in _ROBOT_VARIANTS:
        hello = ClientHello(version, tuple(suites), group_offer(version), endpoint.server_name)
        try:
            with opened(endpoint, hello) as connection:
                if not connection.flight.certificates:
                    raise ProtocolError("no certificate in the server's flight")
                key = x509.load_der_x509_certificate(connection.flight.certificates[0]).public_key()
                if not isinstance(key, rsa.RSAPublicKey):
                    raise ProtocolError("the certificate of an RSA key exchange has no RSA key")
                numbers, size = key.public_numbers(), (key.key_size + 7) // 8
                encrypted = pow(_premaster(variant, size, version), numbers.e, numbers.n).to_bytes(size, "big")
                negotiated = connection.flight.version
                exchange = handshake_message(_CLIENT_KEY_EXCHANGE, len(encrypted).to_bytes(2, "big") + encrypted)
                connection.send(record(HANDSHAKE, negotiated, exchange) + record(CCS, negotiated, b"\x01")
                                + record(HANDSHAKE, negotiated, os.urandom(48)))  # a Finished no key decrypts
                connection.wait(REACTION_SECONDS)
                reactions_seen.append(reactions(connection.stream)[-1])
        except (OSError, ProtocolError, ValueError, Alert) as exc:
            reactions_seen.append(f"handshake failed: {exc or type(exc).__name__}")
    return reactions_seen


def robot(endpoint: Endpoint, version: int, suites: list[int]) -> VulnerabilityProbe:
    """A Bleichenbacher oracle on the RSA key exchange, confirmed by a second round."""
    first = _robot_round(endpoint, version, suites)
    if any(event.startswith("handshake failed") for event in first):
        return _probe("inconclusive", next(event for event in first if event.startswith("handshake failed")))
    if len(set(first)) == 1:
        if first[0] == "timeout":
            return _probe("inconclusive", "no reaction to any ClientKeyExchange")
        return _probe("not-vulnerable", f"all five malformed premaster secrets got {describe(first[0])}")
    second = _robot_round(endpoint, version, suites)
    seen = "; ".join(f"{variant}: {describe(event)}" for variant, event in zip(_ROBOT_VARIANTS, first, strict=True))
    if second != first:
        return _probe("inconclusive", f"the server's answers changed between two rounds ({seen})")
    # Only a well-formed block told apart from the rest: a weak oracle (as robot-detect rates it).
    weak = first[1] == first[2] == first[3]
    return _probe("vulnerable", f"the server answers malformed premaster secrets differently ({seen})",
                  "weak" if weak else "strong")


def scan_vulnerabilities(endpoint: Endpoint, scans: dict[str, VersionScan]) -> VulnerabilityScan:
    """All four probes on an endpoint, with what the protocol scan already settles."""
    version, suites = _legacy(scans)
    if not version:
        only = _probe("not-vulnerable", "no protocol version below TLS 1.3 is accepted")
        return VulnerabilityScan(heartbleed=only, ccs_injection=only, robot=only, client_renegotiation=only)
    rsa_version, rsa_suites = _legacy(scans, lambda name: suite(name).key_exchange == "RSA")
    robot_probe = (robot(endpoint, rsa_version, rsa_suites) if rsa_version
                   else _probe("not-vulnerable", "no RSA key exchange suite is accepted"))
    return VulnerabilityScan(
        heartbleed=heartbleed(endpoint, version, suites),
        ccs_injection=ccs_injection(endpoint, version, suites),
        robot=robot_probe,
        client_renegotiation=client_renegotiation(endpoint, scans),
    )
