"""Service checks judged from recorded discovery and probe facts (no network)."""

from collections.abc import Iterable, Sequence

import pytest

import testkit
from auditor.check import CheckContext, CheckSkipped
from auditor.checks.services.discovery import _for_target
from auditor.checks.services.facts import (
    DiscoveredHost,
    DiscoveredPort,
    DiscoveryFacts,
    Evidence,
    ListedModule,
    NfsEvidence,
    NfsExport,
    NmapScan,
    ProbeResult,
    ProbesFacts,
    ProbeStatus,
    RsyncEvidence,
    RsyncModule,
)
from auditor.checks.services.nmap import parse_nmap_xml
from auditor.config.profile import load_profile
from auditor.errors import NotAssessable
from auditor.facts import Facts, InventoryFacts
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry
from testkit import fact_set

REGISTRY = default_registry()
BASELINE = load_profile("baseline", REGISTRY)
FIXTURES = testkit.FIXTURES / "nmap"
LAB = Target(name="lab", kind=TargetKind.RANGE, address="127.77.200.0/29", role="workstation")
DATA = Target(name="data01", kind=TargetKind.NETWORK, address="127.77.200.1", role="data-server", ports=(873,))
WEB = Target(name="web01", kind=TargetKind.NETWORK, address="web01.example.org", role="web", ports=(80, 443))
Host = tuple[str, Sequence[DiscoveredPort]] | tuple[str, Sequence[DiscoveredPort], tuple[str, ...]]


def tcp(number: int, service: str = "", method: str = "table", product: str = "", tunnel: str = "") -> DiscoveredPort:
    return DiscoveredPort(number, service=service, tunnel=tunnel, product=product, method=method, conf=3)


def discovery(*hosts: Host, errors: Iterable[str] = (), timed_out: Iterable[str] = ()) -> DiscoveryFacts:
    """Discovery facts of ``(address, ports)`` or ``(address, ports, hostnames)`` hosts."""
    return DiscoveryFacts(
        hosts=tuple(DiscoveredHost(host[0], ip=host[0], status="up", ports=tuple(host[1]),
                                   hostnames=host[2] if len(host) == 3 else ()) for host in hosts),
        scan=NmapScan(errors=tuple(errors), timed_out=tuple(timed_out)),
    )


def probe(probe_name: str, address: str, number: int, status: ProbeStatus, evidence: Evidence | None = None,
          reason: str = "") -> ProbeResult:
    return ProbeResult(probe_name, address, number, "", status, reason, evidence or {}, 0.01)


def probes(*results: ProbeResult) -> ProbesFacts:
    return ProbesFacts(results=results)


def judge(check_id: str, target: Target, *facts: Facts,
          inventory: Iterable[Target] = ()) -> tuple[list[Finding], CheckContext]:
    check = REGISTRY.checks[check_id]
    ctx = CheckContext(check=check(), target=target, options=BASELINE.options[check_id],
                       severity=BASELINE.severity[check_id],
                       policies={kind: BASELINE.policies[kind] for kind in check.policies})
    given = fact_set(ProbesFacts(), InventoryFacts(tuple(inventory)), *facts)
    return check().judge(given, ctx), ctx


def by_resource(findings: Iterable[Finding]) -> dict[str, Finding]:
    return {finding.resource: finding for finding in findings}


def test_recorded_scan_judged_on_a_range_with_addressed_resources() -> None:
    scan = parse_nmap_xml((FIXTURES / "discovery.xml").read_bytes())
    facts = DiscoveryFacts(hosts=_for_target(LAB, scan.hosts, scan.totals, ()), scan=NmapScan())
    findings, ctx = judge("services.risky-service", LAB, facts)
    risky = by_resource(findings)
    assert set(risky) == {"127.77.200.1:tcp/873", "127.77.200.1:tcp/6379"}
    redis = risky["127.77.200.1:tcp/6379"]
    assert redis.severity is Severity.HIGH and redis.measures == ("PRV-7",)
    assert redis.evidence["role"] == "workstation" and redis.evidence["identified_by"] == "port"
    assert "Redis is reachable on 127.77.200.1:tcp/6379" in redis.message
    assert risky["127.77.200.1:tcp/873"].measures == ("PRV-7", "PRV-4")
    unexpected, _ = judge("services.unexpected-service", LAB, facts)
    # the unknown 16379 and the two web ports: a workstation allows nothing
    assert set(by_resource(unexpected)) == {"127.77.200.1:tcp/80", "127.77.200.2:tcp/8443", "127.77.200.2:tcp/16379"}
    assert ctx.details["scan"] == "nmap: 2 host(s), 5 open port(s)" and ctx.problems == []


