"""NFS ``/etc/exports`` and ``/etc/exports.d/*.exports`` (exports(5)), parsed as exportfs reads them.

Each line is a path, optional default options (``-ro,sync``), then clients with their options
(``host(rw,sync)``). A client written with a space before its options (``host (rw)``) is the
classic mistake: exportfs reads it as ``host`` with default options plus *everyone* with
``rw`` — that is how it is parsed here too, with a note. Options not given take exportfs's
defaults (``ro``, ``root_squash``, ``secure``). Syntax errors (no path, an unterminated option
list, an unknown option) are problems with file and line; the rest of the file is still read.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from auditor.checks.data.config_files import ConfigFiles, logical_lines

# exports(5) and exportfs's option table (nfs-utils 2.x); keywords with '=' take a value.
_FLAGS = frozenset({
    "rw", "ro", "sync", "async", "secure", "insecure", "wdelay", "no_wdelay", "hide", "nohide",
    "crossmnt", "subtree_check", "no_subtree_check", "secure_locks", "insecure_locks", "auth_nlm",
    "no_auth_nlm", "root_squash", "no_root_squash", "all_squash", "no_all_squash", "mp", "acl", "no_acl",
    "pnfs", "no_pnfs", "security_label", "no_security_label", "nordirplus", "rdirplus", "mountpoint",
})
_VALUED = frozenset({"mountpoint", "mp", "fsid", "anonuid", "anongid", "sec", "refer", "replicas", "xprtsec"})
_OCTAL = re.compile(r"\\([0-7]{3})")


def parse_exports(config: ConfigFiles, main: str, directory: str) -> dict[str, Any]:
    """Facts of the main exports file and the ``*.exports`` files of ``directory``."""
    exports: list[dict[str, Any]] = []
    for path in [main, *config.glob(f"{directory.rstrip('/')}/*.exports")]:
        text = config.read(path)
        if text is not None:
            exports += _parse_file(config, path, text)
    return {"present": bool(config.files), "exports": exports, **config.to_dict()}


def _parse_file(config: ConfigFiles, path: str, text: str) -> list[dict[str, Any]]:
    exports = []
    for number, line in logical_lines(text):
        try:
            tokens = _tokens(line)
        except ValueError as exc:
            config.problem(path, number, str(exc))
            continue
        if tokens:
            entry = _entry(config, path, number, tokens)
            if entry is not None:
                exports.append(entry)
    return exports


def _tokens(line: str) -> list[str]:
    """Whitespace-separated tokens; double quotes group a path with spaces; '#' starts a comment."""
    tokens: list[str] = []
    current: list[str] = []
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
            current.append(char)
        elif quoted:
            current.append(char)
        elif char == "#":
            break
        elif char.isspace():
            if current:
                tokens.append("".join(current))
                current = []
        else:
            current.append(char)
    if quoted:
        raise ValueError("unterminated quoted string")
    if current:
        tokens.append("".join(current))
    return tokens


def _entry(config: ConfigFiles, file: str, line: int, tokens: list[str]) -> dict[str, Any] | None:
    path = _OCTAL.sub(lambda match: chr(int(match.group(1), 8)), tokens[0].replace('"', ""))
    if not path.startswith("/"):
        config.problem(file, line, f"export path '{path[:80]}' is not absolute")
        return None
    defaults: list[str] = []
    rest = tokens[1:]
    while rest and rest[0].startswith("-"):
        defaults += rest.pop(0)[1:].split(",")
    clients = []
    if not rest:
        # exportfs exports a path without clients to everyone (with a warning).
        clients.append(_client(config, file, line, "", [], defaults, note="no client given: exported to everyone"))
    for token in rest:
        spec, options, note = _split_client(config, file, line, token)
        if spec is not None:
            clients.append(_client(config, file, line, spec, options, defaults, note=note))
    valid = [client for client in clients if client is not None]
    if not valid:
        return None  # every client was malformed: the problems say why
    return {"path": path, "file": file, "line": line, "clients": valid}


def _split_client(config: ConfigFiles, file: str, line: int, token: str) -> tuple[str | None, list[str], str]:
    if "(" not in token:
        if ")" in token:
            config.problem(file, line, f"unbalanced ')' in '{token[:80]}'")
            return None, [], ""
        return token, [], ""
    spec, _, rest = token.partition("(")
    if not rest.endswith(")") or ")" in rest[:-1]:
        config.problem(file, line, f"unterminated or malformed option list in '{token[:80]}'")
        return None, [], ""
    options = [option for option in rest[:-1].split(",") if option]
    note = "" if spec else "options without a client (a space before '('?): they apply to everyone"
    return spec, options, note


def _client(config: ConfigFiles, file: str, line: int, spec: str, options: list[str], defaults: list[str],
            note: str = "") -> dict[str, Any] | None:
    effective = {"access": "ro", "squash": "root_squash", "secure": True}
    for option in [*defaults, *options]:
        keyword = option.split("=", 1)[0]
        if keyword not in _FLAGS and keyword not in _VALUED:
            config.problem(file, line, f"unknown export option '{option[:40]}'")
            return None
        if keyword in ("rw", "ro"):
            effective["access"] = keyword
        elif keyword in ("root_squash", "no_root_squash", "all_squash"):
            effective["squash"] = keyword
        elif keyword in ("secure", "insecure"):
            effective["secure"] = keyword == "secure"
    client = {"spec": spec or "*", "options": [*defaults, *options], **effective, **classify_client(spec)}
    if note:
        client["note"] = note
    return client


def classify_client(spec: str) -> dict[str, Any]:
    """What a client specification admits.

    ``everyone``, ``wildcard``, ``network`` (with its prefix and IP version), ``netgroup`` or ``host``.
    """
    if spec in ("", "*"):
        return {"kind": "everyone"}
    if spec.startswith("@"):
        return {"kind": "netgroup"}
    if spec.startswith("gss/"):
        return {"kind": "everyone", "detail": "obsolete gss/ pseudo-client"}
    if "/" in spec:
        try:
            network = ipaddress.ip_network(spec, strict=False)
        except ValueError:
            return {"kind": "wildcard", "detail": "unparsable network"}
        return {"kind": "network", "prefix": network.prefixlen, "version": network.version}
    if any(char in spec for char in "*?["):
        return {"kind": "wildcard"}
    return {"kind": "host"}
