"""The ``services`` policy kind: its validator, and reading discovered ports through it.

Shared by the probe collector (which probe fits a port) and the checks (is a port risky,
does the host's role allow it), so both identify every port the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.checks.services.facts import DiscoveredPort
from auditor.config import policies
from auditor.config.policies import plain, port_numbers
from auditor.config.yamlfile import MapReader

# Service names that say nothing about the application behind a port.
GENERIC_NAMES = frozenset({"", "unknown", "http", "https", "http-alt", "http-proxy", "https-alt", "ssl",
                           "ssl/http", "tcpwrapped"})
HTTP_NAMES = frozenset({"http", "https", "http-alt", "http-proxy", "https-alt", "ssl/http"})
TLS_NAMES = frozenset({"https", "https-alt", "ssl/http", "ssl"})
DEFAULT_ROLE = "default"


def services_policy(loaded: Mapping[str, Any]) -> Mapping[str, Any]:
    """The profile's ``services`` policy, or the shipped default when the profile chose none."""
    return loaded.get("services") or policies.load_policy("services", "default")


def service_name(port: DiscoveredPort) -> str:
    """nmap's name for the port, ``https`` for HTTP inside TLS."""
    return "https" if port.service == "http" and port.tunnel == "ssl" else port.service


def is_http(port: DiscoveredPort) -> bool:
    """True when nmap saw (or expects) HTTP on the port."""
    return service_name(port) in HTTP_NAMES


def is_tls(port: DiscoveredPort) -> bool:
    """True when the port is TLS-wrapped, as nmap saw it or as its port-table name says."""
    return port.tunnel == "ssl" or service_name(port) in TLS_NAMES


@dataclass(frozen=True)
class Identity:
    """What a port is: a catalogue service (``entry``) or just nmap's name, and how we know."""

    name: str  # catalogue name, else nmap's service name ("" when nobody knows)
    entry: Mapping[str, Any] | None
    by: str  # "product" | "service" | "port" | "nmap" | ""

    @property
    def risky(self) -> bool:
        """True when the port is a service of the risky-service catalogue."""
        return self.entry is not None


def identify(policy: Mapping[str, Any], port: DiscoveredPort) -> Identity:
    """The catalogue service a port runs: by nmap's product, its probed name, then its port number.

    A port number decides only when nmap's name is a port-table guess or generic (``http``):
    a service nmap really recognised on an unusual port is never renamed by its number.
    """
    catalogue: Mapping[str, Mapping[str, Any]] = policy["services"]
    product = port.product.lower()
    nmap_name = port.service
    if product:
        for name, entry in catalogue.items():
            if any(pattern in product for pattern in entry["products"]):
                return Identity(name, entry, "product")
    if port.method == "probed" and nmap_name not in GENERIC_NAMES:
        for name, entry in catalogue.items():
            if nmap_name in entry["names"]:
                return Identity(name, entry, "service")
        return Identity(service_name(port), None, "nmap")
    for name, entry in catalogue.items():
        if port.port in entry["ports"]:
            return Identity(name, entry, "port")
    for name, entry in catalogue.items():
        if nmap_name in entry["names"]:
            return Identity(name, entry, "service")
    return Identity(service_name(port), None, "nmap" if nmap_name else "")


def role_rules(policy: Mapping[str, Any], role: str | None) -> tuple[str, Mapping[str, Any]]:
    """The role's name and rules; hosts without a role or with one the policy lacks get ``default``."""
    roles = policy["roles"]
    if role in roles:
        return str(role), roles[role]
    return DEFAULT_ROLE, roles[DEFAULT_ROLE]


def allowed(rules: Mapping[str, Any], port: DiscoveredPort, identity: Identity) -> bool:
    """True when the role allows the port by number or the service by name."""
    return port.port in rules["ports"] or identity.name in rules["services"]


def allowance(rules: Mapping[str, Any]) -> str:
    """What a role allows, for evidence."""
    items = [*rules["services"], *(str(port) for port in rules["ports"])]
    return ", ".join(items) or "nothing"


# Read-only probes the services collector knows (PROBES in probes.py); a policy may name them.
SERVICE_PROBES = ("docker", "elasticsearch", "etcd", "ftp", "jupyter", "memcached", "nfs", "redis", "rsync")
_SEVERITIES = ("info", "low", "medium", "high", "critical")
_MEASURE_ID = re.compile(r"^[A-Z]{3}-[0-9]+$")


def validate_services(root: MapReader) -> dict[str, Any]:
    """Ports to scan, a catalogue of risky services, and what each host role may expose."""
    root.reject_unknown({"policy", "version", "title", "description", "ports", "categories", "services", "roles"})
    root.string("policy")
    policy: dict[str, Any] = plain(root.data)
    policy["ports"] = root.convert("ports", port_numbers)
    categories = root.mapping("categories")
    for name in categories.data:
        categories.string(name)
    services = root.mapping("services")
    for name in services.data:
        policy["services"][name] = _service_entry(services.mapping(name), categories.data)
    roles = root.mapping("roles")
    if "default" not in roles.data:
        roles.fail(None, "a 'default' role is required (hosts without a known role are judged by it)")
    for name in roles.data:
        policy["roles"][name] = _role(roles.mapping(name))
    return policy


def _service_entry(entry: MapReader, categories: Any) -> dict[str, Any]:
    entry.reject_unknown({"title", "category", "severity", "ports", "names", "products", "clear_text",
                          "measures", "probe", "reason", "http"})
    if entry.string("category") not in categories:
        entry.fail("category", f"unknown category (defined: {', '.join(categories)})")
    measures = entry.strings("measures", ["PRV-7"])
    for measure in measures:
        if not _MEASURE_ID.match(measure):
            entry.fail("measures", f"'{measure}' is not a measure id such as PRV-7")
    return {
        "title": entry.string("title"),
        "category": entry.string("category"),
        "severity": entry.choice("severity", list(_SEVERITIES)),
        "reason": entry.string("reason"),
        "ports": entry.convert("ports", port_numbers, []),
        "names": entry.strings("names", []),
        "products": [product.lower() for product in entry.strings("products", [])],
        "clear_text": entry.boolean("clear_text", False),
        "measures": measures,
        "probe": entry.choice("probe", list(SERVICE_PROBES), None),
        # Speaks HTTP: the web exposure probes run on it even where nmap only guessed its name.
        "http": entry.boolean("http", False),
    }


def _role(role: MapReader) -> dict[str, Any]:
    role.reject_unknown({"description", "allow"})
    allow = role.raw("allow", [])
    if not isinstance(allow, list) or not all(isinstance(item, (int, str)) for item in allow):
        role.fail("allow", "expected a list of service names and ports")
    names = [item for item in allow if isinstance(item, str) and not item[:1].isdigit()]
    numbers = [item for item in allow if item not in names]
    try:
        ports = port_numbers(numbers)
    except ValueError as exc:
        role.fail("allow", str(exc))
    return {"description": role.string("description", ""), "ports": ports, "services": names}
