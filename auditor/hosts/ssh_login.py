"""Logging in over SSH with paramiko: bounded, host key first, keys only.

A login is bounded in bytes and time (a hostile server can neither flood nor stall the
auditor), verifies the server's host key against known_hosts before any credential is sent,
and authenticates with keys only: the inventory's key file, ``~/.ssh/config`` IdentityFile,
the ssh-agent, and ssh's default key files. Passwords are never sent. ProxyJump hosts are
reached through the previous hop's ``direct-tcpip`` channel, each with its own key verified.
"""

from __future__ import annotations

import functools
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditor.errors import CollectError, InputError, TransientError
from auditor.hosts.known_hosts import KnownHosts, fingerprint
from auditor.hosts.ssh_client_config import (
    HostConfig,
    SSHConfigFile,
    default_identity_files,
    local_user,
)
from auditor.inventory.targets import valid_address, valid_user
from auditor.models import Target
from auditor.net.connections import Deadline, connect

if TYPE_CHECKING:  # paramiko loads with the first SSH login, not with this module
    import paramiko

log = logging.getLogger(__name__)

# paramiko logs every failed handshake with a traceback at ERROR; for hostile or broken servers
# that is expected and the reason reaches the check results, so it is shown only with -vv.
_TRANSPORT_LOG = "auditor.hosts.ssh_login.paramiko"
_LOGIN_BYTES = 256 * 1024  # banner lines + key exchange are a few KB; more is a flood


@dataclass(frozen=True)
class SSHSettings:
    """Run-wide settings of the SSH backend (from the command line and the profile)."""

    known_hosts: KnownHosts = field(default_factory=KnownHosts)
    ssh_config: SSHConfigFile = field(default_factory=SSHConfigFile)
    connect_timeout: float = 5.0  # TCP connect, then banner + key exchange, then authentication
    command_timeout: float = 30.0  # the backend's own probes (which, id, getent)
    use_agent: bool = True


class LoginError(CollectError):
    """Connecting or logging in failed; the message says where and why, never a secret."""


class TransientLoginError(LoginError, TransientError):
    """A login that failed on a timeout or a reset connection: worth one more try."""


def login(target: Target, settings: SSHSettings) -> list[paramiko.Transport]:
    """Log in to an ``ssh`` target through its ProxyJump hosts: the transports, target last.

    Every failure is a LoginError (a CollectError) whose message names where and why.
    """
    try:
        return _login_chain(target, settings)
    except CollectError:
        raise
    except InputError as exc:
        raise LoginError(str(exc)) from None
    except Exception as exc:  # paramiko's and the socket layer's many exception types
        raise LoginError(f"{target.address} port {target.port}: {describe(exc)}") from None


def _login_chain(target: Target, settings: SSHSettings) -> list[paramiko.Transport]:
    assert target.address is not None
    config = settings.ssh_config.lookup(target.address)
    access = target.ssh
    known = settings.known_hosts.with_file(access.known_hosts if access else None)
    if config.proxy_command:
        raise LoginError(f"{settings.ssh_config.path}: ProxyCommand is not supported (use ProxyJump)")
    hops = [_hop(text, settings.ssh_config) for text in config.proxy_jump]
    extra_key = access.key if access else None
    final = _Endpoint(config, target.port or config.port or 22, target.user or config.user or local_user(), extra_key)
    chain: list[paramiko.Transport] = []
    try:
        for endpoint in [*hops, final]:
            chain.append(_login(endpoint, chain[-1] if chain else None, known, settings))
    except BaseException:
        for transport in reversed(chain):
            transport.close()
        raise
    return chain


@dataclass(frozen=True)
class _Endpoint:
    """One host to log in to: the target or a jump host."""

    config: HostConfig
    port: int
    user: str
    key_file: str | None = None  # the inventory's key, tried first

    @property
    def where(self) -> str:
        return f"{self.config.hostname} port {self.port}"


def _hop(text: str, ssh_config: SSHConfigFile) -> _Endpoint:
    """A ProxyJump hop ``[user@]host[:port]`` (or ``ssh://...``), with its own Host settings."""
    spec = text[len("ssh://"):] if text.startswith("ssh://") else text
    user, _, rest = spec.rpartition("@")
    host, port = rest, None
    if rest.startswith("["):
        host, _, tail = rest[1:].partition("]")
        port = tail[1:] if tail.startswith(":") else None
    elif rest.count(":") == 1:
        host, port = rest.split(":")
    if not valid_address(host) or (user and not valid_user(user)) or (port is not None and not port.isdigit()):
        raise LoginError(f"{ssh_config.path}: ProxyJump '{text}' is not [user@]host[:port]")
    config = ssh_config.lookup(host)
    return _Endpoint(config, int(port) if port else config.port or 22, user or config.user or local_user())


