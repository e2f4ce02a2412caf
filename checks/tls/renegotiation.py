"""Client-initiated renegotiation: finish one TLS 1.2 handshake, then ask for another.

A server that honours client-initiated renegotiation lets one client make it do a full
handshake's public-key work again and again on one connection (a cheap denial of service,
THC's ssl-dos), and with RFC 5746 missing it is also open to the 2009 prefix injection. sslyze
and testssl test it the same way: handshake, then send a new ClientHello inside the session.

Python's ssl cannot renegotiate, so this module speaks the smallest TLS 1.2 the probe needs:
ECDHE over X25519, P-256 or P-384 with AES-GCM (RFC 5288/5289), master secret and keys from the TLS 1.2 PRF
(RFC 5246 §5, §6.3, §8.1), Finished both ways, then the second ClientHello (with the RFC 5746
renegotiation_info carrying our verify_data). It sends no application data. A server offering
none of those suites makes the probe ``inconclusive``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from auditor.checks.tls.enumeration import VersionScan
from auditor.checks.tls.facts import VulnerabilityProbe
from auditor.checks.tls.names import SIGNATURE_ALGORITHMS, X25519
from auditor.checks.tls.probe import Endpoint
from auditor.checks.tls.records import ALERT, APPLICATION, CCS, HANDSHAKE, describe, handshake_message, record
from auditor.checks.tls.wire import EXT_RENEGOTIATION_INFO, TLS12, Alert, ProtocolError, read_flight
from auditor.net.bytereader import ByteReader
from auditor.net.connections import BoundedStream, Deadline, connect

# ECDHE_ECDSA/RSA with AES-128-GCM-SHA256 and AES-256-GCM-SHA384: (key length, PRF hash).
_SUITES: dict[int, tuple[int, str]] = {
    0xC02B: (16, "sha256"), 0xC02F: (16, "sha256"), 0xC02C: (32, "sha384"), 0xC030: (32, "sha384")}
# The key exchange groups the probe computes: X25519, then P-256 and P-384 (which an ECDSA
# certificate on those curves also needs listed, RFC 8422 §5.1).
_SECP256R1, _SECP384R1 = 23, 24
_GROUPS = (X25519, _SECP256R1, _SECP384R1)
_SERVER_HELLO, _SERVER_KEY_EXCHANGE, _CLIENT_KEY_EXCHANGE, _FINISHED = 2, 12, 16, 20
_NO_RENEGOTIATION = 100
_REACTION_SECONDS = 3.0


def _hash(algorithm: str, data: bytes) -> bytes:
    return hashlib.new(algorithm, data).digest()


class _Reader(ByteReader):
    def truncated(self) -> Exception:
        return ProtocolError(f"truncated {self.what}")


def prf(algorithm: str, secret: bytes, label: bytes, seed: bytes, size: int) -> bytes:
    """The TLS 1.2 PRF: P_hash(secret, label + seed), cut to ``size`` bytes (RFC 5246 §5)."""
    name, seed = algorithm, label + seed
    out, a = b"", seed
    while len(out) < size:
        a = hmac.digest(secret, a, name)
        out += hmac.digest(secret, a + seed, name)
    return out[:size]


def client_hello(server_name: str | None, renegotiation_info: bytes | None) -> tuple[bytes, bytes]:
    """A TLS 1.2 ClientHello handshake message for the suites above, and its random."""
    random = os.urandom(32)
    extensions = []
    if server_name:
        name = server_name.encode("ascii")
        extensions.append((0, struct.pack(">HBH", len(name) + 3, 0, len(name)) + name))
    groups = b"".join(struct.pack(">H", group) for group in _GROUPS)
    extensions += [(10, struct.pack(">H", len(groups)) + groups), (11, b"\x01\x00"),
                   (13, struct.pack(">H", 2 * len(SIGNATURE_ALGORITHMS)) + b"".join(
                       struct.pack(">H", code) for code in SIGNATURE_ALGORITHMS))]
    if renegotiation_info is not None:
        extensions.append((EXT_RENEGOTIATION_INFO, bytes([len(renegotiation_info)]) + renegotiation_info))
    block = b"".join(struct.pack(">HH", kind, len(data)) + data for kind, data in extensions)
    suites = b"".join(struct.pack(">H", code) for code in _SUITES)
    body = (struct.pack(">H", TLS12) + random + b"\x00" + struct.pack(">H", len(suites)) + suites + b"\x01\x00"
            + struct.pack(">H", len(block)) + block)
    return handshake_message(1, body), random


@dataclass
class _Keys:
    """One direction's AES-GCM key, implicit nonce part and sequence number."""

    key: bytes
    salt: bytes
    sequence: int = field(default=0)

    def seal(self, kind: int, plaintext: bytes) -> bytes:
        explicit = struct.pack(">Q", self.sequence)
        aad = struct.pack(">QBHH", self.sequence, kind, TLS12, len(plaintext))
        self.sequence += 1
        return record(kind, TLS12, explicit + AESGCM(self.key).encrypt(self.salt + explicit, plaintext, aad))

    def open(self, kind: int, body: bytes) -> bytes:
        if len(body) < 24:
            raise ProtocolError("encrypted record too short")
        aad = struct.pack(">QBHH", self.sequence, kind, TLS12, len(body) - 24)
        self.sequence += 1
        try:
            return AESGCM(self.key).decrypt(self.salt + body[:8], body[8:], aad)
        except Exception as exc:  # cryptography's InvalidTag: our keys are not the server's
            raise ProtocolError("cannot decrypt the server's record") from exc


