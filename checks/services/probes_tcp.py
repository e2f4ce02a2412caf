"""Read-only probes of line-based services: Redis, memcached, FTP, the rsync daemon, NFS exports.

What each sends (and nothing else):
- Redis: ``PING``, then ``INFO server`` when PING was answered without AUTH.
- memcached: ``stats``.
- FTP: ``USER anonymous``, ``PASS anonymous@`` when asked, then ``QUIT``.
- rsync: ``#list`` (module list), then each listed module's name on its own connection
  (the daemon answers OK or AUTHREQD; we close before any transfer), and for modules that
  need no password ``rsync --list-only rsync://HOST:PORT/MODULE/`` (top level only).
- NFS: ``showmount --exports HOST`` (when nfs-common is installed).
"""

from __future__ import annotations

import contextlib
import re
import shutil

from auditor.checks.services.facts import (
    AnyRsyncModule,
    ListedModule,
    NfsEvidence,
    NfsExport,
    NotedModule,
    RsyncEvidence,
    RsyncModule,
    UnlistedModule,
)
from auditor.checks.services.probe_base import (
    NOT_ASSESSABLE,
    OPEN,
    PROTECTED,
    Outcome,
    ProbeError,
    ProbeTarget,
    open_stream,
    printable,
    read_line,
    send,
)
from auditor.hosts.local import LocalHost
from auditor.net.connections import BoundedStream

_MAX_INFO_BYTES = 64 * 1024
_MAX_LINES = 200
_TOOL_OUTPUT_BYTES = 64 * 1024
_RSYNC_MODULE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$")
WORLD_CLIENTS = frozenset({"*", "(everyone)", "0.0.0.0/0", "::/0", "(anonymous)"})  # showmount's "any client"


