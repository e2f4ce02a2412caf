"""The ``tls`` collector: which ports of a network target to scan, with which options, and the scans.

It scans every TLS endpoint of a target (443, the ports the target or inventory names, and the
TLS ports discovery finds; ports discovery could not name get one handshake and are audited if
it succeeds), then asks each plain-HTTP port (80) whether it redirects. Options are validated
when the profile loads: ports and ranges, SNI as a host name or a mapping, the CA bundle read.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from auditor.check import CollectEnv, Collector
from auditor.checks.services.facts import DiscoveredPort
from auditor.checks.services.ports import PortCandidate, candidate_ports, discovered_ports
from auditor.checks.tls.facts import PROBED, EndpointFacts, PlainHttpFacts, TlsFacts
from auditor.config.policies import port_numbers
from auditor.config.yamlfile import MapReader
from auditor.errors import CollectError, FactsUnavailable
from auditor.inventory.targets import is_address, valid_address
from auditor.models import Target

# Service names nmap gives TLS-wrapped services (besides any service with tunnel="ssl").
TLS_SERVICES = frozenset({"https", "https-alt", "ssl", "imaps", "pop3s", "smtps", "submissions", "ldapssl",
                          "ftps", "ircs", "nntps", "xmpps", "sips"})


def wants_tls(entry: DiscoveredPort) -> bool:
    """A discovered port worth a TLS scan: nmap saw TLS (tunnel="ssl") or a TLS service name."""
    return entry.tunnel == "ssl" or entry.service in TLS_SERVICES


def wants_handshake(entry: DiscoveredPort) -> bool:
    """A discovered port nmap could not name: worth one TLS handshake, audited only if it succeeds."""
    return entry.tunnel != "ssl" and entry.service in ("", "unknown", "tcpwrapped")


def wants_plain_http(entry: DiscoveredPort) -> bool:
    """A discovered plain-HTTP port."""
    return entry.service == "http" and entry.tunnel != "ssl"


def server_name(target: Target, option: str | Mapping[str, str] | None) -> str | None:
    """The name sent as SNI and matched against certificates.

    The profile's choice first; else the inventory's host name when it is fully qualified (an
    inventory label such as ``web01`` is not a name clients use); else a host-name address; else
    the first alias. None: an address target with no name, whose certificate is matched with the
    address itself (IP subjectAltName entries, as browsers do).
    """
    if isinstance(option, Mapping):
        option = option.get(target.name) or option.get(target.address or "")
    if option:
        return str(option)
    name = target.name.rstrip(".")
    if "." in name and valid_address(name) and not is_address(name):
        return name
    for candidate in (target.address or "", *target.aliases):
        if candidate and not is_address(candidate):
            return candidate.rstrip(".") or None
    return None


def alias_names(target: Target, sni: str | None) -> tuple[str, ...]:
    """The inventory's aliases other than the SNI: each is sent as SNI once more and matched too."""
    return tuple(alias for alias in target.aliases if alias != (sni or "").lower())


