"""The ``ssh_wire`` facts: per port, what an SSH server showed to a client that did not log in.

Every port has the same keys whatever its status, so a port that did not answer still says
why (``reason``) and its protocol fields are empty (``None``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Literal

from auditor.checks.ssh.algorithms import Category
from auditor.facts import Facts, omitted_when_default


class PortStatus(enum.Enum):
    """What a port turned out to be."""

    OK = "ok"  # an SSH server answered
    CLOSED = "closed"  # a profile default nothing listens on: simply absent
    ERROR = "error"  # a port that should have answered SSH and did not
    OTHER = "other-service"  # another protocol on a port nobody said was SSH


@dataclass(frozen=True)
class KexInit:
    """The ten name-lists of the server's SSH_MSG_KEXINIT (RFC 4253 7.1), in order."""

    kex_algorithms: tuple[str, ...]
    server_host_key_algorithms: tuple[str, ...]
    encryption_client_to_server: tuple[str, ...]
    encryption_server_to_client: tuple[str, ...]
    mac_client_to_server: tuple[str, ...]
    mac_server_to_client: tuple[str, ...]
    compression_client_to_server: tuple[str, ...]
    compression_server_to_client: tuple[str, ...]
    languages_client_to_server: tuple[str, ...]
    languages_server_to_client: tuple[str, ...]
    first_kex_packet_follows: bool = False

    def offered(self, category: Category) -> tuple[str, ...]:
        """The names offered in a policy category (both directions merged, order kept)."""
        lists = {
            "kex": (self.kex_algorithms,),
            "hostkey": (self.server_host_key_algorithms,),
            "cipher": (self.encryption_client_to_server, self.encryption_server_to_client),
            "mac": (self.mac_client_to_server, self.mac_server_to_client),
            "compression": (self.compression_client_to_server, self.compression_server_to_client),
        }[category]
        return tuple(dict.fromkeys(name for names in lists for name in names))


@dataclass(frozen=True)
class HostKey:
    """A public host key the server presented (its signature is not verified: no trust is derived)."""

    algorithm: str  # the host key algorithm negotiated to read it
    type: str  # the key type in the blob (ssh-rsa for every RSA signature variant)
    bits: int | None
    curve: str | None  # ECDSA only
    fingerprint: str  # SHA256:base64, as ssh-keygen -l prints it


@dataclass(frozen=True)
class GexNotOffered:
    """The group exchange probe ran, and the server offers no DH group exchange."""

    offered: Literal[False] = False


@dataclass(frozen=True, kw_only=True)
class GexProbe:
    """The DH group exchange probe: the group size the server handed a client asking for a small one."""

    offered: Literal[True] = True
    algorithm: str
    requested: tuple[int, int, int]  # min, preferred, max bits asked for
    modulus_bits: int | None  # None when the probe failed
    error: str = ""


@dataclass(frozen=True)
class ThrottleProbe:
    """How many unauthenticated connections one client could hold at once (``throttle``).

    ``refused``: True when connection ``held + 1`` was refused (a limit), False when all
    ``connections`` were held (none below that), None when the probe could not tell (``detail``).
    """

    connections: int
    held: int
    refused: bool | None
    detail: str


@dataclass(frozen=True, kw_only=True)
class WirePort:
    """One audited port: its identification, offer, host keys and authentication methods."""

    port: int
    origin: str  # "target" | "default" | "discovered" (auditor.checks.services.ports)
    status: PortStatus = PortStatus.OK
    reason: str = ""  # why the port is not OK
    banner: str | None = None  # the identification line
    protocol_version: str | None = None
    software: str | None = None
    comments: str | None = None  # text after the software version (e.g. a Debian package revision)
    pre_banner_lines: tuple[str, ...] = ()  # the first lines the server sent before its identification
    kexinit: KexInit | None = None  # None without SSH-2 (or when the port did not answer)
    strict_kex: bool | None = None
    host_keys: tuple[HostKey, ...] = ()
    host_key_errors: tuple[str, ...] = ()
    host_key_notes: tuple[str, ...] = ()
    auth_user: str | None = None  # the user named in the "none" authentication request
    auth_methods: tuple[str, ...] | None = None  # None when they could not be learned
    auth_none_accepted: bool | None = None
    auth_error: str = ""
    gex: GexNotOffered | GexProbe | None = None  # None unless the profile asked for the probe
    throttle: ThrottleProbe | None = omitted_when_default(None)  # None: not probed (or older facts)

    @property
    def label(self) -> str:
        """``tcp/PORT``: the start of every resource and reason about a port."""
        return f"tcp/{self.port}"

    def offered(self, category: Category) -> tuple[str, ...]:
        """The names this port's KEXINIT offers in a policy category (none without SSH-2)."""
        return self.kexinit.offered(category) if self.kexinit is not None else ()


@dataclass(frozen=True)
class SshWireFacts(Facts):
    """The ``ssh_wire`` collector's facts: every candidate port, in port order."""

    name: ClassVar[str] = "ssh_wire"
    ports: tuple[WirePort, ...]
