"""Keyword handlers for environment, forwarding, connection limits, addresses and subsystems.

The second half of the handler table (see handlers.py for how handlers work): options whose
values are lists, limits or network endpoints rather than a single word.
"""

from __future__ import annotations

import re

from auditor.checks.ssh.sshd_config.handlers import MAX_PORTS, Handler, seconds
from auditor.checks.ssh.sshd_config.state import Directive, ServerOptions
from auditor.checks.ssh.sshd_config.syntax import (
    a2port,
    atoi,
    hpdelim,
    iptos2str,
    parse_ipqos,
    scan_scaled,
    strtol,
)
from auditor.checks.ssh.sshd_config.tables import (
    DIGESTS,
)


def handle_setenv(st: ServerOptions, d: Directive, active: bool) -> None:
    """SetEnv: the first active line wins; a repeated variable name keeps its first value."""
    args = d.consume_all()
    if not args or any(a == "" or "=" not in a for a in args):
        raise d.error("Invalid environment.")
    if not active or d.name in st.vals:
        return
    kept: dict[str, str] = {}
    for arg in args:
        kept.setdefault(arg.split("=", 1)[0], arg)
    st.vals[d.name] = list(kept.values())


def handle_permitopen(st: ServerOptions, d: Directive, active: bool) -> None:
    """PermitOpen / PermitListen: "any", "none" or host:port list; first active line wins."""
    first = d.need()
    if first in ("any", "none"):
        st.set_first(d.name, [first], active)
        return
    values = []
    for arg in [first, *d.consume_all()]:
        if d.name == "permitlisten" and ":" not in arg:
            arg = "*:" + arg  # a bare port means any listen address
        host, sep, port = hpdelim(arg)
        if host is None or not sep:
            raise d.error(f"{d.keyword} missing host" if host is None else f"{d.keyword} bad port number")
        if port != "*" and not (a2port(port) or 0) > 0:
            raise d.error(f"{d.keyword} bad port number")
        values.append(arg)
    st.set_first(d.name, values, active)


def handle_maxstartups(st: ServerOptions, d: Directive, active: bool) -> None:
    """MaxStartups: sscanf("%d:%d:%d") straight into the options, so the LAST line wins."""
    arg = d.need()
    m = re.match(r"[ \t\n]*([+-]?\d+)(?::[ \t\n]*([+-]?\d+)(?::[ \t\n]*([+-]?\d+))?)?", arg)
    if m is None:
        raise d.error(f"Invalid {d.keyword} spec.")
    begin, rate, full = (None if g is None else int(g) for g in m.groups())
    old = st.vals.get(d.name, (None, None, None))
    if full is not None:
        assert begin is not None and rate is not None  # the pattern has all three groups when it has the last
        if begin > full or not 1 <= rate <= 100:
            raise d.error(f"Invalid {d.keyword} spec.")
        st.vals[d.name] = (begin, rate, full)
    elif rate is not None:
        raise d.error(f"Invalid {d.keyword} spec.")
    else:
        st.vals[d.name] = (begin, old[1], begin)  # "MaxStartups 5" keeps an earlier rate


def handle_persourcemaxstartups(st: ServerOptions, d: Directive, active: bool) -> None:
    """PerSourceMaxStartups: "none" or a decimal; the last active line wins."""
    arg = d.need()
    value = "none" if arg == "none" else atoi(arg)
    if value is None:
        raise d.error(f"{d.keyword} invalid integer value.")
    st.set_last(d.name, str(value), active)


def handle_persourcenetblocksize(st: ServerOptions, d: Directive, active: bool) -> None:
    """PerSourceNetBlockSize: "<v4 bits>[:<v6 bits>]"; the last active line wins."""
    arg = d.need()
    m = re.match(r"[ \t\n]*([+-]?\d+)(?::[ \t\n]*([+-]?\d+))?", arg)
    v4 = int(m.group(1)) if m else -1
    v6 = int(m.group(2)) if m and m.group(2) is not None else 0
    if not 0 <= v4 <= 32 or not 0 <= v6 <= 128:
        raise d.error(f"Invalid {d.keyword} spec.")
    # With one number the IPv6 length is left at 0, as sshd 9.2 prints it.
    st.set_last(d.name, f"{v4}:{v6}", active)


