"""Every finding's fingerprint is unique within a run, for every check, over a realistic run.

The run is the real runner with the baseline profile on: three recorded machines (Debian 12,
Rocky 9, Ubuntu 24.04: host, SSH and data areas), a range and a web host whose network facts
are the recorded ones of every network area (discovery and service probes, SSH wire, TLS) plus
web facts collected from a real nginx serving listings, ``.git`` and ``.env``. ``diff`` matches
findings by fingerprint, so two findings sharing one would be confused.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import testkit
from auditor.check import CollectEnv
from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort, DiscoveryFacts
from auditor.checks.web.collector import WebCollector
from auditor.config.profile import load_profile
from auditor.facts import facts_to_json
from auditor.models import Finding, Target, TargetKind
from auditor.registry import default_registry
from auditor.runner import Runner
from testkit.hostkit import recorded
from testkit.services_lab import NGINX, Lab, lab_subnet

pytestmark = pytest.mark.integration
REGISTRY = default_registry()
BASELINE = load_profile("baseline", REGISTRY)
MACHINES = ("debian12", "rocky9", "ubuntu2404")
NMAP = json.loads((testkit.FIXTURES / "nmap" / "recorded-facts.json").read_text())
WEB_HOST = NMAP["discovery"]["host"]["hosts"][0]["address"]


@dataclass(frozen=True)
class Stored:
    """Facts as a snapshot records them (auditor.collection.StoredFact)."""

    value: Any
    status: str = "ok"
    version: int | None = 1
    reason: str = ""


@pytest.fixture
def web_facts(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Web facts collected from a real nginx: listings below a 403 home page, .git, .env."""
    if NGINX is None:
        pytest.skip("nginx is not installed")
    lab = Lab(tmp_path / "lab")
    try:
        files = {"data/cohort.csv": "id\n", "data/dump.sql": "x\n", "pub/readme.txt": "x\n",
                 ".git/HEAD": "ref: refs/heads/main\n", ".env": "DB_PASSWORD=not-real\n"}
        nginx = lab.nginx_site(lab_subnet() + "1", files, "location /data/ { autoindex on; }\n"
                               "  location /pub/ { autoindex on; }")
        discovery = DiscoveryFacts(hosts=(DiscoveredHost(address=WEB_HOST, ip=nginx.address, ports=(
            DiscoveredPort(nginx.port, service="http", method="probed"),)),))
        env = CollectEnv(target=Target("web01", TargetKind.NETWORK, WEB_HOST), host=None,
                         options={**WebCollector.options, "rate": 500.0}, timeout=60, fact=lambda kind: discovery)
        yield {"web": facts_to_json(WebCollector().collect(env)), "discovery": facts_to_json(discovery)}
    finally:
        lab.stop()


def network_facts(web: Mapping[str, Any]) -> dict[str, dict[str, Stored]]:
    tls = {"address": WEB_HOST, "sni": None, "ca_bundle": None, "trust_store": None, "http_redirects": [],
           "endpoints": [json.loads((testkit.FIXTURES / "tls" / f"endpoint-{name}.json").read_text())
                         for name in ("legacy", "modern")]}
    recorded_host = NMAP["discovery"]["host"]["hosts"][0]  # the nginx port joins the recorded host's
    host = {**recorded_host, "ports": [*recorded_host["ports"], *web["discovery"]["hosts"][0]["ports"]]}
    discovery = {**NMAP["discovery"]["host"], "hosts": [host]}
    return {
        "lab": {"discovery": Stored(NMAP["discovery"]["range"]), "probes": Stored(NMAP["probes"]),
                "web": Stored({"ports": []})},
        "web01": {"discovery": Stored(discovery), "probes": Stored(NMAP["probes"]), "web": Stored(web["web"]),
                  "ssh_wire": Stored(json.loads((testkit.FIXTURES / "ssh-wire" / "weak.json").read_text())),
                  "tls": Stored(tls)},
    }


def duplicates(findings: list[Finding]) -> dict[str, list[str]]:
    counts = Counter(finding.fingerprint for finding in findings)
    return {fp: [f"{f.check_id} {f.target} {f.resource}" for f in findings if f.fingerprint == fp]
            for fp, count in counts.items() if count > 1}


def test_every_check_s_fingerprints_are_unique_over_a_realistic_run(web_facts: dict[str, Any]) -> None:
    machines = {name: recorded(name) for name in MACHINES}
    host_run = Runner(REGISTRY, BASELINE, opener=lambda target: machines[target.name]).run(
        [Target(name, TargetKind.LOCAL) for name in MACHINES])
    targets = [Target("lab", TargetKind.RANGE, "127.77.200.0/29"), Target("web01", TargetKind.NETWORK, WEB_HOST)]
    network_run = Runner(REGISTRY, BASELINE, opener=lambda target: None,
                         stored_facts=network_facts(web_facts)).run(targets)
    findings = [*host_run.findings, *network_run.findings]
    assert duplicates(findings) == {}
    judged = {finding.check_id for finding in findings}
    areas = {check_id.split(".")[0] for check_id in judged}
    assert {"host", "ssh", "ssh-wire", "services", "tls", "web"} <= areas, sorted(judged)
    assert {"services.directory-listing", "web.exposed-files"} <= judged
    # Every check with findings here made at least one; checks of the same id never collide across targets.
    for check_id in judged:
        mine = [finding for finding in findings if finding.check_id == check_id]
        assert len({finding.fingerprint for finding in mine}) == len(mine), check_id