def test_a_host_target_uses_port_only_resources_and_its_role() -> None:
    facts = discovery(("127.77.200.1", [tcp(22, "ssh"), tcp(873, "rsync"), tcp(6379, "redis")]))
    findings, ctx = judge("services.risky-service", DATA, facts)
    assert [finding.resource for finding in findings] == ["tcp/6379"]  # rsync is allowed for a data server
    assert ctx.details["role"] == "data-server"
    assert judge("services.unexpected-service", DATA, facts)[0] == []  # ssh is allowed


def test_an_unknown_role_is_judged_as_default_and_says_so() -> None:
    odd = Target(name="odd", kind=TargetKind.NETWORK, address="127.0.0.9", role="gpu-box")
    facts = discovery(("127.0.0.9", [tcp(22, "ssh"), tcp(80, "http")]))
    findings, ctx = judge("services.unexpected-service", odd, facts)
    assert [finding.resource for finding in findings] == ["tcp/80"]
    assert ctx.details["role"] == "default (role 'gpu-box' is not in the policy)"


def test_catalogue_severity_and_measures_are_used() -> None:
    facts = discovery(("127.0.0.9", [tcp(2375, "docker"), tcp(23, "telnet")]))
    findings = by_resource(judge("services.risky-service", Target("h", TargetKind.NETWORK, "127.0.0.9"), facts)[0])
    assert findings["tcp/2375"].severity is Severity.CRITICAL
    assert findings["tcp/23"].measures == ("PRV-7", "PRV-4")


def test_clear_text_whatever_the_role_but_not_inside_tls() -> None:
    facts = discovery(("127.77.200.1", [tcp(873, "rsync"), tcp(21, "ftp"),
                                                      tcp(990, "ftp", "probed", "vsftpd", tunnel="ssl")]))
    findings = judge("services.clear-text", DATA, facts)[0]
    assert sorted(finding.resource for finding in findings) == ["tcp/21", "tcp/873"]


def test_unauthenticated_access_from_probe_results() -> None:
    address = "127.77.200.1"
    scanned = discovery((address, [tcp(6379, "redis"), tcp(873, "rsync"), tcp(2375, "docker"),
                                   tcp(2379, "etcd-client"), tcp(2049, "nfs"), tcp(6380, "redis")]))
    results = probes(
        probe("redis", address, 6379, "open", {"reply": "+PONG", "redis_version": "7.0.15"}),
        probe("redis", address, 6380, "protected", {"reply": "-NOAUTH Authentication required."}),
        probe("docker", address, 2375, "open", {"path": "/version", "ApiVersion": "1.43"}),
        probe("etcd", address, 2379, "reachable", {"path": "/version", "etcdserver": "3.5.9"}),
        probe("rsync", address, 873, "open", RsyncEvidence(modules=(
            ListedModule("public", "Public data", "open", files=2, sample=("a.csv",)),
            RsyncModule("private", "", "protected")))),
        probe("nfs", address, 2049, "open", NfsEvidence(exports=(NfsExport("/srv/data", ("*",)),
                                                                 NfsExport("/srv/lab", ("10.0.0.0/24",))))),
    )
    findings, ctx = judge("services.unauthenticated-access", DATA, scanned, results)
    found = by_resource(findings)
    assert set(found) == {"tcp/6379", "tcp/2375", "tcp/2379", "tcp/873/rsync:public", "tcp/2049/nfs:/srv/data"}
    assert found["tcp/2375"].severity is Severity.CRITICAL
    assert found["tcp/6379"].severity is Severity.HIGH and found["tcp/6379"].evidence["redis_version"] == "7.0.15"
    assert found["tcp/2379"].severity is Severity.MEDIUM and "without a client certificate" in found["tcp/2379"].message
    assert found["tcp/873/rsync:public"].measures == ("PRV-3", "PRV-8")
    assert found["tcp/873/rsync:public"].severity is Severity.HIGH  # the check's severity is the floor
    assert found["tcp/873/rsync:public"].evidence["sample"] == "a.csv"
    assert ctx.problems == [] and ctx.details["probes"] == "6 probe(s)"


