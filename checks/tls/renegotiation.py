"""Client-initiated renegotiation: finish one TLS 1.2 handshake, then ask for another.

A server that honours client-initiated renegotiation lets one client make it do a full
handshake's public-key work again and again on one connection (a cheap denial of service,
THC's ssl-dos), and with RFC 5746 missing it is also open to the 2009 prefix injection. sslyze
and testssl test it the same way: handshake, then send a new ClientHello inside the session.

Python's ssl cannot renegotiate, so this module speaks the smallest TLS 1.2 the probe needs
(``tls12``: ECDHE over X25519, P-256 or P-384, or RSA key exchange; AES-GCM or AES-CBC-SHA),
Finished both ways, then the second ClientHello (with the RFC 5746 renegotiation_info carrying
our verify_data). It sends no application data. A server offering none of those suites makes
the probe ``inconclusive``.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass

from auditor.checks.tls.enumeration import VersionScan
from auditor.checks.tls.facts import VulnerabilityProbe
from auditor.checks.tls.names import SIGNATURE_ALGORITHMS
from auditor.checks.tls.probe import Endpoint
from auditor.checks.tls.records import ALERT, APPLICATION, CCS, HANDSHAKE, describe, handshake_message, record
from auditor.checks.tls.tls12 import (
    GROUPS,
    SUITES,
    Protection,
    client_key_exchange,
    digest,
    key_block_size,
    prf,
    protections,
)
from auditor.checks.tls.wire import EXT_RENEGOTIATION_INFO, TLS12, Alert, ProtocolError, read_flight
from auditor.net.connections import BoundedStream, Deadline, connect

_SERVER_HELLO, _CLIENT_KEY_EXCHANGE, _FINISHED = 2, 16, 20
_REACTION_SECONDS = 3.0


def client_hello(server_name: str | None, renegotiation_info: bytes | None) -> tuple[bytes, bytes]:
    """A TLS 1.2 ClientHello handshake message for the suites above, and its random."""
    random = os.urandom(32)
    extensions = []
    if server_name:
        name = server_name.encode("ascii")
        extensions.append((0, struct.pack(">HBH", len(name) + 3, 0, len(name)) + name))
    groups = b"".join(struct.pack(">H", group) for group in GROUPS)
    extensions += [(10, struct.pack(">H", len(groups)) + groups), (11, b"\x01\x00"),
                   (13, struct.pack(">H", 2 * len(SIGNATURE_ALGORITHMS)) + b"".join(
                       struct.pack(">H", code) for code in SIGNATURE_ALGORITHMS))]
    if renegotiation_info is not None:
        extensions.append((EXT_RENEGOTIATION_INFO, bytes([len(renegotiation_info)]) + renegotiation_info))
    block = b"".join(struct.pack(">HH", kind, len(data)) + data for kind, data in extensions)
    suites = b"".join(struct.pack(">H", code) for code in SUITES)
    body = (struct.pack(">H", TLS12) + random + b"\x00" + struct.pack(">H", len(suites)) + suites + b"\x01\x00"
            + struct.pack(">H", len(block)) + block)
    return handshake_message(1, body), random


def _record(stream: BoundedStream) -> tuple[int, bytes]:
    header = stream.read_exactly(5)
    length = int.from_bytes(header[3:5], "big")
    if length > 16384 + 2048:
        raise ProtocolError("oversized record")
    return header[0], stream.read_exactly(length)


@dataclass
class _Session:
    """A finished TLS 1.2 handshake: the stream, both directions' keys and our Finished."""

    stream: BoundedStream
    client: Protection
    server: Protection
    client_verify: bytes
    secure: bool  # the server supports RFC 5746


