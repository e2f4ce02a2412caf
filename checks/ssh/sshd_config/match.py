"""Match blocks: the connection they are tested against, and how a Match line is evaluated.

MatchContext (public, re-exported by _sshd_config) describes the connection, like
`sshd -T -C user=..,host=..,addr=..`. match_cfg_line() follows servconf.c match_cfg_line(),
on top of the wildcard pattern lists of match.c and the address/CIDR lists of addrmatch.c,
which the algorithm lists and ListenAddress code reuse.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from auditor.checks.ssh.sshd_config.state import Notes, SshdConfigError
from auditor.checks.ssh.sshd_config.syntax import a2port, strdelim


@dataclass(frozen=True)
class MatchContext:
    """Connection parameters used to evaluate Match blocks, like `sshd -T -C user=..,host=..,addr=..`."""

    user: str | None = None
    host: str | None = None
    addr: str | None = None
    laddr: str | None = None
    lport: int | None = None
    rdomain: str | None = None
    #: The user's groups, for `Match Group`. sshd looks them up itself (getpwnam +
    #: getgrouplist); we cannot, because the target's user database may be remote.
    groups: tuple[str, ...] = ()

    def to_sshd_arg(self) -> str:
        """The `-C` argument for `sshd -T` (set fields only; sshd has no way to pass groups)."""
        pairs = [
            ("user", self.user),
            ("host", self.host),
            ("addr", self.addr),
            ("laddr", self.laddr),
            ("lport", None if self.lport is None else str(self.lport)),
            ("rdomain", self.rdomain),
        ]
        return ",".join(f"{key}={value}" for key, value in pairs if value is not None)

    def label(self) -> str:
        """Short human label, e.g. ``user=alice,addr=10.0.0.1``; ``global`` when nothing is set."""
        text = self.to_sshd_arg()
        if self.groups:
            text = f"{text},groups={'+'.join(self.groups)}" if text else f"groups={'+'.join(self.groups)}"
        return text or "global"


# --------------------------------------------------------------------------------------
# Pattern matching (match.c, addrmatch.c)
# --------------------------------------------------------------------------------------


def match_pattern(string: str, pattern: str) -> bool:
    """match.c match_pattern(): '*' and '?' wildcards, nothing else."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, string, re.S) is not None


def match_pattern_list(string: str, patterns: str, dolower: bool = False) -> int:
    """match.c match_pattern_list(): 1 positive match, -1 negated match, 0 no match."""
    got_positive = 0
    for sub in patterns.split(","):
        negated = sub.startswith("!")
        if negated:
            sub = sub[1:]
        if dolower:
            sub = sub.lower()
        if match_pattern(string, sub):
            if negated:
                return -1  # a negated match wins outright
            got_positive = 1
    return got_positive


