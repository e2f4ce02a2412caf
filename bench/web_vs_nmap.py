"""Web exposure on loopback: our catalogue against nmap's web scripts, measured in the same run.

Starts nginx serving the issue's site (home page 403, a listed data folder with a dump, ``.git``,
``.env``) and a Jupyter API without a token on a free port, all on one 127.77.N.x address, then
runs our web collector (and its checks) and ``nmap --script http-enum,http-git,http-config-backup,
http-backup-finder`` on the same ports, and prints the time each took and which of the planted
exposures each reported. Goal: every planted exposure found, in a fraction of the peer's time.

    .venv/bin/python bench/web_vs_nmap.py [--rate 10]

Only loopback is touched (``-n -Pn``). Both tools ask each port once per path.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "lib"))
from auditor.check import CheckContext, CollectEnv
from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort, DiscoveryFacts
from auditor.checks.web.collector import WebCollector
from auditor.config.profile import load_profile
from auditor.facts import InventoryFacts
from auditor.models import Target, TargetKind
from auditor.registry import default_registry
from testkit import fact_set
from testkit.services_lab import NMAP, Lab, lab_subnet
from testkit.web_answers import JUPYTER_NO_TOKEN, ResearchUi

SITE = {"data/cohort-2026.csv": "participant,age\nP001,34\n", "data/cohort-2026.sql": "CREATE TABLE p (id int);\n",
        ".git/HEAD": "ref: refs/heads/main\n", ".git/config": "[core]\n\tbare = false\n",
        ".env": "DB_PASSWORD=not-real\n", "backup.sql": "-- MySQL dump 10.13\nCREATE TABLE t (id int);\n"}
# What each tool must report, and the words that say so in its output.
PLANTED = {"listing of /data/": ("/data/",), "git metadata": (".git",), ".env": (".env",),
           "dump /backup.sql": ("backup.sql",), "jupyter without token": ("/api/status", "/api/contents")}


def ours(address: str, ports: list[int], rate: float) -> tuple[float, set[str], int]:
    registry = default_registry()
    baseline = load_profile("baseline", registry)
    discovery = DiscoveryFacts(hosts=(DiscoveredHost(address=address, ip=address, ports=tuple(
        DiscoveredPort(port, service="http", method="probed") for port in ports)),))
    target = Target(address, TargetKind.NETWORK, address)
    started = time.monotonic()
    web = WebCollector().collect(CollectEnv(target=target, host=None, options={**WebCollector.options, "rate": rate},
                                            timeout=300, fact=lambda kind: discovery))
    texts = []
    for check_id in ("services.directory-listing", "web.exposed-files", "web.open-application"):
        check = registry.checks[check_id]
        ctx = CheckContext(check=check, target=target, options={}, severity=baseline.severity[check_id],
                           policies={"web-exposure": baseline.policies["web-exposure"]})
        texts += [f.resource for f in check().judge(fact_set(discovery, web, InventoryFacts()), ctx)]
    return time.monotonic() - started, found(" ".join(texts)), sum(port.requests for port in web.ports)


def peer(address: str, ports: list[int]) -> tuple[float, set[str]]:
    started = time.monotonic()
    output = subprocess.run([NMAP or "nmap", "-n", "-Pn", "-p", ",".join(map(str, ports)), "--script",
                             "http-enum,http-git,http-config-backup,http-backup-finder", address],
                            capture_output=True, text=True, timeout=1800).stdout
    return time.monotonic() - started, found(output)


def found(text: str) -> set[str]:
    return {name for name, words in PLANTED.items() if any(word in text for word in words)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=1000.0,
                        help="our requests per second per host (default: unpaced, to compare the work itself)")
    rate = parser.parse_args().rate
    address = lab_subnet() + "1"
    with tempfile.TemporaryDirectory() as work:
        lab = Lab(Path(work))
        jupyter = ResearchUi(JUPYTER_NO_TOKEN, address)
        try:
            nginx = lab.nginx_site(address, SITE, "autoindex off;\n  location /data/ { autoindex on; }")
            ports = [nginx.port, jupyter.port]
            our_time, our_found, requests = ours(address, ports, rate)
            peer_time, peer_found = peer(address, ports)
        finally:
            jupyter.stop()
            lab.stop()
    print(f"{'rifi-auditor web catalogue':36} {our_time:7.2f}s  found {len(our_found)}/{len(PLANTED)}")
    print(f"{'nmap http-enum,http-git,...':36} {peer_time:7.2f}s  found {len(peer_found)}/{len(PLANTED)}")
    print(f"ratio: ours takes {our_time / peer_time:.0%} of the peer's time (rate {rate:g}/s per host)")
    paced = requests / WebCollector.options["rate"]
    print(f"{requests} requests; at the default politeness ({WebCollector.options['rate']:g}/s per host) they take ~{paced:.0f}s")
    for name in PLANTED:
        print(f"  {name:28} ours: {'yes' if name in our_found else 'no':3}  nmap: {'yes' if name in peer_found else 'no'}")


if __name__ == "__main__":
    main()
