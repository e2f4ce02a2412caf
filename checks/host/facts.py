"""The ``host`` area's facts: what the package manager, the account databases, the loggers, the
firewall and the kernel said, recorded as plain values (never a password hash or a key comment).

``None`` in a field means "could not be learned" and comes with the reason in a ``*_error``
field; an empty tuple means "learned, and there is nothing".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from auditor.facts import Facts, omitted_when_default


@dataclass(frozen=True)
class OsRelease:
    """/etc/os-release, the fields the checks use."""

    id: str = ""  # debian, ubuntu, rocky, almalinux, rhel, ...
    id_like: tuple[str, ...] = ()
    version_id: str = ""  # 12, 24.04, 9.4
    codename: str = ""
    pretty_name: str = ""

    @property
    def family(self) -> str:
        """``debian`` or ``rhel`` (or the id itself for anything else)."""
        names = (self.id, *self.id_like)
        if any(name in ("debian", "ubuntu") for name in names):
            return "debian"
        if any(name in ("rhel", "fedora", "centos") for name in names):
            return "rhel"
        return self.id


@dataclass(frozen=True)
class PendingUpdate:
    """One package the package manager would upgrade."""

    package: str
    installed: str  # the installed version ("" when the manager did not say)
    candidate: str  # the version it would install
    origins: tuple[str, ...]  # apt: archives such as bookworm-security; dnf: the repository
    security: bool  # the distribution marks the candidate (or its advisory) as a security fix
    advisory: str = ""  # dnf: the advisory id (RHSA-..., RLSA-..., ALSA-...)
    published: str = omitted_when_default("")  # dnf: the advisory's date (YYYY-MM-DD); "" when not known


@dataclass(frozen=True)
class AutoUpdates:
    """Whether automatic (security) updates are configured and scheduled."""

    tool: str  # unattended-upgrades, dnf-automatic, or "" when none is installed
    installed: bool
    configured: bool | None  # None: the configuration could not be read
    timers: tuple[str, ...]  # the timers that run it and are active, e.g. apt-daily-upgrade.timer
    timers_inactive: tuple[str, ...] = ()
    detail: str = ""  # the settings seen, e.g. APT::Periodic::Unattended-Upgrade "1"


@dataclass(frozen=True)
class DeletedLibrary:
    """A running process that still maps a file deleted (or replaced) since it started."""

    pid: int
    command: str
    path: str


@dataclass(frozen=True)
class PatchFacts(Facts):
    """The ``host_packages`` collector's facts: pending updates, automatic updates, reboots."""

    name: ClassVar[str] = "host_packages"
    os: OsRelease
    manager: str  # apt, dnf, or "" when neither is found
    pending: tuple[PendingUpdate, ...] | None = None  # None: not learned (see pending_error)
    pending_error: str = ""
    lists_updated: float | None = None  # epoch of the newest package list (apt) or cache (dnf)
    collected_at: float = 0.0
    auto_updates: AutoUpdates | None = None
    auto_updates_error: str = ""
    reboot_required_file: bool | None = None  # /var/run/reboot-required (Debian family)
    reboot_packages: tuple[str, ...] = ()
    running_kernel: str = ""
    installed_kernels: tuple[str, ...] = ()  # kernel releases with modules in /lib/modules
    needs_restarting: bool | None = None  # RHEL: dnf needs-restarting -r said a reboot is needed
    deleted_libraries: tuple[DeletedLibrary, ...] | None = None
    deleted_libraries_complete: bool = False  # every process's maps could be read (root)
    deleted_libraries_error: str = ""


@dataclass(frozen=True)
class Account:
    """One account of ``getent passwd``, with what shadow and lastlog say about it (never the hash)."""

    name: str
    uid: int
    gid: int
    home: str
    shell: str
    shell_allows_login: bool  # not nologin/false (keys still allow forwarding into nologin accounts)
    password: str  # set | empty | locked | no-password | unknown (shadow unreadable)
    expired: bool | None = None  # the shadow expiry date has passed (None: not known)
    last_login: float | None = None  # epoch of the last login lastlog knows (None: never, or unknown)
    last_login_known: bool = False  # lastlog answered for this account

    @property
    def has_password(self) -> bool:
        """A usable password hash is set."""
        return self.password == "set"  # noqa: S105 - a field state, not a password

    @property
    def password_empty(self) -> bool:
        """The password field is empty: no password is needed."""
        return self.password == "empty"  # noqa: S105 - a field state, not a password

    @property
    def locked(self) -> bool:
        """The password is locked (``!`` before a hash)."""
        return self.password == "locked"  # noqa: S105 - a field state, not a password


@dataclass(frozen=True)
class AuthorizedKey:
    """One authorized_keys entry: whose, where, what key, which options. Never the comment."""

    account: str
    file: str
    line: int
    type: str
    bits: int
    fingerprint: str  # SHA256:... as ssh-keygen -l prints it
    options: tuple[str, ...] = ()  # restrict, from="...", command="...", no-pty, ...


@dataclass(frozen=True)
class SudoRule:
    """A sudoers user specification line (continuations joined, comments removed)."""

    file: str
    line: int
    text: str


