"""Real daemons on loopback for the services and web tests and benchmark: redis, rsync --daemon, nginx.

Each daemon gets its configuration in a directory of its own, listens on one 127.x.y.z
address and a port chosen here (the standard port where it is free on that address, else a
free one), and is stopped by its pid. Nothing here ever listens beyond loopback.
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from testkit.ports import free_port

REDIS = shutil.which("redis-server")
RSYNC = shutil.which("rsync")
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
NMAP = shutil.which("nmap")
OPENSSL = shutil.which("openssl")


def lab_subnet() -> str:
    """A /29 of 127.77.0.0/16 unlikely to be used by another run: ``127.77.N.0``-``127.77.N.7``."""
    return f"127.77.{random.randrange(1, 255)}."


def port_is_free(address: str, port: int) -> bool:
    """True when ``address:port`` can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


def pick_port(address: str, preferred: int | None = None) -> int:
    """``preferred`` when it is free on ``address``, else a free port the kernel picks."""
    if preferred is not None and port_is_free(address, preferred):
        return preferred
    return free_port(address)


def wait_listening(address: str, port: int, process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Block until ``address:port`` accepts connections; RuntimeError if the daemon died first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before listening")
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {address}:{port} after {timeout} s")


@dataclass
class Daemon:
    """A started daemon: where it listens and how to stop it."""

    name: str
    address: str
    port: int
    process: subprocess.Popen
    workdir: Path

    def stop(self) -> None:
        """Terminate by pid (kill after 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Lab:
    """Daemons started for one test or benchmark; ``stop()`` ends all of them."""

    root: Path
    daemons: list[Daemon] = field(default_factory=list)

    def _dir(self, name: str) -> Path:
        path = self.root / f"{name}-{len(self.daemons)}"
        path.mkdir(parents=True)
        return path

    def _start(self, name: str, address: str, port: int, argv: list[str], workdir: Path) -> Daemon:
        log = open(workdir / "daemon.log", "wb")  # noqa: SIM115 - kept open for the daemon's lifetime
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        daemon = Daemon(name, address, port, process, workdir)
        self.daemons.append(daemon)
        try:
            wait_listening(address, port, process)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}: {(workdir / 'daemon.log').read_text(errors='replace')[-2000:]}") from None
        return daemon

    def redis(self, address: str, port: int | None = None, password: str | None = None) -> Daemon:
        """redis-server without persistence; without ``password`` anyone may use it."""
        workdir = self._dir("redis")
        port = port or pick_port(address, 6379)
        argv = [REDIS or "redis-server", "--port", str(port), "--bind", address, "--save", "",
                "--appendonly", "no", "--protected-mode", "no", "--dir", str(workdir), "--daemonize", "no"]
        if password:
            argv += ["--requirepass", password]
        return self._start("redis", address, port, argv, workdir)

    def rsync(self, address: str, port: int | None = None) -> Daemon:
        """rsync --daemon with an anonymous module ``public`` and a password-protected ``private``."""
        workdir = self._dir("rsync")
        port = port or pick_port(address, 873)
        for module in ("public", "private"):
            (workdir / module).mkdir()
            (workdir / module / f"{module}-results.csv").write_text("sample,value\n1,2\n")
        secrets = workdir / "secrets"
        secrets.write_text("alice:not-the-real-one\n")
        secrets.chmod(0o600)
        user = pwd.getpwuid(os.getuid()).pw_name
        config = workdir / "rsyncd.conf"
        config.write_text(
            f"use chroot = no\nuid = {user}\ngid = {user if user != 'root' else 'root'}\n"
            f"log file = {workdir}/rsyncd.log\npid file = {workdir}/rsyncd.pid\n"
            f"[public]\n  path = {workdir}/public\n  comment = Public research data\n  read only = yes\n"
            f"[private]\n  path = {workdir}/private\n  comment = Partner data\n  read only = yes\n"
            f"  auth users = alice\n  secrets file = {secrets}\n"
        )
        argv = [RSYNC or "rsync", "--daemon", "--no-detach", f"--config={config}", f"--address={address}",
                f"--port={port}"]
        return self._start("rsync", address, port, argv, workdir)

    def nginx(self, address: str, port: int | None = None, *, autoindex: bool = True, tls: bool = False) -> Daemon:
        """nginx serving a directory of files, with ``autoindex on`` (a listing) or off."""
        files = {"dataset-2026.tar": "not really a tarball\n", "notes.txt": "lab notes\n"}
        return self.nginx_site(address, files, f"autoindex {'on' if autoindex else 'off'};", port=port, tls=tls)

    def nginx_site(self, address: str, files: Mapping[str, str], server: str, *, port: int | None = None,
                   tls: bool = False) -> Daemon:
        """nginx serving ``files`` (relative path -> text) from its web root, ``server`` added to its server block."""
        workdir = self._dir("nginx")
        port = port or pick_port(address, 443 if tls else 80)
        www = workdir / "www"
        www.mkdir()
        for relative, text in files.items():
            (www / relative).parent.mkdir(parents=True, exist_ok=True)
            (www / relative).write_text(text)
        temps = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        for temp in temps:
            (workdir / temp).mkdir()
        listen = f"{address}:{port}"
        tls_lines = ""
        if tls:
            key, cert = workdir / "key.pem", workdir / "cert.pem"
            subprocess.run([OPENSSL or "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                            "-nodes", "-subj", "/CN=lab.invalid", "-days", "2", "-keyout", str(key), "-out", str(cert)],
                           check=True, capture_output=True)
            listen += " ssl"
            tls_lines = f"ssl_certificate {cert};\n ssl_certificate_key {key};\n"
        user = pwd.getpwuid(os.getuid()).pw_name
        config = workdir / "nginx.conf"
        config.write_text(
            (f"user {user};\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log;\n"
            "events { worker_connections 64; }\n"
            "http {\n access_log off;\n"
            + "".join(f" {temp}_temp_path {workdir}/{temp};\n" for temp in temps)
            + f" server {{\n  listen {listen};\n  root {www};\n  {server}\n"
            f"  {tls_lines} }}\n}}\n"
        )
        argv = [NGINX or "nginx", "-c", str(config), "-p", str(workdir), "-g", "daemon off;"]
        return self._start("nginx", address, port, argv, workdir)

    def stop(self) -> None:
        """Stop every daemon this lab started."""
        for daemon in reversed(self.daemons):
            daemon.stop()
        self.daemons.clear()