class TlsCollector(Collector):
    """Collects the ``tls`` facts: one scan per TLS endpoint, plus plain-HTTP redirects."""

    name = "tls"
    produces = TlsFacts
    needs_host = False
    options = {
        "ports": [443],
        "sni": None,  # a name for every target, or {target name or address: name}
        "ca_bundle": None,  # extra trust anchors (PEM), e.g. the institution's private CA
        "per_endpoint_connections": 3,
        "handshake_timeout": 5,
        "endpoint_timeout": 120,
        "http": True,
        "http_ports": [80],
        "vulnerabilities": True,  # Heartbleed, CCS injection, ROBOT, client-initiated renegotiation
    }

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Ports as numbers or ranges, SNI as a name or a mapping, the CA bundle checked now."""
        reader.reject_unknown(frozenset(self.options))
        values = dict(self.options)
        for key in ("ports", "http_ports"):
            values[key] = reader.convert(key, port_numbers, values[key])
        for key in ("per_endpoint_connections", "handshake_timeout", "endpoint_timeout"):
            values[key] = reader.number(key, values[key], minimum=1)
        values["per_endpoint_connections"] = int(values["per_endpoint_connections"])
        values["http"] = reader.boolean("http", True)
        values["vulnerabilities"] = reader.boolean("vulnerabilities", True)
        values["sni"] = _sni_option(reader)
        if reader.has("ca_bundle"):
            values["ca_bundle"] = _ca_bundle(reader)
        return values

    def collect(self, env: CollectEnv) -> TlsFacts:
        """Scan each candidate TLS port, then ask each plain-HTTP port for a redirect."""
        # The scanner (and cryptography's x509) loads when a target is scanned, not with the registry.
        from auditor.checks.tls import certificates as certs
        from auditor.checks.tls.probe import Endpoint
        from auditor.checks.tls.scan import scan_endpoint

        address = env.target.address
        if not address:
            raise FactsUnavailable("the target has no address to connect to")
        options = env.options
        name = server_name(env.target, options["sni"])
        aliases = alias_names(env.target, name)
        try:
            roots = certs.trust_roots(options["ca_bundle"])
        except (OSError, ValueError) as exc:
            raise CollectError(f"cannot read the trust anchors: {exc}") from None
        candidates = _tls_candidates(env)

        def scan(candidate: PortCandidate) -> EndpointFacts:
            endpoint = Endpoint(address, candidate.port, name, env.limiter, options["per_endpoint_connections"],
                                options["handshake_timeout"], options["endpoint_timeout"])
            return scan_endpoint(endpoint, roots, origin=candidate.origin, http_extras_wanted=options["http"],
                                 aliases=aliases, vulnerabilities=options["vulnerabilities"])

        with ThreadPoolExecutor(max_workers=max(1, min(4, len(candidates))), thread_name_prefix="tls") as pool:
            endpoints = tuple(pool.map(scan, candidates))
        redirects = _redirects(env, address, name) if options["http"] else ()
        return TlsFacts(address=address, sni=name, ca_bundle=options["ca_bundle"], trust_store=certs.system_bundle(),
                        endpoints=endpoints, http_redirects=redirects)


def _tls_candidates(env: CollectEnv) -> list[PortCandidate]:
    """The TLS ports to scan, then the discovered ports nmap could not name (origin ``probed``)."""
    candidates = candidate_ports(env, wants_tls)
    known = {candidate.port for candidate in candidates}
    return candidates + [PortCandidate(port, PROBED) for port in discovered_ports(env, wants_handshake)
                         if port not in known]


def _redirects(env: CollectEnv, address: str, name: str | None) -> tuple[PlainHttpFacts, ...]:
    """What each plain-HTTP port answers, in the order of ``http_ports``."""
    from auditor.checks.tls.handshakes import PlainHttpPort, plain_http  # on use: not with the registry

    return tuple(plain_http(PlainHttpPort(address, candidate.port, candidate.origin, name or address, env.limiter,
                                          env.options["handshake_timeout"]))
                 for candidate in _http_candidates(env))


def _http_candidates(env: CollectEnv) -> list[PortCandidate]:
    """The ``http_ports`` (80), each with its origin: named for the target, discovered, or a default."""
    found = set(discovered_ports(env, wants_plain_http))

    def origin(port: int) -> str:
        return "target" if port in env.target.ports else "discovered" if port in found else "default"

    return [PortCandidate(port, origin(port)) for port in env.options["http_ports"]]


def _sni_option(reader: MapReader) -> str | dict[str, str] | None:
    value = reader.raw("sni", None)
    if value is None:
        return None
    if isinstance(value, str):
        return _server_name(reader, "sni", value)
    section: MapReader = reader.mapping("sni")
    return {str(key): _server_name(section, str(key), section.string(key)) for key in section.data}


def _server_name(reader: MapReader, key: str, value: str) -> str:
    if is_address(value):
        reader.fail(key, "SNI carries host names only, not addresses")
    if not valid_address(value):
        reader.fail(key, f"'{value}' is not a valid host name")
    return value


def _ca_bundle(reader: MapReader) -> str:
    path = reader.file("ca_bundle")  # relative to the profile that names it
    from auditor.checks.tls import certificates as certs  # on use: not with the registry

    try:
        certs.read_bundle(str(path))
    except (OSError, ValueError) as exc:
        reader.fail("ca_bundle", f"cannot use {path}: {exc}")
    return str(path.resolve())
