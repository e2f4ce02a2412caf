"""From parsed options to `sshd -T` output: defaults, the Match overlay, and printing.

The last stage of the parser, after both passes over the files: servconf.c
fill_default_server_options (DEFAULTS and the algorithm lists resolved against the
compiled-in ones), copy_set_server_options (overlay_match) and dump_config (render, in the
shape and normalisation `sshd -T` prints). parse_sshd_t_output (public, re-exported by
_sshd_config) reads that shape back, both for the real daemon's output and for the
built-in defaults.
"""

from __future__ import annotations

import socket
from ipaddress import IPv4Address, IPv6Address

from auditor.checks.ssh.sshd_config.keywords import MATCH_COPIED
from auditor.checks.ssh.sshd_config.match import match_pattern, match_pattern_list, parse_numeric_addr
from auditor.checks.ssh.sshd_config.state import Notes, ServerOptions, SshdConfigError
from auditor.checks.ssh.sshd_config.tables import (
    ALGORITHM_KIND,
    ALL_ALGORITHMS,
    CLEAR_ON_NONE,
    ONE_LINE_LISTS,
    SSHD_T_DEFAULTS_TEXT,
)


def parse_sshd_t_output(text: str) -> dict[str, list[str]]:
    """Parse `sshd -T` stdout into {keyword: [value per printed line]}, the shape EffectiveConfig uses."""
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        keyword, _, value = line.partition(" ")
        settings.setdefault(keyword.lower(), []).append(value)
    return settings


DEFAULTS = parse_sshd_t_output(SSHD_T_DEFAULTS_TEXT)


def _names_cat(first: list[str], more: list[str]) -> list[str]:
    """kex.c kex_names_cat(): append the names not already present."""
    result = list(first)
    for name in more:
        if name and name not in result:
            result.append(name)
    return result


def _assemble_algorithms(raw: str | None, default: list[str], known: tuple[str, ...], notes: Notes) -> list[str]:
    """kex.c kex_assemble_names(): resolve '+', '-', '^' and wildcards against the compiled-in lists."""
    if not raw:
        return list(default)
    head, body = raw[0], raw[1:]
    if head == "-":
        # Removal patterns are matched against the defaults and may use wildcards.
        return [name for name in default if match_pattern_list(name, body) != 1]
    if head == "+":
        wanted = _names_cat(default, body.split(","))
    elif head == "^":
        wanted = _names_cat(body.split(","), default)
    else:
        wanted = raw.split(",")
    result: list[str] = []
    for pattern in wanted:
        if pattern.startswith("!"):
            notes.add(f"negated algorithm pattern {pattern!r} is invalid here (sshd would refuse it); ignored")
            continue
        if any(c in pattern for c in "*?"):
            matching = [name for name in known if match_pattern(name, pattern)]
        else:
            matching = [pattern] if pattern else []  # unknown names were noted at parse time
        result = _names_cat(result, matching)
    return result


def _listen_lines(st: ServerOptions) -> list[str]:
    """What dump_config prints for ListenAddress: per address, per port, in config order."""
    ports = st.vals.get("port") or [22]
    family = st.vals.get("addressfamily", "any")
    entries = st.listen or [(None, 0, None, "")]
    by_rdomain: dict[str | None, list[str]] = {}
    for host, port, rdomain, where in entries:
        for each_port in [port] if port > 0 else ports:
            # add_one_listen_addr() pushes each getaddrinfo() result list onto a stack and
            # dump_config prints the stack reversed: config order, each result list reversed.
            chunk = _resolve_listen(host, each_port, family, where, st.notes)
            by_rdomain.setdefault(rdomain, []).extend(reversed(chunk))
    return [
        f"{item} rdomain {rdomain}" if rdomain else item
        for rdomain, items in by_rdomain.items()
        for item in items
    ]