def parse_numeric_addr(text: str) -> tuple[int, bytes] | None:
    """addrmatch.c addr_pton(): a numeric address via getaddrinfo(AI_NUMERICHOST) (no DNS)."""
    try:
        info = socket.getaddrinfo(text, None, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    family, _, _, _, sockaddr = info[0]
    return family, socket.inet_pton(family, str(sockaddr[0]).split("%")[0])


def _parse_cidr(text: str) -> tuple[int, bytes, int] | str | None:
    """addrmatch.c addr_pton_cidr(): (family, bytes, masklen); None if not an address; "bad" if invalid."""
    if len(text) >= 64:
        return None
    addr, slash, mask = text.partition("/")
    if slash and not re.fullmatch(r"\d+", mask):
        return None
    masklen = int(mask) if slash else -1
    if masklen > 128:
        return None
    parsed = parse_numeric_addr(addr)
    if parsed is None:
        return None
    family, raw = parsed
    bits = len(raw) * 8
    if masklen == -1:
        masklen = bits
    if masklen > bits:
        return "bad"
    host_bits = int.from_bytes(raw, "big") & ((1 << (bits - masklen)) - 1)
    if host_bits:
        return "bad"  # "10.0.0.1/8": sshd rejects host bits outside the mask
    return family, raw, masklen


def addr_match_list(addr: str | None, patterns: str) -> int:
    """addrmatch.c addr_match_list(): 1 match, -1 negated match, 0 none, -2 invalid list."""
    target = parse_numeric_addr(addr) if addr is not None else None
    if addr is not None and target is None:
        return 0
    result = 0
    for entry in patterns.split(","):
        negated = entry.startswith("!")
        if negated:
            entry = entry[1:]
        if not entry:
            return -2
        cidr = _parse_cidr(entry)
        if cidr == "bad":
            return -2
        if isinstance(cidr, tuple):
            hit = addr is not None and target is not None and _in_network(target, cidr)
        else:
            hit = addr is not None and match_pattern(addr, entry)
        if hit:
            if negated:
                return -1
            result = 1
    return result


def _in_network(target: tuple[int, bytes], network: tuple[int, bytes, int]) -> bool:
    """Whether the (family, address) `target` lies inside the (family, address, masklen) `network`."""
    family, raw, masklen = network
    if target[0] != family:
        return False
    bits = len(raw) * 8
    shift = bits - masklen
    return int.from_bytes(target[1], "big") >> shift == int.from_bytes(raw, "big") >> shift


# --------------------------------------------------------------------------------------
# Match lines (servconf.c match_cfg_line)
# --------------------------------------------------------------------------------------


def match_cfg_line(text: str, ctx: MatchContext | None, where: str, notes: Notes) -> bool:
    """servconf.c match_cfg_line(): all criteria on the line must match (ctx None: syntax only)."""
    result, attributes = True, 0
    rest: str | None = text
    while True:
        attrib, rest = strdelim(rest)
        if not attrib or attrib.startswith("#"):
            break
        attributes += 1
        if attrib.lower() == "all":
            arg, rest = strdelim(rest)
            if attributes > 1 or (arg and not arg.startswith("#")):
                raise SshdConfigError(
                    f"{where}: Bad Match condition: 'all' cannot be combined with other Match attributes"
                )
            return True  # matches in every pass, even without a connection
        arg, rest = strdelim(rest)
        if not arg or arg.startswith("#"):
            raise SshdConfigError(f"{where}: Bad Match condition: missing Match criteria for {attrib}")
        if not _match_criterion(attrib.lower(), arg, ctx, where, notes):
            result = False
    if attributes == 0:
        raise SshdConfigError(f"{where}: Bad Match condition: one or more attributes required for Match")
    return result


def _match_criterion(attrib: str, arg: str, ctx: MatchContext | None, where: str, notes: Notes) -> bool:
    """One criterion of a Match line. A criterion the context says nothing about does not match."""
    if attrib == "user":
        return ctx is not None and ctx.user is not None and match_pattern_list(ctx.user, arg) == 1
    if attrib == "group":
        return _match_group(arg, ctx, where, notes)
    if attrib == "host":
        return ctx is not None and ctx.host is not None and match_pattern_list(ctx.host.lower(), arg, True) == 1
    if attrib in ("address", "localaddress"):
        value = None if ctx is None else (ctx.addr if attrib == "address" else ctx.laddr)
        outcome = addr_match_list(value, arg)
        if outcome == -2:
            raise SshdConfigError(f"{where}: Invalid Match {attrib} argument '{arg}'")
        return outcome == 1
    if attrib == "localport":
        port = a2port(arg)
        if port is None:
            raise SshdConfigError(f"{where}: Bad Match condition: invalid LocalPort '{arg}'")
        if ctx is None:
            return False
        if ctx.lport is None:
            # sshd -T refuses this ("'lport' not in connection test specification"); a real
            # connection always has a local port, so we say "not matched" and tell.
            notes.add(f"{where}: Match LocalPort {arg} not evaluated: context has no lport")
            return False
        return port == ctx.lport
    if attrib == "rdomain":
        return ctx is not None and ctx.rdomain is not None and match_pattern_list(ctx.rdomain, arg) == 1
    raise SshdConfigError(f"{where}: Bad Match condition: unsupported Match attribute {attrib}")


def _match_group(arg: str, ctx: MatchContext | None, where: str, notes: Notes) -> bool:
    """groupaccess.c ga_match_pattern_list() over the groups the context lists."""
    if ctx is None or ctx.user is None:
        return False
    if not ctx.groups:
        notes.add(f"{where}: Match Group {arg} not evaluated: context has no groups")
        return False
    found = False
    for group in ctx.groups:
        outcome = match_pattern_list(group, arg)
        if outcome == -1:
            return False  # one negated group vetoes the whole match
        found = found or outcome == 1
    return found
