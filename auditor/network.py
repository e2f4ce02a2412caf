"""Network plumbing shared by network collectors: per-host connection limits and bounded reads.

Audits must be gentle with the systems they look at: every network collector takes a slot
from the per-host limiter before connecting, and every read is bounded in bytes and time,
so a hostile or broken service can neither flood the auditor nor stall it.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from auditor.errors import CollectError

if TYPE_CHECKING:
    from auditor.check import CollectEnv


class HostLimiter:
    """At most ``per_host`` concurrent connections to any one address, across all collectors."""

    def __init__(self, per_host: int):
        self.per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def slot(self, address: str) -> Iterator[None]:
        """Hold one of ``address``'s connection slots for the duration of the block."""
        with self._lock:
            semaphore = self._slots.setdefault(address, threading.BoundedSemaphore(self.per_host))
        with semaphore:
            yield


class Deadline:
    """A point in time that several operations share, so their timeouts add up to one budget."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; raises TimeoutError once the deadline has passed."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left


def connect(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection; ConnectionRefusedError, TimeoutError and OSError tell what went wrong."""
    return socket.create_connection((address, port), timeout=timeout)


class BoundedStream:
    """Reads from a socket with every read bounded in bytes and by a shared deadline.

    Bytes that arrive beyond what one read asked for are kept for the next, so a server that
    sends its banner and its next message in one segment loses nothing.
    """

    def __init__(self, sock: socket.socket, deadline: Deadline):
        self.sock = sock
        self.deadline = deadline
        self._buffer = bytearray()

    def _fill(self, want: int) -> None:
        self.sock.settimeout(self.deadline.remaining())
        chunk = self.sock.recv(max(4096, want))
        if not chunk:
            raise ConnectionError("connection closed by the peer")
        self._buffer += chunk

    def read_until(self, terminator: bytes, limit: int) -> bytes:
        """Bytes up to and including ``terminator``; ValueError if ``limit`` bytes pass first."""
        while terminator not in self._buffer[:limit]:
            if len(self._buffer) >= limit:
                raise ValueError(f"no {terminator!r} within {limit} bytes")
            self._fill(limit - len(self._buffer))
        end = self._buffer.index(terminator) + len(terminator)
        return self._take(end)

    def read_exactly(self, size: int) -> bytes:
        """Exactly ``size`` bytes; ConnectionError if the peer closes first."""
        while len(self._buffer) < size:
            self._fill(size - len(self._buffer))
        return self._take(size)

    def read_to_end(self, limit: int) -> bytes:
        """Bytes until the peer closes, at most ``limit`` (anything beyond is left unread)."""
        while len(self._buffer) < limit:
            try:
                self._fill(limit - len(self._buffer))
            except ConnectionError:
                break
        return self._take(min(limit, len(self._buffer)))

    def _take(self, size: int) -> bytes:
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


# The collector that discovers open ports and services (nmap); see checks/ for its facts:
# {"hosts": [{"address": str, "ports": [{"port": int, "protocol": "tcp", "service": str,
#   "tunnel": "" | "ssl", ...}]}]}
DISCOVERY_FACT = "discovery"


@dataclass(frozen=True)
class PortCandidate:
    """A port a network collector should look at, and why.

    ``origin`` decides what a failure there means: a port the user named (``target``) or that
    discovery found (``discovered``) should answer, so a failure is an error; a profile default
    (``default``) that is closed simply is not there.
    """

    port: int
    origin: str  # "target" | "default" | "discovered"

    @property
    def expected(self) -> bool:
        """True when a failure on this port is an error rather than an absence."""
        return self.origin != "default"


def candidate_ports(env: CollectEnv, wants: Callable[[Mapping[str, Any]], bool]) -> list[PortCandidate]:
    """Ports named for the target, the collector's ``ports`` option, and discovered ports it wants."""
    chosen: dict[int, str] = {}
    for port in env.target.ports:
        chosen.setdefault(port, "target")
    for port in env.options.get("ports", []):
        chosen.setdefault(int(port), "default")
    for port in discovered_ports(env, wants):
        chosen.setdefault(port, "discovered")
    return [PortCandidate(port, origin) for port, origin in sorted(chosen.items())]


def discovered_ports(env: CollectEnv, wants: Callable[[Mapping[str, Any]], bool]) -> list[int]:
    """Open ports discovery found on this target's address that ``wants`` accepts ([] without discovery)."""
    try:
        discovery = env.fact(DISCOVERY_FACT)
    except CollectError:
        return []  # discovery disabled, nmap missing, or it failed: its own checks report why
    return [
        entry["port"]
        for host in discovery.get("hosts", [])
        if host.get("address") == env.target.address
        for entry in host.get("ports", [])
        if wants(entry)
    ]


_OP_LEGACY_SERVER_CONNECT = 0x4  # OpenSSL 3 refuses servers without RFC 5746 unless told otherwise


def unverified_tls_context() -> ssl.SSLContext:
    """A TLS client that completes a handshake with anything OpenSSL can still speak.

    It verifies nothing on purpose: the auditor sends no secret over it, and what it learns
    (the chain as sent, what a service tells an anonymous client) is judged separately, with
    cryptography's path validation, by the TLS checks. Never use it to send credentials.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # trust is judged from the chain, not by this handshake
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.set_ciphers("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    context.options |= _OP_LEGACY_SERVER_CONNECT
    return context


class ByteReader:
    """Bounds-checked reads from one message a peer sent: running past its end is a protocol
    error (``truncated()``), never an IndexError or a read beyond the message.

    Protocol readers (SSH, TLS) add their field types on top and say how truncation is reported.
    """

    def __init__(self, data: bytes, what: str):
        self.data = data
        self.offset = 0
        self.what = what

    def truncated(self) -> Exception:
        """The error raised when a read runs past the end of the message."""
        raise NotImplementedError

    def take(self, size: int) -> bytes:
        """The next ``size`` bytes."""
        if size < 0 or self.offset + size > len(self.data):
            raise self.truncated()
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk

    def uint(self, width: int) -> int:
        """A big-endian unsigned integer of ``width`` bytes."""
        return int.from_bytes(self.take(width), "big")

    @property
    def left(self) -> int:
        """Bytes not read yet."""
        return len(self.data) - self.offset
