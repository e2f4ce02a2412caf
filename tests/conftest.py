"""Shared fixtures for tests that use the real OpenSSH daemon: `sshd -T`, and a running test sshd."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from auditor.hosts.known_hosts import KnownHosts
from auditor.hosts.ssh import SSHSettings
from auditor.hosts.ssh_client_config import SSHConfigFile
from auditor.models import SSHAccess, Target, TargetKind
from testkit.ports import free_port

SSHD = shutil.which("sshd") or shutil.which("sshd", path="/usr/sbin:/usr/local/sbin")


@pytest.fixture(scope="session")
def sshd_binary() -> str:
    """Path of the real sshd; `sshd -T` also needs its privilege separation directory."""
    if SSHD is None:
        pytest.skip("openssh-server is not installed")
    privsep = Path("/run/sshd")
    if not privsep.is_dir():
        if os.geteuid() != 0:
            pytest.skip("/run/sshd is missing and only root can create it")
        privsep.mkdir(mode=0o755, parents=True)
    return SSHD


@pytest.fixture
def host_key(tmp_path: Path) -> Path:
    """A fresh Ed25519 host key (mode 0600, owned by whoever runs the tests)."""
    path = tmp_path / "ssh_host_ed25519_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


@dataclass
class SSHServer:
    """A running test sshd on a loopback port, and what a client needs to log in to it."""

    port: int
    directory: Path
    config: Path
    host_key: Path
    client_key: Path
    known_hosts: Path  # lists this server's host key for [127.0.0.1]:port
    ssh_config: Path  # IdentityFile client_key for 127.0.0.1 and localhost
    keys_dir: Path  # authorized keys, one file per user (world-readable: sshd reads it as the user)
    log: Path
    process: subprocess.Popen

    @staticmethod
    def keygen(path: Path) -> Path:
        """A fresh Ed25519 key pair without passphrase at ``path`` and ``path.pub``."""
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(path)], check=True)
        return path

    @staticmethod
    def fingerprint(public_key: Path) -> str:
        """SHA256 fingerprint as ssh-keygen prints it."""
        return subprocess.run(["ssh-keygen", "-l", "-f", str(public_key)], capture_output=True, text=True,
                              check=True).stdout.split()[1]

    def authorize(self, user: str) -> None:
        """Let ``user`` log in with the client key."""
        path = self.keys_dir / user
        path.write_text(Path(f"{self.client_key}.pub").read_text())
        path.chmod(0o644)

    def accepted_logins(self) -> int:
        """Successful logins so far, from sshd's log (one per SSH connection that authenticated)."""
        return self.log.read_text().count("Accepted publickey")

    def target(self, user: str = "root", **access: Any) -> Target:
        """An ssh:// target for this server; ``access`` becomes the inventory's ssh settings."""
        return Target(name=f"ssh://{user}@127.0.0.1:{self.port}", kind=TargetKind.SSH, address="127.0.0.1",
                      port=self.port, user=user, ssh=SSHAccess(**access) if access else None)

    def settings(self, known_hosts: list[str] | None = None, tofu: str | None = None,
                 timeout: float = 5) -> SSHSettings:
        """SSH backend settings that trust this server's key and log in with the client key."""
        files = [str(self.known_hosts)] if known_hosts is None else known_hosts
        return SSHSettings(known_hosts=KnownHosts(files, tofu), ssh_config=SSHConfigFile(str(self.ssh_config)),
                           connect_timeout=timeout, use_agent=False)

    def stop(self) -> None:
        """Stop the daemon by its pid and remove the authorized keys directory."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.keys_dir, ignore_errors=True)



@pytest.fixture(scope="session")
def start_sshd(sshd_binary, tmp_path_factory):
    """``start_sshd(extra="", sftp=True) -> SSHServer``: a real ``sshd -D -e`` on a free loopback port.

    Root may log in with the generated client key; ``extra`` is appended to the configuration;
    ``sftp=False`` leaves out the SFTP subsystem, as hardened servers often do.
    Servers are stopped by pid when the caller calls ``stop()``, or at the end of the session.
    """
    if os.geteuid() != 0:
        pytest.skip("a test sshd that accepts logins must run as root")
    started: list[SSHServer] = []

    def start(extra: str = "", sftp: bool = True) -> SSHServer:
        directory = tmp_path_factory.mktemp("sshd")
        host_key = SSHServer.keygen(directory / "host_key")
        client_key = SSHServer.keygen(directory / "client_key")
        keys_dir = Path(tempfile.mkdtemp(prefix="auditor-keys-"))
        keys_dir.chmod(0o755)
        config = directory / "sshd_config"
        config.write_text(
            f"ListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile none\nAuthorizedKeysFile {keys_dir}/%u\n"
            "StrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nLogLevel VERBOSE\n"
            + ("Subsystem sftp internal-sftp\n" if sftp else "") + extra
        )
        port = free_port()
        log = directory / "sshd.log"
        with open(log, "wb") as stderr:
            process = subprocess.Popen([sshd_binary, "-D", "-e", "-f", str(config), "-p", str(port)],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr)
        known_hosts = directory / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{port} {(directory / 'host_key.pub').read_text()}")
        ssh_config = directory / "ssh_config"
        ssh_config.write_text(f"Host 127.0.0.1 localhost\n    IdentityFile {client_key}\n")
        server = SSHServer(port, directory, config, host_key, client_key, known_hosts, ssh_config, keys_dir, log, process)
        started.append(server)
        server.authorize("root")
        deadline = time.monotonic() + 10
        while "Server listening" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                pytest.fail(f"sshd did not start: {log.read_text()}")
            time.sleep(0.05)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def unused_port() -> int:
    """A loopback port with no listener (connections to it are refused)."""
    return free_port()


class HostileServer:
    """A loopback TCP server whose every connection is handled by ``behaviour(conn)``."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # the client hanging up is what it should do
            self.behaviour(conn, self.stopping)

    def stop(self) -> None:
        self.stopping.set()
        self.acceptor.join(5)
        self.listener.close()
        for thread in self.threads:
            thread.join(5)


