"""The authentication methods an SSH server offers, learned through paramiko without logging in.

paramiko completes the key exchange and asks for the ``none`` method, whose refusal lists the
methods the server offers; it is never given a password or a key.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.checks.ssh_wire.client import CLIENT_IDENTIFICATION, MAX_NAMES, WireError, open_connection, printable
from auditor.checks.ssh_wire.facts import KexInit
from auditor.net.connections import CLOSE_GRACE_SECONDS, Deadline, close_and_await_peer

if TYPE_CHECKING:  # paramiko loads with the first SSH connection, not with this module
    import paramiko

# paramiko logs every failed negotiation as an error with a traceback; the facts carry the
# reason instead, so its log goes to a quiet channel of ours.
_PARAMIKO_LOG = "auditor.ssh_wire.paramiko"
logging.getLogger(_PARAMIKO_LOG).propagate = False
logging.getLogger(_PARAMIKO_LOG).addHandler(logging.NullHandler())


def auth_failures() -> tuple[type[BaseException], ...]:
    """What ends an attempt: the server refused to negotiate, broke the protocol, closed or was slow.

    A function, so that importing this module (every command builds the check registry) does
    not load paramiko; by the time an attempt fails, paramiko is loaded.
    """
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting

    return (paramiko.SSHException, WireError, OSError, EOFError)


@dataclass(frozen=True)
class AuthMethods:
    """What the ``none`` request as ``user`` learned: the methods, or why they are unknown."""

    user: str
    methods: tuple[str, ...] | None = None
    none_accepted: bool | None = None
    error: str = ""


def paramiko_gap(kexinit: KexInit) -> str:
    """Why paramiko cannot negotiate with this server ("" when it should)."""
    needs = {
        "key exchange": (kexinit.kex_algorithms, _supported("kex")),
        "host key": (kexinit.server_host_key_algorithms, _supported("keys")),
        "cipher": (kexinit.encryption_server_to_client, _supported("ciphers")),
        "MAC": (kexinit.mac_server_to_client, _supported("macs")),
    }
    aead_only = all(name.endswith("-gcm@openssh.com") for name in kexinit.encryption_server_to_client)
    for what, (offered, supported) in needs.items():
        if what == "MAC" and aead_only:
            continue  # AES-GCM carries its own integrity: no MAC is negotiated
        if not set(offered) & set(supported):
            return f"paramiko supports none of the server's {what} algorithms ({', '.join(offered) or 'none'})"
    return ""


def _supported(kind: str) -> tuple[str, ...]:
    """The algorithms paramiko negotiates, from its ``Transport._preferred_*`` class data.

    Read by name: the lists are private class attributes that paramiko's type stubs leave out.
    """
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    names: tuple[str, ...] = getattr(paramiko.Transport, f"_preferred_{kind}")
    return names


def ask_none(address: str, port: int, user: str, connect_timeout: float,
             seconds: float) -> tuple[tuple[str, ...], bool]:
    """One paramiko connection: key exchange, then ``auth_none``; (methods, whether none was accepted).

    The connection ends as the raw ones do, once the server has closed its side.
    """
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    deadline = Deadline(seconds)
    sock = open_connection(address, port, min(connect_timeout, deadline.remaining()))
    end: socket.socket | None = None
    transport: paramiko.Transport | None = None
    try:
        # paramiko closes its socket outright; a duplicate keeps the connection for a half-close.
        end = sock.dup()
        transport = paramiko.Transport(sock)
        transport.set_log_channel(_PARAMIKO_LOG)
        transport.local_version = CLIENT_IDENTIFICATION
        transport.banner_timeout = transport.handshake_timeout = transport.auth_timeout = deadline.remaining()
        transport.start_client(timeout=deadline.remaining())
        if not transport.initial_kex_done:
            raise TimeoutError(f"key exchange not completed within {seconds:g} s")
        transport.auth_timeout = deadline.remaining()
        try:
            remaining = transport.auth_none(user)
        except paramiko.BadAuthenticationType as exc:
            return _method_names(exc.allowed_types), False
        return _method_names(remaining), True  # no authentication needed at all
    finally:
        if transport is not None:
            transport.close()
        sock.close()
        if end is not None:
            close_and_await_peer([end], deadline.capped(CLOSE_GRACE_SECONDS))


def _method_names(names: list[str]) -> tuple[str, ...]:
    """Method names as the server sent them, made printable and bounded (they end up in findings)."""
    return tuple(sorted({printable(name, 64) for name in names[:MAX_NAMES]}))
