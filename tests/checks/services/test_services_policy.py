"""The services policy: the shipped data, its validation, and how ports are identified and allowed."""

import textwrap
from pathlib import Path

import pytest

from auditor.checks.services.facts import DiscoveredPort
from auditor.checks.services.policy import SERVICE_PROBES, allowed, identify, role_rules
from auditor.checks.services.probes import PROBES
from auditor.config.catalogue import load_catalogue
from auditor.config.policies import load_policy
from auditor.config.profile import load_profile
from auditor.errors import ProfileError
from auditor.registry import default_registry

POLICY = load_policy("services", "default")


def port(number: int, service: str = "", method: str = "table", product: str = "", tunnel: str = "") -> DiscoveredPort:
    return DiscoveredPort(number, service=service, method=method, product=product, tunnel=tunnel)


def test_curated_ports_cover_research_services_outside_nmaps_top_ports() -> None:
    for number in (6379, 2375, 2379, 10250, 27017, 11211, 6817, 6818, 6819, 8787, 7077, 9870, 873, 8888):
        assert number in POLICY["ports"], number
    assert 2024 not in POLICY["ports"] and len(POLICY["ports"]) < 200


def test_catalogue_measures_exist_and_probes_are_known() -> None:
    measures = set(load_catalogue().measures)
    for name, entry in POLICY["services"].items():
        assert set(entry["measures"]) <= measures, name
        assert entry["probe"] in (None, *SERVICE_PROBES), name
    assert set(SERVICE_PROBES) == set(PROBES)  # listings are the web area's (checks/web)


def test_baseline_selects_the_services_policy() -> None:
    assert load_profile("baseline", default_registry()).policies["services"]["policy"] == "default"


@pytest.mark.parametrize("observed, expected", [
    (port(16379, "redis", "probed", "Redis key-value store"), ("redis", "product")),
    (port(6379, "redis"), ("redis", "port")),
    (port(6006, "X11:6"), ("tensorboard", "port")),  # nmap's port table guesses X11; the port decides
    (port(8888, "http", "probed", "Tornado httpd"), ("jupyter", "port")),  # generic name: the port decides
    (port(8888, "ssh", "probed", "OpenSSH"), ("ssh", "nmap")),  # a real identification wins over the port
    (port(27018, "mongod"), ("mongodb", "service")),
    (port(8443, "http", "probed", "nginx", tunnel="ssl"), ("https", "nmap")),
    (port(40000), ("", "")),
])
def test_identification_prefers_product_then_probed_name_then_port(observed: DiscoveredPort,
                                                                   expected: tuple[str, str]) -> None:
    identity = identify(POLICY, observed)
    assert (identity.name, identity.by) == expected


def test_roles_allow_by_port_or_service_and_unknown_roles_get_the_default() -> None:
    assert role_rules(POLICY, "gpu-box")[0] == "default" and role_rules(POLICY, None)[0] == "default"
    name, web = role_rules(POLICY, "web")
    assert name == "web"
    https = port(8443, "http", "probed", "nginx", tunnel="ssl")
    assert allowed(web, https, identify(POLICY, https))
    redis = port(6379, "redis")
    assert not allowed(web, redis, identify(POLICY, redis))
    _, data = role_rules(POLICY, "data-server")
    rsync = port(873, "rsync")
    assert allowed(data, rsync, identify(POLICY, rsync))


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "services-mine.yaml"
    path.write_text(textwrap.dedent(body))
    return str(path)


BASE = """\
    policy: mine
    ports: [22, "6817-6819"]
    categories: {database: "holds data"}
    services:
      redis: {title: Redis, category: database, severity: high, ports: [6379], reason: "no password"}
    roles:
      default: {allow: [ssh]}
"""


def test_a_minimal_policy_loads_with_defaults(tmp_path: Path) -> None:
    policy = load_policy("services", write(tmp_path, BASE))
    assert policy["ports"] == [22, 6817, 6818, 6819]
    assert policy["services"]["redis"]["measures"] == ["PRV-7"] and policy["services"]["redis"]["probe"] is None
    assert policy["roles"]["default"] == {"description": "", "ports": [], "services": ["ssh"]}