def _silent(conn: socket.socket, stopping: threading.Event) -> None:
    """Accept, then never say anything."""
    stopping.wait(30)


def _flood(conn: socket.socket, stopping: threading.Event) -> None:
    """Megabytes of 'banner' without a newline, until the client gives up (at most 256 MiB)."""
    chunk = b"A" * 65536
    for _ in range(4096):
        if stopping.is_set():
            return
        conn.sendall(chunk)


def _drip(conn: socket.socket, stopping: threading.Event) -> None:
    """One byte every 0.2 s: each read succeeds, so a per-read timeout never fires."""
    while not stopping.wait(0.2):
        conn.sendall(b"x")


def _http(conn: socket.socket, stopping: threading.Event) -> None:
    """A web server: reads a request, answers 400, hangs up."""
    conn.settimeout(5)
    conn.recv(1024)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n")


HOSTILE_BEHAVIOURS = {"silent": _silent, "flood": _flood, "drip": _drip, "http": _http}


@pytest.fixture
def hostile():
    """``hostile(kind) -> HostileServer`` on a loopback port: silent, flood, drip, http, or a
    ``behaviour(conn, stopping)`` function of the test's own."""
    servers: list[HostileServer] = []

    def start(kind) -> HostileServer:
        servers.append(HostileServer(HOSTILE_BEHAVIOURS[kind] if isinstance(kind, str) else kind))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@dataclass(frozen=True)
class DataAccounts:
    """Real groups and users for data-repository tests (names unique to this test session)."""

    owner: str  # the repositories' owning group; alice's primary group
    read: str  # a read group; bob is a listed member
    write: str  # a write group; wendy is a listed member
    other: str  # a group no rule names; everyone's primary group except alice's
    alice: str
    bob: str
    wendy: str
    mallory: str  # in no group a rule names


@pytest.fixture(scope="session")
def data_accounts():
    """Creates the DataAccounts with groupadd/useradd and removes them at the end of the session."""
    if os.geteuid() != 0:
        pytest.skip("creating test users and groups needs root")
    tag = f"rdt{os.getpid()}"
    accounts = DataAccounts(*(f"{tag}-{role}" for role in ("own", "read", "write", "other")),
                            *(f"{tag}-{name}" for name in ("alice", "bob", "wendy", "mallory")))
    groups = (accounts.owner, accounts.read, accounts.write, accounts.other)
    users = {accounts.alice: (accounts.owner, ""), accounts.bob: (accounts.other, accounts.read),
             accounts.wendy: (accounts.other, accounts.write), accounts.mallory: (accounts.other, "")}
    try:
        for group in groups:
            subprocess.run(["groupadd", group], check=True)
        for user, (primary, extra) in users.items():
            subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", "-g", primary,
                            *(["-G", extra] if extra else []), user], check=True)
        yield accounts
    finally:
        for user in users:
            subprocess.run(["userdel", user], check=False, stderr=subprocess.DEVNULL)
        for group in groups:
            subprocess.run(["groupdel", group], check=False, stderr=subprocess.DEVNULL)


@pytest.fixture
def world_readable_dir():
    """A fresh directory unprivileged users and daemons can enter (tmp_path's parents are root-only)."""
    directory = Path(tempfile.mkdtemp(prefix="auditor-open-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)
