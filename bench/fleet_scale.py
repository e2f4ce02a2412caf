"""Whole-fleet audits: N loopback "hosts", each with an SSH server and a TLS endpoint.

Goals (fleet issues): time growing linearly with the fleet, peak memory flat (the same at
10,000 hosts as at 200), and two worker processes faster than one. The bench runs inside a
network namespace of its own (``unshare --net``, loopback up): one sshd and one nginx
listening on all addresses serve every 127.1.X.Y target without binding thousands of
sockets, and nothing outside the namespace can be reached. It runs `auditor run` on this
machine, then (``--workers 1 2 4``) `auditor run --broker` with that many `auditor worker`
processes on a redis-server inside the namespace, and prints wall time, hosts per minute
and peak memory (the coordinator's, and the largest of the workers' audit processes).
Run as root:

    .venv/bin/python bench/fleet_scale.py [--hosts 200 1000 10000] [--workers 1 2 4] [--no-local]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SSH_PORT, TLS_PORT, REDIS_PORT = 2222, 8443, 6390
SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
INSIDE = "AUDITOR_FLEET_BENCH_NETNS"  # set once the bench runs inside its own namespace
AUDITOR = [sys.executable, "-m", "auditor"]


def addresses(count: int) -> list[str]:
    """127.1.0.1, 127.1.0.2, ...: loopback addresses only (inside the bench's own namespace)."""
    return [f"127.1.{n // 250}.{n % 250 + 1}" for n in range(count)]


def start_sshd(work: Path) -> subprocess.Popen:
    key = work / "host_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    Path("/run/sshd").mkdir(exist_ok=True)
    config = work / "sshd.conf"
    config.write_text(f"ListenAddress 0.0.0.0:{SSH_PORT}\nHostKey {key}\nPidFile none\nPasswordAuthentication no\n"
                      "MaxStartups 200:30:400\n")
    return subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.DEVNULL)


def start_nginx(work: Path) -> subprocess.Popen:
    cert, key = work / "tls.pem", work / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", "/CN=bench.invalid"],
                   check=True, capture_output=True)
    (work / "nginx.conf").write_text(
        f"worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/nginx-error.log;\n"
        "events { worker_connections 4096; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {work}/body;\n  proxy_temp_path {work}/proxy;\n"
        f"  fastcgi_temp_path {work}/fastcgi;\n  uwsgi_temp_path {work}/uwsgi;\n  scgi_temp_path {work}/scgi;\n"
        f"  server {{\n    listen {TLS_PORT} ssl;\n    ssl_certificate {cert};\n    ssl_certificate_key {key};\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n    location / { return 200 'ok'; }\n  }\n}\n")
    return subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.DEVNULL)


def start_redis(work: Path) -> subprocess.Popen:
    return subprocess.Popen([REDIS, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                             "no", "--dir", str(work)], stdout=subprocess.DEVNULL)


def write_inputs(work: Path, hosts: list[str]) -> tuple[Path, Path]:
    inventory = work / f"inventory-{len(hosts)}.yaml"
    inventory.write_text("hosts:\n" + "".join(
        f"  - {{name: host{n:05d}, address: {address}, ports: [{SSH_PORT}, {TLS_PORT}]}}\n"
        for n, address in enumerate(hosts)))
    profile = work / "profile.yaml"
    # Not the throttling probe: it holds a dozen connections to the one sshd every host shares.
    profile.write_text("name: fleet-bench\nversion: '1'\nextends: baseline\nselect: ['ssh-wire.*', 'tls.*']\n"
                       "exclude: ['ssh-wire.connection-throttling']\n"
                       "collectors:\n  discovery: {enabled: false}\n  ssh_wire: {ports: []}\n  tls: {ports: []}\n"
                       "concurrency: {targets: 16, per_host: 2}\n")
    return inventory, profile


