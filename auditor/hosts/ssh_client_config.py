"""The user's OpenSSH client configuration (``~/.ssh/config`` or ``--ssh-config FILE``).

Only what the SSH host backend honours is read: HostName, User, Port, IdentityFile,
ProxyJump and HostKeyAlias. ProxyCommand is refused rather than run, because it is a shell
command and the auditor never runs commands through a shell on this machine.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import InventoryError

if TYPE_CHECKING:
    import paramiko

DEFAULT_SSH_CONFIG = "~/.ssh/config"
MAX_JUMPS = 4  # a longer ProxyJump chain is almost certainly a loop in the configuration


@dataclass(frozen=True)
class HostConfig:
    """How to reach one host, after applying the SSH configuration to what the target says."""

    alias: str  # the name the target gave; the configuration is looked up with it
    hostname: str  # where to connect (HostName, or the alias itself)
    port: int | None  # the configuration's Port, or None
    user: str | None  # the configuration's User, or None
    identity_files: tuple[str, ...] = ()
    proxy_jump: tuple[str, ...] = ()  # hops in order, each "[user@]host[:port]"
    host_key_alias: str | None = None
    proxy_command: str | None = None

    @property
    def known_hosts_name(self) -> str:
        """The host name known_hosts entries are looked up under (HostKeyAlias wins, as in ssh)."""
        return self.host_key_alias or self.hostname


class SSHConfigFile:
    """A parsed SSH client configuration; an absent default file is an empty configuration."""

    def __init__(self, path: str | None = None):
        self.path = os.path.expanduser(path or DEFAULT_SSH_CONFIG)
        self._explicit = path is not None
        self._config: paramiko.SSHConfig | None = None

    def _parsed(self) -> paramiko.SSHConfig:
        """The file, parsed on first use: an audit without ssh:// targets neither reads it nor loads
        paramiko, and a broken SSH configuration cannot stop it."""
        from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting

        if self._config is None:
            if not self._explicit and not os.path.exists(self.path):
                self._config = paramiko.SSHConfig()
                return self._config
            try:
                self._config = paramiko.SSHConfig.from_path(self.path)
            except OSError as exc:
                raise InventoryError(self.path, f"cannot read SSH configuration: {exc.strerror or exc}") from None
            except Exception as exc:  # paramiko raises ConfigParseError, ValueError, ... on bad lines
                raise InventoryError(self.path, f"invalid SSH configuration: {exc}") from None
        return self._config

    def lookup(self, alias: str) -> HostConfig:
        """The settings for ``alias``; an unreadable file or unusable value is an InventoryError naming the file."""
        config = self._parsed()
        try:
            options = config.lookup(alias)
        except Exception as exc:  # e.g. "Match exec" without the invoke package
            raise InventoryError(self.path, f"Host {alias}: {exc}") from None
        port = options.get("port")
        if port is not None and (not str(port).isdigit() or not 0 < int(port) < 65536):
            raise InventoryError(self.path, f"Host {alias}: Port '{port}' is not a port number")
        jump = options.get("proxyjump", "none")
        hops = () if jump.lower() == "none" else tuple(hop.strip() for hop in jump.split(",") if hop.strip())
        if len(hops) > MAX_JUMPS:
            raise InventoryError(self.path, f"Host {alias}: ProxyJump has more than {MAX_JUMPS} hops")
        return HostConfig(
            alias=alias,
            hostname=options.get("hostname", alias),
            port=int(port) if port is not None else None,
            user=options.get("user"),
            identity_files=tuple(os.path.expanduser(path) for path in options.get("identityfile", [])),
            proxy_jump=hops,
            host_key_alias=options.get("hostkeyalias"),
            proxy_command=_unless_none(options.get("proxycommand")),
        )


def local_user() -> str:
    """The user running the auditor: the default login name, as for ssh."""
    return getpass.getuser()


def default_identity_files() -> tuple[str, ...]:
    """The key files ssh tries when no IdentityFile is configured."""
    home = Path("~/.ssh").expanduser()
    return tuple(str(home / name) for name in ("id_ed25519", "id_ecdsa", "id_rsa"))


def _unless_none(value: str | None) -> str | None:
    """An ssh_config value, or None where ssh reads the word ``none`` as "not set"."""
    return None if value is None or value.lower() == "none" else value
