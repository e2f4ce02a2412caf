"""Connection throttling as seen from the wire: how many unauthenticated connections one client may hold.

DHEat (CVE-2002-20001) and plain connection floods cost an SSH server a process and a key
exchange per connection; ``MaxStartups``, ``PerSourceMaxStartups`` and (OpenSSH 9.8+)
``PerSourcePenalties`` are what limit them. ssh-audit measures a connection rate; this probe
asks the question those settings answer: it opens connections one after the other and holds
them without saying a word (each reads the server's identification, so the server has counted
it), until the server refuses one or ``connections`` (at most 12) are held. Then all close.

A refusal (the connection closed or reset before an identification, a text line such as
OpenSSH's "Exceeded MaxStartups", a refused TCP connection) is evidence of a limit; a timeout
proves nothing either way.

The audit's own connections to the port closed just before; sshd counts a connection until its
child exits, so for a moment they may still count against the limit. They can only make the
server refuse sooner, never later: a server that refuses nothing is judged at once, and a refusal
is confirmed by probing again once they have had time to go.
"""

from __future__ import annotations

import contextlib
import time

from auditor.checks.ssh_wire.client import LINE_LIMIT, ConnectFailed, WireError, open_connection, printable
from auditor.checks.ssh_wire.facts import ThrottleProbe
from auditor.net.connections import BoundedStream, Deadline

MAX_CONNECTIONS = 12
# How long the audit's own, just closed connections are given to leave the server's count
# before a refusal is confirmed.
SETTLE_SECONDS = 0.3


def _one(address: str, port: int, timeout: float, stack: contextlib.ExitStack) -> tuple[str, str]:
    """Open and hold one connection: ("held", banner) or ("refused" | "unknown", why)."""
    try:
        sock = stack.enter_context(open_connection(address, port, timeout))
    except ConnectFailed as exc:
        if "refused" in str(exc):
            return "refused", f"TCP connection refused ({exc})"
        return "unknown", str(exc)
    except WireError as exc:
        return "unknown", str(exc)
    try:
        line = BoundedStream(sock, Deadline(timeout)).read_until(b"\n", LINE_LIMIT)
    except ConnectionResetError:
        return "refused", "connection reset before an identification"
    except ConnectionError:
        return "refused", "connection closed before an identification"
    except TimeoutError:
        return "unknown", f"no identification within {timeout:g} s"
    except (OSError, ValueError) as exc:
        return "unknown", printable(str(exc) or type(exc).__name__)
    text = printable(line.rstrip(b"\r\n"), 60)
    if text.startswith("SSH-"):
        return "held", text
    return "refused", f"answered '{text}' instead of an identification"


def probe_throttling(address: str, port: int, connections: int, timeout: float) -> ThrottleProbe:
    """Hold up to ``connections`` (capped at 12) unauthenticated connections; stop at the first refusal.

    A refusal is confirmed by a second probe after ``SETTLE_SECONDS`` (see the module's note).
    """
    wanted = max(1, min(connections, MAX_CONNECTIONS))
    first = _hold(address, port, wanted, timeout)
    if first.refused is not True:
        return first
    time.sleep(SETTLE_SECONDS)
    return _hold(address, port, wanted, timeout)


def _hold(address: str, port: int, wanted: int, timeout: float) -> ThrottleProbe:
    with contextlib.ExitStack() as stack:
        for number in range(1, wanted + 1):
            outcome, why = _one(address, port, timeout, stack)
            if outcome == "refused":
                return ThrottleProbe(connections=wanted, held=number - 1, refused=True,
                                     detail=f"connection {number} refused while {number - 1} were held: {why}")
            if outcome == "unknown":
                return ThrottleProbe(connections=wanted, held=number - 1, refused=None,
                                     detail=f"connection {number}: {why}")
    # Leaving the ExitStack closed every socket at once.
    return ThrottleProbe(connections=wanted, held=wanted, refused=False,
                         detail=f"held {wanted} unauthenticated connections at once, none refused")
