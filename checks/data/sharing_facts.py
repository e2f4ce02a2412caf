"""Typed facts of the sharing services: NFS exports, Samba shares, rsync modules, web servers.

Each service's facts say whether it is configured on the host (``present``), which files were
read, the problems met in them (file, line, message) and the parsed configuration with every
value already resolved to what the service applies (defaults, globals, synonyms, includes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from auditor.facts import Facts, omitted_when_default


@dataclass(frozen=True)
class Problem:
    """A configuration line that could not be read as the service reads it."""

    file: str
    line: int | None  # None: the file as a whole (e.g. it could not be read)
    message: str


# --- NFS ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NfsClient:
    """One client of an export with its effective options and what its specification admits.

    ``kind`` is everyone, wildcard, network, netgroup or host; a network has a ``prefix`` and an
    IP ``version``; ``detail`` explains an odd specification, ``note`` a likely mistake.
    """

    spec: str
    options: tuple[str, ...]
    access: str  # "ro" or "rw"
    squash: str  # "root_squash", "no_root_squash" or "all_squash"
    secure: bool
    kind: str
    prefix: int | None = omitted_when_default()
    version: int | None = omitted_when_default()
    detail: str | None = omitted_when_default()
    note: str | None = omitted_when_default()


@dataclass(frozen=True)
class NfsExport:
    """One exported path and its clients, with the line that exports it."""

    path: str
    file: str
    line: int
    clients: tuple[NfsClient, ...]


@dataclass(frozen=True)
class NfsExportsFacts(Facts):
    """NFS exports as exportfs reads them."""

    name: ClassVar[str] = "nfs_exports"
    present: bool
    exports: tuple[NfsExport, ...] = ()
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


# --- Samba ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmbShare:
    """One file share with its effective guest and write access (``*_source``: where it was set)."""

    name: str
    source: str
    path: str | None  # None for [homes]: each user's home
    guest_ok: bool
    guest_source: str
    writable: bool
    writable_source: str
    write_list: str
    hosts_allow: str
    available: bool


@dataclass(frozen=True)
class SambaFacts(Facts):
    """smb.conf's global guest settings and its file shares."""

    name: ClassVar[str] = "samba"
    present: bool
    map_to_guest: str = "Never"
    map_to_guest_source: str = ""
    security: str = "user"
    shares: tuple[SmbShare, ...] = ()
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


# --- rsync ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RsyncModule:
    """One rsync daemon module with its effective authentication and write access."""

    name: str
    source: str
    path: str | None
    auth_users: tuple[str, ...]
    auth_source: str
    read_only: bool
    read_only_source: str
    write_only: bool
    list: bool
    hosts_allow: str
    hosts_deny: str
    secrets_file: str


@dataclass(frozen=True)
class RsyncdFacts(Facts):
    """rsyncd.conf's modules."""

    name: ClassVar[str] = "rsyncd"
    present: bool
    modules: tuple[RsyncModule, ...] = ()
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


# --- web servers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NginxLocation:
    """An nginx location (or a server's implicit ``/``) with its effective root, listing and access."""

    server: str  # "nginx"
    server_block: str  # file:line of the server block
    server_names: tuple[str, ...]
    listen: tuple[str, ...]
    url: str
    modifier: str  # "", "=", "^~", "~" or "~*"
    root: str | None
    alias: str | None
    listing: bool  # autoindex on
    denied: bool  # deny all, or internal
    restricted: bool  # allowed for some addresses only
    static: bool  # files are served (no proxy_pass, return...)
    source: str
    listing_source: str


@dataclass(frozen=True)
class NginxConfig:
    """nginx's configuration: every location."""

    locations: tuple[NginxLocation, ...] = ()
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    present: Literal[True] = True


@dataclass(frozen=True)
class NotConfigured:
    """A web server with no configuration on this host (problems: why it could not be read)."""

    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    present: Literal[False] = False


@dataclass(frozen=True)
class ApacheOptions:
    """One ``Options`` directive."""

    args: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class ApacheDirectory:
    """A ``<Directory>`` (or ``<DirectoryMatch>``, ``regex``) section: its Options and ``Require all``."""

    path: str
    regex: bool
    options: tuple[ApacheOptions, ...]
    require: str | None  # "denied", "granted" or None
    source: str


@dataclass(frozen=True)
class ApacheRoot:
    """A ``DocumentRoot`` (url ``/``) or an ``Alias``: a directory reachable at a URL."""

    url: str
    path: str
    source: str


@dataclass(frozen=True)
class ApacheConfig:
    """An Apache configuration: reachable roots, Directory sections and global Options."""

    roots: tuple[ApacheRoot, ...] = ()
    directories: tuple[ApacheDirectory, ...] = ()
    global_options: tuple[ApacheOptions, ...] = ()
    files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    present: Literal[True] = True


@dataclass(frozen=True)
class WebServersFacts(Facts):
    """nginx's configuration and each configured Apache's."""

    name: ClassVar[str] = "web_servers"
    nginx: NginxConfig | NotConfigured = NotConfigured()
    apache: tuple[ApacheConfig, ...] = ()
