"""A faithful sshd_config parser: the fallback when `sshd -T` cannot run.

The auditor prefers the daemon's own answer (`sshd -T [-C ...]`), because only sshd knows how
it reads its configuration. When that is impossible (no root, no sshd binary, a remote host
where we may only read files) this module computes the same answer from the files, and
prints it in the same shape and normalisation as `sshd -T`, so checks never care which of
the two produced their facts.

"Faithful" means it follows OpenSSH's servconf.c (9.x portable, as shipped by Debian 12 as
OpenSSH 9.2p1), including its less obvious rules:

* sshd reads the file twice. Pass 1 (at startup) applies the global lines, first value
  wins, and only *syntax-checks* Match blocks -- except ``Match All``, which matches even
  there. Pass 2 (per connection, and also for ``sshd -T``) starts from empty options,
  applies only the lines inside Match blocks that match the connection, first value wins
  among them, and copies what it set over the global values.
* An Include inherits the Match state of the line that includes it; a Match inside an
  included file ends at the end of that file.
* A pattern list that holds only negations (``Match User !root``) never matches: sshd needs
  a positive match.
* ``MaxStartups`` is last-value-wins, unlike almost everything else.
* Relative paths are made absolute against the daemon's working directory, which is ``/``
  for a daemon started by init (so ``Banner etc/issue`` becomes ``//etc/issue``, as sshd
  prints it).

The tests in tests/checks/test_sshd_config_vs_sshd.py compare this module with the real
sshd on many configurations; that comparison, not this docstring, is the proof.

Deliberate differences, for an auditor that must not fall over on a newer sshd's files:
keywords and algorithm names unknown to the 9.2 tables are kept and reported in ``notes``
instead of being fatal; host names in ListenAddress are not resolved (no network);
``~`` is not expanded (we do not know the target's home directories).
"""

from __future__ import annotations

import errno
import glob as _glob
import os
import re
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

__all__ = [
    "ConfigSource",
    "EffectiveConfig",
    "LocalConfigSource",
    "MatchContext",
    "SshdConfigError",
    "parse_sshd_config",
    "parse_sshd_t_output",
]

#: sshd's SERVCONF_MAX_DEPTH: the main file is depth 0, so 16 nested Includes are allowed.
MAX_INCLUDE_DEPTH = 16
#: sshd's compiled-in SSHDIR, against which relative Include paths are resolved.
DEFAULT_SSHDIR = "/etc/ssh"
#: sshd's MAX_PORTS.
_MAX_PORTS = 256
#: Characters sshd treats as whitespace between tokens (misc.c WHITESPACE).
_WS = " \t\r\n"


# --------------------------------------------------------------------------------------
# Public types
# --------------------------------------------------------------------------------------


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


class ConfigSource(Protocol):
    """Where config files are read from: the local filesystem or (later) a remote host over SFTP."""

    def read_text(self, path: str) -> str:
        """The file's text; raises FileNotFoundError / PermissionError / OSError."""
        ...

    def glob(self, pattern: str) -> list[str]:
        """Sorted matches of a glob(3) pattern (no tilde expansion, like sshd's Include)."""
        ...


class LocalConfigSource:
    """ConfigSource for this machine's filesystem."""

    def read_text(self, path: str) -> str:
        # surrogateescape: a stray non-UTF-8 byte in a comment must not stop the audit.
        return Path(path).read_text(encoding="utf-8", errors="surrogateescape")

    def glob(self, pattern: str) -> list[str]:
        # glob(3) and Python's glob agree on what matters here: '*', '?', '[..]', no
        # match for leading dots, and a pattern without magic matches only if it exists.
        # Both also silently match nothing in a directory they cannot read; sshd runs as
        # root and would see the files, so say so instead of auditing half a config.
        parent = Path(pattern)
        while re.search(r"[*?[]", str(parent)):
            parent = parent.parent
        if parent.is_dir() and not os.access(parent, os.R_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(parent))
        return sorted(_glob.glob(pattern))


class SshdConfigError(Exception):
    """The configuration is one sshd would refuse; the message names the file and line."""


@dataclass(frozen=True)
class EffectiveConfig:
    """The effective configuration, shaped and normalised exactly like `sshd -T` output."""

    #: lowercase keyword -> one element per line `sshd -T` prints for it (text after the keyword)
    settings: dict[str, list[str]]
    #: keywords whose value came from built-in defaults, not from a file
    defaulted: frozenset[str]
    #: every file read, in order (main config + includes)
    files: tuple[str, ...]
    #: things an auditor should know, e.g. unknown keywords or Match criteria not evaluated
    notes: tuple[str, ...]


# --------------------------------------------------------------------------------------
# Tables taken from the real daemon (OpenSSH 9.2p1, Debian 12). When the target runs a
# different OpenSSH 9.x these are still the best available guess; newer algorithm names
# are kept verbatim (see _assemble_algorithms) rather than rejected.
# --------------------------------------------------------------------------------------

# `sshd -T -f <file with only a HostKey line>`, with the HostKey lines replaced by the
# defaults sshd fills in when no HostKey is configured.
_SSHD_T_DEFAULTS_TEXT = """\
port 22
addressfamily any
listenaddress [::]:22
listenaddress 0.0.0.0:22
usepam no
logingracetime 120
x11displayoffset 10
maxauthtries 6
maxsessions 10
clientaliveinterval 0
clientalivecountmax 3
requiredrsasize 1024
streamlocalbindmask 0177
unusedconnectiontimeout none
permitrootlogin without-password
ignorerhosts yes
ignoreuserknownhosts no
hostbasedauthentication no
hostbasedusesnamefrompacketonly no
pubkeyauthentication yes
kerberosauthentication no
kerberosorlocalpasswd yes
kerberosticketcleanup yes
gssapiauthentication no
gssapicleanupcredentials yes
gssapikeyexchange no
gssapistrictacceptorcheck yes
gssapistorecredentialsonrekey no
gssapikexalgorithms gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-
passwordauthentication yes
kbdinteractiveauthentication yes
printmotd yes
printlastlog yes
x11forwarding no
x11uselocalhost yes
permittty yes
permituserrc yes
strictmodes yes
tcpkeepalive yes
permitemptypasswords no
compression yes
gatewayports no
usedns no
allowtcpforwarding yes
allowagentforwarding yes
disableforwarding no
allowstreamlocalforwarding yes
streamlocalbindunlink no
fingerprinthash SHA256
exposeauthinfo no
pidfile /run/sshd.pid
modulifile /etc/ssh/moduli
xauthlocation /usr/bin/xauth
ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com
macs umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1
banner none
forcecommand none
chrootdirectory none
trustedusercakeys none
revokedkeys none
securitykeyprovider internal
authorizedprincipalsfile none
versionaddendum none
authorizedkeyscommand none
authorizedkeyscommanduser none
authorizedprincipalscommand none
authorizedprincipalscommanduser none
hostkeyagent none
kexalgorithms sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256
casignaturealgorithms ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256
hostbasedacceptedalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256
hostkeyalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256
pubkeyacceptedalgorithms ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256
loglevel INFO
syslogfacility AUTH
authorizedkeysfile .ssh/authorized_keys .ssh/authorized_keys2
hostkey /etc/ssh/ssh_host_rsa_key
hostkey /etc/ssh/ssh_host_ecdsa_key
hostkey /etc/ssh/ssh_host_ed25519_key
authenticationmethods any
maxstartups 10:30:100
persourcemaxstartups none
persourcenetblocksize 32:128
permittunnel no
ipqos lowdelay throughput
rekeylimit 0 0
permitopen any
permitlisten any
permituserenvironment no
pubkeyauthoptions none
"""

