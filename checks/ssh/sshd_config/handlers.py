"""Keyword handlers: how each kind of sshd_config option is validated and stored.

One function per kind of option, mirroring the cases of servconf.c
process_server_config_line_depth(). A handler takes the options being built, the line being
handled and whether that line applies (the Match state); it raises SshdConfigError where sshd
refuses the line, even on a line that does not apply, because sshd checks those too. Which
keyword uses which handler is decided by the table in _sshd_keywords.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from auditor.checks.ssh.sshd_config.match import match_pattern_list
from auditor.checks.ssh.sshd_config.state import Directive, Notes, ServerOptions
from auditor.checks.ssh.sshd_config.syntax import (
    a2port,
    atoi,
    convtime,
    hpdelim,
    iptos2str,
    parse_ipqos,
    scan_scaled,
    strtol,
)
from auditor.checks.ssh.sshd_config.tables import (
    ALGORITHM_KIND,
    ALL_ALGORITHMS,
    AUTH_METHODS,
    DIGESTS,
    LOG_FACILITIES,
    LOG_LEVELS,
    PERMIT_TUNNEL,
    YES_NO,
)

#: sshd's MAX_PORTS.
_MAX_PORTS = 256

Handler = Callable[[ServerOptions, Directive, bool], None]


def _note_tilde_not_expanded(notes: Notes, where: str, path: str) -> None:
    """Say that a '~' path is kept as written: the target's home directories are unknown here."""
    notes.add(f"{where}: '~' in {path!r} not expanded (the target's home directories are unknown)")


def _derelativise(path: str, notes: Notes, where: str) -> str:
    """servconf.c derelativise_path(), with sshd's working directory taken to be "/".

    A daemon started by init or systemd runs in "/", and sshd builds "cwd + '/' + path",
    hence the double slash it prints for relative paths.
    """
    if path.lower() == "none":
        return "none"
    if path.startswith("~"):
        _note_tilde_not_expanded(notes, where, path)
        return path
    return path if path.startswith("/") else "//" + path


def multistate_handler(table: dict[str, str]) -> Handler:
    """The handler for a keyword taking one word of `table` (any case); first active line wins."""

    def handle(st: ServerOptions, d: Directive, active: bool) -> None:
        arg = d.need()
        if arg.lower() not in table:
            raise d.error(f'unsupported option "{arg}".')
        st.set_first(d.name, table[arg.lower()], active)

    return handle


handle_flag = multistate_handler(YES_NO)


def handle_int(st: ServerOptions, d: Directive, active: bool) -> None:
    """A decimal in [0, INT_MAX]; the first active line wins."""
    arg = d.next() or ""
    value = atoi(arg)
    if value is None:
        raise d.error(f"{d.keyword} invalid integer value {arg!r}.")
    st.set_first(d.name, value, active)


def _seconds(d: Directive, text: str) -> int:
    """convtime() of one argument of `d`, or the error sshd reports for a bad time value."""
    value = convtime(text)
    if value is None:
        raise d.error("invalid time value.")
    return value


def handle_time(st: ServerOptions, d: Directive, active: bool) -> None:
    """A time value ("1h30m") stored in seconds; the first active line wins."""
    st.set_first(d.name, _seconds(d, d.need("time value")), active)


def handle_string(st: ServerOptions, d: Directive, active: bool) -> None:
    """One argument stored as written; the first active line wins."""
    st.set_first(d.name, d.need(), active)


def handle_filename(st: ServerOptions, d: Directive, active: bool) -> None:
    """A file name, made absolute as sshd does; the first active line wins."""
    st.set_first(d.name, _derelativise(d.need("file name"), st.notes, d.where), active)


def handle_tilde_filename(st: ServerOptions, d: Directive, active: bool) -> None:
    """AuthorizedPrincipalsFile: stored as written; a leading '~' is noted, not expanded."""
    arg = d.need()
    if arg.startswith("~"):
        _note_tilde_not_expanded(st.notes, d.where, arg)
    st.set_first(d.name, arg, active)


