"""What every read-only service probe shares: its target, its outcome, bounded connections.

A probe asks one service one harmless question (``PING``, ``stats``, ``GET /version``) and
says what the answer proves. It never writes, never authenticates with real credentials
and reads at most a few kilobytes within a deadline, because the service may be hostile.
Everything a service sends is kept only as short, printable text.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

from auditor.checks.services.facts import Evidence, ProbeStatus
from auditor.net.connections import BoundedStream, Deadline, connect, unverified_tls_context

# Outcomes (``ProbeStatus``), from worst to best for the target.
OPEN: Final = "open"  # the service did what it should only do for authenticated clients
REACHABLE: Final = "reachable"  # it answers without credentials, but that alone does not prove data access
PROTECTED: Final = "protected"  # it asked for credentials (or refused us)
ABSENT: Final = "absent"  # the port does not speak this protocol, or offers nothing to judge
ERROR: Final = "error"  # no verdict: timeout, garbage, connection failure
NOT_ASSESSABLE: Final = "not-assessable"  # a tool the probe needs is missing here


class ProbeError(Exception):
    """The service answered in a way that supports no verdict (garbage, a wrong protocol)."""


@dataclass(frozen=True)
class ProbeTools:
    """The local client tools a probe may run, and how far the rsync probe goes."""

    rsync: str = "rsync"  # lists an open module's top level
    showmount: str = "showmount"  # lists NFS exports (Debian package nfs-common)
    max_modules: int = 20  # rsync modules asked about per daemon


@dataclass(frozen=True)
class ProbeTarget:
    """One open port to probe, the probe's time budget and the local tools it may use."""

    address: str
    port: int
    tls: bool
    deadline: Deadline
    timeout: float
    tools: ProbeTools = field(default_factory=ProbeTools)


@dataclass(frozen=True)
class Outcome:
    """What a probe proved: a status, a reason for anything but ``open``, and small evidence."""

    status: ProbeStatus
    reason: str = ""
    evidence: Evidence = field(default_factory=dict)


def printable(data: bytes | str, limit: int = 120) -> str:
    """Hostile bytes as short, single-line, printable text (for evidence and reasons)."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    cleaned = "".join(char if char.isprintable() else " " for char in text).strip()
    return cleaned[:limit] + ("..." if len(cleaned) > limit else "")


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
        return True
    except ValueError:
        return False


@contextmanager
def open_stream(target: ProbeTarget, tls: bool | None = None) -> Iterator[BoundedStream]:
    """A bounded stream to the target (TLS-wrapped when asked), closed on exit."""
    sock = connect(target.address, target.port, target.deadline.remaining())
    try:
        if target.tls if tls is None else tls:
            sock.settimeout(target.deadline.remaining())
            name = None if _is_ip(target.address) else target.address
            sock = unverified_tls_context().wrap_socket(sock, server_hostname=name)
        yield BoundedStream(sock, target.deadline)
    finally:
        sock.close()


def send(stream: BoundedStream, data: bytes) -> None:
    """Send all of ``data`` within the stream's deadline."""
    stream.sock.settimeout(stream.deadline.remaining())
    stream.sock.sendall(data)


def read_line(stream: BoundedStream, limit: int = 1024) -> bytes:
    """One ``\\n``-terminated line (CR and LF stripped); ValueError past ``limit`` bytes."""
    return stream.read_until(b"\n", limit).rstrip(b"\r\n")


def failure_reason(exc: BaseException, timeout: float) -> str:
    """A one-line reason for a probe that ended without a verdict."""
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"no complete answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake failed: {exc.reason or exc}"
    if isinstance(exc, ConnectionError):
        return str(exc) or type(exc).__name__
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc) or type(exc).__name__
