"""Discovery of a loopback range: our curated two-pass scan against plain ``nmap -sV --top-ports 1000``.

Starts redis (with and without a password), an rsync daemon, nginx with a directory listing
(HTTP and HTTPS) and a Python HTTP server on the Jupyter port, all on 127.77.N.x addresses,
scans the /29 both ways, and prints the time each took and which services each found.
Goal: every risky service found, in a fraction of the plain scan's time.

    .venv/bin/python bench/discovery_vs_nmap.py [--rounds 3]

Only loopback is touched (``-n``: no reverse DNS either). Run as root for SYN scans (both
scans then use them); as another user both use connect scans.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "lib"))
from auditor.check import CollectEnv
from auditor.checks.services.discovery import DiscoveryCollector
from auditor.checks.services.facts import DiscoveredPort, ProbesFacts
from auditor.checks.services.nmap import parse_nmap_xml
from auditor.checks.services.policy import identify
from auditor.checks.services.probes import ProbeCollector
from auditor.config.policies import load_policy
from auditor.models import Target, TargetKind
from testkit.services_lab import NMAP, Lab, lab_subnet, pick_port

POLICY = load_policy("services", "default")


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the current directory without logging every request."""

    def log_message(self, *args: object) -> None:
        pass


def start_services(lab: Lab, net: str) -> list[tuple[str, int, str]]:
    """Start the lab's services; (address, port, what) for each."""
    lab.redis(net + "1", 6379)
    lab.rsync(net + "1", 873)
    lab.nginx(net + "2", 80)
    lab.nginx(net + "2", 443, tls=True)
    lab.redis(net + "3", 6379, password="bench-only")
    services = [(d.address, d.port, d.name + (" (password)" if d.address == net + "3" else "")) for d in lab.daemons]
    notebook = ThreadingHTTPServer((net + "4", pick_port(net + "4", 8888)), _QuietHandler)
    threading.Thread(target=notebook.serve_forever, daemon=True).start()
    lab.notebook = notebook  # type: ignore[attr-defined]
    services.append((net + "4", notebook.server_address[1], "http on the Jupyter port"))
    return services


def ours(net: str) -> tuple[float, float, set[tuple[str, int]], ProbesFacts]:
    """Our discovery of the /29 (curated ports, version pass on unknown ports), then the probes."""
    target = Target(name="lab", kind=TargetKind.RANGE, address=net + "0/29")
    started = time.monotonic()
    facts = DiscoveryCollector().collect(CollectEnv(target=target, host=None, options=DiscoveryCollector.options,
                                                    timeout=60, policies={"services": POLICY}))
    scanned = time.monotonic() - started
    started = time.monotonic()
    probes = ProbeCollector().collect(CollectEnv(target=target, host=None, options=ProbeCollector.options, timeout=60,
                                                 fact=lambda kind: facts, policies={"services": POLICY}))
    probed = time.monotonic() - started
    found = {(host.address, port.port) for host in facts.hosts for port in host.ports}
    return scanned, probed, found, probes


def plain(net: str) -> tuple[float, set[tuple[str, int]]]:
    """Plain ``nmap -sV --top-ports 1000`` of the same /29."""
    started = time.monotonic()
    output = subprocess.run([NMAP or "nmap", "-n", "-sV", "--top-ports", "1000", "-oX", "-", net + "0/29"],
                            capture_output=True, check=True).stdout
    elapsed = time.monotonic() - started
    hosts = parse_nmap_xml(output).hosts
    return elapsed, {(host.address, port.port) for host in hosts for port in host.ports}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="repeat each scan and report the median")
    args = parser.parse_args()
    if NMAP is None:
        print("nmap is not installed (Debian package nmap)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        lab = Lab(Path(tmp))
        net = lab_subnet()
        try:
            services = start_services(lab, net)
            runs_ours = [ours(net) for _ in range(args.rounds)]
            runs_plain = [plain(net) for _ in range(args.rounds)]
        finally:
            lab.notebook.shutdown()  # type: ignore[attr-defined]
            lab.stop()
    scan_time = statistics.median(run[0] for run in runs_ours)
    probe_time = statistics.median(run[1] for run in runs_ours)
    plain_time = statistics.median(run[0] for run in runs_plain)
    found_ours, found_plain, probes = runs_ours[0][2], runs_plain[0][1], runs_ours[0][3]
    risky = {(address, port) for address, port, _ in services
             if identify(POLICY, DiscoveredPort(port, method="table")).risky}
    print(f"Loopback range {net}0/29: {len(services)} services, {len(risky)} of them risky by the catalogue")
    print(f"{'':36} {'time':>8}  {'services':>8}  {'risky':>6}")
    print(f"{'our discovery (curated ports)':36} {scan_time:7.2f}s  {len(found_ours & _all(services)):>3}/{len(services):<4}"
          f"  {len(found_ours & risky):>2}/{len(risky)}")
    print(f"{'  + read-only probes':36} {probe_time:7.2f}s")
    print(f"{'nmap -sV --top-ports 1000':36} {plain_time:7.2f}s  {len(found_plain & _all(services)):>3}/{len(services):<4}"
          f"  {len(found_plain & risky):>2}/{len(risky)}")
    print(f"ratio: our discovery + probes take {(scan_time + probe_time) / plain_time:.0%} of the plain scan's time")
    verdicts = {(r.address, r.port): f"{r.probe}: {r.status}" for r in probes.results}
    print(f"\n{'service':44} {'ours':>5} {'plain':>6}  probe")
    for address, port, what in services:
        mark = "*" if (address, port) in risky else " "
        print(f"{mark}{address}:{port:<6} {what:28} {_yes(address, port, found_ours):>5} {_yes(address, port, found_plain):>6}"
              f"  {verdicts.get((address, port), '-')}")
    extra = sorted((found_ours | found_plain) - _all(services))
    if extra:
        print(f"also open on these loopback addresses (not started here): {', '.join(f'{a}:{p}' for a, p in extra)}")
    print("* risky by the services catalogue")
    return 0


def _all(services: list[tuple[str, int, str]]) -> set[tuple[str, int]]:
    return {(address, port) for address, port, _ in services}


def _yes(address: str, port: int, found: set[tuple[str, int]]) -> str:
    return "yes" if (address, port) in found else "no"


if __name__ == "__main__":
    sys.exit(main())