# Everything the binary supports (`ssh -Q cipher|mac|kex|key-sig|sig` of the same build):
# explicit lists and wildcards are matched against these, in this order, as
# kex_assemble_names() does.
_ALL_ALGORITHMS: dict[str, tuple[str, ...]] = {
    "cipher": tuple(
        "3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,aes128-ctr,aes192-ctr,aes256-ctr,"
        "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com".split(",")
    ),
    "mac": tuple(
        "hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,hmac-md5,hmac-md5-96,"
        "umac-64@openssh.com,umac-128@openssh.com,hmac-sha1-etm@openssh.com,"
        "hmac-sha1-96-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
        "hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,umac-64-etm@openssh.com,"
        "umac-128-etm@openssh.com".split(",")
    ),
    "kex": tuple(
        "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,diffie-hellman-group14-sha256,"
        "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
        "diffie-hellman-group-exchange-sha1,diffie-hellman-group-exchange-sha256,"
        "ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,curve25519-sha256,"
        "curve25519-sha256@libssh.org,sntrup761x25519-sha512,"
        "sntrup761x25519-sha512@openssh.com".split(",")
    ),
    "key": tuple(
        "ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,sk-ssh-ed25519@openssh.com,"
        "sk-ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256,"
        "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384,"
        "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521,"
        "ecdsa-sha2-nistp521-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
        "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,webauthn-sk-ecdsa-sha2-nistp256@openssh.com,"
        "ssh-dss,ssh-dss-cert-v01@openssh.com,ssh-rsa,ssh-rsa-cert-v01@openssh.com,"
        "rsa-sha2-256,rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512,"
        "rsa-sha2-512-cert-v01@openssh.com".split(",")
    ),
    "sig": tuple(
        "ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
        "ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,"
        "webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,rsa-sha2-256,"
        "rsa-sha2-512".split(",")
    ),
}

# Which "all" list each algorithm keyword is assembled against (servconf.c assemble_algorithms).
_ALGORITHM_KIND = {
    "ciphers": "cipher",
    "macs": "mac",
    "kexalgorithms": "kex",
    "hostkeyalgorithms": "key",
    "hostbasedacceptedalgorithms": "key",
    "pubkeyacceptedalgorithms": "key",
    "casignaturealgorithms": "sig",
}

# The order in which `sshd -T` prints (servconf.c dump_config, Debian 12 build).
_DUMP_ORDER = (
    "port addressfamily listenaddress usepam logingracetime x11displayoffset maxauthtries "
    "maxsessions clientaliveinterval clientalivecountmax requiredrsasize streamlocalbindmask "
    "unusedconnectiontimeout permitrootlogin ignorerhosts ignoreuserknownhosts "
    "hostbasedauthentication hostbasedusesnamefrompacketonly pubkeyauthentication "
    "kerberosauthentication kerberosorlocalpasswd kerberosticketcleanup gssapiauthentication "
    "gssapicleanupcredentials gssapikeyexchange gssapistrictacceptorcheck "
    "gssapistorecredentialsonrekey gssapikexalgorithms passwordauthentication "
    "kbdinteractiveauthentication printmotd printlastlog x11forwarding x11uselocalhost "
    "permittty permituserrc strictmodes tcpkeepalive permitemptypasswords compression "
    "gatewayports usedns allowtcpforwarding allowagentforwarding disableforwarding "
    "allowstreamlocalforwarding streamlocalbindunlink fingerprinthash exposeauthinfo pidfile "
    "modulifile xauthlocation ciphers macs banner forcecommand chrootdirectory "
    "trustedusercakeys revokedkeys securitykeyprovider authorizedprincipalsfile "
    "versionaddendum authorizedkeyscommand authorizedkeyscommanduser "
    "authorizedprincipalscommand authorizedprincipalscommanduser hostkeyagent kexalgorithms "
    "casignaturealgorithms hostbasedacceptedalgorithms hostkeyalgorithms "
    "pubkeyacceptedalgorithms loglevel syslogfacility authorizedkeysfile hostkey "
    "hostcertificate allowusers denyusers allowgroups denygroups acceptenv setenv "
    "authenticationmethods logverbose channeltimeout subsystem maxstartups "
    "persourcemaxstartups persourcenetblocksize permittunnel ipqos rekeylimit permitopen "
    "permitlisten permituserenvironment pubkeyauthoptions"
).split()

# Options that sshd resets to NULL when they say "none" (fill_default_server_options
# CLEAR_ON_NONE); dump_config prints NULL as "none", whatever case the file used.
_CLEAR_ON_NONE = frozenset(
    "pidfile xauthlocation banner trustedusercakeys revokedkeys securitykeyprovider "
    "authorizedprincipalsfile forcecommand chrootdirectory hostkeyagent".split()
)

# Multi-state values: accepted word (any case) -> the word dump_config prints for its value.
# Several words share a value and sshd prints the first one of its table, which is why
# `PermitRootLogin prohibit-password` is printed as `without-password`.
_YES_NO = {"yes": "yes", "no": "no"}
_MULTISTATE: dict[str, dict[str, str]] = {
    "addressfamily": {"inet": "inet", "inet6": "inet6", "any": "any"},
    "permitrootlogin": {
        "without-password": "without-password",
        "prohibit-password": "without-password",
        "forced-commands-only": "forced-commands-only",
        "yes": "yes",
        "no": "no",
    },
    "ignorerhosts": {"yes": "yes", "no": "no", "shosts-only": "shosts-only"},
    "compression": {"yes": "yes", "delayed": "yes", "no": "no"},
    "gatewayports": {"clientspecified": "clientspecified", "yes": "yes", "no": "no"},
    "allowtcpforwarding": {"yes": "yes", "all": "yes", "no": "no", "remote": "remote", "local": "local"},
    "allowstreamlocalforwarding": {"yes": "yes", "all": "yes", "no": "no", "remote": "remote", "local": "local"},
}
_LOG_LEVELS = {
    "quiet": "SILENT", "silent": "SILENT", "fatal": "FATAL", "error": "ERROR", "info": "INFO",
    "verbose": "VERBOSE", "debug": "DEBUG", "debug1": "DEBUG", "debug2": "DEBUG2", "debug3": "DEBUG3",
}
_LOG_FACILITIES = frozenset(
    "daemon user auth authpriv local0 local1 local2 local3 local4 local5 local6 local7".split()
)
_DIGESTS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384", "sha512": "SHA512"}
# misc.c ipqos[]: the first name with a value is the one printed (so "reliability" prints "le").
_IPQOS = (
    ("none", 0x7FFFFFFF), ("af11", 0x28), ("af12", 0x30), ("af13", 0x38), ("af21", 0x48),
    ("af22", 0x50), ("af23", 0x58), ("af31", 0x68), ("af32", 0x70), ("af33", 0x78),
    ("af41", 0x88), ("af42", 0x90), ("af43", 0x98), ("cs0", 0x00), ("cs1", 0x20),
    ("cs2", 0x40), ("cs3", 0x60), ("cs4", 0x80), ("cs5", 0xA0), ("cs6", 0xC0), ("cs7", 0xE0),
    ("ef", 0xB8), ("le", 0x04), ("lowdelay", 0x10), ("throughput", 0x08), ("reliability", 0x04),
)
_PERMIT_TUNNEL = frozenset({"no", "point-to-point", "ethernet", "yes"})  # compared case-sensitively


# --------------------------------------------------------------------------------------
# Tokenising, exactly as misc.c does it
# --------------------------------------------------------------------------------------


def _strdelim(text: str | None) -> tuple[str | None, str | None]:
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
        return unquoted[:j], unquoted[j + 1 :].lstrip(_WS)
    rest = text[i + 1 :].lstrip(_WS)
    if text[i] != "=" and rest.startswith("="):
        rest = rest[1:].lstrip(_WS)  # "Keyword = value": only one '=' may be skipped
    return text[:i], rest


def _argv_split(text: str) -> list[str] | None:
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
# Value parsers (misc.c), each returning None where the C function reports an error
# --------------------------------------------------------------------------------------

