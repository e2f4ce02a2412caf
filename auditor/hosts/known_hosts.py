"""Host key verification for the SSH host backend, with OpenSSH's known_hosts semantics.

A server's key is accepted only when a known_hosts file lists it for that host (and port).
An unknown key, a changed key and a revoked key each stop the login with a reason naming the
host, port, key type and SHA256 fingerprint. Trust on first use is opt-in and writes only to
the file the user names; a *changed* key is refused even then.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
import re
import threading
from base64 import b64decode
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import CollectError, InputError

if TYPE_CHECKING:  # paramiko loads with the first SSH connection, not with this module
    import paramiko

log = logging.getLogger(__name__)
DEFAULT_KNOWN_HOSTS = ("~/.ssh/known_hosts", "/etc/ssh/ssh_known_hosts")
# Host key algorithms negotiated for an "ssh-rsa" key listed in known_hosts (SHA-2 first).
_RSA_ALGORITHMS = ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")
_TOFU_LOCK = threading.Lock()


class HostKeyError(CollectError):
    """The server's host key is unknown, changed or revoked: the auditor did not log in."""


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH's SHA256 fingerprint of a public key, e.g. ``SHA256:47DEQpj8...``."""
    return str(key.fingerprint)


def known_hosts_name(host: str, port: int) -> str:
    """The name a known_hosts line uses for ``host`` on ``port`` (``[host]:port`` unless 22)."""
    return host if port == 22 else f"[{host}]:{port}"


@dataclass(frozen=True)
class Entry:
    """One usable known_hosts line."""

    patterns: tuple[str, ...]
    key: paramiko.PKey
    source: str  # "file:line"
    revoked: bool = False

    def matches(self, name: str) -> bool:
        """True when the line applies to ``name`` (hashed names, wildcards and !negation)."""
        lowered = name.lower()
        matched = False
        for pattern in self.patterns:
            negated = pattern.startswith("!")
            pattern = pattern[1:] if negated else pattern
            if pattern.startswith("|1|"):
                hit = _hashed_match(pattern, lowered)
            else:
                hit = _wildcard(pattern.lower()).fullmatch(lowered) is not None
            if hit and negated:
                return False
            matched = matched or hit
        return matched


@functools.lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """ssh's host patterns know only ``*`` and ``?`` (``[`` is literal, as in ``[host]:port``)."""
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))


def _hashed_match(pattern: str, name: str) -> bool:
    """``|1|salt|hash`` entries (HashKnownHosts yes): HMAC-SHA1 of the name under the salt."""
    try:
        salt, digest = (b64decode(part) for part in pattern[3:].split("|", 1))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(hmac.new(salt, name.encode(), sha1).digest(), digest)


def read_known_hosts(path: str | Path) -> list[Entry]:
    """The entries of one known_hosts file; lines paramiko cannot read (e.g. unknown key types) are skipped."""
    entries: list[Entry] = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            revoked = False
            if line.startswith("@"):
                marker, _, line = line.partition(" ")
                if marker != "@revoked":
                    continue  # @cert-authority: host certificates are not used by the auditor
                revoked = True
            entry = _parse_line(line.strip())
            if entry is not None:
                names, key = entry
                entries.append(Entry(tuple(names.split(",")), key, f"{path}:{number}", revoked))
    return entries


def _parse_line(line: str) -> tuple[str, paramiko.PKey] | None:
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    try:
        parsed = paramiko.hostkeys.HostKeyEntry.from_line(line)
    except Exception:  # malformed base64 or key data: ssh ignores such lines too
        return None
    if parsed is None or parsed.key is None:
        return None
    return line.split(None, 1)[0], parsed.key