def _login(endpoint: _Endpoint, via: paramiko.Transport | None, known: KnownHosts,
           settings: SSHSettings) -> paramiko.Transport:
    """Connect, verify the host key, authenticate; the transport is closed on any failure."""
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    timeout = settings.connect_timeout
    sock = _open_socket(endpoint, via, timeout)
    guarded = _GuardedSocket(sock, _LOGIN_BYTES)
    transport = paramiko.Transport(guarded)  # type: ignore[arg-type]
    try:
        _configure(transport, timeout)
        name = endpoint.config.known_hosts_name
        _prefer(transport, known.preferred_algorithms(name, endpoint.port))
        _handshake(transport, endpoint, timeout)
        known.verify(name, endpoint.port, transport.get_remote_server_key())
        _authenticate(transport, endpoint, settings, Deadline(timeout))
    except BaseException:
        transport.close()
        raise
    guarded.release()
    return transport


def _open_socket(endpoint: _Endpoint, via: paramiko.Transport | None, timeout: float) -> socket.socket:
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    host, port = endpoint.config.hostname, endpoint.port
    if via is not None:
        try:
            return via.open_channel("direct-tcpip", (host, port), ("127.0.0.1", 0), timeout=timeout)  # type: ignore[return-value]
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise LoginError(f"jump host could not reach {endpoint.where}: {describe(exc)}") from None
    try:
        return connect(host, port, timeout)
    except ConnectionRefusedError:
        raise LoginError(f"cannot connect to {endpoint.where}: connection refused") from None
    except socket.gaierror as exc:
        raise LoginError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    except TimeoutError:
        raise TransientLoginError(f"cannot connect to {endpoint.where}: no answer within {timeout:g} s") from None
    except (ConnectionResetError, ConnectionAbortedError) as exc:
        raise TransientLoginError(f"cannot connect to {endpoint.where}: {exc.strerror or exc}") from None
    except OSError as exc:
        raise LoginError(f"cannot connect to {endpoint.where}: {exc.strerror or exc}") from None


def _configure(transport: paramiko.Transport, timeout: float) -> None:
    transport.set_log_channel(_TRANSPORT_LOG)
    logging.getLogger(_TRANSPORT_LOG).setLevel(logging.DEBUG if log.isEnabledFor(logging.DEBUG) else logging.CRITICAL)
    transport.banner_timeout = 2 * timeout  # _handshake's deadline decides, with a clearer reason
    transport.auth_timeout = timeout
    transport.handshake_timeout = timeout
    transport.channel_timeout = timeout


def _prefer(transport: paramiko.Transport, algorithms: list[str]) -> None:
    """Ask for the host key types known_hosts has first, as ssh does, so a known key is checked."""
    options = transport.get_security_options()
    supported = list(options.key_types)
    first = [name for name in algorithms if name in supported]
    options.key_types = first + [name for name in supported if name not in first]


def _handshake(transport: paramiko.Transport, endpoint: _Endpoint, timeout: float) -> None:
    """Banner and key exchange within ``timeout`` (paramiko alone would wait forever on a slow drip)."""
    done = threading.Event()
    transport.start_client(event=done)
    if not done.wait(timeout) and transport.is_active():
        raise LoginError(f"{endpoint.where}: no SSH handshake within {timeout:g} s (not an SSH server, or it hangs)")
    if not transport.is_active() or not done.is_set():
        reason = describe(transport.get_exception()) or "connection closed during the handshake"
        raise LoginError(f"{endpoint.where}: SSH handshake failed: {reason}")


@dataclass
class _Identity:
    """A key to offer: loaded lazily, described without its secret."""

    label: str
    load: Callable[[], paramiko.PKey]


def _identities(endpoint: _Endpoint, use_agent: bool, notes: list[str]) -> Iterator[_Identity]:
    """Inventory key, IdentityFile(s), agent keys, then ssh's default key files (if none configured)."""
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    explicit = [path for path in (endpoint.key_file, *endpoint.config.identity_files) if path]
    for path in dict.fromkeys(explicit):
        yield _Identity(f"key file {path}", functools.partial(paramiko.PKey.from_path, path))
    if use_agent:
        yield from _agent_identities(notes)
    if not explicit:
        for path in default_identity_files():
            yield _Identity(f"key file {path}", functools.partial(paramiko.PKey.from_path, path))