_C_INT_MAX = 2**31 - 1


def _convtime(text: str) -> int | None:
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


def _atoi(text: str) -> int | None:
    """misc.c atoi_err(): a decimal in [0, INT_MAX], the whole string."""
    m = re.fullmatch(r"[ \t\n\r\f\v]*([+-]?\d+)", text)
    if m is None:
        return None
    value = int(m.group(1))
    return value if 0 <= value <= _C_INT_MAX else None


def _strtol(text: str, base: int) -> int | None:
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


def _a2port(text: str) -> int | None:
    """misc.c a2port(): 0..65535 or a /etc/services name."""
    m = re.fullmatch(r"[ \t\n\r\f\v]*([+-]?\d+)", text)
    if m is not None:
        value = int(m.group(1))
        return value if 0 <= value <= 65535 else None
    try:
        # A local file lookup (/etc/services), as sshd's getservbyname(); never the network.
        return socket.getservbyname(text, "tcp")
    except OSError:
        return None


def _scan_scaled(text: str) -> int | None:
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


def _parse_ipqos(text: str) -> int | None:
    """misc.c parse_ipqos(): a name from the table or a number 0..255."""
    for name, value in _IPQOS:
        if text.lower() == name:
            return value
    value = _strtol(text, 0)
    return value if value is not None and 0 <= value <= 255 else None


def _iptos2str(value: int) -> str:
    """misc.c iptos2str(): first table name with this value, else hex."""
    for name, known in _IPQOS:
        if known == value:
            return name
    return f"0x{value:02x}"


def _derelativise(path: str, notes: "_Notes", where: str) -> str:
    """servconf.c derelativise_path(), with sshd's working directory taken to be "/".

    A daemon started by init or systemd runs in "/", and sshd builds "cwd + '/' + path",
    hence the double slash it prints for relative paths.
    """
    if path.lower() == "none":
        return "none"
    if path.startswith("~"):
        notes.add(f"{where}: '~' in {path!r} not expanded (the target's home directories are unknown)")
        return path
    return path if path.startswith("/") else "//" + path


# --------------------------------------------------------------------------------------
# Pattern matching (match.c, addrmatch.c)
# --------------------------------------------------------------------------------------


