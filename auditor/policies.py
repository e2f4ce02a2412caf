"""Policies kept as data (e.g. SSH algorithm ratings), chosen by name or path in a profile."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

from auditor import data
from auditor.errors import ProfileError
from auditor.yamlfile import MapReader, load_yaml

VERDICTS = ("ok", "warn", "fail")


def _validate_ssh_algorithms(root: MapReader) -> dict[str, Any]:
    """Each algorithm rated ok/warn/fail; every non-ok rating names a reason that exists."""
    root.reject_unknown({"policy", "version", "title", "description", "categories", "reasons", "rsa_min_bits"})
    reasons = root.mapping("reasons")
    for reason_id in reasons.data:
        reasons.string(reason_id)
    categories = root.mapping("categories")
    categories.reject_unknown({"kex", "hostkey", "cipher", "mac", "compression"})
    for category in categories.data:
        ratings = categories.mapping(category)
        for algorithm in ratings.data:
            rating = ratings.mapping(algorithm)
            rating.reject_unknown({"verdict", "reason"})
            verdict = rating.choice("verdict", list(VERDICTS))
            reason = rating.string("reason", None)
            if verdict != "ok" and reason is None:
                rating.fail("reason", f"a '{verdict}' rating needs a reason id")
            if reason is not None and reason not in reasons.data:
                rating.fail("reason", f"reason '{reason}' is not defined under 'reasons'")
    limits = root.mapping("rsa_min_bits", None)
    if limits is not None:
        limits.reject_unknown({"fail_below", "warn_below"})
        for key in limits.data:
            limits.number(key, minimum=0)
    return _plain(root.data)


# Read-only probes the services collector knows (checks/_probes.py); a policy may name them.
SERVICE_PROBES = ("docker", "elasticsearch", "etcd", "ftp", "jupyter", "memcached", "nfs", "redis", "rsync")
_SEVERITIES = ("info", "low", "medium", "high", "critical")
_MEASURE_ID = re.compile(r"^[A-Z]{3}-[0-9]+$")


def port_numbers(items: Any) -> list[int]:
    """Sorted port numbers from ints and ``N-M`` ranges; ValueError naming the bad item."""
    if not isinstance(items, list):
        raise ValueError("expected a list of ports and port ranges such as 6817-6819")
    ports: set[int] = set()
    for item in items:
        first, _, last = str(item).strip().partition("-")
        if isinstance(item, bool) or not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"'{item}' is not a port or a port range N-M")
        low, high = int(first), int(last or first)
        if not 0 < low <= high < 65536:
            raise ValueError(f"'{item}' is not within 1-65535 (or its range is reversed)")
        ports.update(range(low, high + 1))
    return sorted(ports)


def _validate_services(root: MapReader) -> dict[str, Any]:
    """Ports to scan, a catalogue of risky services, and what each host role may expose."""
    root.reject_unknown({"policy", "version", "title", "description", "ports", "categories", "services", "roles"})
    root.string("policy")
    policy = _plain(root.data)
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
                          "measures", "probe", "reason"})
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


TLS_VERSIONS = ("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3")
_TLS_SUITE = re.compile(r"^TLS_[A-Za-z0-9_]+$")
_TLS_SIZES = ("rsa_key_size", "dh_param_size", "ecdh_param_size", "hsts_min_age", "maximum_certificate_lifespan",
              "recommended_certificate_lifespan")


def _validate_tls(root: MapReader) -> dict[str, Any]:
    """A Mozilla-style TLS configuration: versions, IANA suite names, groups, certificate rules (null = no rule)."""
    root.reject_unknown({"policy", "version", "title", "description", "source", "protocols", "ciphers", "ciphersuites",
                         "groups", "certificate_types", "certificate_curves", "certificate_signatures",
                         "ocsp_staple", "server_preferred_order", "oldest_clients", *_TLS_SIZES})
    root.string("policy")
    for version in root.strings("protocols"):
        if version not in TLS_VERSIONS:
            root.fail("protocols", f"unknown protocol version '{version}' (known: {', '.join(TLS_VERSIONS)})")
    for key in ("ciphers", "ciphersuites"):
        for name in root.strings(key):
            if not _TLS_SUITE.match(name):
                root.fail(key, f"'{name}' is not an IANA cipher suite name such as TLS_AES_128_GCM_SHA256")
    for key in ("groups", "certificate_types", "certificate_curves", "certificate_signatures"):
        root.strings(key)
    for key in _TLS_SIZES:
        if root.raw(key) is not None:
            root.number(key, minimum=0)
    return _plain(root.data)


_VALIDATORS: dict[str, Callable[[MapReader], dict[str, Any]]] = {
    "ssh-algorithms": _validate_ssh_algorithms,
    "services": _validate_services,
    "tls": _validate_tls,
}


def policy_kinds() -> list[str]:
    """Policy kinds a profile may choose."""
    return sorted(_VALIDATORS)


def load_policy(kind: str, ref: str, base: Path | None = None) -> dict[str, Any]:
    """Load policy ``ref`` (a shipped name or a path) of ``kind``; KeyError for an unknown kind."""
    validator = _VALIDATORS[kind]
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        path = Path(ref) if base is None or Path(ref).is_absolute() else base / ref
    else:
        path = data.policy_path(kind, ref)
        if not path.exists():
            shipped = sorted(p.stem.removeprefix(f"{kind}-") for p in path.parent.glob(f"{kind}-*.yaml"))
            raise FileNotFoundError(f"no shipped {kind} policy '{ref}' (shipped: {', '.join(shipped)})")
    reader = MapReader(load_yaml(path, ProfileError), str(path), ProfileError)
    return validator(reader)


def _plain(value: Any) -> Any:
    """Strip line-tracking containers so policies are ordinary dicts and lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
