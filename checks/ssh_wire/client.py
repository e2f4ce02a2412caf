"""A raw SSH transport client: just enough protocol (RFC 4253) to audit a server without logging in.

It reads the server's identification and its SSH_MSG_KEXINIT, and can go one step further into
a key exchange to learn a host key and a group-exchange modulus (``_ssh_kex``). Everything the
server sends is hostile until parsed: every line, packet and field is bounded in bytes, every
read in time, and every malformation becomes a ``WireError`` with a one-line reason.
"""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from auditor import __version__
from auditor.checks.ssh_wire.facts import HostKey, KexInit
from auditor.net.bytereader import ByteReader
from auditor.net.connections import CLOSE_GRACE_SECONDS, BoundedStream, Deadline, close_and_await_peer, connect

# Our identification: honest, so the audit is recognisable in the server's logs.
CLIENT_IDENTIFICATION = f"SSH-2.0-rifi_auditor_{__version__}"
LINE_LIMIT = 255  # RFC 4253 4.2: the identification line, CR LF included
PRE_BANNER_LIMIT = 8192  # other lines a server may send first (RFC 4253 4.2); a tarpit sends more
PRE_BANNER_KEPT = 5  # lines of it kept in the facts
PACKET_LIMIT = 35000  # RFC 4253 6.1: the largest packet every implementation must accept
CLOSED_DURING_KEX = "connection closed by the server during the key exchange"
SKIPPED_MESSAGES = 8  # IGNORE/DEBUG messages tolerated while waiting for a reply
MAX_NAMES = 128  # per name-list

MSG_DISCONNECT = 1
MSG_IGNORE = 2
MSG_UNIMPLEMENTED = 3
MSG_DEBUG = 4
MSG_KEXINIT = 20

STRICT_KEX_SERVER = "kex-strict-s-v00@openssh.com"
# The ten name-lists of SSH_MSG_KEXINIT (RFC 4253 7.1) in wire order, named as KexInit's fields.
KEXINIT_LISTS = (
    "kex_algorithms",
    "server_host_key_algorithms",
    "encryption_client_to_server",
    "encryption_server_to_client",
    "mac_client_to_server",
    "mac_server_to_client",
    "compression_client_to_server",
    "compression_server_to_client",
    "languages_client_to_server",
    "languages_server_to_client",
)


class WireError(Exception):
    """The server broke the protocol, closed, or was too slow; the message is a one-line reason."""


class NotSSH(WireError):
    """The port answered in another text protocol (HTTP, SMTP, ...): a different service, not a broken SSH."""


class ConnectFailed(WireError):
    """No TCP connection: refused, filtered (timed out) or unreachable, i.e. nothing listening for us."""


