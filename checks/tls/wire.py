"""Raw TLS: a ClientHello built byte by byte, and the server's first flight parsed.

Python's ssl module (OpenSSL) cannot offer SSLv3, the legacy suites OpenSSL 3 no longer
implements, a chosen list of TLS 1.3 suites, or a chosen list of groups; and enumerating needs
only the server's first answer, not a whole handshake. So the scanner speaks the first round
trip itself: it sends one ClientHello and reads ServerHello (or HelloRetryRequest), Certificate,
CertificateStatus and ServerKeyExchange up to ServerHelloDone, or an alert. It never sends a key
exchange, so no session is ever established. Every read is bounded in bytes and time, and
anything that is not a well-formed TLS record ends the exchange with an exception.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

from auditor.checks.tls.names import (
    CIPHER_SUITES,
    EMPTY_RENEGOTIATION_INFO_SCSV,
    FALLBACK_SCSV,
    GROUPS,
    SIGNATURE_ALGORITHMS,
    X25519,
)
from auditor.checks.tls.suites import suite
from auditor.net.bytereader import ByteReader
from auditor.net.connections import BoundedStream, Deadline, connect

SSL3, TLS10, TLS12, TLS13 = 0x0300, 0x0301, 0x0303, 0x0304
# SHA-256 of "HelloRetryRequest": the ServerHello.random that marks a HelloRetryRequest (RFC 8446).
HELLO_RETRY_RANDOM = bytes.fromhex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")
MAX_FLIGHT_BYTES = 256 * 1024  # a long certificate chain fits; a flood does not
_MAX_RECORD = 16384 + 2048
_SAMPLE_BYTES = 64

_HANDSHAKE, _ALERT, _CCS = 22, 21, 20
_SERVER_HELLO, _CERTIFICATE, _SERVER_KEY_EXCHANGE, _CERTIFICATE_REQUEST = 2, 11, 12, 13
_SERVER_HELLO_DONE, _CERTIFICATE_STATUS = 14, 22
EXT_SERVER_NAME, EXT_STATUS_REQUEST, EXT_GROUPS, EXT_POINT_FORMATS = 0, 5, 10, 11
EXT_SIGNATURE_ALGORITHMS, EXT_EXTENDED_MASTER_SECRET, EXT_SUPPORTED_VERSIONS = 13, 23, 43
EXT_PSK_MODES, EXT_KEY_SHARE, EXT_RENEGOTIATION_INFO, EXT_HEARTBEAT = 45, 51, 0xFF01, 15


class ProtocolError(ValueError):
    """The peer sent TLS records that do not make sense (truncated, oversized, out of order)."""


class NotTls(ProtocolError):
    """The peer answered with bytes that are not TLS records; ``sample`` holds the first of them."""

    def __init__(self, sample: bytes):
        super().__init__("the answer is not TLS")
        self.sample = sample


class Alert(Exception):
    """The server answered with a TLS alert (``description`` is the alert code)."""

    def __init__(self, description: int):
        super().__init__(f"alert {description}")
        self.description = description


class PeerClosed(ConnectionError):
    """The server closed the connection without a TLS answer."""


def _vec8(data: bytes) -> bytes:
    return bytes([len(data)]) + data


def _vec16(data: bytes) -> bytes:
    return struct.pack(">H", len(data)) + data


def _u16s(values: tuple[int, ...] | list[int]) -> bytes:
    return b"".join(struct.pack(">H", value) for value in values)


def _extension(kind: int, data: bytes) -> bytes:
    return struct.pack(">H", kind) + _vec16(data)


@dataclass(frozen=True)
class ClientHello:
    """One ClientHello: the highest version offered, the suites and groups offered, and SNI.

    For TLS 1.3 the legacy version field says TLS 1.2 and ``supported_versions`` carries the
    versions (only 1.3 unless ``versions`` names more). ``key_share`` lists groups to send a key
    share for (X25519 only: any 32 bytes are a valid X25519 public value); without one a TLS 1.3
    server must answer with a HelloRetryRequest, which names its choice just as well.
    """

    version: int
    suites: tuple[int, ...]
    groups: tuple[int, ...] = ()
    server_name: str | None = None
    versions: tuple[int, ...] = ()
    compression: tuple[int, ...] = (0,)
    fallback: bool = False
    key_share: tuple[int, ...] = ()
    heartbeat: bool = False  # offer RFC 6520 heartbeats (peer_allowed_to_send), for the Heartbleed probe

    @property
    def offered_versions(self) -> tuple[int, ...]:
        """Versions in supported_versions (empty below TLS 1.3)."""
        if self.version < TLS13:
            return ()
        return self.versions or (TLS13,)

    def to_bytes(self) -> bytes:
        """The whole TLS record carrying this ClientHello."""
        suites = list(self.suites)
        if self.fallback:
            suites.append(FALLBACK_SCSV)
        if self.version == SSL3:
            suites.append(EMPTY_RENEGOTIATION_INFO_SCSV)  # SSLv3 has no extensions
        session_id = os.urandom(32) if self.version >= TLS13 else b""
        body = (struct.pack(">H", min(self.version, TLS12)) + os.urandom(32) + _vec8(session_id)
                + _vec16(_u16s(suites)) + _vec8(bytes(self.compression)))
        if self.version > SSL3:
            body += _vec16(self._extensions())
        message = bytes([1]) + len(body).to_bytes(3, "big") + body
        record_version = SSL3 if self.version == SSL3 else TLS10  # what servers expect in the record
        return bytes([_HANDSHAKE]) + struct.pack(">HH", record_version, len(message)) + message

    def _extensions(self) -> bytes:
        parts = []
        if self.server_name:
            name = self.server_name.encode("ascii")
            parts.append(_extension(EXT_SERVER_NAME, _vec16(b"\x00" + _vec16(name))))
        parts.append(_extension(EXT_STATUS_REQUEST, b"\x01\x00\x00\x00\x00"))
        if self.groups:
            parts.append(_extension(EXT_GROUPS, _vec16(_u16s(self.groups))))
            parts.append(_extension(EXT_POINT_FORMATS, _vec8(b"\x00")))
        if self.heartbeat:
            parts.append(_extension(EXT_HEARTBEAT, b"\x01"))
        if self.version >= TLS12:
            parts.append(_extension(EXT_SIGNATURE_ALGORITHMS, _vec16(_u16s(SIGNATURE_ALGORITHMS))))
        legacy = self.version < TLS13 or any(version < TLS13 for version in self.offered_versions)
        if legacy:
            parts.append(_extension(EXT_EXTENDED_MASTER_SECRET, b""))
            parts.append(_extension(EXT_RENEGOTIATION_INFO, b"\x00"))
        if self.offered_versions:
            parts.append(_extension(EXT_SUPPORTED_VERSIONS, _vec8(_u16s(self.offered_versions))))
            parts.append(_extension(EXT_PSK_MODES, _vec8(b"\x01")))
            shares = b"".join(struct.pack(">H", group) + _vec16(os.urandom(32))
                              for group in self.key_share if group == X25519)
            parts.append(_extension(EXT_KEY_SHARE, _vec16(shares)))
        return b"".join(parts)


@dataclass
class ServerFlight:
    """What the server answered to one ClientHello, up to ServerHelloDone (TLS <= 1.2)."""

    version: int  # negotiated: supported_versions for TLS 1.3, else ServerHello.version
    cipher: int
    compression: int
    extensions: dict[int, bytes]
    retry: bool = False  # a HelloRetryRequest (TLS 1.3)
    group: int | None = None  # key_share (TLS 1.3) or ServerKeyExchange named curve (TLS <= 1.2)
    dh_bits: int | None = None  # finite-field DH prime size from ServerKeyExchange
    certificates: list[bytes] = field(default_factory=list)  # DER, as sent (TLS <= 1.2)
    ocsp_stapled: bool = False


class _Cursor(ByteReader):
    """Bounds-checked reads from one message; overruns are ProtocolErrors."""

    def truncated(self) -> Exception:
        return ProtocolError(f"truncated {self.what}")

    def u8(self) -> int:
        return self.uint(1)

    def u16(self) -> int:
        return self.uint(2)

    def u24(self) -> int:
        return self.uint(3)

    def vec(self, width: int) -> bytes:
        return self.take(self.uint(width))


class _Messages:
    """Handshake messages reassembled from TLS records; alerts raise ``Alert``."""

    def __init__(self, stream: BoundedStream, transcript: list[bytes] | None = None):
        self.stream = stream
        self.buffer = bytearray()
        self.total = 0
        self.first = True
        self.transcript = transcript

    def next(self) -> tuple[int, bytes]:
        while len(self.buffer) < 4 or len(self.buffer) < 4 + int.from_bytes(self.buffer[1:4], "big"):
            self._record()
        size = int.from_bytes(self.buffer[1:4], "big")
        kind, body = self.buffer[0], bytes(self.buffer[4:4 + size])
        if self.transcript is not None:
            self.transcript.append(bytes(self.buffer[:4 + size]))
        del self.buffer[:4 + size]
        return kind, body

    def _record(self) -> None:
        try:
            header = self.stream.read_exactly(5)
        except ConnectionResetError:
            raise  # a reset is its own story, not a quiet close
        except ConnectionError:
            if self.first:
                raise PeerClosed("the server closed the connection without answering") from None
            raise ProtocolError("the server closed the connection in the middle of its answer") from None
        kind, major, minor, length = header[0], header[1], header[2], int.from_bytes(header[3:5], "big")
        if kind not in (_CCS, _ALERT, _HANDSHAKE, 23) or major != 3 or minor > 4:
            raise NotTls(header + _rest_of_sample(self.stream, _SAMPLE_BYTES - len(header)))
        self.first = False
        if length > _MAX_RECORD:
            raise ProtocolError(f"record of {length} bytes exceeds the TLS maximum")
        self.total += 5 + length
        if self.total > MAX_FLIGHT_BYTES:
            raise ProtocolError(f"the server sent more than {MAX_FLIGHT_BYTES} bytes before finishing its hello")
        body = self.stream.read_exactly(length)
        if kind == _ALERT:
            if len(body) < 2:
                raise ProtocolError("truncated alert")
            raise Alert(body[1])
        if kind != _HANDSHAKE:
            raise ProtocolError(f"unexpected record type {kind} before the server hello was complete")
        self.buffer += body
        if len(self.buffer) > MAX_FLIGHT_BYTES:
            raise ProtocolError("handshake message too large")


def _rest_of_sample(stream: BoundedStream, size: int) -> bytes:
    """Whatever else the peer sent promptly, for the evidence of what it is (best effort)."""
    stream.deadline = Deadline(0.3)
    sample = b""
    try:
        while len(sample) < size:
            sample += stream.read_exactly(1)
    except (OSError, ValueError):
        pass
    return sample


def read_flight(stream: BoundedStream, *, full: bool = True, transcript: list[bytes] | None = None) -> ServerFlight:
    """The server's answer: ServerHello and, below TLS 1.3 and with ``full``, up to ServerHelloDone.

    ``transcript`` receives each handshake message as sent (for a probe that goes on to finish the handshake).
    """
    messages = _Messages(stream, transcript)
    kind, body = messages.next()
    if kind != _SERVER_HELLO:
        raise ProtocolError(f"expected a ServerHello, got handshake message {kind}")
    flight = parse_server_hello(body)
    if flight.version >= TLS13 or flight.version < SSL3 or not full:
        return flight
    while True:
        kind, body = messages.next()
        if kind == _SERVER_HELLO_DONE:
            return flight
        if kind == _CERTIFICATE:
            flight.certificates = parse_certificates(body)
        elif kind == _CERTIFICATE_STATUS:
            flight.ocsp_stapled = True
        elif kind == _SERVER_KEY_EXCHANGE:
            _parse_key_exchange(body, flight)
        elif kind != _CERTIFICATE_REQUEST:
            raise ProtocolError(f"unexpected handshake message {kind} before ServerHelloDone")


def parse_server_hello(body: bytes) -> ServerFlight:
    """Version, suite, compression and extensions of a ServerHello (or HelloRetryRequest)."""
    cursor = _Cursor(body, "ServerHello")
    version = cursor.u16()
    random = cursor.take(32)
    cursor.vec(1)  # session id
    cipher = cursor.u16()
    compression = cursor.u8()
    extensions: dict[int, bytes] = {}
    if cursor.left:
        block = _Cursor(cursor.vec(2), "ServerHello extensions")
        while block.left:
            kind = block.u16()
            extensions[kind] = block.vec(2)
    flight = ServerFlight(version=version, cipher=cipher, compression=compression, extensions=extensions,
                          retry=random == HELLO_RETRY_RANDOM)
    if EXT_SUPPORTED_VERSIONS in extensions:
        flight.version = _Cursor(extensions[EXT_SUPPORTED_VERSIONS], "supported_versions").u16()
    if EXT_KEY_SHARE in extensions:
        flight.group = _Cursor(extensions[EXT_KEY_SHARE], "key_share").u16()
    return flight


def parse_certificates(body: bytes) -> list[bytes]:
    """DER certificates of a TLS <= 1.2 Certificate message, in the order sent."""
    outer = _Cursor(body, "Certificate")
    cursor = _Cursor(outer.vec(3), "certificate list")
    certificates = []
    while cursor.left:
        certificates.append(cursor.vec(3))
    return certificates


def _parse_key_exchange(body: bytes, flight: ServerFlight) -> None:
    """Group or DH prime size of a ServerKeyExchange, read per the chosen suite's key exchange."""
    name = CIPHER_SUITES.get(flight.cipher)
    if name is None:
        return
    kx = suite(name).key_exchange
    cursor = _Cursor(body, "ServerKeyExchange")
    if kx.endswith("_PSK"):
        cursor.vec(2)  # PSK identity hint comes first
    if kx.startswith("ECDH"):
        if cursor.u8() == 3:  # named_curve
            flight.group = cursor.u16()
    elif kx.startswith("DH"):
        prime = cursor.vec(2).lstrip(b"\x00")
        flight.dh_bits = int.from_bytes(prime, "big").bit_length()


def handshake(address: str, port: int, hello: ClientHello, timeout: float, *, full: bool = True) -> ServerFlight:
    """Connect, send ``hello``, read the server's first flight; the connection is then dropped.

    Raises ConnectionRefusedError, TimeoutError/socket.timeout, ConnectionResetError,
    PeerClosed, Alert, NotTls or ProtocolError: each tells a different story about the port.
    """
    deadline = Deadline(timeout)
    with connect(address, port, deadline.remaining()) as sock:
        sock.settimeout(deadline.remaining())
        sock.sendall(hello.to_bytes())
        return read_flight(BoundedStream(sock, deadline), full=full)


def group_offer(version: int) -> tuple[int, ...]:
    """The groups worth offering at ``version``: hybrids and ML-KEM exist only in TLS 1.3."""
    return tuple(code for code in GROUPS if version >= TLS13 or code < 512)