def handle_hostkeyagent(st: ServerOptions, d: Directive, active: bool) -> None:
    """HostKeyAgent: "SSH_AUTH_SOCK" or a socket path made absolute."""
    arg = d.need("socket name")
    value = arg if arg == "SSH_AUTH_SOCK" else _derelativise(arg, st.notes, d.where)
    st.set_first(d.name, value, active)


def handle_securitykeyprovider(st: ServerOptions, d: Directive, active: bool) -> None:
    """SecurityKeyProvider: "internal" or a library path made absolute."""
    arg = d.need()
    value = arg if arg.lower() == "internal" else _derelativise(arg, st.notes, d.where)
    st.set_first(d.name, value, active)


def handle_rest_of_line(st: ServerOptions, d: Directive, active: bool) -> None:
    """ForceCommand / VersionAddendum: the raw rest of the line, comments and all."""
    value = d.take_rest_of_line()
    if d.name == "versionaddendum" and value.lower() == "none":
        value = "none"
    st.set_first(d.name, value, active)


def handle_command(st: ServerOptions, d: Directive, active: bool) -> None:
    """AuthorizedKeysCommand / AuthorizedPrincipalsCommand: an absolute path or "none"."""
    value = d.take_rest_of_line()
    if not value.startswith("/") and value.lower() != "none":
        raise d.error(f"{d.keyword} must be an absolute path")
    # servconf.c tests authorized_keys_command for *both* keywords (an upstream slip), so
    # AuthorizedPrincipalsCommand is ignored once AuthorizedKeysCommand is set, and is
    # last-value-wins until then.
    if active and "authorizedkeyscommand" not in st.vals:
        st.vals[d.name] = value


def handle_loglevel(st: ServerOptions, d: Directive, active: bool) -> None:
    """LogLevel: a level name, stored as dump_config prints it."""
    arg = d.next() or ""
    if arg.lower() not in LOG_LEVELS:
        raise d.error(f"unsupported log level '{arg}'")
    st.set_first(d.name, LOG_LEVELS[arg.lower()], active)


def handle_syslogfacility(st: ServerOptions, d: Directive, active: bool) -> None:
    """SyslogFacility: a facility name, stored upper-case, whatever the Match state."""
    arg = d.next() or ""
    if arg.lower() not in LOG_FACILITIES:
        raise d.error(f"unsupported log facility '{arg}'")
    st.set_first(d.name, arg.upper(), True)  # sshd does not look at the Match state here


def handle_permittunnel(st: ServerOptions, d: Directive, active: bool) -> None:
    """PermitTunnel: one of its four words, compared case-sensitively."""
    arg = d.need()
    if arg not in PERMIT_TUNNEL:  # strcmp: "YES" is an error here, unlike elsewhere
        raise d.error(f"bad {d.keyword} argument {arg}")
    st.set_first(d.name, arg, active)


def handle_permituserenvironment(st: ServerOptions, d: Directive, active: bool) -> None:
    """PermitUserEnvironment: "yes", "no" or a pattern list, stored as written."""
    # "yes"/"no" compared case-sensitively; anything else is a pattern-list printed as is.
    st.set_first(d.name, d.need(), active)


def handle_pubkeyauthoptions(st: ServerOptions, d: Directive, active: bool) -> None:
    """PubkeyAuthOptions: "none" or the touch-required / verify-required flags."""
    flags: set[str] = set()
    for arg in d.consume_all():
        if arg.lower() in ("touch-required", "verify-required"):
            flags.add(arg.lower())
        elif arg.lower() != "none":
            raise d.error(f"unsupported {d.keyword} option {arg}")
    printed = " ".join(f for f in ("touch-required", "verify-required") if f in flags) or "none"
    st.set_first(d.name, printed, active)


def handle_algorithms(st: ServerOptions, d: Directive, active: bool) -> None:
    """Ciphers, MACs, KexAlgorithms and the key algorithm lists: checked, stored as written."""
    arg = d.need()
    _check_algorithms(d, arg, st.notes)
    # Ciphers/MACs/KexAlgorithms ignore the Match state in servconf.c, but they are
    # global-only, so that never shows.
    st.set_first(d.name, arg, active)