def open_connection(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection; failures become ConnectFailed, or WireError for a name that does not resolve."""
    try:
        sock = connect(address, port, timeout)
    except socket.gaierror as exc:
        raise WireError(f"cannot resolve {printable(address)}: {exc.strerror or exc}") from None
    except ConnectionRefusedError:
        raise ConnectFailed("connection refused") from None
    except TimeoutError:
        raise ConnectFailed(f"no TCP connection within {timeout:g} s (filtered?)") from None
    except OSError as exc:
        raise ConnectFailed(printable(exc.strerror or str(exc))) from None
    # Small messages go out at once: Nagle's wait for the peer's delayed ACK would cost ~40 ms a step.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def printable(text: str | bytes, limit: int = 80) -> str:
    """Hostile text made safe for a one-line reason: control characters replaced, length bounded."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    cleaned = "".join(char if char.isprintable() else "?" for char in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 3] + "..."


# --- encoding (RFC 4251 5) -------------------------------------------------------------------


def ssh_string(data: bytes | str) -> bytes:
    """``string``: uint32 length and the bytes."""
    raw = data.encode() if isinstance(data, str) else data
    return struct.pack(">I", len(raw)) + raw


def ssh_mpint(value: int) -> bytes:
    """``mpint`` of a non-negative integer: two's complement, big-endian, minimal length."""
    if value < 0:
        raise ValueError("only non-negative mpints are sent")
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return ssh_string(b"\x00" + raw if raw and raw[0] & 0x80 else raw)  # a set top bit would read as negative


def name_list(names: list[str] | tuple[str, ...]) -> bytes:
    """``name-list``: comma-separated names as one string."""
    return ssh_string(",".join(names))


class Reader(ByteReader):
    """Reads SSH fields from a payload; running past its end is a WireError, never an IndexError."""

    def truncated(self) -> Exception:
        return WireError(f"malformed {self.what}: truncated")

    def byte(self) -> int:
        """A ``byte``."""
        return self.take(1)[0]

    def boolean(self) -> bool:
        """A ``boolean`` (any non-zero byte is true)."""
        return self.byte() != 0

    def uint32(self) -> int:
        """A ``uint32``."""
        return self.uint(4)

    def string(self) -> bytes:
        """A ``string``: its length is checked against what is left, so it cannot over-read."""
        return self.take(self.uint32())

    def mpint(self) -> int:
        """An ``mpint``."""
        return int.from_bytes(self.string(), "big", signed=True)

    def names(self) -> list[str]:
        """A name-list: US-ASCII names separated by commas (RFC 4251 5)."""
        raw = self.string()
        if any(byte < 0x21 or byte > 0x7E for byte in raw):
            raise WireError(f"malformed {self.what}: a name-list holds non-printable or non-ASCII bytes")
        names = raw.decode("ascii").split(",") if raw else []
        # RFC 4251 6: names are at most 64 characters; a real server offers a few dozen at most.
        # Both bounds keep a hostile list from turning into thousands of findings.
        if len(names) > MAX_NAMES or any(not name or len(name) > 64 for name in names):
            raise WireError(f"malformed {self.what}: a name-list with empty, over-long or over {MAX_NAMES} names")
        return names


# --- identification (RFC 4253 4.2) -----------------------------------------------------------


@dataclass(frozen=True)
class Identification:
    """``SSH-protoversion-softwareversion SP comments``, and the lines the server sent before it."""

    line: str
    protocol_version: str
    software: str
    comments: str
    pre_banner: tuple[str, ...] = ()


def parse_identification(line: str) -> Identification:
    """Split an identification line (without CR LF); WireError if it is not one."""
    if not line.startswith("SSH-"):
        raise WireError(f"not an SSH identification: '{printable(line)}'")
    version_part, _, comments = line.partition(" ")
    fields = version_part.split("-", 2)
    if len(fields) != 3 or not fields[1] or not fields[2]:
        raise WireError(f"malformed SSH identification: '{printable(line)}'")
    return Identification(line, fields[1], fields[2], comments)


def read_identification(stream: BoundedStream) -> Identification:
    """The server's identification, skipping (and bounding) the lines a server may send first."""
    pre_banner: list[str] = []
    consumed = 0
    while True:
        if consumed >= PRE_BANNER_LIMIT:
            raise WireError(f"no SSH identification within the first {PRE_BANNER_LIMIT} bytes")
        try:
            raw = stream.read_until(b"\n", LINE_LIMIT)
        except ValueError:
            raise WireError(f"a line longer than {LINE_LIMIT} bytes instead of an SSH identification") from None
        except ConnectionError:
            if pre_banner:  # it spoke text lines, then hung up on our identification: another service
                raise NotSSH(f"connection closed before an SSH identification; it sent '{pre_banner[0]}'") from None
            raise WireError("connection closed before an SSH identification") from None
        consumed += len(raw)
        line = printable(raw.rstrip(b"\r\n"), LINE_LIMIT)  # stored and reported: no control characters
        if line.startswith("SSH-"):
            return _with_pre_banner(parse_identification(line), pre_banner)
        if b"\x00" in raw:  # RFC 4253 4.2: other lines "MUST NOT" contain NUL: binary garbage
            raise WireError("binary data instead of an SSH identification")
        if len(pre_banner) < PRE_BANNER_KEPT:
            pre_banner.append(printable(line, LINE_LIMIT))


def _with_pre_banner(identification: Identification, lines: list[str]) -> Identification:
    return Identification(identification.line, identification.protocol_version, identification.software,
                          identification.comments, tuple(lines))


# --- binary packets (RFC 4253 6), before any keys are in use ----------------------------------


def read_packet(stream: BoundedStream) -> bytes:
    """The payload of the next unencrypted packet; its length is checked before it is read."""
    try:
        header = stream.read_exactly(5)
        length, padding = struct.unpack(">IB", header)
        if length > PACKET_LIMIT:
            raise WireError(f"packet length {length} exceeds the {PACKET_LIMIT}-byte limit")
        if length < 5 or padding >= length:
            raise WireError(f"malformed packet (length {length}, padding {padding})")
        body = stream.read_exactly(length - 1)
    except ConnectionError:
        raise WireError(CLOSED_DURING_KEX) from None
    return body[: length - 1 - padding]


def encode_packet(payload: bytes) -> bytes:
    """An unencrypted packet: random padding to a multiple of 8 bytes, at least 4 of it."""
    padding = 8 - (len(payload) + 5) % 8
    padding += 8 if padding < 4 else 0
    return struct.pack(">IB", len(payload) + padding + 1, padding) + payload + os.urandom(padding)


def read_message(stream: BoundedStream, expected: tuple[int, ...], what: str) -> bytes:
    """The next payload whose type is in ``expected``; IGNORE/DEBUG skipped, DISCONNECT explained."""
    for _ in range(SKIPPED_MESSAGES):
        payload = read_packet(stream)
        if not payload:
            raise WireError("malformed packet: empty payload")
        kind = payload[0]
        if kind in expected:
            return payload
        if kind == MSG_DISCONNECT:
            raise WireError(f"server disconnected: {disconnect_reason(payload)}")
        if kind not in (MSG_IGNORE, MSG_DEBUG, MSG_UNIMPLEMENTED):
            raise WireError(f"expected {what}, got message type {kind}")
    raise WireError(f"expected {what}, got only IGNORE/DEBUG messages")


def disconnect_reason(payload: bytes) -> str:
    """The description of an SSH_MSG_DISCONNECT (reason code, description, language)."""
    reader = Reader(payload[1:], "disconnect message")
    code = reader.uint32()
    return f"{printable(reader.string())} (code {code})"


# --- SSH_MSG_KEXINIT (RFC 4253 7.1) ----------------------------------------------------------


def parse_kexinit(payload: bytes) -> KexInit:
    """The ten name-lists and first_kex_packet_follows of a server's KEXINIT payload."""
    reader = Reader(payload, "KEXINIT")
    if reader.byte() != MSG_KEXINIT:
        raise WireError("expected KEXINIT")
    reader.take(16)  # cookie
    def names() -> tuple[str, ...]:
        return tuple(reader.names())

    # Keyword arguments are evaluated left to right: the lists are read in wire order.
    kexinit = KexInit(
        kex_algorithms=names(),
        server_host_key_algorithms=names(),
        encryption_client_to_server=names(),
        encryption_server_to_client=names(),
        mac_client_to_server=names(),
        mac_server_to_client=names(),
        compression_client_to_server=names(),
        compression_server_to_client=names(),
        languages_client_to_server=names(),
        languages_server_to_client=names(),
        first_kex_packet_follows=reader.boolean(),
    )
    reader.uint32()  # reserved
    return kexinit


def encode_kexinit(kexinit: KexInit) -> bytes:
    """A client KEXINIT payload with the given name-lists."""
    body = bytes([MSG_KEXINIT]) + os.urandom(16)
    body += b"".join(name_list(getattr(kexinit, name)) for name in KEXINIT_LISTS)
    return body + bytes([kexinit.first_kex_packet_follows]) + struct.pack(">I", 0)


# --- host key blobs (RFC 4253 6.6, RFC 5656 3.1, RFC 8709 4) ----------------------------------

_CURVE_BITS = {"nistp256": 256, "nistp384": 384, "nistp521": 521}


def describe_host_key(blob: bytes, algorithm: str) -> HostKey:
    """Type, size, curve and SHA256 fingerprint of a public host key blob."""
    reader = Reader(blob, "host key")
    key_type = printable(reader.string(), 64)
    bits: int | None = None
    curve: str | None = None
    if key_type == "ssh-rsa":
        reader.mpint()  # e
        bits = reader.mpint().bit_length()
    elif key_type == "ssh-dss":
        bits = reader.mpint().bit_length()  # p
    elif key_type.startswith("ecdsa-sha2-"):
        curve = printable(reader.string(), 32)
        bits = _CURVE_BITS.get(curve)
    elif key_type == "ssh-ed25519":
        bits = 256
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return HostKey(algorithm=algorithm, type=key_type, bits=bits, curve=curve, fingerprint=f"SHA256:{digest}")


# --- one raw connection ----------------------------------------------------------------------


class RawSession:
    """One TCP connection speaking raw SSH up to (at most) the server's key exchange reply.

    Use as a context manager; on exit the connection ends once the server has closed its side
    (``close_and_await_peer``). ``connect_timeout`` bounds the TCP connect, ``seconds`` the whole
    exchange from the connect on; running out of either is a WireError naming the step.
    """

    def __init__(self, address: str, port: int, connect_timeout: float, seconds: float):
        self.address = address
        self.port = port
        self.connect_timeout = connect_timeout
        self.seconds = seconds
        self.deadline = Deadline(seconds)
        self.sock: socket.socket | None = None
        self.stream: BoundedStream | None = None
        self.server_identification: Identification | None = None
        self.server_kexinit_payload = b""
        self.client_kexinit_payload = b""
        self.peer_closed = False  # on exit: whether the server closed its side within the grace

    def __enter__(self) -> RawSession:
        self.sock = open_connection(self.address, self.port, min(self.connect_timeout, self.deadline.remaining()))
        self.stream = BoundedStream(self.sock, self.deadline)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.sock is not None:
            self.peer_closed = close_and_await_peer([self.sock], self.deadline.capped(CLOSE_GRACE_SECONDS))

    def send(self, data: bytes) -> None:
        """Send bytes within the deadline (a peer that stops reading times out like a silent one)."""
        assert self.sock is not None
        self.sock.settimeout(self.deadline.remaining())
        self.sock.sendall(data)

    def send_message(self, payload: bytes) -> None:
        """Send one unencrypted packet."""
        with self._in_time("could not send"):
            try:
                self.send(encode_packet(payload))
            except ConnectionError:
                raise WireError(CLOSED_DURING_KEX) from None

    def identify(self) -> Identification:
        """Exchange identifications: ours goes first, as RFC 4253 4.2 allows both sides to."""
        assert self.stream is not None
        with self._in_time("no SSH identification", "not an SSH server, or a tarpit"):
            self.send(CLIENT_IDENTIFICATION.encode() + b"\r\n")
            self.server_identification = read_identification(self.stream)
        return self.server_identification

    def read_kexinit(self) -> KexInit:
        """The server's KEXINIT, parsed."""
        assert self.stream is not None
        with self._in_time("no KEXINIT"):
            self.server_kexinit_payload = read_message(self.stream, (MSG_KEXINIT,), "KEXINIT")
        return parse_kexinit(self.server_kexinit_payload)

    def read_reply(self, expected: int, what: str) -> Reader:
        """A reader positioned after the message type of the next ``expected`` message."""
        assert self.stream is not None
        with self._in_time(f"no {what}"):
            return Reader(read_message(self.stream, (expected,), what)[1:], what)

    @contextmanager
    def _in_time(self, missing: str, hint: str = "") -> Iterator[None]:
        """Timeouts of the block become a WireError saying what did not arrive in time."""
        try:
            yield
        except TimeoutError:
            raise WireError(f"{missing} within {self.seconds:g} s" + (f" ({hint})" if hint else "")) from None
