"""Whole-fleet audits: N loopback "hosts", each with an SSH server and a TLS endpoint.

Goal (fleet issue): 200 hosts in under a minute on 2 cores, time growing linearly, peak
memory under 300 MB. Hosts are 127.1.X.Y addresses on this machine only; the bench starts
sshd (one process per 16 addresses: OpenSSH listens on at most 16 sockets) and one nginx,
runs `auditor run --inventory` with the SSH wire and TLS checks, and prints wall time,
hosts per minute and the audit process's peak memory. Run as root:

    .venv/bin/python bench/fleet_scale.py [--hosts 25 100 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SSH_PORT, TLS_PORT = 2222, 8443
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def addresses(count: int) -> list[str]:
    """127.1.0.1, 127.1.0.2, ...: loopback addresses only."""
    return [f"127.1.{n // 250}.{n % 250 + 1}" for n in range(count)]


def start_sshd(work: Path, hosts: list[str]) -> list[subprocess.Popen]:
    key = work / "host_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    Path("/run/sshd").mkdir(exist_ok=True)
    daemons = []
    for index in range(0, len(hosts), 16):
        config = work / f"sshd-{index}.conf"
        listen = "".join(f"ListenAddress {address}:{SSH_PORT}\n" for address in hosts[index:index + 16])
        config.write_text(f"{listen}HostKey {key}\nPidFile {work}/sshd-{index}.pid\nPasswordAuthentication no\n"
                          "MaxStartups 100:30:200\n")
        daemons.append(subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL))
    return daemons


def start_nginx(work: Path, hosts: list[str]) -> subprocess.Popen:
    cert, key = work / "tls.pem", work / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", "/CN=bench.invalid"],
                   check=True, capture_output=True)
    listens = "".join(f"    listen {address}:{TLS_PORT} ssl;\n" for address in hosts)
    (work / "nginx.conf").write_text(
        f"worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/nginx-error.log;\n"
        "events { worker_connections 2048; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {work}/body;\n  proxy_temp_path {work}/proxy;\n"
        f"  fastcgi_temp_path {work}/fastcgi;\n  uwsgi_temp_path {work}/uwsgi;\n  scgi_temp_path {work}/scgi;\n"
        f"  server {{\n{listens}    ssl_certificate {cert};\n    ssl_certificate_key {key};\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n    location / { return 200 'ok'; }\n  }\n}\n")
    return subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.DEVNULL)


def write_inputs(work: Path, hosts: list[str]) -> tuple[Path, Path]:
    inventory = work / "inventory.yaml"
    inventory.write_text("hosts:\n" + "".join(
        f"  - {{name: host{n:03d}, address: {address}, ports: [{SSH_PORT}, {TLS_PORT}]}}\n"
        for n, address in enumerate(hosts)))
    profile = work / "profile.yaml"
    profile.write_text("name: fleet-bench\nversion: '1'\nextends: baseline\nselect: ['ssh-wire.*', 'tls.*']\n"
                       "collectors:\n  discovery: {enabled: false}\n  ssh_wire: {ports: []}\n  tls: {ports: []}\n"
                       "concurrency: {targets: 16, per_host: 2}\n")
    return inventory, profile


def audit(work: Path, inventory: Path, profile: Path) -> tuple[float, int, float]:
    """Wall time, exit code and peak RSS (MB) of one `auditor run`."""
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "auditor", "run", "--inventory", str(inventory),
                                "--profile", str(profile), "--out", str(work / "out"), "--quiet"],
                               cwd=work, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if completed.returncode not in (0, 1):
        print(completed.stderr[-2000:], file=sys.stderr)
    return elapsed, completed.returncode, peak


def wait_for(address: str, port: int, deadline: float) -> None:
    import socket

    while time.monotonic() < deadline:
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{address}:{port} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, nargs="+", default=[25, 100, 200])
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root: sshd needs it to start on its own ports")
    print(f"{'hosts':>6} {'wall s':>8} {'hosts/min':>10} {'peak MB':>8}  exit")
    for count in args.hosts:
        with tempfile.TemporaryDirectory(prefix="fleet-bench-") as scratch:
            work = Path(scratch)
            hosts = addresses(count)
            daemons = [*start_sshd(work, hosts), start_nginx(work, hosts)]
            try:
                deadline = time.monotonic() + 20
                wait_for(hosts[-1], SSH_PORT, deadline)
                wait_for(hosts[-1], TLS_PORT, deadline)
                elapsed, code, peak = audit(work, *write_inputs(work, hosts))
                print(f"{count:>6} {elapsed:>8.1f} {count / elapsed * 60:>10.0f} {peak:>8.0f}  {code}")
            finally:
                for daemon in daemons:
                    daemon.send_signal(signal.SIGTERM)
                for daemon in daemons:
                    daemon.wait(timeout=10)


if __name__ == "__main__":
    main()