def cpu_seconds(pid: int, children: bool = True) -> float:
    """User + system CPU seconds of ``pid`` (and of its children it has waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15 if children else 13])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants (a worker and its pool processes)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        total += cpu_seconds(current)
        try:
            pending += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            continue
    return total


def run_measured(argv: list[str], cwd: Path) -> tuple[float, int, float, float]:
    """Wall time, exit code, peak RSS (MB) and CPU seconds of one process (its own, not its children's)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode not in (0, 1):
        print(error.decode(errors="replace")[-2000:], file=sys.stderr)
    return elapsed, process.returncode, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def peak_of_tree(pid: int) -> float:
    """The largest VmHWM (MB) among ``pid`` and its descendants (a Celery worker and its pool)."""
    peak, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
        pending += [int(child) for child in children]
    return peak


def start_workers(work: Path, count: int) -> list[subprocess.Popen]:
    broker = f"redis://127.0.0.1:{REDIS_PORT}/0"
    workers = []
    for index in range(count):
        log = open(work / f"worker-{index}.log", "wb")  # noqa: SIM115 - the worker's for its lifetime
        workers.append(subprocess.Popen([*AUDITOR, "worker", "--broker", broker, "--segment", "default",
                                         "--key", str(work / "worker.key")], stdout=log, stderr=log,
                                        start_new_session=True, cwd=work))
        log.close()
    deadline = time.monotonic() + 60
    for index in range(count):
        while b"ready." not in (work / f"worker-{index}.log").read_bytes():
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker {index} did not start")
            time.sleep(0.2)
    return workers


def targets_cpu(daemons: list[subprocess.Popen]) -> float:
    """CPU seconds the targets' sshd and nginx (with their finished connection processes) used so far."""
    return sum(tree_cpu(daemon.pid) for daemon in daemons[:2])


def stop(processes: list[subprocess.Popen], group: bool = False) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM) if group else process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)


def wait_for(address: str, port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{address}:{port} did not come up")


def row(label: str, count: int, measured: tuple[float, int, float, float], targets_cpu: float,
        worker_peak: float | None = None, workers_cpu: float = 0.0) -> None:
    elapsed, code, peak, cpu = measured
    workers = f"{worker_peak:>10.0f}" if worker_peak is not None else f"{'-':>10}"
    print(f"{label:<12} {count:>6} {elapsed:>8.1f} {count / elapsed * 60:>10.0f} {peak:>8.0f} {workers} "
          f"{cpu + workers_cpu:>9.0f} {targets_cpu:>9.0f}  {code}", flush=True)


def bench(args: argparse.Namespace) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as scratch:
        work = Path(scratch)
        daemons = [start_sshd(work), start_nginx(work), start_redis(work)]
        subprocess.run([*AUDITOR, "keygen", str(work / "worker")], check=True, capture_output=True)
        (work / "enrolled").mkdir()
        shutil.copy(work / "worker.pub", work / "enrolled" / "worker.pub")
        try:
            deadline = time.monotonic() + 20
            for port in (SSH_PORT, TLS_PORT, REDIS_PORT):
                wait_for("127.0.0.1", port, deadline)
            # CPU: the auditor's processes, and the targets' sshd and nginx (the same two cores).
            print(f"{'mode':<12} {'hosts':>6} {'wall s':>8} {'hosts/min':>10} {'peak MB':>8} {'worker MB':>10} "
                  f"{'audit cpu':>9} {'sshd+tls':>9}  exit", flush=True)
            for count in args.hosts:
                inventory, profile = write_inputs(work, addresses(count))
                base = [*AUDITOR, "run", "--inventory", str(inventory), "--profile", str(profile), "--quiet"]
                if not args.no_local:
                    shutil.rmtree(work / "out", ignore_errors=True)
                    before = targets_cpu(daemons)
                    measured = run_measured([*base, "--out", str(work / "out")], work)
                    row("local", count, measured, targets_cpu(daemons) - before)
                for workers in args.workers:
                    shutil.rmtree(work / "out", ignore_errors=True)
                    started = start_workers(work, workers)
                    before, workers_before = targets_cpu(daemons), sum(tree_cpu(p.pid) for p in started)
                    try:
                        measured = run_measured(
                            [*base, "--out", str(work / "out"), "--broker", f"redis://127.0.0.1:{REDIS_PORT}/0",
                             "--worker-keys", str(work / "enrolled"), "--shard-size", str(args.shard_size)], work)
                        worker_peak = max(peak_of_tree(process.pid) for process in started)
                        workers_cpu = sum(tree_cpu(process.pid) for process in started) - workers_before
                    finally:
                        stop(started, group=True)
                    row(f"{workers} worker{'s' if workers > 1 else ''}", count, measured, targets_cpu(daemons) - before,
                        worker_peak, workers_cpu)
        finally:
            stop(daemons)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, nargs="+", default=[200, 1000, 10000])
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4], help="worker processes (none: skip)")
    parser.add_argument("--no-local", action="store_true", help="skip the single-machine runs")
    parser.add_argument("--shard-size", type=int, default=50)
    args = parser.parse_args()
    if os.environ.get(INSIDE):
        bench(args)
        return
    if os.geteuid() != 0:
        sys.exit("run as root: the bench makes a network namespace of its own")
    # Again, inside a new network namespace: only its loopback exists, so nothing else is probed.
    os.execvpe("unshare", ["unshare", "--net", "--", sys.executable, *sys.argv], {**os.environ, INSIDE: "1"})


if __name__ == "__main__":
    main()