def _handshake(send: Callable[[bytes], object], stream: BoundedStream, server_name: str | None) -> _Session:
    """ClientHello to both Finished messages; ProtocolError when the server goes another way."""
    hello, client_random = client_hello(server_name, b"")
    send(record(HANDSHAKE, 0x0301, hello))
    transcript = [hello]
    flight = read_flight(stream, transcript=transcript)
    if flight.version != TLS12 or flight.cipher not in SUITES:
        raise ProtocolError("the server chose no TLS 1.2 suite the probe speaks")
    info = SUITES[flight.cipher]
    algorithm = info.prf_hash
    server_random = transcript[1][6:38]
    exchange_body, premaster = client_key_exchange(info, transcript, flight.certificates)
    master = prf(algorithm, premaster, b"master secret", client_random + server_random, 48)
    block = prf(algorithm, master, b"key expansion", server_random + client_random, key_block_size(info))
    client, server = protections(info, block)
    exchange = handshake_message(_CLIENT_KEY_EXCHANGE, exchange_body)
    transcript.append(exchange)
    client_verify = prf(algorithm, master, b"client finished", digest(algorithm, b"".join(transcript)), 12)
    finished = handshake_message(_FINISHED, client_verify)
    send(record(HANDSHAKE, TLS12, exchange) + record(CCS, TLS12, b"\x01")
         + client.seal(HANDSHAKE, finished))
    transcript.append(finished)
    kind, _ = _record(stream)
    if kind != CCS:
        raise ProtocolError(f"the server sent record type {kind} instead of ChangeCipherSpec")
    kind, body = _record(stream)
    expected = handshake_message(_FINISHED, prf(algorithm, master, b"server finished",
                                                digest(algorithm, b"".join(transcript)), 12))
    if kind != HANDSHAKE or server.open(HANDSHAKE, body) != expected:
        raise ProtocolError("the server's Finished does not verify")
    return _Session(stream, client, server, client_verify, EXT_RENEGOTIATION_INFO in flight.extensions)


def _reaction(session: _Session) -> VulnerabilityProbe:
    """What the server does with our second ClientHello inside the session."""
    try:
        for _ in range(4):
            kind, body = _record(session.stream)
            if kind not in (HANDSHAKE, ALERT, APPLICATION):
                continue
            plain = session.server.open(kind, body)
            if kind == HANDSHAKE and plain[:1] == bytes([_SERVER_HELLO]):
                return VulnerabilityProbe("vulnerable", "the server answered a client-initiated renegotiation "
                                                        "with a new ServerHello")
            if kind == ALERT and len(plain) == 2:
                return VulnerabilityProbe("not-vulnerable", f"the server refused the renegotiation: "
                                                            f"{describe(f'alert:{plain[1]}')}")
    except ConnectionResetError:
        return VulnerabilityProbe("not-vulnerable", "the server reset the connection on a renegotiation")
    except ConnectionError:
        return VulnerabilityProbe("not-vulnerable", "the server closed the connection on a renegotiation")
    except TimeoutError:
        # As sslyze: a server that does not renegotiate within the wait has not honoured it.
        return VulnerabilityProbe("not-vulnerable", f"no renegotiation within {_REACTION_SECONDS:g} s")
    return VulnerabilityProbe("inconclusive", "no answer to the renegotiation among the server's next records")


def client_renegotiation(endpoint: Endpoint, scans: dict[str, VersionScan]) -> VulnerabilityProbe:
    """Whether the server honours a renegotiation the client starts (one connection)."""
    tls12 = scans.get("TLSv1.2")
    if tls12 is None or tls12.state != "accepted":
        return VulnerabilityProbe("inconclusive", "the renegotiation probe speaks TLS 1.2, which is not accepted")
    if not set(tls12.suites) & set(SUITES):
        return VulnerabilityProbe("inconclusive", "the renegotiation probe needs an ECDHE or RSA suite with AES-GCM "
                                                  "or AES-CBC-SHA; none is accepted")
    try:
        with endpoint.slot():
            deadline = Deadline(endpoint.timeout())  # from when the slot is ours: waiting for it is no answer time
            with connect(endpoint.address, endpoint.port, deadline.remaining()) as sock:
                sock.settimeout(deadline.remaining())
                stream = BoundedStream(sock, deadline)
                session = _handshake(sock.sendall, stream, endpoint.server_name)
                hello, _ = client_hello(endpoint.server_name, session.client_verify if session.secure else None)
                sock.sendall(session.client.seal(HANDSHAKE, hello))
                stream.deadline = Deadline(min(_REACTION_SECONDS, deadline.remaining()))
                return _reaction(session)
    except (OSError, ProtocolError, ValueError, Alert) as exc:
        return VulnerabilityProbe("inconclusive", f"the probe's handshake failed: {exc or type(exc).__name__}")