@dataclass(frozen=True)
class AccountsFacts(Facts):
    """The ``host_accounts`` collector's facts: accounts, authorized keys, sudo rules."""

    name: ClassVar[str] = "host_accounts"
    accounts: tuple[Account, ...]
    shadow_error: str = ""  # why /etc/shadow could not be read ("" when it was)
    lastlog_error: str = ""  # why last logins are unknown ("" when lastlog answered)
    logins_source: str = omitted_when_default("")  # lastlog | lastlog2 | last | wtmpdb last
    # wtmp (last): when its records begin; an account absent from them has not logged in since.
    logins_since: float | None = omitted_when_default()
    keys: tuple[AuthorizedKey, ...] = ()
    keys_files: tuple[str, ...] = ()  # the AuthorizedKeysFile patterns in force (global context)
    keys_unreadable: tuple[str, ...] = ()  # key files that exist but could not be read
    keys_command: str = ""  # AuthorizedKeysCommand: keys from elsewhere (LDAP, ...) not seen here
    sudo_rules: tuple[SudoRule, ...] | None = None  # None: sudoers not readable (see sudo_error)
    sudo_error: str = ""
    collected_at: float = 0.0


@dataclass(frozen=True)
class LoggingFacts(Facts):
    """The ``host_logging`` collector's facts: loggers, forwarding, auditd, brute-force guards, time.

    ``running`` lists the daemons of interest that run (from ``ps``, so it works without
    systemd); ``units`` the systemd states where systemd answers.
    """

    name: ClassVar[str] = "host_logging"
    running: tuple[str, ...]  # e.g. rsyslogd, systemd-journald, auditd, fail2ban-server, chronyd
    processes_listed: bool = False  # ps answered (so an empty ``running`` means none of them runs)
    units: Mapping[str, str] = field(default_factory=dict)  # unit -> is-active state (empty: no systemd)
    journald: Mapping[str, str] = field(default_factory=dict)  # effective [Journal] settings from the files
    journal_dir: bool | None = None  # /var/log/journal exists (Storage=auto then persists)
    syslog_daemon: str = ""  # rsyslog | syslog-ng | "" (none installed)
    syslog_files: tuple[str, ...] = ()  # files the syslog daemon writes to (rsyslog/syslog-ng config)
    forwarding: tuple[str, ...] = ()  # remote destinations (rsyslog @/@@/omfwd/omrelp, syslog-ng, upload URL)
    # The syslog daemon's kernel message inputs (imklog, system(), /proc/kmsg); None: an earlier version's facts
    kernel_log_inputs: tuple[str, ...] | None = omitted_when_default()
    logrotate_days: int | None = None  # default retention logrotate.conf gives (rotate N x period)
    audit_rules: tuple[str, ...] | None = None  # loaded (auditctl -l) or configured rules; None: unreadable
    audit_rules_source: str = ""  # "auditctl -l" or the rules files
    audit_error: str = ""
    fail2ban_sshd: bool | None = None  # a [sshd] jail is enabled in the jail files (None: not installed)
    time_daemon: str = ""  # chrony | systemd-timesyncd | ntpd | ntpsec | openntpd | "" (none)
    time_synchronized: bool | None = None  # None: could not be asked
    time_detail: str = ""


@dataclass(frozen=True)
class FirewallState:
    """What one firewall tool says about inbound traffic."""

    tool: str  # nftables | iptables | ufw | firewalld
    active: bool
    inbound_default: str  # drop | reject | accept
    detail: str = ""


@dataclass(frozen=True)
class SpecialFile:
    """A world-writable or set-id file or directory found in the scanned system paths."""

    path: str
    mode: str  # octal, e.g. "4755"
    uid: int
    kind: str  # f (file) or d (directory)
    gid: int | None = omitted_when_default()  # None in snapshots of earlier versions
    size: int | None = omitted_when_default()
    sha256: str = omitted_when_default("")  # set-id programs only; "" when not known

    @property
    def setid(self) -> bool:
        """Set-uid or set-gid."""
        return bool(int(self.mode, 8) & 0o6000)


@dataclass(frozen=True)
class ListeningSocket:
    """A TCP socket listening on the host (``ss -tlnp``)."""

    address: str  # as bound: 0.0.0.0, ::, 127.0.0.1, 192.0.2.5 ...
    port: int
    process: str = ""  # the program, where ss may show it (root sees all)


@dataclass(frozen=True)
class KernelFacts(Facts):
    """The ``host_kernel`` collector's facts: firewalls, sysctl values, world-writable and set-id files."""

    name: ClassVar[str] = "host_kernel"
    firewalls: tuple[FirewallState, ...] = ()
    firewall_errors: tuple[str, ...] = ()  # tools present that could not be asked (e.g. need root)
    sysctl: Mapping[str, str] = field(default_factory=dict)  # key -> value, for the policy's keys
    sysctl_error: str = ""
    special_files: tuple[SpecialFile, ...] | None = None  # None: the scan could not run
    special_files_error: str = ""
    scanned: tuple[str, ...] = ()  # the paths the scan walked
    scan_partial: str = ""  # why the scan stopped early (timeout, not root)
    listening: tuple[ListeningSocket, ...] | None = None  # None: ss could not run
    listening_error: str = ""