def _match_pattern(string: str, pattern: str) -> bool:
    """match.c match_pattern(): '*' and '?' wildcards, nothing else."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, string, re.S) is not None


def _match_pattern_list(string: str, patterns: str, dolower: bool = False) -> int:
    """match.c match_pattern_list(): 1 positive match, -1 negated match, 0 no match."""
    got_positive = 0
    for sub in patterns.split(","):
        negated = sub.startswith("!")
        if negated:
            sub = sub[1:]
        if dolower:
            sub = sub.lower()
        if _match_pattern(string, sub):
            if negated:
                return -1  # a negated match wins outright
            got_positive = 1
    return got_positive


def _parse_numeric_addr(text: str) -> tuple[int, bytes] | None:
    """addrmatch.c addr_pton(): a numeric address via getaddrinfo(AI_NUMERICHOST) (no DNS)."""
    try:
        info = socket.getaddrinfo(text, None, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    family, _, _, _, sockaddr = info[0]
    return family, socket.inet_pton(family, sockaddr[0].split("%")[0])


def _parse_cidr(text: str) -> tuple[int, bytes, int] | None | str:
    """addrmatch.c addr_pton_cidr(): (family, bytes, masklen); None if not an address; "bad" if invalid."""
    if len(text) >= 64:
        return None
    addr, slash, mask = text.partition("/")
    if slash and not re.fullmatch(r"\d+", mask):
        return None
    masklen = int(mask) if slash else -1
    if masklen > 128:
        return None
    parsed = _parse_numeric_addr(addr)
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


def _addr_match_list(addr: str | None, patterns: str) -> int:
    """addrmatch.c addr_match_list(): 1 match, -1 negated match, 0 none, -2 invalid list."""
    target = _parse_numeric_addr(addr) if addr is not None else None
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
            hit = addr is not None and _match_pattern(addr, entry)
        if hit:
            if negated:
                return -1
            result = 1
    return result


def _in_network(target: tuple[int, bytes], network: tuple[int, bytes, int]) -> bool:
    family, raw, masklen = network
    if target[0] != family:
        return False
    bits = len(raw) * 8
    shift = bits - masklen
    return int.from_bytes(target[1], "big") >> shift == int.from_bytes(raw, "big") >> shift


# --------------------------------------------------------------------------------------
# Parser state
# --------------------------------------------------------------------------------------


class _Notes:
    """Ordered, de-duplicated notes (both passes see every line, notes must appear once)."""

    def __init__(self) -> None:
        self._items: dict[str, None] = {}

    def add(self, text: str) -> None:
        self._items.setdefault(text, None)

    def as_tuple(self) -> tuple[str, ...]:
        return tuple(self._items)


@dataclass
class _State:
    """One ServerOptions: option name -> value as parsed (unset options are absent)."""

    notes: _Notes
    vals: dict[str, Any] = field(default_factory=dict)
    #: ListenAddress lines (host, port, rdomain, where), queued until all Ports are known
    #: (servconf.c queue_listen_addr)
    listen: list[tuple[str | None, int, str | None, str]] = field(default_factory=list)
    #: unknown keywords, kept as written (first value wins)
    unknown: dict[str, list[str]] = field(default_factory=dict)

    def set_first(self, name: str, value: Any, active: bool) -> None:
        """The rule for nearly every option: only an active line, only if not set yet."""
        if active and name not in self.vals:
            self.vals[name] = value


@dataclass
class _Directive:
    """One configuration line, split like servconf.c does, with an argument cursor."""

    keyword: str  # as written, for messages
    name: str  # canonical option name (what sshd -T prints)
    args: list[str]
    rest: str  # the raw text after the keyword (ForceCommand & co. keep it verbatim)
    file: str
    line: int
    pos: int = 0

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}"

    def error(self, message: str) -> SshdConfigError:
        return SshdConfigError(f"{self.where}: {message}")

    def next(self) -> str | None:
        if self.pos >= len(self.args):
            return None
        self.pos += 1
        return self.args[self.pos - 1]

    def need(self, what: str = "argument") -> str:
        """The next argument; a missing or empty one is the error sshd reports."""
        arg = self.next()
        if arg is None or arg == "":
            raise self.error(f"{self.keyword} missing {what}.")
        return arg

    def remaining(self) -> int:
        return len(self.args) - self.pos

    def consume_all(self) -> list[str]:
        taken, self.pos = self.args[self.pos :], len(self.args)
        return taken


Handler = Callable[[_State, _Directive, bool], None]


@dataclass(frozen=True)
class _Keyword:
    name: str  # canonical option name
    handler: Handler
    in_match: bool  # SSHCFG_ALL (allowed inside Match) vs SSHCFG_GLOBAL


# --------------------------------------------------------------------------------------
# Handlers: one per kind of option, mirroring process_server_config_line_depth()
# --------------------------------------------------------------------------------------


def _multistate(table: dict[str, str]) -> Handler:
    def handle(st: _State, d: _Directive, active: bool) -> None:
        arg = d.need()
        if arg.lower() not in table:
            raise d.error(f'unsupported option "{arg}".')
        st.set_first(d.name, table[arg.lower()], active)

    return handle


_flag = _multistate(_YES_NO)


def _h_int(st: _State, d: _Directive, active: bool) -> None:
    arg = d.next() or ""
    value = _atoi(arg)
    if value is None:
        raise d.error(f"{d.keyword} invalid integer value {arg!r}.")
    st.set_first(d.name, value, active)


def _h_time(st: _State, d: _Directive, active: bool) -> None:
    value = _convtime(d.need("time value"))
    if value is None:
        raise d.error("invalid time value.")
    st.set_first(d.name, value, active)


def _h_string(st: _State, d: _Directive, active: bool) -> None:
    st.set_first(d.name, d.need(), active)


def _h_filename(st: _State, d: _Directive, active: bool) -> None:
    st.set_first(d.name, _derelativise(d.need("file name"), st.notes, d.where), active)


def _h_tilde_filename(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    if arg.startswith("~"):
        st.notes.add(f"{d.where}: '~' in {arg!r} not expanded (the target's home directories are unknown)")
    st.set_first(d.name, arg, active)


def _h_hostkeyagent(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need("socket name")
    value = arg if arg == "SSH_AUTH_SOCK" else _derelativise(arg, st.notes, d.where)
    st.set_first(d.name, value, active)


def _h_sk_provider(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    value = arg if arg.lower() == "internal" else _derelativise(arg, st.notes, d.where)
    st.set_first(d.name, value, active)


def _h_rest_of_line(st: _State, d: _Directive, active: bool) -> None:
    """ForceCommand / VersionAddendum: the raw rest of the line, comments and all."""
    d.consume_all()
    value = d.rest.lstrip(_WS)
    if d.name == "versionaddendum" and value.lower() == "none":
        value = "none"
    st.set_first(d.name, value, active)


def _h_command(st: _State, d: _Directive, active: bool) -> None:
    """AuthorizedKeysCommand / AuthorizedPrincipalsCommand: an absolute path or "none"."""
    d.consume_all()
    value = d.rest.lstrip(_WS)
    if not value.startswith("/") and value.lower() != "none":
        raise d.error(f"{d.keyword} must be an absolute path")
    # servconf.c tests authorized_keys_command for *both* keywords (an upstream slip), so
    # AuthorizedPrincipalsCommand is ignored once AuthorizedKeysCommand is set, and is
    # last-value-wins until then.
    if active and "authorizedkeyscommand" not in st.vals:
        st.vals[d.name] = value


def _h_loglevel(st: _State, d: _Directive, active: bool) -> None:
    arg = d.next() or ""
    if arg.lower() not in _LOG_LEVELS:
        raise d.error(f"unsupported log level '{arg}'")
    st.set_first(d.name, _LOG_LEVELS[arg.lower()], active)


def _h_facility(st: _State, d: _Directive, active: bool) -> None:
    arg = d.next() or ""
    if arg.lower() not in _LOG_FACILITIES:
        raise d.error(f"unsupported log facility '{arg}'")
    st.set_first(d.name, arg.upper(), True)  # sshd does not look at the Match state here


def _h_permittunnel(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    if arg not in _PERMIT_TUNNEL:  # strcmp: "YES" is an error here, unlike elsewhere
        raise d.error(f"bad {d.keyword} argument {arg}")
    st.set_first(d.name, arg, active)


def _h_permituserenv(st: _State, d: _Directive, active: bool) -> None:
    # "yes"/"no" compared case-sensitively; anything else is a pattern-list printed as is.
    st.set_first(d.name, d.need(), active)


def _h_pubkeyauthoptions(st: _State, d: _Directive, active: bool) -> None:
    flags: set[str] = set()
    for arg in d.consume_all():
        if arg.lower() in ("touch-required", "verify-required"):
            flags.add(arg.lower())
        elif arg.lower() != "none":
            raise d.error(f"unsupported {d.keyword} option {arg}")
    printed = " ".join(f for f in ("touch-required", "verify-required") if f in flags) or "none"
    st.set_first(d.name, printed, active)


def _h_algorithms(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    _check_algorithms(d, arg, st.notes)
    # Ciphers/MACs/KexAlgorithms ignore the Match state in servconf.c, but they are
    # global-only, so that never shows.
    st.set_first(d.name, arg, active)


def _check_algorithms(d: _Directive, arg: str, notes: _Notes) -> None:
    """The validity checks sshd makes before storing an algorithm list ('-' lists are not checked)."""
    if arg.startswith("-"):
        return
    names = arg[1:] if arg[:1] in "+^" else arg
    known = _ALL_ALGORITHMS[_ALGORITHM_KIND[d.name]]
    wildcards_ok = _ALGORITHM_KIND[d.name] in ("key", "sig")
    for name in names.split(","):
        if not name:
            continue
        if any(c in name for c in "*?!"):
            if not wildcards_ok:
                raise d.error(f"Bad {d.keyword} spec '{arg}'.")
            if not any(_match_pattern_list(k, name) != 0 for k in known):
                notes.add(f"{d.where}: {d.keyword} pattern {name!r} matches no algorithm known to OpenSSH 9.2")
        elif name not in known:
            notes.add(f"{d.where}: {d.keyword} {name!r} is not an algorithm known to OpenSSH 9.2; kept as is")


def _h_append(st: _State, d: _Directive, active: bool) -> None:
    """AllowUsers, DenyUsers, AllowGroups, DenyGroups, AcceptEnv: every active line adds."""
    args = d.consume_all()
    for arg in args:
        if arg == "":
            raise d.error(f"empty {d.keyword} pattern")
        if d.name == "acceptenv" and "=" in arg:
            raise d.error("Invalid environment name.")
    if active and args:
        st.vals.setdefault(d.name, []).extend(args)


def _h_append_path(st: _State, d: _Directive, active: bool) -> None:
    """HostKey, HostCertificate: one file per line, every active line adds."""
    path = _derelativise(d.need("file name"), st.notes, d.where)
    if active:
        st.vals.setdefault(d.name, []).append(path)


def _h_first_line(st: _State, d: _Directive, active: bool) -> None:
    """AuthorizedKeysFile, LogVerbose, ChannelTimeout: the first active line wins, whole."""
    args = d.consume_all()
    if not args or any(a == "" for a in args):
        raise d.error(f"keyword {d.keyword} empty argument")
    for arg in args:
        if d.name == "authorizedkeysfile" and arg.startswith("~"):
            st.notes.add(f"{d.where}: '~' in {arg!r} not expanded (the target's home directories are unknown)")
    st.set_first(d.name, args, active)


_AUTH_METHODS = frozenset(
    "none publickey password keyboard-interactive hostbased gssapi-with-mic gssapi-keyex".split()
)


def _h_authmethods(st: _State, d: _Directive, active: bool) -> None:
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
        elif any(m.split(":", 1)[0] not in _AUTH_METHODS for m in arg.split(",")):
            raise d.error(f"invalid {d.keyword} method list.")
        if store and active:
            methods.append(arg)
    if store and active:
        st.vals[d.name] = methods


def _h_setenv(st: _State, d: _Directive, active: bool) -> None:
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


def _h_permitopen(st: _State, d: _Directive, active: bool) -> None:
    """PermitOpen / PermitListen: "any", "none" or host:port list; first active line wins."""
    first = d.need()
    if first in ("any", "none"):
        st.set_first(d.name, [first], active)
        return
    values = []
    for arg in [first, *d.consume_all()]:
        if d.name == "permitlisten" and ":" not in arg:
            arg = "*:" + arg  # a bare port means any listen address
        host, sep, port = _hpdelim(arg)
        if host is None or not sep:
            raise d.error(f"{d.keyword} missing host" if host is None else f"{d.keyword} bad port number")
        if port != "*" and not (_a2port(port) or 0) > 0:
            raise d.error(f"{d.keyword} bad port number")
        values.append(arg)
    st.set_first(d.name, values, active)


def _h_maxstartups(st: _State, d: _Directive, active: bool) -> None:
    """MaxStartups: sscanf("%d:%d:%d") straight into the options, so the LAST line wins."""
    arg = d.need()
    m = re.match(r"[ \t\n]*([+-]?\d+)(?::[ \t\n]*([+-]?\d+)(?::[ \t\n]*([+-]?\d+))?)?", arg)
    if m is None:
        raise d.error(f"Invalid {d.keyword} spec.")
    begin, rate, full = (None if g is None else int(g) for g in m.groups())
    old = st.vals.get(d.name, (None, None, None))
    if full is not None:
        if begin > full or not 1 <= rate <= 100:
            raise d.error(f"Invalid {d.keyword} spec.")
        st.vals[d.name] = (begin, rate, full)
    elif rate is not None:
        raise d.error(f"Invalid {d.keyword} spec.")
    else:
        st.vals[d.name] = (begin, old[1], begin)  # "MaxStartups 5" keeps an earlier rate


def _h_persource_max(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    value = "none" if arg == "none" else _atoi(arg)
    if value is None:
        raise d.error(f"{d.keyword} invalid integer value.")
    if active:  # last value wins
        st.vals[d.name] = str(value)


def _h_persource_netblock(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    m = re.match(r"[ \t\n]*([+-]?\d+)(?::[ \t\n]*([+-]?\d+))?", arg)
    v4 = int(m.group(1)) if m else -1
    v6 = int(m.group(2)) if m and m.group(2) is not None else 0
    if not 0 <= v4 <= 32 or not 0 <= v6 <= 128:
        raise d.error(f"Invalid {d.keyword} spec.")
    if active:  # last value wins; with one number the IPv6 length is left at 0 as sshd 9.2 prints it
        st.vals[d.name] = f"{v4}:{v6}"


def _h_ipqos(st: _State, d: _Directive, active: bool) -> None:
    first = d.need()
    interactive = _parse_ipqos(first)
    second = d.next()
    bulk = interactive if second is None else _parse_ipqos(second)
    if interactive is None or bulk is None:
        raise d.error(f"Bad {d.keyword} value: {first if interactive is None else second}")
    if active:  # last value wins
        st.vals[d.name] = f"{_iptos2str(interactive)} {_iptos2str(bulk)}"


def _h_rekeylimit(st: _State, d: _Directive, active: bool) -> None:
    """RekeyLimit <size>|default [<time>|none]; the two halves are separate options."""
    arg = d.need()
    limit = 0 if arg == "default" else _scan_scaled(arg)
    if limit is None or 0 < limit < 16:
        raise d.error(f"Bad {d.keyword} number '{arg}'")
    st.set_first("rekeylimit.size", limit, active)
    interval = d.next()
    if interval is None or interval == "none":
        return
    seconds = _convtime(interval)
    if seconds is None:
        raise d.error("invalid time value.")
    st.set_first("rekeylimit.time", seconds, active)


def _h_bindmask(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    value = _strtol(arg, 8)
    if value is None or not 0 <= value <= 0o777:
        raise d.error(f"Invalid {d.keyword}.")
    if active:  # last value wins
        st.vals[d.name] = f"0{value:o}"


def _h_fingerprinthash(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    if arg.lower() not in _DIGESTS:
        raise d.error(f'Invalid {d.keyword} algorithm "{arg}".')
    if active:  # last value wins
        st.vals[d.name] = _DIGESTS[arg.lower()]


def _h_unused_timeout(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need()
    if arg.lower() == "none":
        if active:
            st.vals[d.name] = 0
        return
    _h_time(st, _Directive(d.keyword, d.name, [arg], d.rest, d.file, d.line), active)


def _h_port(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need("port number")
    port = _a2port(arg)
    if port is None or port <= 0:
        raise d.error("Badly formatted port number.")
    ports = st.vals.setdefault(d.name, [])
    if len(ports) >= _MAX_PORTS:
        raise d.error("too many ports.")
    ports.append(port)


def _hpdelim(text: str) -> tuple[str | None, str, str]:
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


def _h_listenaddress(st: _State, d: _Directive, active: bool) -> None:
    arg = d.need("address")
    if "[" not in arg and arg.count(":") >= 2:
        host, port = arg, 0  # a bare IPv6 address
    else:
        parsed_host, sep, port_text = _hpdelim(arg)
        if parsed_host is None:
            raise d.error("bad address:port usage")
        host, port = parsed_host, 0
        if sep:
            port = _a2port(port_text) or 0
            if port <= 0:
                raise d.error("bad port number")
    rdomain = None
    extra = d.next()
    if extra is not None:
        rdomain = d.next()
        if extra != "rdomain" or rdomain is None:
            raise d.error("bad ListenAddress syntax")
    st.listen.append((host, port, rdomain, d.where))


def _h_subsystem(st: _State, d: _Directive, active: bool) -> None:
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


def _h_rdomain(st: _State, d: _Directive, active: bool) -> None:
    d.need()
    st.notes.add(f"{d.where}: RDomain is only supported on OpenBSD; sshd on Linux refuses it")


def _deprecated(kind: str) -> Handler:
    def handle(st: _State, d: _Directive, active: bool) -> None:
        d.consume_all()
        if kind:
            st.notes.add(f"{d.where}: {kind} option {d.keyword} (ignored by sshd)")

    return handle


# keyword (lowercase, as accepted in files) -> (canonical option, handler, allowed in Match).
# Source: servconf.c keywords[] of the Debian 12 build (9.2p1 plus Debian's GSSAPI
# key-exchange patch and the backported ChannelTimeout/UnusedConnectionTimeout); the Match
# column was verified keyword by keyword against the real sshd.
_G, _A = False, True
_KEYWORD_SPECS: dict[str, tuple[str, Handler, bool]] = {
    "usepam": ("usepam", _flag, _G),
    "port": ("port", _h_port, _G),
    "hostkey": ("hostkey", _h_append_path, _G),
    "hostdsakey": ("hostkey", _h_append_path, _G),
    "hostkeyagent": ("hostkeyagent", _h_hostkeyagent, _G),
    "pidfile": ("pidfile", _h_filename, _G),
    "modulifile": ("modulifile", _h_filename, _G),
    "logingracetime": ("logingracetime", _h_time, _G),
    "permitrootlogin": ("permitrootlogin", _multistate(_MULTISTATE["permitrootlogin"]), _A),
    "syslogfacility": ("syslogfacility", _h_facility, _G),
    "loglevel": ("loglevel", _h_loglevel, _A),
    "logverbose": ("logverbose", _h_first_line, _A),
    "hostbasedauthentication": ("hostbasedauthentication", _flag, _A),
    "hostbasedusesnamefrompacketonly": ("hostbasedusesnamefrompacketonly", _flag, _A),
    "hostbasedacceptedalgorithms": ("hostbasedacceptedalgorithms", _h_algorithms, _A),
    "hostbasedacceptedkeytypes": ("hostbasedacceptedalgorithms", _h_algorithms, _A),
    "hostkeyalgorithms": ("hostkeyalgorithms", _h_algorithms, _G),
    "pubkeyauthentication": ("pubkeyauthentication", _flag, _A),
    "dsaauthentication": ("pubkeyauthentication", _flag, _G),
    "pubkeyacceptedalgorithms": ("pubkeyacceptedalgorithms", _h_algorithms, _A),
    "pubkeyacceptedkeytypes": ("pubkeyacceptedalgorithms", _h_algorithms, _A),
    "pubkeyauthoptions": ("pubkeyauthoptions", _h_pubkeyauthoptions, _A),
    "kerberosauthentication": ("kerberosauthentication", _flag, _A),
    "kerberosorlocalpasswd": ("kerberosorlocalpasswd", _flag, _G),
    "kerberosticketcleanup": ("kerberosticketcleanup", _flag, _G),
    "gssapiauthentication": ("gssapiauthentication", _flag, _A),
    "gssapicleanupcredentials": ("gssapicleanupcredentials", _flag, _G),
    "gssapicleanupcreds": ("gssapicleanupcredentials", _flag, _G),
    "gssapistrictacceptorcheck": ("gssapistrictacceptorcheck", _flag, _G),
    "gssapikeyexchange": ("gssapikeyexchange", _flag, _G),
    "gssapistorecredentialsonrekey": ("gssapistorecredentialsonrekey", _flag, _G),
    "gssapikexalgorithms": ("gssapikexalgorithms", _h_string, _G),
    "passwordauthentication": ("passwordauthentication", _flag, _A),
    "kbdinteractiveauthentication": ("kbdinteractiveauthentication", _flag, _A),
    "challengeresponseauthentication": ("kbdinteractiveauthentication", _flag, _A),
    "skeyauthentication": ("kbdinteractiveauthentication", _flag, _A),
    "listenaddress": ("listenaddress", _h_listenaddress, _G),
    "addressfamily": ("addressfamily", _multistate(_MULTISTATE["addressfamily"]), _G),
    "printmotd": ("printmotd", _flag, _G),
    "printlastlog": ("printlastlog", _flag, _G),
    "ignorerhosts": ("ignorerhosts", _multistate(_MULTISTATE["ignorerhosts"]), _A),
    "ignoreuserknownhosts": ("ignoreuserknownhosts", _flag, _G),
    "x11forwarding": ("x11forwarding", _flag, _A),
    "x11displayoffset": ("x11displayoffset", _h_int, _A),
    "x11uselocalhost": ("x11uselocalhost", _flag, _A),
    "xauthlocation": ("xauthlocation", _h_filename, _G),
    "strictmodes": ("strictmodes", _flag, _G),
    "permitemptypasswords": ("permitemptypasswords", _flag, _A),
    "permituserenvironment": ("permituserenvironment", _h_permituserenv, _G),
    "compression": ("compression", _multistate(_MULTISTATE["compression"]), _G),
    "rekeylimit": ("rekeylimit", _h_rekeylimit, _A),
    "tcpkeepalive": ("tcpkeepalive", _flag, _G),
    "keepalive": ("tcpkeepalive", _flag, _G),
    "allowtcpforwarding": ("allowtcpforwarding", _multistate(_MULTISTATE["allowtcpforwarding"]), _A),
    "allowagentforwarding": ("allowagentforwarding", _flag, _A),
    "allowusers": ("allowusers", _h_append, _A),
    "denyusers": ("denyusers", _h_append, _A),
    "allowgroups": ("allowgroups", _h_append, _A),
    "denygroups": ("denygroups", _h_append, _A),
    "ciphers": ("ciphers", _h_algorithms, _G),
    "macs": ("macs", _h_algorithms, _G),
    "gatewayports": ("gatewayports", _multistate(_MULTISTATE["gatewayports"]), _A),
    "subsystem": ("subsystem", _h_subsystem, _G),
    "maxstartups": ("maxstartups", _h_maxstartups, _G),
    "persourcemaxstartups": ("persourcemaxstartups", _h_persource_max, _G),
    "persourcenetblocksize": ("persourcenetblocksize", _h_persource_netblock, _G),
    "maxauthtries": ("maxauthtries", _h_int, _A),
    "maxsessions": ("maxsessions", _h_int, _A),
    "banner": ("banner", _h_filename, _A),
    "usedns": ("usedns", _flag, _G),
    "clientaliveinterval": ("clientaliveinterval", _h_time, _A),
    "clientalivecountmax": ("clientalivecountmax", _h_int, _A),
    "authorizedkeysfile": ("authorizedkeysfile", _h_first_line, _A),
    "acceptenv": ("acceptenv", _h_append, _A),
    "setenv": ("setenv", _h_setenv, _A),
    "permittunnel": ("permittunnel", _h_permittunnel, _A),
    "permittty": ("permittty", _flag, _A),
    "permituserrc": ("permituserrc", _flag, _A),
    "permitopen": ("permitopen", _h_permitopen, _A),
    "permitlisten": ("permitlisten", _h_permitopen, _A),
    "forcecommand": ("forcecommand", _h_rest_of_line, _A),
    "chrootdirectory": ("chrootdirectory", _h_string, _A),
    "hostcertificate": ("hostcertificate", _h_append_path, _G),
    "revokedkeys": ("revokedkeys", _h_filename, _A),
    "trustedusercakeys": ("trustedusercakeys", _h_filename, _A),
    "authorizedprincipalsfile": ("authorizedprincipalsfile", _h_tilde_filename, _A),
    "kexalgorithms": ("kexalgorithms", _h_algorithms, _G),
    "casignaturealgorithms": ("casignaturealgorithms", _h_algorithms, _A),
    "ipqos": ("ipqos", _h_ipqos, _A),
    "authorizedkeyscommand": ("authorizedkeyscommand", _h_command, _A),
    "authorizedkeyscommanduser": ("authorizedkeyscommanduser", _h_string, _A),
    "authorizedprincipalscommand": ("authorizedprincipalscommand", _h_command, _A),
    "authorizedprincipalscommanduser": ("authorizedprincipalscommanduser", _h_string, _A),
    "versionaddendum": ("versionaddendum", _h_rest_of_line, _G),
    "authenticationmethods": ("authenticationmethods", _h_authmethods, _A),
    "streamlocalbindmask": ("streamlocalbindmask", _h_bindmask, _A),
    "streamlocalbindunlink": ("streamlocalbindunlink", _flag, _A),
    "allowstreamlocalforwarding": (
        "allowstreamlocalforwarding", _multistate(_MULTISTATE["allowstreamlocalforwarding"]), _A),
    "fingerprinthash": ("fingerprinthash", _h_fingerprinthash, _G),
    "disableforwarding": ("disableforwarding", _flag, _A),
    "exposeauthinfo": ("exposeauthinfo", _flag, _A),
    "rdomain": ("rdomain", _h_rdomain, _A),
    "securitykeyprovider": ("securitykeyprovider", _h_sk_provider, _G),
    "requiredrsasize": ("requiredrsasize", _h_int, _A),
    "channeltimeout": ("channeltimeout", _h_first_line, _A),
    "unusedconnectiontimeout": ("unusedconnectiontimeout", _h_unused_timeout, _A),
    "debianbanner": ("debianbanner", _flag, _G),  # Debian only; sshd -T does not print it
    # Accepted, logged and ignored by sshd.
    "pamauthenticationviakbdint": ("", _deprecated("Deprecated"), _G),
    "serverkeybits": ("", _deprecated("Deprecated"), _G),
    "keyregenerationinterval": ("", _deprecated("Deprecated"), _G),
    "rhostsauthentication": ("", _deprecated("Deprecated"), _G),
    "rhostsrsaauthentication": ("", _deprecated("Deprecated"), _A),
    "rsaauthentication": ("", _deprecated("Deprecated"), _A),
    "checkmail": ("", _deprecated("Deprecated"), _G),
    "uselogin": ("", _deprecated("Deprecated"), _G),
    "verifyreversemapping": ("", _deprecated("Deprecated"), _G),
    "reversemappingcheck": ("", _deprecated("Deprecated"), _G),
    "authorizedkeysfile2": ("", _deprecated("Deprecated"), _A),
    "useprivilegeseparation": ("", _deprecated("Deprecated"), _G),
    "permitblacklistedkeys": ("", _deprecated("Deprecated"), _G),
    "kerberosgetafstoken": ("", _deprecated("Unsupported"), _G),
    "kerberostgtpassing": ("", _deprecated("Unsupported"), _G),
    "afstokenpassing": ("", _deprecated("Unsupported"), _G),
    "gssusesessionccache": ("", _deprecated("Unsupported"), _G),
    "gssapiusesessioncredcache": ("", _deprecated("Unsupported"), _G),
    "protocol": ("", _deprecated(""), _G),  # sIgnore: silently ignored
}
_KEYWORDS = {word: _Keyword(name, handler, in_match) for word, (name, handler, in_match) in _KEYWORD_SPECS.items()}
# Options that the per-connection pass copies over the global ones: every field that a
# Match block may set (servconf.c copy_set_server_options, checked against sshd one by one).
_MATCH_COPIED = frozenset(kw.name for kw in _KEYWORDS.values() if kw.in_match and kw.name) | {
    "rekeylimit.size", "rekeylimit.time",
}


# --------------------------------------------------------------------------------------
# Walking the files: Include and Match (servconf.c parse_server_config_depth)
# --------------------------------------------------------------------------------------

# Include flags, as in servconf.c.
_NEVERMATCH = 0x04  # included from an inactive Match block: its Match lines can never match
_MATCH_ONLY = 0x08  # per-connection pass, before the file's first Match line


class _Loader:
    """Reads files and expands Include globs once, caching both like sshd's include list."""

    def __init__(self, source: ConfigSource) -> None:
        self.source = source
        self.files: list[str] = []
        self._texts: dict[str, list[str]] = {}
        self._globs: dict[str, list[str]] = {}

    def lines(self, path: str, where: str | None = None) -> list[str]:
        """The file's lines, leading whitespace stripped as load_server_config() does."""
        if path not in self._texts:
            try:
                text = self.source.read_text(path)
            except IsADirectoryError:
                text = ""  # sshd reads a directory as an empty file
            except OSError as exc:
                # Propagated as is: callers tell "missing" from "unreadable" (not root) by type.
                if where is not None:
                    exc.add_note(f"included from {where}")
                raise
            self._texts[path] = [line.lstrip(" \t\r") for line in text.split("\n")]
            self.files.append(path)
        return self._texts[path]

    def glob(self, pattern: str, where: str) -> list[str]:
        if pattern not in self._globs:
            try:
                self._globs[pattern] = list(self.source.glob(pattern))
            except OSError as exc:
                exc.add_note(f"Include at {where}")
                raise
        return self._globs[pattern]


