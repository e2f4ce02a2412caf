"""The ``sshd`` facts: the daemon's effective configuration per Match context, its host key files and banner.

The JSON form (``auditor.facts.facts_to_json``) is what snapshots store. A file is recorded in
one of a few shapes, each with its own keys (a file that exists carries its stat fields, a
missing one only its path), so each shape is its own record and a union names the choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from auditor.facts import Facts
from auditor.hosts.base import FileStat

SOURCE_SSHD_T = "sshd -T"
SOURCE_PARSED = "parsed config"


@dataclass(frozen=True)
class SshdContext:
    """The effective settings in one context: global, or one Match context the profile named."""

    label: str  # "global", or the context as ``user=...,addr=...``
    match: str  # the ``-C`` argument of sshd -T ("" for the global context)
    settings: Mapping[str, tuple[str, ...]]  # keyword (lowercase, as sshd -T prints it) -> values
    defaulted: tuple[str, ...] = ()  # keywords whose value is sshd's built-in default (parsed config only)

    def values(self, keyword: str) -> tuple[str, ...]:
        """Every value of ``keyword`` (one per line sshd -T would print)."""
        return self.settings.get(keyword, ())

    def value(self, keyword: str, default: str = "") -> str:
        """The first value of ``keyword`` (the effective one for single-valued keywords)."""
        values = self.values(keyword)
        return values[0] if values else default


@dataclass(frozen=True, kw_only=True)
class StatFile:
    """A file that exists, as stat(2) showed it."""

    path: str
    mode: str  # permission bits in octal, e.g. "0600"
    uid: int
    gid: int
    owner: str
    group: str
    is_file: bool
    exists: Literal[True] = True

    @classmethod
    def of(cls, stat: FileStat) -> StatFile:
        """The record of a host's stat result."""
        return cls(path=stat.path, mode=f"{stat.mode:04o}", uid=stat.uid, gid=stat.gid, owner=stat.owner,
                   group=stat.group, is_file=stat.is_file)


@dataclass(frozen=True, kw_only=True)
class MissingFile:
    """A file the configuration names that does not exist."""

    path: str
    exists: Literal[False] = False


@dataclass(frozen=True, kw_only=True)
class UnstattableFile:
    """A file whose existence could not be learned (e.g. a directory only root may enter)."""

    path: str
    exists: None = None
    error: str


# A host key file the configuration names.
HostKeyFile = StatFile | MissingFile | UnstattableFile


@dataclass(frozen=True, kw_only=True)
class BannerText(StatFile):
    """A banner file that exists, with its first few KB."""

    text: str


@dataclass(frozen=True, kw_only=True)
class UnreadableBanner(StatFile):
    """A banner file that exists but could not be read."""

    error: str


@dataclass(frozen=True)
class NoBanner:
    """``Banner none``: no pre-login banner is configured."""

    path: None = None


# The banner file the global context names.
BannerFile = NoBanner | BannerText | UnreadableBanner | MissingFile | UnstattableFile


@dataclass(frozen=True)
class SshdFacts(Facts):
    """The ``sshd`` collector's facts: effective settings per context, where they came from, and files."""

    name: ClassVar[str] = "sshd"
    source: str  # SOURCE_SSHD_T or SOURCE_PARSED
    contexts: tuple[SshdContext, ...]  # the global context first, then one per Match context
    files: tuple[str, ...] = ()  # the configuration files read
    notes: tuple[str, ...] = ()  # why the files were parsed, and what parsing could not follow
    binary: str | None = None  # the sshd binary found (None: not installed or not on the path)
    config: str = "/etc/ssh/sshd_config"
    host_keys: tuple[HostKeyFile, ...] = ()
    banner: BannerFile = NoBanner()

    @property
    def global_context(self) -> SshdContext:
        """The settings outside any Match block."""
        return self.contexts[0]