def _check_algorithms(d: Directive, arg: str, notes: Notes) -> None:
    """The validity checks sshd makes before storing an algorithm list ('-' lists are not checked)."""
    if arg.startswith("-"):
        return
    names = arg[1:] if arg[:1] in "+^" else arg
    known = ALL_ALGORITHMS[ALGORITHM_KIND[d.name]]
    wildcards_ok = ALGORITHM_KIND[d.name] in ("key", "sig")
    for name in names.split(","):
        if not name:
            continue
        if any(c in name for c in "*?!"):
            if not wildcards_ok:
                raise d.error(f"Bad {d.keyword} spec '{arg}'.")
            if not any(match_pattern_list(k, name) != 0 for k in known):
                notes.add(f"{d.where}: {d.keyword} pattern {name!r} matches no algorithm known to OpenSSH 9.2")
        elif name not in known:
            notes.add(f"{d.where}: {d.keyword} {name!r} is not an algorithm known to OpenSSH 9.2; kept as is")


def handle_append(st: ServerOptions, d: Directive, active: bool) -> None:
    """AllowUsers, DenyUsers, AllowGroups, DenyGroups, AcceptEnv: every active line adds."""
    args = d.consume_all()
    for arg in args:
        if arg == "":
            raise d.error(f"empty {d.keyword} pattern")
        if d.name == "acceptenv" and "=" in arg:
            raise d.error("Invalid environment name.")
    if active and args:
        st.vals.setdefault(d.name, []).extend(args)


def handle_append_path(st: ServerOptions, d: Directive, active: bool) -> None:
    """HostKey, HostCertificate: one file per line, every active line adds."""
    path = _derelativise(d.need("file name"), st.notes, d.where)
    if active:
        st.vals.setdefault(d.name, []).append(path)


def handle_first_line(st: ServerOptions, d: Directive, active: bool) -> None:
    """AuthorizedKeysFile, LogVerbose, ChannelTimeout: the first active line wins, whole."""
    args = d.consume_all()
    if not args or any(a == "" for a in args):
        raise d.error(f"keyword {d.keyword} empty argument")
    for arg in args:
        if d.name == "authorizedkeysfile" and arg.startswith("~"):
            _note_tilde_not_expanded(st.notes, d.where, arg)
    st.set_first(d.name, args, active)


def handle_authenticationmethods(st: ServerOptions, d: Directive, active: bool) -> None:
    """AuthenticationMethods: the first active line wins; "any" only alone, and only first.

    sshd checks "any" against the methods stored so far, whatever the Match state, so
    "AuthenticationMethods any" after an active list is refused even where it would lose.
    """
    args = d.consume_all()
    if not args:
        raise d.error(f"no {d.keyword} specified")
    store = d.name not in st.vals
    methods = list(st.vals.get(d.name, []))
    seen_any = False
    for arg in args:
        if arg == "any":
            if methods:
                raise d.error(f'"any" must appear alone in {d.keyword}')
            seen_any = True
        elif seen_any:
            raise d.error(f'"any" must appear alone in {d.keyword}')
        elif any(m.split(":", 1)[0] not in AUTH_METHODS for m in arg.split(",")):
            raise d.error(f"invalid {d.keyword} method list.")
        if store and active:
            methods.append(arg)
    if store and active:
        st.vals[d.name] = methods


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
    st.set_first("rekeylimit.time", _seconds(d, interval), active)


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
    st.set_first(d.name, _seconds(d, arg), active)


def handle_port(st: ServerOptions, d: Directive, active: bool) -> None:
    """Port: every line adds a port, whatever the Match state (Port is global-only)."""
    arg = d.need("port number")
    port = a2port(arg)
    if port is None or port <= 0:
        raise d.error("Badly formatted port number.")
    ports = st.vals.setdefault(d.name, [])
    if len(ports) >= _MAX_PORTS:
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