class _Walker:
    """One pass over the configuration: pass 1 (global, ctx None) or pass 2 (per connection)."""

    def __init__(self, loader: _Loader, state: _State, ctx: MatchContext | None, sshdir: str) -> None:
        self.loader = loader
        self.state = state
        self.ctx = ctx
        self.sshdir = sshdir
        self.notes = state.notes
        # sshd's *activep: pass 1 starts in the global section, pass 2 outside any match.
        self.active = ctx is None

    def run(self, path: str) -> None:
        self._file(path, self.loader.lines(path), _MATCH_ONLY if self.ctx is not None else 0, 0, [])

    def _file(self, path: str, lines: list[str], flags: int, depth: int, stack: list[str]) -> None:
        stack = [*stack, path]
        for number, raw in enumerate(lines, start=1):
            flags = self._line(raw, path, number, flags, depth, stack)

    def _line(self, raw: str, path: str, number: int, flags: int, depth: int, stack: list[str]) -> int:
        """Process one line; returns the file's (possibly changed) Match flags."""
        line = raw.rstrip(_WS + "\f")
        keyword, rest = _strdelim(line)
        if keyword == "":
            keyword, rest = _strdelim(rest)
        if not keyword or keyword.startswith("#"):
            return flags
        where = f"{path} line {number}"
        if not rest:
            raise SshdConfigError(f'{where}: no argument after keyword "{keyword}"')
        args = _argv_split(rest)
        if args is None:
            raise SshdConfigError(f"{where}: invalid quotes")
        if keyword.lower() == "match":
            return self._match_line(keyword, rest, args, where, flags)
        if keyword.lower() == "include":
            self._include(args, where, flags, depth, stack)
            return flags
        spec = _KEYWORDS.get(keyword.lower())
        if spec is None:
            self._unknown(keyword, args, where)
            return flags
        d = _Directive(keyword, spec.name, args, rest, path, number)
        if not self.active and not spec.in_match:
            if self.ctx is None:
                raise d.error(f"Directive '{keyword}' is not allowed within a Match block")
            return flags  # pass 2: a global line, already applied by pass 1
        spec.handler(self.state, d, self.active)
        if d.remaining() > 0:
            raise d.error(f"keyword {keyword} extra arguments at end of line")
        return flags

    def _unknown(self, keyword: str, args: list[str], where: str) -> None:
        # sshd refuses to start on an unknown keyword. A newer sshd may know it, though, so
        # we keep it (and report it) rather than refusing to audit the rest.
        self.notes.add(f"{where}: unknown keyword {keyword!r} (OpenSSH 9.2 would refuse it); kept as is")
        if self.ctx is None and self.active:
            self.state.unknown.setdefault(keyword.lower(), [" ".join(args)])

    def _match_line(self, keyword: str, rest: str, args: list[str], where: str, flags: int) -> int:
        """A Match line ends the previous block and decides whether the next lines apply."""
        never = bool(flags & _NEVERMATCH)
        # Pass 1 and never-matching includes only check the syntax (ctx None); pass 2
        # evaluates the criteria against the connection.
        matched = _match_cfg_line(rest, None if never else self.ctx, where, self.notes)
        self.active = False if never else matched
        return flags & ~_MATCH_ONLY  # MATCH_ONLY only lasts until a file's first Match

    def _include(self, args: list[str], where: str, flags: int, depth: int, stack: list[str]) -> None:
        """Include: each glob, sorted, parsed in the Match state of the including line."""
        if not args:
            raise SshdConfigError(f"{where}: Include missing filename argument")
        for arg in args:
            if arg == "":
                raise SshdConfigError(f"{where}: keyword Include empty argument")
            # sshd resolves relative Include paths against SSHDIR, not the including file.
            pattern = arg if arg.startswith(("/", "~")) else f"{self.sshdir}/{arg}"
            outer_active = self.active
            if flags & _MATCH_ONLY:
                child_flags = _MATCH_ONLY
            else:
                child_flags = 0 if outer_active else _NEVERMATCH
            paths = self.loader.glob(pattern, where)
            if not paths:
                self.notes.add(f"{where}: Include {pattern} matches no file")
            for path in paths:
                if path in stack:
                    raise SshdConfigError(f"{where}: Include loop: {path} is already being read ({' -> '.join(stack)})")
                if depth + 1 > MAX_INCLUDE_DEPTH:
                    raise SshdConfigError(
                        f"{where}: Too many recursive configuration includes (sshd allows {MAX_INCLUDE_DEPTH} levels)"
                    )
                self._file(path, self.loader.lines(path, where), child_flags, depth + 1, stack)
                self.active = outer_active  # a Match inside the included file ends with it


