"""One port's requests: paced, bounded, each path fetched once, failures kept as short reasons.

The first answer tells whether the port speaks plain HTTP or HTTPS (nmap's ``ssl`` tunnel, else
plain first, then TLS: ``http_get``), and every later request goes straight to what answered.
"""

from __future__ import annotations

from auditor.checks.services.probe_base import ProbeError, ProbeTarget, failure_reason
from auditor.checks.services.probes_http import HttpReply, http_get
from auditor.checks.web.politeness import Pacer
from auditor.net.connections import Deadline, HostLimiter

_FAILURES_KEPT = 10  # reasons kept per port (all are counted)


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
        self.failed = 0
        self.failures: list[str] = []
        self._answers: dict[tuple[str, str], HttpReply | None] = {}

    def url(self, path: str) -> str:
        """The URL of ``path`` as evidence names it (the host as the target names it)."""
        host = f"[{self.name}]" if ":" in self.name else self.name
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}{path}"

    def answered(self, method: str, path: str) -> HttpReply | None:
        """The reply already fetched for ``method path`` (None when it failed or was not sent)."""
        return self._answers.get((method, path))

    def fetch(self, method: str, path: str, read: int) -> HttpReply | None:
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
        except (ProbeError, OSError, ValueError) as exc:
            self.failed += 1
            if len(self.failures) < _FAILURES_KEPT:
                self.failures.append(f"{method} {path}: {failure_reason(exc, self.timeout)}")
            response = None
        self._answers[key] = response
        return response

    def _send(self, method: str, path: str, read: int) -> HttpReply:
        budget = Deadline(min(self.timeout, self.deadline.remaining()))
        with self.limiter.slot(self.connect_to):
            target = ProbeTarget(self.connect_to, self.port, self.tls, budget, self.timeout)
            reply = http_get(target, path, method, read)
        self.tls = reply.tls  # what answered: later requests go straight there
        return reply
