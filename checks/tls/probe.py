"""One TLS endpoint as the scanner sees it: where to connect, within which limits, and how an attempt ended.

Connections to the endpoint are limited twice: by the endpoint's own limit
(``per_endpoint_connections``) and by the run's per-host limiter. Every way a raw handshake
attempt can end becomes an ``Outcome``, so the scanner never has to catch anything.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from auditor.checks.tls.names import alert_name
from auditor.checks.tls.wire import Alert, ClientHello, NotTls, PeerClosed, ProtocolError, ServerFlight, handshake
from auditor.net.connections import Deadline, HostLimiter


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
