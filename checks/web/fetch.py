"""One port's requests: paced, bounded, each path fetched once, failures kept as short reasons.

The first request learns whether the port speaks plain HTTP or HTTPS (nmap's ``ssl`` tunnel,
else plain first, then TLS), and every later request uses what worked.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.checks.services.probe_base import ProbeError, ProbeTarget, failure_reason
from auditor.checks.services.probes_http import http_request
from auditor.checks.web.politeness import Pacer
from auditor.net.connections import Deadline, HostLimiter

_FAILURES_KEPT = 10


@dataclass(frozen=True)
class Response:
    """Status, lower-cased headers and the (bounded) body of one reply."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class Fetcher:
    """Sends one port's requests (GET or HEAD only), each ``(method, path)`` once."""

    def __init__(self, connect_to: str, name: str, port: int, tls: bool, pacer: Pacer, timeout: float,
                 deadline: Deadline, limiter: HostLimiter):
        self.connect_to = connect_to
        self.name = name
        self.port = port
        self.tls = tls
        self.pacer = pacer
        self.timeout = timeout
        self.deadline = deadline
        self.limiter = limiter
        self.sent = 0
        self.not_sent = 0
        self.stopped_by = ""
        self.failures: list[str] = []
        self._answers: dict[tuple[str, str], Response | None] = {}
        self._learned = False  # whether plain/TLS is settled

    def url(self, path: str) -> str:
        """The URL of ``path`` as evidence names it (the host as the target names it)."""
        host = f"[{self.name}]" if ":" in self.name else self.name
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}{path}"

    def answered(self, method: str, path: str) -> Response | None:
        """The reply already fetched for ``method path`` (None when it failed or was not sent)."""
        return self._answers.get((method, path))

    def fetch(self, method: str, path: str, read: int) -> Response | None:
        """The reply to ``method path`` (read at most ``read`` body bytes), or None; each asked once."""
        key = (method, path)
        if key in self._answers:
            return self._answers[key]
        limit = self.pacer.acquire()
        if limit:
            self.not_sent += 1
            self.stopped_by = self.stopped_by or limit
            self._answers[key] = None
            return None
        self.sent += 1
        try:
            response = self._send(method, path, read)
        except (ProbeError, OSError, ValueError, TimeoutError) as exc:
            self.failures.append(f"{method} {path}: {failure_reason(exc, self.timeout)}")
            response = None
        self._answers[key] = response
        return response

    def _send(self, method: str, path: str, read: int) -> Response:
        modes = [self.tls] if self._learned or self.tls else [False, True]
        first: Exception | None = None
        for tls in modes:
            budget = Deadline(min(self.timeout, self.deadline.remaining()))
            target = ProbeTarget(self.connect_to, self.port, tls, budget, self.timeout)
            try:
                with self.limiter.slot(self.connect_to):
                    reply = http_request(target, path, tls, method, read)
            except (ProbeError, OSError, ValueError) as exc:
                if isinstance(exc, ssl.SSLError) and first is not None:
                    raise first from None  # plain failed, TLS did not even handshake: report the plain failure
                first = first or exc
                continue
            self.tls, self._learned = tls, True
            return Response(reply.status, reply.headers, reply.body)
        assert first is not None
        raise first