def _match_cfg_line(text: str, ctx: MatchContext | None, where: str, notes: _Notes) -> bool:
    """servconf.c match_cfg_line(): all criteria on the line must match (ctx None: syntax only)."""
    result, attributes, rest = True, 0, text
    while True:
        attrib, rest = _strdelim(rest)
        if not attrib or attrib.startswith("#"):
            break
        attributes += 1
        if attrib.lower() == "all":
            arg, rest = _strdelim(rest)
            if attributes > 1 or (arg and not arg.startswith("#")):
                raise SshdConfigError(
                    f"{where}: Bad Match condition: 'all' cannot be combined with other Match attributes"
                )
            return True  # matches in every pass, even without a connection
        arg, rest = _strdelim(rest)
        if not arg or arg.startswith("#"):
            raise SshdConfigError(f"{where}: Bad Match condition: missing Match criteria for {attrib}")
        if not _match_criterion(attrib.lower(), arg, ctx, where, notes):
            result = False
    if attributes == 0:
        raise SshdConfigError(f"{where}: Bad Match condition: one or more attributes required for Match")
    return result


def _match_criterion(attrib: str, arg: str, ctx: MatchContext | None, where: str, notes: _Notes) -> bool:
    """One criterion of a Match line. A criterion the context says nothing about does not match."""
    if attrib == "user":
        return ctx is not None and ctx.user is not None and _match_pattern_list(ctx.user, arg) == 1
    if attrib == "group":
        return _match_group(arg, ctx, where, notes)
    if attrib == "host":
        return ctx is not None and ctx.host is not None and _match_pattern_list(ctx.host.lower(), arg, True) == 1
    if attrib in ("address", "localaddress"):
        value = None if ctx is None else (ctx.addr if attrib == "address" else ctx.laddr)
        outcome = _addr_match_list(value, arg)
        if outcome == -2:
            raise SshdConfigError(f"{where}: Invalid Match {attrib} argument '{arg}'")
        return outcome == 1
    if attrib == "localport":
        port = _a2port(arg)
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
        return ctx is not None and ctx.rdomain is not None and _match_pattern_list(ctx.rdomain, arg) == 1
    raise SshdConfigError(f"{where}: Bad Match condition: unsupported Match attribute {attrib}")


