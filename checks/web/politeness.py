"""How gently the web probes treat one host: a request rate, a request cap, a shared deadline.

Like nuclei's ``-rate-limit`` and ``-max-host-error``, but per audited host: a token bucket
spaces requests (``rate`` per second, bursts of one), ``max_requests`` caps them, and the
target's ``budget`` deadline stops everything still queued, so a large site or a slow one costs
a known amount of time and load. What was not sent is counted and reported, never hidden.
"""

from __future__ import annotations

import threading
import time

from auditor.net.connections import Deadline


class Pacer:
    """The requests one host may still receive, spaced ``1/rate`` seconds apart."""

    def __init__(self, rate: float, max_requests: int, deadline: Deadline):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.left = max_requests
        self.deadline = deadline
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> str:
        """Wait for this host's next slot: "" when a request may go, else the limit that stops it."""
        with self._lock:
            if self.left <= 0:
                return "max_requests"
            now = time.monotonic()
            start = max(now, self._next)
            if start >= self.deadline.at:
                return "budget"
            self._next = start + self.interval
            self.left -= 1
        time.sleep(max(0.0, start - time.monotonic()))
        return ""
