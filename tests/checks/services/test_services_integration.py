"""Real redis-server, rsync --daemon, nginx and nmap on 127.77.x.y loopback addresses this file picks."""

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import testkit
from auditor.check import CollectEnv
from auditor.checks.services.discovery import DiscoveryCollector, scan
from auditor.checks.services.facts import (
    DiscoveredPort,
    DiscoveryFacts,
    ImportedScan,
    ListedModule,
    NmapScan,
    ProbeResult,
    ProbesFacts,
    RsyncEvidence,
)
from auditor.checks.services.probe_base import ProbeTools
from auditor.checks.services.probes import Job, run_probe
from auditor.config.policies import load_policy
from auditor.config.profile import load_profile
from auditor.errors import CollectError, FactsUnavailable
from auditor.facts import facts_from_json, facts_to_json
from auditor.models import Target, TargetKind
from auditor.registry import default_registry
from auditor.runner import Runner
from testkit.services_lab import NGINX, NMAP, REDIS, RSYNC, Daemon, Lab, lab_subnet, pick_port

pytestmark = pytest.mark.integration
FIXTURES = testkit.FIXTURES / "nmap"
TOOLS = ProbeTools(rsync=RSYNC or "rsync", showmount="showmount", max_modules=20)
POLICY = {"services": load_policy("services", "default")}