def _match_group(arg: str, ctx: MatchContext | None, where: str, notes: _Notes) -> bool:
    """groupaccess.c ga_match_pattern_list() over the groups the context lists."""
    if ctx is None or ctx.user is None:
        return False
    if not ctx.groups:
        notes.add(f"{where}: Match Group {arg} not evaluated: context has no groups")
        return False
    found = False
    for group in ctx.groups:
        outcome = _match_pattern_list(group, arg)
        if outcome == -1:
            return False  # one negated group vetoes the whole match
        found = found or outcome == 1
    return found


# --------------------------------------------------------------------------------------
# Defaults, Match overlay and printing (fill_default_server_options, copy_set_server_options,
# dump_config)
# --------------------------------------------------------------------------------------


def parse_sshd_t_output(text: str) -> dict[str, list[str]]:
    """Parse `sshd -T` stdout into {keyword: [value per printed line]}, the shape EffectiveConfig uses."""
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        keyword, _, value = line.partition(" ")
        settings.setdefault(keyword.lower(), []).append(value)
    return settings


_DEFAULTS = parse_sshd_t_output(_SSHD_T_DEFAULTS_TEXT)
_ONE_LINE_LISTS = frozenset(
    "authorizedkeysfile authenticationmethods logverbose channeltimeout permitopen permitlisten".split()
)


