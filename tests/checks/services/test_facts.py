"""The typed services facts keep the JSON that snapshots stored before they were typed."""

import json
from typing import Any

import pytest

import testkit
from auditor.checks.services.discovery import imported
from auditor.checks.services.facts import (
    DiscoveryFacts,
    ImportedScan,
    ListedModule,
    NfsEvidence,
    NmapScan,
    NotedModule,
    ProbesFacts,
    RsyncEvidence,
    RsyncModule,
    UnlistedModule,
)
from auditor.facts import facts_from_json, facts_to_json
from auditor.models import Target, TargetKind

FIXTURES = testkit.FIXTURES / "nmap"
RECORDED: dict[str, Any] = json.loads((FIXTURES / "recorded-facts.json").read_text())
LAB = Target(name="lab", kind=TargetKind.RANGE, address="127.77.200.0/29")
IMPORTS = {  # recorded case: the target and file today's collector imports for it
    "range": (LAB, "discovery.xml"),
    "host": (Target(name="web", kind=TargetKind.NETWORK, address="127.77.200.2"), "version-light-ssl.xml"),
    "timeout": (LAB, "host-timeout.xml"),
}


@pytest.mark.parametrize("case", sorted(RECORDED["discovery"]))
def test_recorded_discovery_facts_read_back_and_write_unchanged(case: str) -> None:
    data = RECORDED["discovery"][case]
    facts = facts_from_json(DiscoveryFacts, data, version=1)
    assert facts_to_json(facts) == data
    assert facts_from_json(DiscoveryFacts, facts_to_json(facts)) == facts
    assert isinstance(facts.scan, NmapScan if data["scan"]["source"] == "nmap" else ImportedScan)


@pytest.mark.parametrize("case", sorted(IMPORTS))
def test_todays_collector_writes_the_recorded_json(case: str) -> None:
    target, name = IMPORTS[case]
    facts = imported(target, str(FIXTURES / name))
    written = facts_to_json(facts)
    written["scan"]["file"] = name  # the recording names the file without its directory
    assert written == RECORDED["discovery"][case]
    assert facts_from_json(DiscoveryFacts, facts_to_json(facts)) == facts


def test_recorded_probe_results_keep_every_evidence_shape() -> None:
    data = RECORDED["probes"]
    facts = facts_from_json(ProbesFacts, data)
    assert facts_to_json(facts) == data
    redis, rsync, refused, nfs, no_tool, error, listing = facts.results
    assert redis.texts()["redis_version"] == "7.0.15" and rsync.texts() == {}
    assert isinstance(rsync.evidence, RsyncEvidence)
    assert [type(module) for module in rsync.evidence.modules] == [
        ListedModule, UnlistedModule, RsyncModule, NotedModule, NotedModule]
    assert refused.evidence == RsyncEvidence(modules=())
    assert isinstance(nfs.evidence, NfsEvidence) and nfs.evidence.exports[1].clients == ("10.0.0.0/24", "lab01")
    assert (no_tool.status, no_tool.evidence, error.evidence) == ("not-assessable", {}, {})
    assert listing.texts() == {"path": "/", "title": "Index of /", "entries": "2+"}