class KnownHosts:
    """The known_hosts entries in force for a run, plus the opt-in trust-on-first-use file."""

    def __init__(self, files: Sequence[str] | None = None, trust_on_first_use: str | None = None):
        explicit = files is not None
        self.files = [os.path.expanduser(path) for path in (DEFAULT_KNOWN_HOSTS if files is None else files)]
        self.tofu_file = os.path.expanduser(trust_on_first_use) if trust_on_first_use else None
        self.entries: list[Entry] = []
        for path in self.files:
            if explicit and not os.path.exists(path):
                raise InputError(path, "known_hosts file not found")
            try:
                self.entries += _read(path)
            except InputError as exc:
                if explicit:
                    raise
                if os.path.exists(path):  # an unreadable default file: its keys are simply not trusted
                    log.warning("%s", exc)
        if self.tofu_file and os.path.exists(self.tofu_file):
            self.entries += _read(self.tofu_file)
            self.files.append(self.tofu_file)

    def with_file(self, path: str | None) -> KnownHosts:
        """These entries plus those of ``path`` (an inventory host's own known_hosts file)."""
        if path is None:
            return self
        extended = KnownHosts.__new__(KnownHosts)
        extended.files = [*self.files, path]
        extended.tofu_file = self.tofu_file
        extended.entries = [*self.entries, *_read(path)]
        return extended

    def _for(self, name: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.matches(name)]

    def preferred_algorithms(self, host: str, port: int) -> list[str]:
        """Host key algorithms to ask for first, so the server shows the key type we know."""
        preferred: list[str] = []
        for entry in self._for(known_hosts_name(host, port)):
            if entry.revoked:
                continue
            kind = entry.key.get_name()
            for algorithm in _RSA_ALGORITHMS if kind == "ssh-rsa" else (kind,):
                if algorithm not in preferred:
                    preferred.append(algorithm)
        return preferred

    def verify(self, host: str, port: int, key: paramiko.PKey) -> None:
        """Accept ``key`` for ``host``:``port`` or raise HostKeyError saying why not."""
        name = known_hosts_name(host, port)
        offered = f"{key.get_name()} {fingerprint(key)}"
        where = f"{host} port {port}"
        entries = self._for(name)
        for entry in entries:
            if entry.revoked and _same(entry.key, key):
                raise HostKeyError(
                    f"host key of {where} is REVOKED ({entry.source}): the server offers {offered}; did not log in"
                )
        same_type = [entry for entry in entries if not entry.revoked and entry.key.get_name() == key.get_name()]
        if any(_same(entry.key, key) for entry in same_type):
            return
        if same_type:
            known = same_type[0]
            raise HostKeyError(
                f"host key of {where} has CHANGED: the server offers {offered}, which differs from the key in "
                f"known_hosts ({known.source}: {fingerprint(known.key)}); the connection may be intercepted or the "
                f"host reinstalled. Did not log in; verify the new key and update known_hosts"
            )
        if self.tofu_file:
            self._remember(name, key)
            return
        searched = ", ".join(self.files) or "no known_hosts file"
        raise HostKeyError(
            f"host key of {where} is not known: the server offers {offered} (searched {searched}). Did not log in; "
            f"verify the fingerprint with the host's administrator and add it to known_hosts, or accept it once "
            f"with --trust-on-first-use FILE"
        )

    def _remember(self, name: str, key: paramiko.PKey) -> None:
        """Append the key to the trust-on-first-use file (created 0600) and trust it from now on."""
        assert self.tofu_file is not None
        line = f"{name} {key.get_name()} {key.get_base64()}\n"
        with _TOFU_LOCK:
            try:
                descriptor = os.open(self.tofu_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
                    handle.write(line)
            except OSError as exc:
                raise HostKeyError(
                    f"{self.tofu_file}: cannot record the host key of {name}: {exc.strerror or exc}"
                ) from None
            self.entries.append(Entry((name,), key, f"{self.tofu_file} (trusted on first use)"))


def _read(path: str) -> list[Entry]:
    try:
        return read_known_hosts(path)
    except OSError as exc:
        raise InputError(path, f"cannot read known_hosts: {exc.strerror or exc}") from None


def _same(first: paramiko.PKey, second: paramiko.PKey) -> bool:
    return first.get_name() == second.get_name() and first.asbytes() == second.asbytes()

