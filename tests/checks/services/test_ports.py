"""How other network collectors pick ports: the target's, their defaults', and discovered ones."""

from auditor.check import CollectEnv
from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort, DiscoveryFacts
from auditor.checks.services.ports import PortCandidate, candidate_ports, discovered_ports
from auditor.errors import CollectError
from auditor.facts import Facts
from auditor.models import Target, TargetKind

TARGET = Target(name="h", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(2222, 22))
DISCOVERY = DiscoveryFacts(hosts=(
    DiscoveredHost("127.0.0.1", ports=(DiscoveredPort(2200, service="ssh"), DiscoveredPort(80, service="http"))),
    DiscoveredHost("127.0.0.2", ports=(DiscoveredPort(2201, service="ssh"),)),
))


def wants_ssh(entry: DiscoveredPort) -> bool:
    return entry.service == "ssh"


def found(kind: type[Facts]) -> DiscoveryFacts:
    assert kind is DiscoveryFacts  # asked by class, never by name
    return DISCOVERY


def no_discovery(kind: type[Facts]) -> DiscoveryFacts:
    raise CollectError("nmap not installed")


def test_candidate_ports_combine_target_defaults_and_discovery() -> None:
    env = CollectEnv(target=TARGET, host=None, options={"ports": [22, 830]}, timeout=5, fact=found)
    assert candidate_ports(env, wants_ssh) == [
        PortCandidate(22, "target"), PortCandidate(830, "default"),
        PortCandidate(2200, "discovered"), PortCandidate(2222, "target")]


def test_without_discovery_only_the_target_and_default_ports_are_tried() -> None:
    env = CollectEnv(target=TARGET, host=None, options={"ports": [22]}, timeout=5, fact=no_discovery)
    assert [c.port for c in candidate_ports(env, wants_ssh)] == [22, 2222]
    assert [c.expected for c in candidate_ports(env, wants_ssh)] == [True, True]
    assert discovered_ports(env, wants_ssh) == []


def test_discovered_ports_are_those_of_the_targets_own_address() -> None:
    env = CollectEnv(target=TARGET, host=None, options={}, timeout=5, fact=found)
    assert discovered_ports(env, lambda entry: True) == [2200, 80]
    other = CollectEnv(target=Target(name="o", kind=TargetKind.NETWORK, address="127.0.0.2"), host=None,
                       options={}, timeout=5, fact=found)
    assert discovered_ports(other, wants_ssh) == [2201]


def test_a_profile_widens_discovery_and_table_guesses_off_the_curated_list_get_service_detection(tmp_path) -> None:
    from auditor.checks.services.discovery import ALL_PORTS, needs_version
    from auditor.config.profile import load_profile
    from auditor.registry import default_registry

    profile = tmp_path / "wide.yaml"
    profile.write_text("name: wide\nextends: baseline\ncollectors:\n  discovery: {extra_ports: [6380, '8000-8100']}\n")
    options = load_profile(str(profile), default_registry()).collector_options(default_registry().collectors["discovery"])
    assert options["extra_ports"] == [6380, *range(8000, 8101)] and options["ports"] == []
    profile.write_text("name: wide\nextends: baseline\ncollectors:\n  discovery: {ports: all}\n")
    assert load_profile(str(profile), default_registry()).collector_options(default_registry().collectors["discovery"])["ports"] == ALL_PORTS
    curated = frozenset({22, 8888})
    assert needs_version(DiscoveredPort(8899, service="ospf-lite", method="table"), "unknown", curated)
    assert not needs_version(DiscoveredPort(8888, service="sun-answerbook", method="table"), "unknown", curated)
    assert needs_version(DiscoveredPort(40000), "unknown", curated)
    assert not needs_version(DiscoveredPort(8899, service="http", method="probed"), "unknown", curated)
    assert needs_version(DiscoveredPort(22, service="ssh", method="table"), "all", curated)
