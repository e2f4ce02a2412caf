"""Real OpenSSH daemons on loopback, with weak and hardened configurations, for the wire audit.

Used by the wire audit's integration tests (through tests/checks/conftest.py) and by
bench/ssh_wire_vs_ssh_audit.py. Each daemon runs in the foreground (``sshd -D -e``) on
127.0.0.1 with a port picked here, its keys, configuration, pid file and log in one
directory, and is stopped by its pid.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from testkit.ports import free_port

# A server an audit must fault on every count OpenSSH 9.2 still allows: SHA-1 and 1024-bit
# key exchange, CBC/3DES ciphers, MD5/SHA-1 MACs, ssh-rsa/DSA host keys of 1024 bits,
# password and keyboard-interactive login, pre-authentication compression. ecdh-sha2-nistp256
# is there so paramiko (which dropped SHA-1 key exchange) can still ask for the methods.
WEAK = {
    "keys": [("rsa", 1024), ("dsa", 1024)],
    "settings": [
        "HostKeyAlgorithms ssh-rsa,rsa-sha2-512,rsa-sha2-256,ssh-dss",
        "KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
        "diffie-hellman-group-exchange-sha1,ecdh-sha2-nistp256",
        "Ciphers 3des-cbc,aes128-cbc,aes256-ctr",
        "MACs hmac-md5,hmac-sha1,hmac-sha1-etm@openssh.com",
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication yes",
        "PermitRootLogin yes",
        "Compression yes",
    ],
}
# What a careful administrator runs on OpenSSH 9.2: an Ed25519 host key, AEAD/ETM only,
# keys only. curve25519 stays because no post-quantum exchange of 9.2 is in paramiko.
HARDENED = {
    "keys": [("ed25519", 0)],
    "settings": [
        "HostKeyAlgorithms ssh-ed25519",
        "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org",
        "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr",
        "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        "Compression no",
        "DebianBanner no",
        "PerSourceMaxStartups 4",  # one client cannot hold the unauthenticated slots (DHEat)
    ],
}


@dataclass
class SshdServer:
    """A running sshd: its port, process, and the directory holding its files."""

    port: int
    process: subprocess.Popen
    directory: Path

    @property
    def config(self) -> Path:
        """The sshd_config it runs with."""
        return self.directory / "sshd_config"

    @property
    def log(self) -> str:
        """What sshd wrote to stderr so far."""
        return (self.directory / "sshd.log").read_text(errors="replace")

    def stop(self) -> None:
        """Stop it by its pid and wait for it."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)



def write_config(directory: Path, spec: dict, extra: list[str] = ()) -> Path:
    """Host keys and an sshd_config for ``spec`` (WEAK, HARDENED or alike) in ``directory``."""
    lines = ["ListenAddress 127.0.0.1", "UsePAM no", "LogLevel ERROR", f"PidFile {directory / 'sshd.pid'}"]
    for key_type, bits in spec["keys"]:
        path = directory / f"ssh_host_{key_type}_key"
        if not path.exists():
            argv = ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-f", str(path)]
            subprocess.run(argv + (["-b", str(bits)] if bits else []), check=True)
        lines.append(f"HostKey {path}")
    config = directory / "sshd_config"
    config.write_text("\n".join([*lines, *spec["settings"], *extra]) + "\n")
    return config


def start_sshd(binary: str, directory: Path, spec: dict, extra: list[str] = ()) -> SshdServer:
    """Start sshd for ``spec`` on a free loopback port; returns once it accepts connections."""
    directory.mkdir(parents=True, exist_ok=True)
    config = write_config(directory, spec, list(extra))
    for _ in range(3):  # another process may take the port between our probe and sshd's bind
        port = free_port()
        with open(directory / "sshd.log", "wb") as log:
            process = subprocess.Popen([binary, "-D", "-e", "-f", str(config), "-p", str(port)],
                                       stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        server = SshdServer(port, process, directory)
        if _wait_listening(server):
            return server
        server.stop()
    raise RuntimeError(f"sshd did not start: {server.log.strip()}")


def _wait_listening(server: SshdServer, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False
