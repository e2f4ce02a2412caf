"""Network plumbing shared by network collectors: per-host connection limits and bounded reads.

Audits must be gentle with the systems they look at: every network collector takes a slot
from the per-host limiter before connecting, and every read is bounded in bytes and time,
so a hostile or broken service can neither flood the auditor nor stall it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ssl


class HostLimiter:
    """At most ``per_host`` concurrent connections to any one address, across all collectors."""

    def __init__(self, per_host: int):
        self.per_host = max(1, per_host)
        self._lock = threading.Lock()
        # Address -> its semaphore and how many hold or wait for it: an address nobody uses has
        # none, so a fleet's addresses do not all stay in memory.
        self._slots: dict[str, tuple[threading.BoundedSemaphore, int]] = {}

    @contextmanager
    def slot(self, address: str) -> Iterator[None]:
        """Hold one of ``address``'s connection slots for the duration of the block."""
        with self._lock:
            semaphore, users = self._slots.get(address) or (threading.BoundedSemaphore(self.per_host), 0)
            self._slots[address] = semaphore, users + 1
        try:
            with semaphore:
                yield
        finally:
            with self._lock:
                users = self._slots[address][1] - 1
                if users:
                    self._slots[address] = semaphore, users
                else:
                    del self._slots[address]

    def addresses(self) -> int:
        """How many addresses have a connection held or waited for."""
        with self._lock:
            return len(self._slots)


class Deadline:
    """A point in time that several operations share, so their timeouts add up to one budget."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def capped(self, seconds: float) -> float:
        """``seconds``, or the time left when that is shorter (0 once the deadline has passed)."""
        return min(seconds, max(0.0, self.at - time.monotonic()))

    def remaining(self) -> float:
        """Seconds left; raises TimeoutError once the deadline has passed."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left


def connect(address: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection; ConnectionRefusedError, TimeoutError and OSError tell what went wrong."""
    return socket.create_connection((address, port), timeout=timeout)


# How long the end of a connection waits for the server to close its side (close_and_await_peer).
CLOSE_GRACE_SECONDS = 0.5
# What a peer may still send after our half-close before we stop waiting for its end.
_DRAIN_LIMIT = 64 * 1024


def close_and_await_peer(socks: list[socket.socket], seconds: float) -> bool:
    """Half-close every connection, wait (``seconds`` in all) for each peer to close, then close them.

    A server that forks per connection (sshd) counts a connection against its limits (``MaxStartups``)
    until that process is gone. Waiting for its end of the stream lets the process finish before
    the audit's next connection, so the audit's own connections rarely crowd its next ones; it is
    no proof that the server has stopped counting them (its main process notices a moment later).
    True when every peer closed (or reset) in time; False when one stayed open or kept talking past
    ``_DRAIN_LIMIT`` bytes.
    """
    for sock in socks:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
    deadline = time.monotonic() + seconds
    closed = True
    for sock in socks:
        try:
            closed = _await_end(sock, deadline) and closed
        finally:
            sock.close()
    return closed


def _await_end(sock: socket.socket, deadline: float) -> bool:
    drained = 0
    try:
        while drained <= _DRAIN_LIMIT:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            sock.settimeout(left)
            data = sock.recv(4096)
            if not data:
                return True
            drained += len(data)
    except TimeoutError:
        return False
    except OSError:  # reset or never connected: nothing of ours is left on the other side
        return True
    return False


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


_OP_LEGACY_SERVER_CONNECT = 0x4  # OpenSSL 3 refuses servers without RFC 5746 unless told otherwise


def unverified_tls_context() -> ssl.SSLContext:
    """A TLS client that completes a handshake with anything OpenSSL can still speak.

    It verifies nothing on purpose: the auditor sends no secret over it, and what it learns
    (the chain as sent, what a service tells an anonymous client) is judged separately, with
    cryptography's path validation, by the TLS checks. Never use it to send credentials.
    """
    import ssl  # here: only the TLS scan and TLS probes need it, and it is slow to import

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # trust is judged from the chain, not by this handshake
    context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.set_ciphers("ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    context.options |= _OP_LEGACY_SERVER_CONNECT
    return context
