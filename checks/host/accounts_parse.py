"""Parsers of the account databases: passwd, shadow (states only), lastlog, wtmp (last) and sudoers."""

from __future__ import annotations

import datetime as dt
import re

_NO_LOGIN_SHELLS = ("nologin", "false", "sync", "halt", "shutdown")


def shell_allows_login(shell: str) -> bool:
    """False for nologin, false and the special system shells."""
    return bool(shell) and shell.rsplit("/", 1)[-1] not in _NO_LOGIN_SHELLS


def password_state(field: str) -> str:
    """The state of a shadow (or passwd) password field, never the hash itself.

    ``empty``: no password at all; ``locked``: ``!`` before a hash (usermod -L / passwd -l);
    ``no-password``: ``*`` or ``!`` alone / ``!!`` (no password was ever set); ``set``: a hash.
    """
    if field == "":
        return "empty"
    if field in ("*", "!", "!!", "!*") or field.startswith("*"):
        return "no-password"
    if field.startswith("!"):
        return "locked"
    return "set"


def parse_shadow(text: str, today: dt.date) -> dict[str, tuple[str, bool | None]]:
    """name -> (password state, expired) from /etc/shadow; the hash is read and dropped here."""
    states: dict[str, tuple[str, bool | None]] = {}
    epoch = dt.date(1970, 1, 1)
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) < 2 or not parts[0]:
            continue
        expired: bool | None = False
        if len(parts) >= 8 and parts[7].strip():
            try:
                expired = epoch + dt.timedelta(days=int(parts[7])) <= today
            except ValueError:
                expired = None
        states[parts[0]] = (password_state(parts[1]), expired)
    return states


def parse_lastlog(text: str) -> dict[str, float | None]:
    """name -> epoch of the last login (None: never logged in) from ``lastlog`` / ``lastlog2``."""
    found: dict[str, float | None] = {}
    for line in text.splitlines()[1:]:
        if not line.strip():
            continue
        name = line.split()[0]
        if "**Never logged in**" in line:
            found[name] = None
            continue
        match = re.search(r"(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d [+-]\d{4} \d{4})\s*$", line)
        if match:
            stamp = dt.datetime.strptime(" ".join(match[1].split()), "%a %b %d %H:%M:%S %z %Y")
            found[name] = stamp.timestamp()
    return found


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:,\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def parse_last(text: str) -> tuple[dict[str, float], float | None]:
    """``last -w --time-format iso`` (util-linux, or wtmpdb's ``last``): name -> newest login, and
    when the records begin (``wtmp begins …`` / ``wtmpdb begins …``; None when not said).

    Only accounts that logged in within the records appear; reboot and shutdown pseudo-entries
    (tty ``system``) are left out.
    """
    logins: dict[str, float] = {}
    begins: float | None = None
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[1] == "begins":
            begins = _stamp(" ".join(fields[2:]))
            continue
        if len(fields) < 3 or fields[1] in ("system", "runlevel"):
            continue
        match = _ISO.search(line)
        stamp = _stamp(match[0]) if match else None
        if stamp is not None:
            logins[fields[0]] = max(stamp, logins.get(fields[0], stamp))
    return logins, begins


def _stamp(text: str) -> float | None:
    """An ISO time (or the C locale's ``Sun Nov  1 00:00:05 2026``, as UTC) as epoch seconds."""
    try:
        stamp = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            stamp = dt.datetime.strptime(" ".join(text.split()), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).timestamp()


def sudoers_lines(text: str) -> list[tuple[int, str]]:
    """(line number, logical line) with continuations joined and comments dropped (not #include)."""
    lines: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not pending:
            start = number
        if stripped.startswith(("#include", "#includedir")):
            lines.append((number, stripped))
            continue
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical = (pending + stripped).split("#", 1)[0].strip() if "#" in pending + stripped else pending + stripped
        pending = ""
        if logical:
            lines.append((start, " ".join(logical.split())))
    return lines


def includes(line: str) -> tuple[str, str] | None:
    """("dir" | "file", path) of an @include/@includedir/#include/#includedir line."""
    match = re.match(r"^[@#](includedir|include)\s+(\S+)", line)
    if match is None:
        return None
    return ("dir" if match[1] == "includedir" else "file", match[2])


def nopasswd_all(rule: str) -> bool:
    """True when a user specification lets its users run any command (``ALL``) without a password.

    The ``NOPASSWD:`` tag holds for the commands after it until a ``PASSWD:`` tag; Cmnd_Alias
    names are not expanded.
    """
    if rule.startswith(("Defaults", "User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias")) or "=" not in rule:
        return False
    specs = rule.split("=", 1)[1]
    index = specs.find("NOPASSWD:")
    if index < 0:
        return False
    rest = re.split(r"(?<!NO)PASSWD:", specs[index + len("NOPASSWD:"):])[0]
    for item in rest.split(","):
        command = re.sub(r"^(?:\s*\([^)]*\))?\s*(?:[A-Z_]+:\s*)*", "", item).strip()
        if command == "ALL":
            return True
    return False


def rule_users(rule: str) -> str:
    """The user list a specification starts with (``%sudo``, ``alice``, ``ADMINS``)."""
    return rule.split(None, 1)[0] if rule else ""