def _same(key: paramiko.PKey) -> paramiko.PKey:
    return key


def _agent_identities(notes: list[str]) -> Iterator[_Identity]:
    """Keys of the ssh-agent named by SSH_AUTH_SOCK (none without an agent)."""
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    try:
        agent = paramiko.Agent()
    except (paramiko.SSHException, OSError) as exc:
        notes.append(f"ssh-agent unusable: {describe(exc)}")
        return
    try:
        for key in agent.get_keys():
            yield _Identity(f"agent key {key.get_name()} {fingerprint(key)}", functools.partial(_same, key))
    finally:
        agent.close()


def _authenticate(transport: paramiko.Transport, endpoint: _Endpoint, settings: SSHSettings,
                  deadline: Deadline) -> None:
    """Public-key authentication; failure names the user, the keys offered and what the server accepts."""
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    user = endpoint.user
    try:
        transport.auth_none(user)
        return  # the server let us in without credentials (its own finding, not ours to refuse)
    except paramiko.BadAuthenticationType as exc:
        allowed = list(exc.allowed_types)
    except paramiko.AuthenticationException:
        allowed = []
    except paramiko.SSHException as exc:
        raise LoginError(f"{endpoint.where}: {describe(exc)}") from None
    tried: list[str] = []
    notes: list[str] = []
    if allowed and "publickey" not in allowed:
        raise LoginError(_auth_failure(endpoint, tried, notes, allowed))
    for identity in _identities(endpoint, settings.use_agent, notes):
        try:
            deadline.remaining()
        except TimeoutError:
            notes.append(f"stopped after {settings.connect_timeout:g} s")
            break
        key = _load(identity, notes)
        if key is None:
            continue
        tried.append(identity.label)
        try:
            remaining = transport.auth_publickey(user, key)
        except paramiko.BadAuthenticationType as exc:
            allowed = list(exc.allowed_types)
            break
        except paramiko.AuthenticationException:
            continue
        except paramiko.SSHException as exc:  # e.g. disconnected after too many attempts
            notes.append(describe(exc))
            break
        if transport.is_authenticated():
            return
        raise LoginError(f"authentication as '{user}' on {endpoint.where} needs a further step "
                         f"({', '.join(remaining)}) the auditor does not perform")
    raise LoginError(_auth_failure(endpoint, tried, notes, allowed))


def _load(identity: _Identity, notes: list[str]) -> paramiko.PKey | None:
    from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
    try:
        return identity.load()
    except FileNotFoundError:
        return None  # default key files that do not exist are not worth a note
    except paramiko.PasswordRequiredException:
        notes.append(f"{identity.label} is encrypted (load it into ssh-agent)")
    except (OSError, paramiko.SSHException, ValueError) as exc:
        notes.append(f"{identity.label} unusable: {getattr(exc, 'strerror', None) or exc}")
    return None


def _auth_failure(endpoint: _Endpoint, tried: list[str], notes: list[str], allowed: list[str]) -> str:
    offered = "; ".join(tried) if tried else "no usable key (none configured, none in ssh-agent, no default key file)"
    message = f"authentication as '{endpoint.user}' on {endpoint.where} failed: tried publickey with {offered}"
    if allowed:
        message += f"; the server accepts {', '.join(allowed)} (the auditor never sends passwords)"
    if notes:
        message += f"; {'; '.join(notes)}"
    return message


def describe(exc: BaseException | None) -> str:
    """One line about a failure, with text the server chose cut short and made printable."""
    if exc is None:
        return ""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, EOFError):
        text = "connection closed by the server"
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:200]


class _GuardedSocket:
    """A socket that refuses to buffer more than ``limit`` bytes until login is complete.

    paramiko reads the server's banner line by line with no size limit and restarts its
    timer on every chunk, so a server that streams megabytes without a newline would be read
    forever; this cap (with the handshake deadline) bounds what a hostile server can send.
    """

    def __init__(self, sock: socket.socket, limit: int):
        self._sock = sock
        self._limit = limit
        self._received = 0
        self._armed = True

    def recv(self, size: int) -> bytes:
        from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
        data = self._sock.recv(size)
        if self._armed:
            self._received += len(data)
            if self._received > self._limit:
                raise paramiko.SSHException(f"server sent more than {self._limit} bytes before login completed")
        return data

    def release(self) -> None:
        """Lift the cap: after login, bulk data (file reads, command output) is expected."""
        self._armed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)
