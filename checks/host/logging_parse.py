"""Parsers of logging, audit and time configuration: journald, rsyslog, syslog-ng, logrotate,
audit rules, fail2ban jails, chronyc and timedatectl outputs. Pure functions."""

from __future__ import annotations

import re
from collections.abc import Iterable

_PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 30, "yearly": 365}


def ini_settings(texts: Iterable[str], section: str) -> dict[str, str]:
    """``Key=value`` settings of ``[section]`` across files read in order (later files win)."""
    settings: dict[str, str] = {}
    for text in texts:
        current = ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1].strip()
                continue
            key, sep, value = line.partition("=")
            if sep and current == section:
                settings[key.strip()] = value.strip()
    return settings


def rsyslog_forwarding(text: str) -> list[str]:
    """Remote destinations of rsyslog: ``*.* @@host:514`` / ``@host`` and ``action(type="omfwd" target=...)``."""
    found = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        legacy = re.match(r"^\S+\s+(?:-)?(@@?)(?:\([^)]*\))?([\w.:\[\]-]+)", line)
        if legacy:
            found.append(f"{'tcp' if legacy[1] == '@@' else 'udp'}:{legacy[2]}")
        for action in re.finditer(r'type\s*=\s*"(omfwd|omrelp)"[^)]*?target\s*=\s*"([^"]+)"', line):
            found.append(f"{action[1]}:{action[2]}")
    return found


def rsyslog_files(text: str) -> list[str]:
    """Local files rsyslog writes (``facility.level  /var/log/...`` and ``omfile`` actions)."""
    files = re.findall(r'^\s*[^#\s]+\s+-?(/var/log/\S+)', text, re.M)
    files += re.findall(r'type\s*=\s*"omfile"[^)]*?file\s*=\s*"([^"]+)"', text)
    return files


def kernel_inputs(text: str, daemon: str) -> list[str]:
    """The syslog configuration's kernel message inputs: rsyslog's ``imklog`` module, syslog-ng's
    ``system()`` source (it includes /dev/kmsg on Linux) or a ``/proc/kmsg`` file source."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    active = "\n".join(lines)
    if daemon == "rsyslog":
        found = re.search(r'module\s*\(\s*load\s*=\s*"imklog"|^\s*\$ModLoad\s+imklog', active, re.M)
        return ["imklog"] if found else []
    inputs = []
    if re.search(r"\bsystem\s*\(\s*\)", active):
        inputs.append("system()")
    if re.search(r'file\s*\(\s*"/proc/kmsg"', active):
        inputs.append("/proc/kmsg")
    return inputs


def syslog_ng_forwarding(text: str) -> list[str]:
    """Network destinations of syslog-ng: ``destination d { network("host" ...); }`` (also tcp/udp/syslog)."""
    body = re.sub(r"#.*", "", text)
    return [f"{kind}:{host}" for kind, host in
            re.findall(r'\b(network|tcp|udp|tcp6|udp6|syslog)\s*\(\s*"([^"]+)"', body)]


def logrotate_days(text: str) -> int | None:
    """Default retention in days from logrotate.conf's global ``rotate N`` and period."""
    globals_only = re.sub(r"\{[^}]*\}", "", text)
    rotate = re.search(r"^\s*rotate\s+(\d+)", globals_only, re.M)
    period = re.search(r"^\s*(daily|weekly|monthly|yearly)\b", globals_only, re.M)
    if rotate is None:
        return None
    return int(rotate[1]) * _PERIOD_DAYS[period[1] if period else "weekly"]


def audit_watched(rules: Iterable[str]) -> set[str]:
    """Paths audit rules watch: ``-w PATH`` and ``-F path=PATH`` / ``-F dir=PATH``."""
    watched = set()
    for rule in rules:
        watched.update(re.findall(r"(?:^|\s)-w\s+(\S+)", rule))
        watched.update(re.findall(r"-F\s+(?:path|dir)=(\S+)", rule))
    return {path.rstrip("/") or "/" for path in watched}


def audit_rule_lines(text: str) -> list[str]:
    """Rule lines of an audit rules file or of ``auditctl -l`` (comments and control lines dropped)."""
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(("-w", "-a")):
            lines.append(" ".join(line.split()))
    return lines


def fail2ban_sshd_enabled(texts: Iterable[str]) -> bool:
    """True when the jail files (read in order: jail.conf, jail.d/*, jail.local) enable ``[sshd]``."""
    enabled = False
    for text in texts:
        settings = ini_settings([text], "sshd")
        if "enabled" in settings:
            enabled = settings["enabled"].lower() in ("true", "yes", "1")
    return enabled


def chrony_tracking(text: str) -> tuple[bool, str]:
    """(synchronised, detail) from ``chronyc tracking``: a reference and ``Leap status : Normal``."""
    reference = re.search(r"^Reference ID\s*:\s*(\S+)\s*\(([^)]*)\)", text, re.M)
    leap = re.search(r"^Leap status\s*:\s*(.+)$", text, re.M)
    synced = bool(reference and reference[1] != "00000000" and leap and leap[1].strip() == "Normal")
    detail = f"reference {reference[2] if reference else '?'}, leap status {leap[1].strip() if leap else '?'}"
    return synced, detail
