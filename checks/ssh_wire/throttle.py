"""Connection throttling as seen from the wire: how many unauthenticated connections one client may hold.

DHEat (CVE-2002-20001) and plain connection floods cost an SSH server a process and a key
exchange per connection; ``MaxStartups``, ``PerSourceMaxStartups`` and (OpenSSH 9.8+)
``PerSourcePenalties`` are what limit them. ssh-audit measures a connection rate; this probe
asks the question those settings answer: it opens ``connections`` (at most 12) at once and
holds them without saying a word, reading each one's identification in the order they were
opened (the server accepts them in that order, so it has counted every earlier one), until the
server refuses one or all are held. Then all close.

A refusal (the connection closed or reset before an identification, a text line such as
OpenSSH's "Exceeded MaxStartups", a refused TCP connection) is evidence of a limit; a timeout
proves nothing either way.

sshd counts a connection until its main process has noticed that the connection's process is
gone, which under load can be a while after the connection ended. The audit's own earlier
connections (each ended once the server closed its side, which makes this rare) could therefore
make the server refuse sooner, never later: a server that refuses nothing is judged at once, and
a refusal is confirmed by probing again after ``SETTLE_SECONDS``.
"""

from __future__ import annotations

import socket
import time
from itertools import chain

from auditor.checks.ssh_wire.client import LINE_LIMIT, ConnectFailed, WireError, open_connection, printable
from auditor.checks.ssh_wire.facts import ThrottleProbe
from auditor.net.connections import CLOSE_GRACE_SECONDS, BoundedStream, Deadline, close_and_await_peer

MAX_CONNECTIONS = 12
# The time the audit's own connections are given to leave the server's count before a refusal is
# confirmed. Seeing the server close them is not enough: 7 of 30 probes at the limit were still
# refused right after, on a loaded machine.
SETTLE_SECONDS = 0.3


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
    """Open ``wanted`` connections at once and read their identifications in order.

    Opened together, the server starts its per-connection processes side by side instead of one
    after the other; all end once the server has closed its side (or the grace is over).
    """
    socks: list[socket.socket] = []
    try:
        failure = _open(address, port, wanted, timeout, socks)
        return _identifications(socks, failure, wanted, timeout)
    finally:
        close_and_await_peer(socks, min(timeout, CLOSE_GRACE_SECONDS))


def _open(address: str, port: int, wanted: int, timeout: float, socks: list[socket.socket]) -> tuple[str, str] | None:
    """Connect up to ``wanted`` times into ``socks``; the outcome of a failed connect ends it."""
    while len(socks) < wanted:
        try:
            socks.append(open_connection(address, port, timeout))
        except ConnectFailed as exc:
            if "refused" in str(exc):
                return "refused", f"TCP connection refused ({exc})"
            return "unknown", str(exc)
        except WireError as exc:
            return "unknown", str(exc)
    return None


def _identifications(socks: list[socket.socket], failure: tuple[str, str] | None, wanted: int,
                     timeout: float) -> ThrottleProbe:
    """The probe's outcome: the first connection refused or unanswered, in the order they were opened."""
    # Lazily: reading stops at the first refused or silent connection.
    outcomes = chain((_identification(sock, timeout) for sock in socks), [failure] if failure else [])
    for number, (outcome, why) in enumerate(outcomes, start=1):
        if outcome == "refused":
            return ThrottleProbe(connections=wanted, held=number - 1, refused=True,
                                 detail=f"connection {number} refused while {number - 1} were held: {why}")
        if outcome == "unknown":
            return ThrottleProbe(connections=wanted, held=number - 1, refused=None,
                                 detail=f"connection {number}: {why}")
    return ThrottleProbe(connections=wanted, held=wanted, refused=False,
                         detail=f"held {wanted} unauthenticated connections at once, none refused")


def _identification(sock: socket.socket, timeout: float) -> tuple[str, str]:
    """One held connection's first line: ("held", banner) or ("refused" | "unknown", why)."""
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
