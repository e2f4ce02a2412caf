"""Lexical layer of the sshd_config parser, following OpenSSH's misc.c to the letter.

Splitting a line into tokens (strdelim, argv_split) and turning one token into a value
(times, integers, ports, sizes, IPQoS names, host:port pairs). Each value parser returns
None where the C function reports an error; deciding what that error means is the caller's
job, so nothing here knows about keywords, Match blocks or the parser's state.
"""

from __future__ import annotations

import re
import socket

from auditor.checks.ssh.sshd_config.tables import IPQOS

#: Characters sshd treats as whitespace between tokens (misc.c WHITESPACE).
WS = " \t\r\n"


# --------------------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------------------


def strdelim(text: str | None) -> tuple[str | None, str | None]:
    """misc.c strdelim(): next token (split on whitespace or one '=', "quotes" allowed) and the rest."""
    if text is None:
        return None, None
    m = re.search(r'[ \t\r\n"=]', text)
    if m is None:
        return text, None
    i = m.start()
    if text[i] == '"':
        unquoted = text[:i] + text[i + 1 :]
        j = unquoted.find('"', i)
        if j < 0:
            return None, None  # no matching quote
        return unquoted[:j], unquoted[j + 1 :].lstrip(WS)
    rest = text[i + 1 :].lstrip(WS)
    if text[i] != "=" and rest.startswith("="):
        rest = rest[1:].lstrip(WS)  # "Keyword = value": only one '=' may be skipped
    return text[:i], rest


def argv_split(text: str) -> list[str] | None:
    """misc.c argv_split(..., terminate_on_comment=1); None on an unterminated quote."""
    args: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in " \t":
            i += 1
            continue
        if text[i] == "#":  # a comment only starts at the beginning of a token
            break
        token: list[str] = []
        quote = ""
        while i < n:
            c = text[i]
            if c == "\\" and i + 1 < n and (text[i + 1] in "'\"\\" or (not quote and text[i + 1] == " ")):
                token.append(text[i + 1])
                i += 2
                continue
            if not quote and c in " \t":
                break
            if not quote and c in "\"'":
                quote = c
            elif quote and c == quote:
                quote = ""
            else:
                token.append(c)
            i += 1
        if quote:
            return None
        args.append("".join(token))
    return args


# --------------------------------------------------------------------------------------
# Value parsers
# --------------------------------------------------------------------------------------


_C_INT_MAX = 2**31 - 1


def convtime(text: str) -> int | None:
    """misc.c convtime(): "1h30m" -> 5400 seconds."""
    units = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    if not text:
        return None
    total = 0
    pos = 0
    pattern = re.compile(r"[ \t\n\r\f\v]*([+-]?\d+)(.?)", re.S)
    while pos < len(text):
        m = pattern.match(text, pos)
        if m is None or int(m.group(1)) < 0:
            return None
        unit = m.group(2).lower()
        if unit not in units:
            return None
        secs = int(m.group(1)) * units[unit]
        total += secs
        if secs > _C_INT_MAX or total > _C_INT_MAX:
            return None
        pos = m.end()
    return total


def _signed_decimal(text: str) -> int | None:
    """The whole string as one decimal, leading whitespace and a sign allowed (as C strtol reads it)."""
    m = re.fullmatch(r"[ \t\n\r\f\v]*([+-]?\d+)", text)
    return None if m is None else int(m.group(1))


def atoi(text: str) -> int | None:
    """misc.c atoi_err(): a decimal in [0, INT_MAX], the whole string."""
    value = _signed_decimal(text)
    if value is None:
        return None
    return value if 0 <= value <= _C_INT_MAX else None


def strtol(text: str, base: int) -> int | None:
    """C strtol over the whole string (base 0 understands 0x.. and 0..)."""
    m = re.fullmatch(r"[ \t\n\r\f\v]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*|[0-7]+)", text)
    if m is None:
        return None
    sign, digits = m.groups()
    if base == 0:
        if digits[:2].lower() == "0x":
            value = int(digits, 16)
        elif digits.startswith("0"):
            value = int(digits, 8)
        else:
            value = int(digits, 10)
    else:
        try:
            value = int(digits, base)
        except ValueError:
            return None
    return -value if sign == "-" else value


def a2port(text: str) -> int | None:
    """misc.c a2port(): 0..65535 or a /etc/services name."""
    value = _signed_decimal(text)
    if value is not None:
        return value if 0 <= value <= 65535 else None
    try:
        # A local file lookup (/etc/services), as sshd's getservbyname(); never the network.
        return socket.getservbyname(text, "tcp")
    except OSError:
        return None


def scan_scaled(text: str) -> int | None:
    """OpenBSD scan_scaled(): "1G" -> 1073741824, "1.5K" -> 1536."""
    m = re.fullmatch(r"[ \t]*([+-]?\d+)(?:\.(\d+))?([bBkKmMgGtTpPeE]?)", text)
    if m is None:
        return None
    whole, frac, unit = m.groups()
    scale = 1024 ** "BKMGTPE".index(unit.upper()) if unit else 1
    value = int(whole) * scale
    if frac:
        value += int(frac) * scale // 10 ** len(frac)
    return value


def parse_ipqos(text: str) -> int | None:
    """misc.c parse_ipqos(): a name from the table or a number 0..255."""
    for name, value in IPQOS:
        if text.lower() == name:
            return value
    number = strtol(text, 0)
    return number if number is not None and 0 <= number <= 255 else None


def iptos2str(value: int) -> str:
    """misc.c iptos2str(): first table name with this value, else hex."""
    for name, known in IPQOS:
        if known == value:
            return name
    return f"0x{value:02x}"


def hpdelim(text: str) -> tuple[str | None, str, str]:
    """misc.c hpdelim2() + cleanhostname(): "[v6]:port", "host:port", "host/port" -> (host, sep, port)."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return None, "", ""
        host, after = text[1:end], text[end + 1 :]
        if after == "":
            return host, "", ""
        if after[0] not in ":/":
            return None, "", ""
        return host, after[0], after[1:]
    m = re.search(r"[:/]", text)
    if m is None:
        return text, "", ""
    return text[: m.start()], text[m.start()], text[m.end() :]
