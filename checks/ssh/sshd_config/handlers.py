"""Keyword handlers: how each kind of sshd_config option is validated and stored.

One function per kind of option, mirroring the cases of servconf.c
process_server_config_line_depth(). A handler takes the options being built, the line being
handled and whether that line applies (the Match state); it raises SshdConfigError where sshd
refuses the line, even on a line that does not apply, because sshd checks those too. Which
keyword uses which handler is decided by the table in keywords.py; handlers_network.py holds
the handlers of list, limit and address options.
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.checks.ssh.sshd_config.match import match_pattern_list
from auditor.checks.ssh.sshd_config.state import Directive, Notes, ServerOptions
from auditor.checks.ssh.sshd_config.syntax import (
    atoi,
    convtime,
)
from auditor.checks.ssh.sshd_config.tables import (
    ALGORITHM_KIND,
    ALL_ALGORITHMS,
    AUTH_METHODS,
    LOG_FACILITIES,
    LOG_LEVELS,
    PERMIT_TUNNEL,
    YES_NO,
)

#: sshd's MAX_PORTS.
MAX_PORTS = 256

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


def seconds(d: Directive, text: str) -> int:
    """convtime() of one argument of `d`, or the error sshd reports for a bad time value."""
    value = convtime(text)
    if value is None:
        raise d.error("invalid time value.")
    return value


def handle_time(st: ServerOptions, d: Directive, active: bool) -> None:
    """A time value ("1h30m") stored in seconds; the first active line wins."""
    st.set_first(d.name, seconds(d, d.need("time value")), active)


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
