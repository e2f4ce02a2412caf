"""The ``ssh_wire`` collector's profile options and the ports it chooses (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.check import CollectEnv
from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort, DiscoveryFacts
from auditor.checks.services.ports import PortCandidate
from auditor.checks.ssh_wire.collector import SshWireCollector, wire_ports
from auditor.config.profile import Profile, load_profile
from auditor.errors import FactsUnavailable, ProfileError
from auditor.models import Target, TargetKind
from auditor.registry import default_registry

REGISTRY = default_registry()


def profile_with(tmp_path: Path, collector_yaml: str) -> Profile:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nextends: baseline\ncollectors:\n  ssh_wire:\n{collector_yaml}")
    return load_profile(str(path), REGISTRY)


def test_defaults_and_the_strict_profile() -> None:
    assert load_profile("baseline", REGISTRY).collector_options(REGISTRY.collectors["ssh_wire"]) == {
        "ports": [22], "host_key_types": "preferred", "gex_probe": False, "throttle_probe": 10}
    strict = load_profile("strict", REGISTRY).collector_options(REGISTRY.collectors["ssh_wire"])
    assert (strict["host_key_types"], strict["gex_probe"]) == ("all", True)


def test_options_are_typed(tmp_path: Path) -> None:
    loaded = profile_with(tmp_path, "    ports: [22, '2200-2201']\n    host_key_types: all\n")
    assert loaded.collector_options(default_registry().collectors["ssh_wire"])["ports"] == [22, 2200, 2201]


@pytest.mark.parametrize("yaml, message", [
    ("    host_key_types: every\n",
     "p.yaml:5: collectors.ssh_wire.host_key_types: 'every' is not one of: preferred, all"),
    ("    ports: [0]\n", "collectors.ssh_wire.ports: '0' is not within 1-65535"),
    ("    gex_probe: yes please\n", "collectors.ssh_wire.gex_probe: expected true or false"),
    ("    port: 22\n", "unknown key"),
])
def test_bad_options_name_file_line_and_key(tmp_path: Path, yaml: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message.replace("(", r"\(")):
        profile_with(tmp_path, yaml)


def env(target: Target, discovery: DiscoveryFacts | None = None) -> CollectEnv:
    def fact(name: object) -> DiscoveryFacts:
        if discovery is None:
            raise FactsUnavailable("discovery disabled")
        return discovery

    return CollectEnv(target=target, host=None, options=SshWireCollector.options, timeout=5, fact=fact)


def test_ports_from_target_defaults_and_discovered_ssh_services() -> None:
    discovery = DiscoveryFacts(hosts=(DiscoveredHost("192.0.2.5", ports=(
        DiscoveredPort(2222, service="ssh"), DiscoveredPort(443, service="https"))),))
    target = Target(name="192.0.2.5:8022", kind=TargetKind.NETWORK, address="192.0.2.5", ports=(8022,))
    assert wire_ports(env(target, discovery)) == [
        PortCandidate(22, "default"), PortCandidate(2222, "discovered"), PortCandidate(8022, "target")]


def test_an_ssh_target_port_is_expected_even_when_it_is_the_default() -> None:
    target = Target(name="ssh://audit@192.0.2.5", kind=TargetKind.SSH, address="192.0.2.5", port=22, user="audit")
    assert wire_ports(env(target)) == [PortCandidate(22, "target")]


def test_a_target_without_an_address_has_no_wire_view() -> None:
    with pytest.raises(FactsUnavailable, match="needs a network address"):
        SshWireCollector().collect(env(Target(name="local", kind=TargetKind.LOCAL)))