def probe_redis(target: ProbeTarget) -> Outcome:
    """PING without AUTH: +PONG proves open access; NOAUTH/DENIED means protected."""
    with open_stream(target) as stream:
        send(stream, b"*1\r\n$4\r\nPING\r\n")
        reply = read_line(stream, 512)
        if reply.startswith((b"-NOAUTH", b"-DENIED", b"-WRONGPASS")) or b"AUTH" in reply.upper():
            return Outcome(PROTECTED, "Redis requires authentication", {"reply": printable(reply)})
        if reply != b"+PONG":
            raise ProbeError(f"not a Redis reply to PING: '{printable(reply, 60)}'")
        send(stream, b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n")
        info = _redis_bulk(stream)
    shown = ("redis_version", "redis_mode", "os")
    evidence: dict[str, str] = {"reply": "+PONG", **{key: info[key] for key in shown if key in info}}
    return Outcome(OPEN, "", evidence)


def _redis_bulk(stream: BoundedStream) -> dict[str, str]:
    header = read_line(stream, 32)
    if not header.startswith(b"$") or not header[1:].isdigit():
        return {}  # INFO renamed or refused by an ACL: PING already proved access
    size = int(header[1:])
    if size > _MAX_INFO_BYTES:
        raise ProbeError(f"INFO reply of {size} bytes is larger than {_MAX_INFO_BYTES}")
    body = stream.read_exactly(size).decode("utf-8", errors="replace")
    return {key: printable(value, 60) for key, _, value in (line.partition(":") for line in body.splitlines()) if value}


def probe_memcached(target: ProbeTarget) -> Outcome:
    """``stats`` in the text protocol: STAT lines prove that anyone can read and write the cache."""
    with open_stream(target) as stream:
        send(stream, b"stats\r\n")
        first = read_line(stream)
        if first.startswith(b"CLIENT_ERROR") and b"auth" in first.lower():
            return Outcome(PROTECTED, "memcached requires authentication", {"reply": printable(first)})
        if not first.startswith(b"STAT "):
            raise ProbeError(f"not a memcached reply to stats: '{printable(first, 60)}'")
        stats = dict([first[5:].decode(errors="replace").partition(" ")[::2]])
        for _ in range(_MAX_LINES):
            line = read_line(stream)
            if line == b"END":
                break
            key, _, value = line.removeprefix(b"STAT ").decode(errors="replace").partition(" ")
            stats[key] = value
    shown = ("version", "curr_items", "uptime")
    return Outcome(OPEN, "", {key: printable(stats[key], 40) for key in shown if key in stats})


def _ftp_reply(stream: BoundedStream) -> tuple[int, str]:
    """One FTP reply (multi-line replies folded): its code and first line."""
    line = read_line(stream)
    if len(line) < 3 or not line[:3].isdigit():
        raise ProbeError(f"not an FTP reply: '{printable(line, 60)}'")
    code, first = line[:3], printable(line)
    if line[3:4] == b"-":
        for _ in range(_MAX_LINES):
            if (line := read_line(stream)).startswith(code + b" "):
                break
        else:
            raise ProbeError("FTP reply longer than 200 lines")
    return int(code), first


def probe_ftp(target: ProbeTarget) -> Outcome:
    """Anonymous login: 230 after USER anonymous (and the conventional PASS) proves it is allowed."""
    with open_stream(target) as stream:
        code, banner = _ftp_reply(stream)
        if code != 220:
            raise ProbeError(f"no FTP greeting: '{banner}'")
        send(stream, b"USER anonymous\r\n")
        code, reply = _ftp_reply(stream)
        if code == 331:
            send(stream, b"PASS anonymous@\r\n")
            code, reply = _ftp_reply(stream)
        with contextlib.suppress(OSError):  # the verdict is already known
            send(stream, b"QUIT\r\n")
    evidence = {"banner": banner, "reply": reply}
    if code == 230:
        return Outcome(OPEN, "", evidence)
    if 500 <= code < 600 or code == 332:
        return Outcome(PROTECTED, "anonymous login refused", evidence)
    raise ProbeError(f"unexpected reply to the anonymous login: '{reply}'")


def _rsync_exchange(target: ProbeTarget, request: bytes) -> list[bytes]:
    """Greet the daemon, send one request line, return its reply lines (up to an @RSYNCD/@ERROR line)."""
    with open_stream(target) as stream:
        greeting = read_line(stream, 256)
        if not greeting.startswith(b"@RSYNCD: "):
            raise ProbeError(f"not an rsync daemon: '{printable(greeting, 60)}'")
        send(stream, b"@RSYNCD: 30.0\n" + request + b"\n")
        lines = []
        for _ in range(_MAX_LINES):
            line = read_line(stream)
            lines.append(line)
            if line.startswith((b"@RSYNCD: ", b"@ERROR")):
                return lines
    raise ProbeError("rsync reply longer than 200 lines")


def probe_rsync(target: ProbeTarget) -> Outcome:
    """List the daemon's modules and ask each one whether it needs a password."""
    lines = _rsync_exchange(target, b"#list")
    if lines[-1].startswith(b"@ERROR"):
        return Outcome(PROTECTED, f"module list refused: {printable(lines[-1])}", RsyncEvidence(modules=()))
    modules = []
    for line in lines[:-1][: target.tools.max_modules]:
        name, _, comment = line.decode("utf-8", errors="replace").partition("\t")
        modules.append(_rsync_module(target, name.strip(), comment))
    evidence = RsyncEvidence(modules=tuple(modules))
    if any(module.access == OPEN for module in modules):
        return Outcome(OPEN, "", evidence)
    reason = "no module is readable without a password" if modules else "no module is listed"
    return Outcome(PROTECTED, reason, evidence)


def _rsync_module(target: ProbeTarget, name: str, comment: str) -> AnyRsyncModule:
    shown_name, shown_comment = printable(name, 64), printable(comment, 80)
    if not _RSYNC_MODULE.match(name):
        return NotedModule(shown_name, shown_comment, "unknown", "module name not probed (unusual characters)")
    reply = _rsync_exchange(target, name.encode())[-1]
    if reply.startswith(b"@RSYNCD: OK"):
        return _rsync_listing(target, name, RsyncModule(shown_name, shown_comment, OPEN))
    if reply.startswith(b"@RSYNCD: AUTHREQD"):
        return RsyncModule(shown_name, shown_comment, PROTECTED)
    return NotedModule(shown_name, shown_comment, "refused", printable(reply, 80))


def _rsync_listing(target: ProbeTarget, module: str, found: RsyncModule) -> ListedModule | UnlistedModule:
    """``found`` (an open module) with its top-level entries, through the rsync client (never recursive)."""
    binary = shutil.which(target.tools.rsync)
    if binary is None:
        return UnlistedModule(found.name, found.comment, found.access, None,
                              "rsync client not installed here: file listing not tried")
    host = f"[{target.address}]" if ":" in target.address else target.address
    seconds = max(1, int(target.deadline.remaining()))
    argv = [binary, "--list-only", "--no-motd", f"--contimeout={seconds}", f"--timeout={seconds}",
            f"rsync://{host}:{target.port}/{module}/"]
    output, ok, error = _run_tool(argv, target.deadline.remaining())
    if not ok:
        return UnlistedModule(found.name, found.comment, found.access, None, f"listing failed: {error}")
    names = [line.split(maxsplit=4)[-1] for line in output.splitlines() if len(line.split(maxsplit=4)) == 5]
    names = [name for name in names if name != "."]
    return ListedModule(found.name, found.comment, found.access, len(names),
                        tuple(printable(name, 60) for name in names[:3]))


def _run_tool(argv: list[str], timeout: float) -> tuple[str, bool, str]:
    """Run a local client tool with bounded output: (stdout, exited 0, first stderr line)."""
    data = bytearray()
    with LocalHost().stream(argv, timeout=timeout) as output:
        for chunk in output:
            data += chunk
            if len(data) >= _TOOL_OUTPUT_BYTES:
                break
        complete = len(data) < _TOOL_OUTPUT_BYTES
    text = data[:_TOOL_OUTPUT_BYTES].decode("utf-8", errors="replace")
    if output.timed_out:
        return text, False, f"no answer within {timeout:.0f} s"
    if complete and output.returncode != 0:
        stderr = output.stderr.strip()
        return text, False, printable(stderr.splitlines()[0] if stderr else f"exit status {output.returncode}")
    return text, True, ""


def probe_nfs(target: ProbeTarget) -> Outcome:
    """Export list through ``showmount --exports``: exports to everyone are open to any client."""
    binary = shutil.which(target.tools.showmount)
    if binary is None:
        return Outcome(NOT_ASSESSABLE, "showmount not installed here (Debian package nfs-common)")
    output, ok, error = _run_tool([binary, "--exports", "--no-headers", target.address], target.deadline.remaining())
    if not ok:
        if "not registered" in error.lower():
            return Outcome(PROTECTED, f"no mount service answers ({error}); NFSv4-only exports cannot be listed")
        raise ProbeError(f"showmount failed: {error}")
    exports = []
    for line in output.splitlines()[:_MAX_LINES]:
        path, _, clients = line.strip().rpartition(" ")
        if path:
            shown = tuple(printable(client, 60) for client in clients.split(",") if client)
            exports.append(NfsExport(printable(path.strip(), 120), shown))
    evidence = NfsEvidence(exports=tuple(exports))
    if any(WORLD_CLIENTS.intersection(export.clients) for export in exports):
        return Outcome(OPEN, "", evidence)
    return Outcome(PROTECTED, "no export is offered to every client", evidence)