def handle_ipqos(st: ServerOptions, d: Directive, active: bool) -> None:
    """IPQoS: one or two DSCP names or numbers; the last active line wins."""
    first = d.need()
    interactive = parse_ipqos(first)
    second = d.next()
    bulk = interactive if second is None else parse_ipqos(second)
    if interactive is None or bulk is None:
        raise d.error(f"Bad {d.keyword} value: {first if interactive is None else second}")
    st.set_last(d.name, f"{iptos2str(interactive)} {iptos2str(bulk)}", active)


def handle_rekeylimit(st: ServerOptions, d: Directive, active: bool) -> None:
    """RekeyLimit <size>|default [<time>|none]; the two halves are separate options."""
    arg = d.need()
    limit = 0 if arg == "default" else scan_scaled(arg)
    if limit is None or 0 < limit < 16:
        raise d.error(f"Bad {d.keyword} number '{arg}'")
    st.set_first("rekeylimit.size", limit, active)
    interval = d.next()
    if interval is None or interval == "none":
        return
    st.set_first("rekeylimit.time", seconds(d, interval), active)


def handle_streamlocalbindmask(st: ServerOptions, d: Directive, active: bool) -> None:
    """StreamLocalBindMask: an octal mask up to 0777; the last active line wins."""
    arg = d.need()
    value = strtol(arg, 8)
    if value is None or not 0 <= value <= 0o777:
        raise d.error(f"Invalid {d.keyword}.")
    st.set_last(d.name, f"0{value:o}", active)


def handle_fingerprinthash(st: ServerOptions, d: Directive, active: bool) -> None:
    """FingerprintHash: a digest name; the last active line wins."""
    arg = d.need()
    if arg.lower() not in DIGESTS:
        raise d.error(f'Invalid {d.keyword} algorithm "{arg}".')
    st.set_last(d.name, DIGESTS[arg.lower()], active)


def handle_unusedconnectiontimeout(st: ServerOptions, d: Directive, active: bool) -> None:
    """UnusedConnectionTimeout: "none" (last line wins) or a time (first line wins)."""
    arg = d.need()
    if arg.lower() == "none":
        st.set_last(d.name, 0, active)
        return
    st.set_first(d.name, seconds(d, arg), active)


def handle_port(st: ServerOptions, d: Directive, active: bool) -> None:
    """Port: every line adds a port, whatever the Match state (Port is global-only)."""
    arg = d.need("port number")
    port = a2port(arg)
    if port is None or port <= 0:
        raise d.error("Badly formatted port number.")
    ports = st.vals.setdefault(d.name, [])
    if len(ports) >= MAX_PORTS:
        raise d.error("too many ports.")
    ports.append(port)


def handle_listenaddress(st: ServerOptions, d: Directive, active: bool) -> None:
    """ListenAddress: queued with its optional port and rdomain until all Ports are known."""
    arg = d.need("address")
    if "[" not in arg and arg.count(":") >= 2:
        host, port = arg, 0  # a bare IPv6 address
    else:
        parsed_host, sep, port_text = hpdelim(arg)
        if parsed_host is None:
            raise d.error("bad address:port usage")
        host, port = parsed_host, 0
        if sep:
            port = a2port(port_text) or 0
            if port <= 0:
                raise d.error("bad port number")
    rdomain = None
    extra = d.next()
    if extra is not None:
        rdomain = d.next()
        if extra != "rdomain" or rdomain is None:
            raise d.error("bad ListenAddress syntax")
    st.listen.append((host, port, rdomain, d.where))


def handle_subsystem(st: ServerOptions, d: Directive, active: bool) -> None:
    """Subsystem: every active line adds one; a name may be defined only once."""
    name = d.need()
    if not active:
        d.consume_all()
        return
    subsystems = st.vals.setdefault(d.name, [])
    if any(s.split(" ", 1)[0] == name for s in subsystems):
        raise d.error(f"Subsystem '{name}' already defined.")
    command = d.next()
    if not command:
        raise d.error("Missing subsystem command.")
    subsystems.append(" ".join([name, command, *d.consume_all()]))


def handle_rdomain(st: ServerOptions, d: Directive, active: bool) -> None:
    """RDomain: accepted, but noted, since sshd on Linux refuses it."""
    d.need()
    st.notes.add(f"{d.where}: RDomain is only supported on OpenBSD; sshd on Linux refuses it")


def deprecated_handler(kind: str) -> Handler:
    """The handler for a keyword sshd accepts and ignores; `kind` words its note ("" for none)."""

    def handle(st: ServerOptions, d: Directive, active: bool) -> None:
        d.consume_all()
        if kind:
            st.notes.add(f"{d.where}: {kind} option {d.keyword} (ignored by sshd)")

    return handle