def need(*tools: tuple[str, str | None]) -> None:
    missing = [name for name, path in tools if path is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    started = Lab(tmp_path / "lab")
    yield started
    started.stop()


def probe(name: str, daemon: Daemon, service: str = "", tunnel: str = "") -> ProbeResult:
    entry = DiscoveredPort(daemon.port, service=service, tunnel=tunnel)
    return run_probe(Job(name, daemon.address, daemon.address, entry), 5.0, TOOLS)


def discover(target: Target, **options: object) -> DiscoveryFacts:
    env = CollectEnv(target=target, host=None, options={**DiscoveryCollector.options, **options}, timeout=30,
                     policies=POLICY)
    return DiscoveryCollector().collect(env)


def test_redis_without_password_answers_and_with_password_does_not(lab: Lab) -> None:
    need(("redis-server", REDIS))
    net = lab_subnet()
    open_redis = lab.redis(net + "1")
    locked = lab.redis(net + "2", password="lab-only-secret")
    result = probe("redis", open_redis)
    assert REDIS is not None
    version = subprocess.run([REDIS, "--version"], capture_output=True, text=True).stdout
    assert result.status == "open" and result.texts()["reply"] == "+PONG"
    assert f"v={result.texts()['redis_version']} " in version
    result = probe("redis", locked)
    assert (result.status, result.evidence) == ("protected", {"reply": "-NOAUTH Authentication required."})


def test_rsync_anonymous_module_lists_files_and_the_other_asks_a_password(lab: Lab) -> None:
    need(("rsync", RSYNC))
    daemon = lab.rsync(lab_subnet() + "1")
    result = probe("rsync", daemon, "rsync")
    assert result.status == "open" and isinstance(result.evidence, RsyncEvidence)
    public, private = result.evidence.modules
    assert public == ListedModule(name="public", comment="Public research data", access="open", files=1,
                                  sample=("public-results.csv",))
    assert (private.name, private.access) == ("private", "protected")
    recorded = ProbesFacts(results=(result,))
    assert facts_from_json(ProbesFacts, facts_to_json(recorded)) == recorded


def test_discovery_scans_a_range_and_names_unknown_ports_in_a_second_pass(lab: Lab) -> None:
    need(("nmap", NMAP), ("redis-server", REDIS), ("rsync", RSYNC), ("nginx", NGINX))
    net = lab_subnet()
    rsync = lab.rsync(net + "1", 873)
    odd_redis = lab.redis(net + "2", 16379)
    lab.nginx(net + "2", 18443, tls=True)  # a TLS site the version pass must recognise
    target = Target(name="lab", kind=TargetKind.RANGE, address=net + "0/29")
    facts = discover(target, ports=[22, 873, 16379, 18443])
    hosts = {host.address: host for host in facts.hosts}
    assert set(hosts) == {rsync.address, odd_redis.address}
    assert [(p.port, p.service, p.method) for p in hosts[rsync.address].ports] == [(873, "rsync", "table")]
    ports = {p.port: p for p in hosts[odd_redis.address].ports}
    assert (ports[16379].service, ports[16379].product) == ("redis", "Redis key-value store")
    assert (ports[18443].service, ports[18443].tunnel, ports[18443].product) == ("http", "ssl", "nginx")
    scan = facts.scan
    assert isinstance(scan, NmapScan) and scan.version_pass is not None
    assert scan.errors == () and scan.timed_out == () and scan.version_pass.ports == 2
    assert len(scan.commands) == 2 and "--version-light" in scan.commands[1]
    assert scan.scan_type == "syn" and scan.source == "nmap"
    assert facts_from_json(DiscoveryFacts, facts_to_json(facts)) == facts


def test_a_host_keeps_its_name_and_a_host_with_nothing_open_is_still_reported(lab: Lab) -> None:
    need(("nmap", NMAP), ("redis-server", REDIS))
    net = lab_subnet()
    redis = lab.redis(net + "1")
    facts = discover(Target(name="db", kind=TargetKind.NETWORK, address=redis.address, ports=(redis.port,)),
                     ports=[22], version_light="off")
    (host,) = facts.hosts
    assert (host.address, host.ip, [p.port for p in host.ports]) == (redis.address, redis.address, [redis.port])
    quiet = discover(Target(name="quiet", kind=TargetKind.NETWORK, address=net + "5"), ports=[22, 6379])
    assert [(h.address, h.ports) for h in quiet.hosts] == [(net + "5", ())]


def test_host_timeout_keeps_partial_results_and_names_the_host(lab: Lab) -> None:
    need(("nmap", NMAP), ("redis-server", REDIS))
    net = lab_subnet()
    redis = lab.redis(net + "1", 16379)  # unknown to nmap's table: version detection takes ~10 s
    facts = discover(Target(name="lab", kind=TargetKind.RANGE, address=net + "0/30"), ports=[16379], host_timeout=1)
    assert facts.scan.timed_out == (f"{redis.address} (version detection)",)
    assert [p.port for p in facts.hosts[0].ports] == [16379]  # kept from the first pass


def test_missing_nmap_names_the_debian_package_and_disabled_discovery_scans_nothing() -> None:
    target = Target(name="h", kind=TargetKind.NETWORK, address="127.77.0.1")
    with pytest.raises(CollectError, match="install the Debian package 'nmap'"):
        discover(target, binary="no-such-nmap")
    with pytest.raises(FactsUnavailable, match="discovery is disabled"):
        discover(target, enabled=False, binary="no-such-nmap")


def test_nmap_exit_error_becomes_a_collect_error_with_its_message() -> None:
    need(("nmap", NMAP))
    target = Target(name="h", kind=TargetKind.NETWORK, address="127.77.0.1")
    # Port numbers are validated long before; only a direct call can hand nmap an impossible one.
    with pytest.raises(CollectError, match="nmap reported an error: Ports specified must be between 0 and 65535"):
        scan(target, DiscoveryCollector.options, [70000], [])


def test_imported_xml_is_limited_to_the_target() -> None:
    path = str(FIXTURES / "discovery.xml")
    facts = discover(Target(name="one", kind=TargetKind.NETWORK, address="127.77.200.2"), import_xml=path)
    assert [p.port for p in facts.hosts[0].ports] == [8443, 16379]
    assert isinstance(facts.scan, ImportedScan) and facts.scan.source == "import" and facts.scan.file == path
    facts = discover(Target(name="r", kind=TargetKind.RANGE, address="127.77.200.0/31"), import_xml=path)
    assert [host.address for host in facts.hosts] == ["127.77.200.1"]
    with pytest.raises(CollectError, match=re.escape("holds no results for 127.77.200.9")):
        discover(Target(name="x", kind=TargetKind.NETWORK, address="127.77.200.9"), import_xml=path)
    with pytest.raises(CollectError, match="cannot read the nmap XML"):
        discover(Target(name="x", kind=TargetKind.NETWORK, address="127.77.200.9"), import_xml=path + ".missing")


def test_a_failed_scan_is_an_error_result_and_the_run_completes(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(f"name: t\nextends: baseline\nselect: ['services.*']\n"
                       f"collectors:\n  discovery: {{import_xml: {FIXTURES / 'exit-error.xml'}}}\n")
    registry = default_registry()
    run = Runner(registry, load_profile(str(profile), registry)).run(
        [Target(name="lab", kind=TargetKind.RANGE, address="127.77.200.0/29")])
    statuses = {result.check_id: (result.status.value, result.reason) for result in run.results}
    assert statuses["services.risky-service"] == (
        "error", "nmap reported an error: I cannot figure out what source address to use for device nosuchif0, "
                 "does it even exist?")
    assert statuses["services.undeclared-service"][0] == "skipped"


def test_auditor_run_on_a_range_with_inventory_and_roles(lab: Lab, tmp_path: Path) -> None:
    need(("nmap", NMAP), ("redis-server", REDIS), ("rsync", RSYNC), ("nginx", NGINX))
    net = lab_subnet()
    data_redis, data_rsync = lab.redis(net + "1"), lab.rsync(net + "1")
    web = lab.nginx(net + "2")
    stray = lab.redis(net + "3", password="lab-only-secret")
    ports = sorted({daemon.port for daemon in lab.daemons})
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "hosts:\n"
        f"  - {{name: lab, address: {net}0/29, role: workstation}}\n"
        f"  - {{name: data01, address: {data_rsync.address}, role: data-server, ports: [{data_rsync.port}]}}\n"
        f"  - {{name: web01, address: {web.address}, role: web, ports: [{web.port}]}}\n")
    profile = tmp_path / "lab.yaml"
    profile.write_text("name: lab\nextends: baseline\nselect: ['services.*']\n"
                       f"collectors:\n  discovery: {{ports: {ports}}}\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "auditor", "run", "--inventory", str(inventory), "--profile",
                           str(profile), "--out", str(out)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)  # never the repository root: its source tree would shadow the package
    assert done.returncode == 1, done.stdout + done.stderr  # high findings, and no errors
    snapshot = json.loads((out / "snapshot.json").read_text())
    found = {(f["target"], f["check_id"], f["resource"]) for f in snapshot["findings"]}
    assert {
        ("data01", "services.unauthenticated-access", f"tcp/{data_redis.port}"),
        ("data01", "services.unauthenticated-access", f"tcp/{data_rsync.port}/rsync:public"),
        ("data01", "services.undeclared-service", f"tcp/{data_redis.port}"),
        ("data01", "services.risky-service", f"tcp/{data_redis.port}"),
        ("data01", "services.clear-text", f"tcp/{data_rsync.port}"),
        ("web01", "services.directory-listing", f"tcp/{web.port}/http:/"),
        ("lab", "services.unknown-host", f"host:{stray.address}"),
        ("lab", "services.risky-service", f"{stray.address}:tcp/{stray.port}"),
    } <= found
    assert not any(f[1] == "services.unauthenticated-access" and f[0] == "lab" for f in found)  # requirepass
    scanned = snapshot["facts"]["lab"]["discovery"]["value"]
    assert scanned["scan"]["excluded"] == [data_rsync.address, web.address]
    assert [host["address"] for host in scanned["hosts"]] == [stray.address]
    assert [host.address for host in facts_from_json(DiscoveryFacts, scanned).hosts] == [stray.address]
    prevention = (out / "prevention.html").read_text()
    for text in ("services.unauthenticated-access", f"tcp/{data_rsync.port}/rsync:public",
                 "services.directory-listing"):
        assert text in prevention
    assert "services.unknown-host" in (out / "awareness.html").read_text()


def test_a_widened_port_list_finds_redis_and_jupyter_off_their_ports_and_probes_follow_the_service(
        lab: Lab) -> None:
    need(("nmap", NMAP), ("redis-server", REDIS))
    from auditor.checks.services.probes import plan
    from auditor.checks.web.collector import web_ports
    from testkit.web_answers import JUPYTER_NO_TOKEN, ResearchUi

    address = lab_subnet() + "1"
    redis = lab.redis(address, pick_port(address, 6380))  # no name in nmap's port table
    jupyter = ResearchUi(JUPYTER_NO_TOKEN, address, pick_port(address, 8899))  # nmap's table says ospf-lite
    try:
        host = Target(name=address, kind=TargetKind.NETWORK, address=address)
        curated = discover(host)
        assert {p.port for h in curated.hosts for p in h.ports} & {redis.port, jupyter.port} == set()
        widened = discover(host, extra_ports=[redis.port, jupyter.port])
    finally:
        jupyter.stop()
    found = {p.port: p for h in widened.hosts for p in h.ports}
    assert (found[redis.port].service, found[redis.port].method) == ("redis", "probed")
    assert (found[jupyter.port].service, found[jupyter.port].method) == ("http", "probed")
    assert [(job.probe, job.port.port) for job in plan(widened, POLICY["services"])] == [("redis", redis.port)]
    assert [(job.port.port, job.sniff) for job in web_ports(widened, POLICY["services"])] == [(jupyter.port, False)]