def _names_cat(first: list[str], more: list[str]) -> list[str]:
    """kex.c kex_names_cat(): append the names not already present."""
    result = list(first)
    for name in more:
        if name and name not in result:
            result.append(name)
    return result


def _assemble_algorithms(raw: str | None, default: list[str], known: tuple[str, ...], notes: _Notes) -> list[str]:
    """kex.c kex_assemble_names(): resolve '+', '-', '^' and wildcards against the compiled-in lists."""
    if not raw:
        return list(default)
    head, body = raw[0], raw[1:]
    if head == "-":
        # Removal patterns are matched against the defaults and may use wildcards.
        return [name for name in default if _match_pattern_list(name, body) != 1]
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
            matching = [name for name in known if _match_pattern(name, pattern)]
        else:
            matching = [pattern] if pattern else []  # unknown names were noted at parse time
        result = _names_cat(result, matching)
    return result


def _listen_lines(st: _State) -> list[str]:
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


def _resolve_listen(host: str | None, port: int, family: str, where: str, notes: _Notes) -> list[str]:
    """getaddrinfo() for one listen address, numeric only (the parser never uses the network)."""
    if host is None:
        # glibc's answer for a passive wildcard: IPv4 first, then IPv6.
        wildcards = {"any": ["0.0.0.0", "::"], "inet": ["0.0.0.0"], "inet6": ["::"]}[family]
        return [_format_hostport(addr, port) for addr in wildcards]
    fam = {"any": socket.AF_UNSPEC, "inet": socket.AF_INET, "inet6": socket.AF_INET6}[family]
    try:
        infos = socket.getaddrinfo(host, port, fam, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        if _parse_numeric_addr(host) is not None:
            raise SshdConfigError(
                f"{where}: bad addr or host: {host} (Address family for hostname not supported)"
            ) from None
        notes.add(f"{where}: ListenAddress {host} is a host name; not resolved (sshd would resolve it)")
        return [f"{host}:{port}"]
    return [_format_hostport(info[4][0], port) for info in infos]


def _format_hostport(addr: str, port: int) -> str:
    return f"[{addr}]:{port}" if ":" in addr else f"{addr}:{port}"


def _render(key: str, st: _State) -> list[str] | None:
    """The lines `sshd -T` prints for one keyword (None: it prints nothing)."""
    vals, value = st.vals, st.vals.get(key)
    if key == "listenaddress":
        return _listen_lines(st)
    if key in _ALGORITHM_KIND:
        known = _ALL_ALGORITHMS[_ALGORITHM_KIND[key]]
        return [",".join(_assemble_algorithms(value, _DEFAULTS[key][0].split(","), known, st.notes))]
    if key == "rekeylimit":
        return [f"{vals.get('rekeylimit.size', 0)} {vals.get('rekeylimit.time', 0)}"]
    if value is None:
        return _DEFAULTS.get(key)
    if key == "maxstartups":
        begin, rate, full = value
        return [f"{begin}:{30 if rate is None else rate}:{full}"]
    if key == "unusedconnectiontimeout":
        return ["none" if value == 0 else str(value)]
    if key in _CLEAR_ON_NONE and str(value).lower() == "none":
        return ["none"]
    if isinstance(value, list):
        items = [str(v) for v in value]
        return [" ".join(items)] if key in _ONE_LINE_LISTS else items
    return [str(value)]


def _is_set(key: str, st: _State) -> bool:
    if key == "listenaddress":
        return bool(st.listen)
    if key == "rekeylimit":
        return "rekeylimit.size" in st.vals or "rekeylimit.time" in st.vals
    return key in st.vals


def _overlay_match(global_state: _State, match_state: _State) -> None:
    """copy_set_server_options(): what the Match pass set replaces the global value."""
    for key, value in match_state.vals.items():
        if key in _MATCH_COPIED and value not in (None, []):
            global_state.vals[key] = value


def _note_startup_refusals(settings: dict[str, list[str]], notes: _Notes) -> None:
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


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def parse_sshd_config(
    source: ConfigSource,
    path: str,
    context: MatchContext | None = None,
    *,
    sshdir: str = DEFAULT_SSHDIR,
) -> EffectiveConfig:
    """The effective sshd configuration for `context`, as `sshd -T [-C context]` would print it.

    `context=None` is `sshd -T` without `-C`: no Match block applies except ``Match All``
    (sshd matches that one even without a connection). Relative Include paths are resolved
    against `sshdir`, like sshd's compiled-in SSHDIR.

    Raises SshdConfigError for a configuration sshd would refuse (bad syntax or values,
    Include loops or too deep, unknown Match criteria), and the source's OSError
    (FileNotFoundError, PermissionError, ...) when a file cannot be read: the main file, an
    included one (the exception then carries a note naming the Include line), or a
    directory an Include pattern must list.
    """
    notes = _Notes()
    loader = _Loader(source)
    # Pass 1: the daemon at startup.
    global_state = _State(notes)
    _Walker(loader, global_state, None, sshdir).run(path)
    explicitly_set = {key for key in _DUMP_ORDER if _is_set(key, global_state)}
    # Pass 2: a connection (sshd -T runs it too, with an empty connection when -C is absent).
    match_state = _State(notes)
    _Walker(loader, match_state, context or MatchContext(), sshdir).run(path)
    _overlay_match(global_state, match_state)
    explicitly_set |= {key for key in _DUMP_ORDER if key in _MATCH_COPIED and _is_set(key, match_state)}

    settings: dict[str, list[str]] = {}
    for key in _DUMP_ORDER:
        lines = _render(key, global_state)
        if lines:
            settings[key] = lines
    for key, value in global_state.unknown.items():
        settings.setdefault(key, value)
    defaulted = frozenset(key for key in settings if key in _DEFAULTS and key not in explicitly_set)
    _note_startup_refusals(settings, notes)
    return EffectiveConfig(settings, defaulted, tuple(loader.files), notes.as_tuple())