@pytest.mark.parametrize("change, line, message", [
    (("ports: [22, \"6817-6819\"]", "ports: [22, 70000]"), 2, "ports: '70000' is not within 1-65535"),
    (("category: database, severity", "category: web, severity"), 5, "unknown category"),
    (("severity: high", "severity: urgent"), 5, "'urgent' is not one of"),
    (("reason: \"no password\"}", "reason: \"x\", probe: telnet}"), 5, "'telnet' is not one of"),
    (("reason: \"no password\"}", "reason: \"x\", measures: [prv7]}"), 5, "'prv7' is not a measure id"),
    (("reason: \"no password\"}", "reason: \"x\", colour: red}"), 5, "unknown key"),
    (("default: {allow: [ssh]}", "web: {allow: [ssh]}"), 7, "a 'default' role is required"),
    (("default: {allow: [ssh]}", "default: {allow: [ssh, \"9-2\"]}"), 7, "reversed"),
])
def test_policy_errors_name_file_line_and_key(tmp_path: Path, change: tuple[str, str], line: int, message: str) -> None:
    path = write(tmp_path, BASE.replace(*change))
    with pytest.raises(ProfileError, match=message) as error:
        load_policy("services", path)
    assert error.value.path == path and error.value.line == line


def test_discovery_options_are_validated_in_the_profile(tmp_path: Path) -> None:
    registry = default_registry()
    good = tmp_path / "good.yaml"
    good.write_text("name: g\nextends: baseline\ncollectors:\n"
                    "  discovery: {ports: [22, \"8000-8002\"], scan_type: connect}\n")
    assert load_profile(str(good), registry).collector_options(registry.collectors["discovery"])["ports"] == [22, 8000, 8001, 8002]
    for option, message in (("scan_type: stealth", "'stealth' is not one of"), ("timing: 9", "must be 0-5"),
                            ("ports: [0]", "not within"), ("version_light: yes", "expected a string")):
        bad = tmp_path / "bad.yaml"
        bad.write_text(f"name: b\nextends: baseline\ncollectors:\n  discovery:\n    {option}\n")
        with pytest.raises(ProfileError, match=message) as error:
            load_profile(str(bad), registry)
        assert error.value.line == 5


@pytest.mark.parametrize("collector, option, message", [
    ("discovery", "host_timeout: 0", "host_timeout.*must be at least 1"),
    ("discovery", "max_scan_time: -5", "max_scan_time.*must be at least 1"),
    ("discovery", "max_retries: 1.5", "max_retries.*must be a whole number"),
    ("discovery", "max_retries: -1", "max_retries.*must be at least 0"),
    ("discovery", "timing: 2.5", "timing.*must be 0-5"),
    ("discovery", "enabled: maybe", "enabled.*true or false"),
    ("discovery", "import_xml: ''", "import_xml.*must not be empty"),
    ("discovery", "colour: red", "unknown key"),
    ("probes", "timeout: 0", "timeout.*must be more than 0"),
    ("probes", "workers: 0", "workers.*must be at least 1"),
    ("probes", "workers: 2.5", "workers.*must be a whole number"),
    ("probes", "max_modules: 0", "max_modules.*must be at least 1"),
    ("probes", "rsync: 7", "rsync.*expected a string"),
    ("probes", "colour: red", "unknown key"),
])
def test_collector_options_are_checked_when_the_profile_loads(tmp_path: Path, collector: str, option: str,
                                                              message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"name: b\nextends: baseline\ncollectors:\n  {collector}:\n    {option}\n")
    with pytest.raises(ProfileError, match=message) as error:
        load_profile(str(bad), default_registry())
    assert error.value.line == 5


def test_probe_options_are_typed_in_the_profile(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: g\nextends: baseline\ncollectors:\n  probes: {timeout: 2, workers: 8, max_modules: 5}\n")
    options = load_profile(str(good), default_registry()).collector_options(default_registry().collectors["probes"])
    assert (options["timeout"], options["workers"], options["max_modules"]) == (2.0, 8, 5)