def _server_share(transcript: list[bytes]) -> tuple[int, bytes]:
    """The group and public value of the server's ServerKeyExchange."""
    message = next((m for m in transcript if m[0] == _SERVER_KEY_EXCHANGE), None)
    if message is None:
        raise ProtocolError("no ServerKeyExchange")
    cursor = _Reader(message[4:], "ServerKeyExchange")
    if cursor.uint(1) != 3:
        raise ProtocolError("the ServerKeyExchange names no curve")
    group = cursor.uint(2)
    if group not in _GROUPS:
        raise ProtocolError(f"the server chose group {group}, which the probe does not compute")
    return group, cursor.take(cursor.uint(1))


def _key_exchange(group: int, server_public: bytes) -> tuple[bytes, bytes]:
    """Our public value and the shared secret for ``group``."""
    if group == X25519:
        private = X25519PrivateKey.generate()
        public = private.public_key().public_bytes_raw()
        return public, private.exchange(X25519PublicKey.from_public_bytes(server_public))
    curve: ec.EllipticCurve = ec.SECP256R1() if group == _SECP256R1 else ec.SECP384R1()
    key = ec.generate_private_key(curve)
    peer = ec.EllipticCurvePublicKey.from_encoded_point(curve, server_public)
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return public, key.exchange(ec.ECDH(), peer)


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
    client: _Keys
    server: _Keys
    client_verify: bytes
    secure: bool  # the server supports RFC 5746


def _handshake(send: Callable[[bytes], object], stream: BoundedStream, server_name: str | None) -> _Session:
    """ClientHello to both Finished messages; ProtocolError when the server goes another way."""
    hello, client_random = client_hello(server_name, b"")
    send(record(HANDSHAKE, 0x0301, hello))
    transcript = [hello]
    flight = read_flight(stream, transcript=transcript)
    if flight.version != TLS12 or flight.cipher not in _SUITES:
        raise ProtocolError("the server chose no TLS 1.2 ECDHE AES-GCM suite")
    size, algorithm = _SUITES[flight.cipher]
    server_random = transcript[1][6:38]
    public, shared = _key_exchange(*_server_share(transcript))
    master = prf(algorithm, shared, b"master secret", client_random + server_random, 48)
    block = prf(algorithm, master, b"key expansion", server_random + client_random, 2 * size + 8)
    client = _Keys(block[:size], block[2 * size:2 * size + 4])
    server = _Keys(block[size:2 * size], block[2 * size + 4:2 * size + 8])
    exchange = handshake_message(_CLIENT_KEY_EXCHANGE, bytes([len(public)]) + public)
    transcript.append(exchange)
    client_verify = prf(algorithm, master, b"client finished", _hash(algorithm, b"".join(transcript)), 12)
    finished = handshake_message(_FINISHED, client_verify)
    send(record(HANDSHAKE, TLS12, exchange) + record(CCS, TLS12, b"\x01")
         + client.seal(HANDSHAKE, finished))
    transcript.append(finished)
    kind, _ = _record(stream)
    if kind != CCS:
        raise ProtocolError(f"the server sent record type {kind} instead of ChangeCipherSpec")
    kind, body = _record(stream)
    expected = handshake_message(_FINISHED, prf(algorithm, master, b"server finished",
                                                _hash(algorithm, b"".join(transcript)), 12))
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
    if not set(tls12.suites) & set(_SUITES):
        return VulnerabilityProbe("inconclusive", "the renegotiation probe needs an ECDHE AES-GCM suite; "
                                                  "none is accepted")
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
