"""TLS records for the vulnerability probes: building them, and reading how a server reacts.

A probe opens a connection, gets the server's first flight (``wire``), then sends something a
sound server refuses and reads what comes back. What comes back is reduced to one short word
per record (``alert:20``, ``record:24``, ``closed``, ``timeout``); the bodies of records are
read and dropped, never kept: a Heartbleed answer may hold another user's secrets.
"""

from __future__ import annotations

import contextlib
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.checks.tls.probe import Endpoint
from auditor.checks.tls.wire import ClientHello, ServerFlight, read_flight
from auditor.net.connections import BoundedStream, Deadline, connect

HANDSHAKE, ALERT, CCS, APPLICATION, HEARTBEAT = 22, 21, 20, 23, 24
UNEXPECTED_MESSAGE, BAD_RECORD_MAC, DECRYPTION_FAILED, RECORD_OVERFLOW = 10, 20, 21, 22
_MAX_RECORD = 16384 + 2048
_MAX_EVENTS = 8


def record(kind: int, version: int, body: bytes) -> bytes:
    """One TLS record."""
    return struct.pack(">BHH", kind, version, len(body)) + body


def handshake_message(kind: int, body: bytes) -> bytes:
    """One handshake message (type, 24-bit length, body)."""
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


@dataclass
class Opened:
    """A connection whose server has sent its first flight, ready for the probe's next records."""

    sock: socket.socket
    stream: BoundedStream
    flight: ServerFlight
    transcript: list[bytes]

    def send(self, data: bytes) -> None:
        """Send bytes within the connection's deadline."""
        self.sock.settimeout(self.stream.deadline.remaining())
        self.sock.sendall(data)

    def wait(self, seconds: float) -> None:
        """Give the server up to ``seconds`` (within the deadline) for its reaction."""
        self.stream.deadline = Deadline(min(seconds, self.stream.deadline.remaining()))


@contextlib.contextmanager
def opened(endpoint: Endpoint, hello: ClientHello) -> Iterator[Opened]:
    """Connect (within both connection limits), send ``hello`` and read the flight up to ServerHelloDone.

    Raises what ``wire.handshake`` raises (refused, reset, timeout, alert, not TLS).
    """
    with endpoint.slot():
        deadline = Deadline(endpoint.timeout())  # from when the slot is ours: waiting for it is no answer time
        with connect(endpoint.address, endpoint.port, deadline.remaining()) as sock:
            sock.settimeout(deadline.remaining())
            sock.sendall(hello.to_bytes())
            stream = BoundedStream(sock, deadline)
            transcript: list[bytes] = []
            flight = read_flight(stream, transcript=transcript)
            yield Opened(sock, stream, flight, transcript)


def reactions(stream: BoundedStream) -> list[str]:
    """What the server sent next, one word per record, up to an alert, the end, or the deadline.

    ``alert:N`` (the alert's description), ``record:T`` (any other record type), then
    ``closed``, ``reset``, ``timeout`` or ``error`` when the connection ended without an alert.
    """
    events: list[str] = []
    try:
        while len(events) < _MAX_EVENTS:
            header = stream.read_exactly(5)
            length = int.from_bytes(header[3:5], "big")
            if length > _MAX_RECORD:
                events.append("oversized")
                break
            body = stream.read_exactly(length)
            if header[0] == ALERT and len(body) == 2:
                events.append(f"alert:{body[1]}")
                break
            events.append(f"record:{header[0]}")
            del body  # never kept: it may be another connection's memory
    except ConnectionResetError:
        events.append("reset")
    except ConnectionError:
        events.append("closed")
    except TimeoutError:  # socket.timeout is TimeoutError
        events.append("timeout")
    except OSError:
        events.append("error")
    return events


def describe(event: str) -> str:
    """Words for a report: ``alert:10`` -> ``alert unexpected_message``."""
    from auditor.checks.tls.names import alert_name

    if event.startswith("alert:"):
        return f"alert {alert_name(int(event[6:]))}"
    return {"closed": "closed the connection", "reset": "reset the connection",
            "timeout": "no answer", "record:24": "a heartbeat answer"}.get(event, event)