def _resolve_listen(host: str | None, port: int, family: str, where: str, notes: Notes) -> list[str]:
    """getaddrinfo() for one listen address, numeric only (the parser never uses the network)."""
    if host is None:
        # glibc's answer for a passive wildcard: IPv4 first, then IPv6.
        any4, any6 = str(IPv4Address(0)), str(IPv6Address(0))  # "0.0.0.0" and "::", as sshd -T prints them
        wildcards = {"any": [any4, any6], "inet": [any4], "inet6": [any6]}[family]
        return [_format_hostport(addr, port) for addr in wildcards]
    fam = {"any": socket.AF_UNSPEC, "inet": socket.AF_INET, "inet6": socket.AF_INET6}[family]
    try:
        infos = socket.getaddrinfo(host, port, fam, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        if parse_numeric_addr(host) is not None:
            raise SshdConfigError(
                f"{where}: bad addr or host: {host} (Address family for hostname not supported)"
            ) from None
        notes.add(f"{where}: ListenAddress {host} is a host name; not resolved (sshd would resolve it)")
        return [f"{host}:{port}"]
    return [_format_hostport(str(info[4][0]), port) for info in infos]


def _format_hostport(addr: str, port: int) -> str:
    """``addr:port``, with an IPv6 address in brackets as sshd prints it."""
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def render(key: str, st: ServerOptions) -> list[str] | None:
    """The lines `sshd -T` prints for one keyword (None: it prints nothing)."""
    vals, value = st.vals, st.vals.get(key)
    if key == "listenaddress":
        return _listen_lines(st)
    if key in ALGORITHM_KIND:
        known = ALL_ALGORITHMS[ALGORITHM_KIND[key]]
        return [",".join(_assemble_algorithms(value, DEFAULTS[key][0].split(","), known, st.notes))]
    if key == "rekeylimit":
        return [f"{vals.get('rekeylimit.size', 0)} {vals.get('rekeylimit.time', 0)}"]
    if value is None:
        return DEFAULTS.get(key)
    if key == "maxstartups":
        begin, rate, full = value
        return [f"{begin}:{30 if rate is None else rate}:{full}"]
    if key == "unusedconnectiontimeout":
        return ["none" if value == 0 else str(value)]
    if key in CLEAR_ON_NONE and str(value).lower() == "none":
        return ["none"]
    if isinstance(value, list):
        items = [str(v) for v in value]
        return [" ".join(items)] if key in ONE_LINE_LISTS else items
    return [str(value)]


def is_set(key: str, st: ServerOptions) -> bool:
    """Whether the configuration itself set `key` (as opposed to leaving it to the defaults)."""
    if key == "listenaddress":
        return bool(st.listen)
    if key == "rekeylimit":
        return "rekeylimit.size" in st.vals or "rekeylimit.time" in st.vals
    return key in st.vals


def overlay_match(global_state: ServerOptions, match_state: ServerOptions) -> None:
    """copy_set_server_options(): what the Match pass set replaces the global value."""
    for key, value in match_state.vals.items():
        if key in MATCH_COPIED and value not in (None, []):
            global_state.vals[key] = value


def note_startup_refusals(settings: dict[str, list[str]], notes: Notes) -> None:
    """Checks sshd.c makes after parsing: the daemon would not start, which auditors want to know."""
    for command in ("authorizedkeyscommand", "authorizedprincipalscommand"):
        value = settings.get(command, ["none"])[0]
        if value.lower() != "none" and settings.get(command + "user", ["none"])[0] == "none":
            notes.add(f"{command} set without {command}user: sshd refuses to start")
    switches = {"publickey": "pubkeyauthentication", "password": "passwordauthentication",
                "keyboard-interactive": "kbdinteractiveauthentication", "hostbased": "hostbasedauthentication",
                "gssapi-with-mic": "gssapiauthentication", "gssapi-keyex": "gssapikeyexchange"}
    for methods in settings.get("authenticationmethods", ["any"])[0].split():
        for method in methods.split(","):
            switch = switches.get(method.split(":", 1)[0])
            if switch and settings.get(switch) == ["no"]:
                notes.add(f"authenticationmethods lists {method} but {switch} is no: sshd refuses to start")