def test_a_probe_error_makes_the_result_incomplete_and_keeps_findings() -> None:
    address = "127.77.200.1"
    scanned = discovery((address, [tcp(6379, "redis"), tcp(11211, "memcache")]))
    results = probes(probe("redis", address, 6379, "open", {"reply": "+PONG"}),
                     probe("memcached", address, 11211, "error", reason="no complete answer within 5 s"))
    findings, ctx = judge("services.unauthenticated-access", DATA, scanned, results)
    assert [finding.resource for finding in findings] == ["tcp/6379"]
    assert ctx.problems == ["memcached probe on tcp/11211: no complete answer within 5 s"]


def test_probes_that_cannot_run_here_are_not_assessable_when_nothing_else_was_judged() -> None:
    scanned = discovery(("127.77.200.1", [tcp(2049, "nfs")]))
    results = probes(probe("nfs", "127.77.200.1", 2049, "not-assessable",
                           reason="showmount not installed here (Debian package nfs-common)"))
    with pytest.raises(NotAssessable, match="nfs-common"):
        judge("services.unauthenticated-access", DATA, scanned, results)


def test_nothing_to_probe_is_skipped_not_passed() -> None:
    scanned = discovery(("127.77.200.1", [tcp(22, "ssh")]))
    with pytest.raises(CheckSkipped, match="no service the read-only probes know how to ask"):
        judge("services.unauthenticated-access", DATA, scanned, probes())


def test_scan_gaps_make_every_verdict_incomplete() -> None:
    facts = discovery(("127.77.200.1", [tcp(6379, "redis")]), errors=["version detection: nmap failed"],
                      timed_out=["127.77.200.4"])
    findings, ctx = judge("services.risky-service", LAB, facts)
    assert len(findings) == 1
    assert ctx.problems == ["version detection: nmap failed",
                            "nmap's host timeout stopped the scan of 127.77.200.4: their open ports are not all known"]


def test_unknown_hosts_only_on_ranges_and_only_with_open_ports() -> None:
    facts = discovery(("127.77.200.3", [tcp(6379, "redis")]), ("127.77.200.4", []),
                      ("127.77.200.5", [tcp(22, "ssh")]), ("127.77.200.6", [tcp(80, "http")], ("kiosk.example.org",)))
    inventory = [LAB, Target(name="db", kind=TargetKind.NETWORK, address="127.77.200.5"),
                 Target(name="kiosk", kind=TargetKind.NETWORK, address="kiosk.example.org")]
    findings, _ = judge("services.unknown-host", LAB, facts, inventory=inventory)
    assert [(f.resource, f.evidence["open_ports"]) for f in findings] == [("host:127.77.200.3", "6379/redis")]
    with pytest.raises(CheckSkipped):
        judge("services.unknown-host", DATA, facts, inventory=inventory)


def test_hosts_audited_on_their_own_are_not_judged_again_under_the_range() -> None:
    facts = discovery(("127.77.200.1", [tcp(6379, "redis")]), ("127.77.200.3", [tcp(6379, "redis")]))
    findings, _ = judge("services.risky-service", LAB, facts, inventory=[LAB, DATA])
    assert [finding.resource for finding in findings] == ["127.77.200.3:tcp/6379"]


def test_undeclared_services_of_a_host_with_declared_ports() -> None:
    facts = discovery(("127.77.200.1", [tcp(873, "rsync"), tcp(6379, "redis")]))
    findings, _ = judge("services.undeclared-service", DATA, facts)
    assert [(f.resource, f.evidence["expected"]) for f in findings] == [("tcp/6379", "declared ports: 873")]
    ssh_target = Target("login", TargetKind.SSH, "127.77.200.1", port=22, ports=(873,))
    facts = discovery(("127.77.200.1", [tcp(22, "ssh"), tcp(873, "rsync")]))
    assert judge("services.undeclared-service", ssh_target, facts)[0] == []  # its SSH port counts as declared
    for target in (Target("bare", TargetKind.NETWORK, "127.77.200.1"), LAB):
        with pytest.raises(CheckSkipped):
            judge("services.undeclared-service", target, facts)
