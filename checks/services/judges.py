"""Exposed services: what a host or range exposes, judged against the host's role and the inventory.

Facts come from two collectors: ``discovery`` (nmap, see ``_discovery.py``) and ``probes``
(read-only questions to the open ports, see ``_probes.py``). The ``services`` policy
(profiles/policies/services-*.yaml) holds the risky-service catalogue and what each role
may expose. Resources are ``tcp/PORT`` on a host target and ``ADDRESS:tcp/PORT`` on a range,
so a finding keeps its fingerprint from one run to the next.

A range is judged host by host, except the hosts the run audits as targets of their own:
those are judged once, under their own names.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, Scope
from auditor.checks.services.discovery import DiscoveryCollector, excluded
from auditor.checks.services.policy import Identity, allowance, allowed, identify, role_rules, validate_services
from auditor.checks.services.ports import DISCOVERY_FACT
from auditor.checks.services.probe_base import ERROR, NOT_ASSESSABLE, OPEN, REACHABLE
from auditor.checks.services.probes import LISTING_PROBE, PROBES_FACT, ProbeCollector
from auditor.checks.services.probes_tcp import WORLD_CLIENTS
from auditor.errors import NotAssessable
from auditor.facts import InventoryFacts
from auditor.models import Finding, Severity, Target, TargetKind

_TAGS = ("services", "network")
# Probes whose open outcome shares data rather than a service: measure PRV-8 as well.
_SHARING_PROBES = frozenset({"rsync", "ftp", "nfs"})


@dataclass(frozen=True)
class ScannedHost:
    """One host of the target's scan, as the checks judge it."""

    address: str
    ports: list[Mapping[str, Any]]
    prefix: str  # resource prefix: "" on a host target, "ADDRESS:" on a range

    def resource(self, port: int, suffix: str = "") -> str:
        """``tcp/PORT`` (host target) or ``ADDRESS:tcp/PORT`` (range), plus ``suffix``."""
        return f"{self.prefix}tcp/{port}{suffix}"

    def where(self, port: int) -> str:
        """The port as a message names it."""
        return f"{self.prefix}tcp/{port}" if self.prefix else f"tcp/{port}"


def scanned_hosts(target: Target, facts: Mapping[str, Any]) -> list[ScannedHost]:
    """The hosts this target's checks judge (a range leaves out hosts audited on their own)."""
    is_range = target.kind is TargetKind.RANGE
    skip = set(excluded(target, facts.get(InventoryFacts).targets))
    hosts = []
    for host in facts[DISCOVERY_FACT]["hosts"]:
        if host["address"] in skip:
            continue
        prefix = (f"[{host['address']}]:" if ":" in host["address"] else f"{host['address']}:") if is_range else ""
        hosts.append(ScannedHost(host["address"], list(host["ports"]), prefix))
    return hosts


def note_scan_gaps(discovery: Mapping[str, Any], ctx: CheckContext) -> None:
    """Scan errors and timed-out hosts make the result incomplete; the details say what was scanned."""
    scan = discovery["scan"]
    for error in scan["errors"]:
        ctx.incomplete(error)
    if scan["timed_out"]:
        names = ", ".join(scan["timed_out"][:5]) + (f" and {len(scan['timed_out']) - 5} more" if len(scan["timed_out"]) > 5 else "")
        ctx.incomplete(f"nmap's host timeout stopped the scan of {names}: their open ports are not all known")
    open_ports = sum(len(host["ports"]) for host in discovery["hosts"])
    ctx.details["scan"] = f"{scan['source']}: {len(discovery['hosts'])} host(s), {open_ports} open port(s)"


def _describe(port: Mapping[str, Any]) -> str:
    product = " ".join(part for part in (port.get("product", ""), port.get("version", "")) if part)
    name = port.get("service") or "unknown"
    return f"{name} ({product})" if product else name


class _RoleCheck(Check):
    """Base: every open port of every judged host, with the rules of the host's role."""

    facts = (DISCOVERY_FACT, InventoryFacts)
    scope = Scope.DISCOVERY
    tags = _TAGS
    policies = ("services",)

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """Findings for the ports ``problem`` objects to."""
        policy = ctx.policy("services")
        note_scan_gaps(facts[DISCOVERY_FACT], ctx)
        role, rules = role_rules(policy, ctx.target.role)
        ctx.details["role"] = role
        if ctx.target.role and ctx.target.role != role:
            ctx.details["role"] += f" (role '{ctx.target.role}' is not in the policy)"
        findings = []
        for host in scanned_hosts(ctx.target, facts):
            for port in host.ports:
                identity = identify(policy, port)
                finding = self.problem(host, port, identity, role, rules, ctx)
                if finding is not None:
                    findings.append(finding)
        return findings

    def problem(self, host: ScannedHost, port: Mapping[str, Any], identity: Identity, role: str,
                rules: Mapping[str, Any], ctx: CheckContext) -> Finding | None:
        """The finding for one open port, or None."""
        raise NotImplementedError


class RiskyService(_RoleCheck):
    """Risky services (management APIs, databases, notebooks, file services, remote desktops,
    clear-text logins) are reachable only on hosts whose role needs them.

    A port is a risky service when the policy's catalogue recognises it (by nmap's product,
    service name or port number); its severity, reason and measures come from the catalogue.
    Roles come from the inventory (``role:``); hosts without one are judged by the ``default`` role.
    """

    id = "services.risky-service"
    title = "Risky services are exposed only where the host's role needs them"
    severity = Severity.HIGH
    measures = ("PRV-7",)
    remediation = ("Stop the service or bind it to localhost/an internal interface, or restrict it with a "
                   "firewall to the hosts that need it; if the host's role needs it, declare that role in the inventory.")

    def problem(self, host: ScannedHost, port: Mapping[str, Any], identity: Identity, role: str,
                rules: Mapping[str, Any], ctx: CheckContext) -> Finding | None:
        entry = identity.entry
        if entry is None or allowed(rules, port, identity):
            return None
        return ctx.finding(
            host.resource(port["port"]),
            f"{entry['title']} is reachable on {host.where(port['port'])}, which role '{role}' does not need: {entry['reason']}",
            severity=Severity(entry["severity"]),
            measures=tuple(entry["measures"]),
            evidence={"service": identity.name, "identified_by": identity.by, "observed": _describe(port),
                      "category": entry["category"], "role": role, "expected": f"only {allowance(rules)}"},
        )


class UnexpectedService(_RoleCheck):
    """Every open port is one the host's role allows (services outside the risky catalogue).

    Anything else reachable is attack surface nobody asked for: a forgotten test server,
    a development web server, an agent listening on all interfaces.
    """

    id = "services.unexpected-service"
    title = "Only the services the host's role allows are reachable"
    severity = Severity.LOW
    measures = ("PRV-7",)
    remediation = "Stop or firewall the service, or add it to the role's allowed services in the services policy."

    def problem(self, host: ScannedHost, port: Mapping[str, Any], identity: Identity, role: str,
                rules: Mapping[str, Any], ctx: CheckContext) -> Finding | None:
        if identity.risky or allowed(rules, port, identity):
            return None  # risky services are services.risky-service's
        return ctx.finding(
            host.resource(port["port"]),
            f"{host.where(port['port'])} ({_describe(port)}) is open, but role '{role}' does not allow it",
            evidence={"observed": _describe(port), "role": role, "expected": f"only {allowance(rules)}"},
        )


class ClearText(_RoleCheck):
    """No clear-text login or file protocol is reachable (telnet, r-services, FTP, rsync daemon, VNC, X11).

    Judged whatever the role: a role may need file transfer, but not unencrypted. A service
    nmap saw wrapped in TLS (``tunnel="ssl"``) passes.
    """

    id = "services.clear-text"
    title = "No clear-text login or file-transfer protocol is reachable"
    severity = Severity.MEDIUM
    measures = ("PRV-4",)
    remediation = "Replace it with its encrypted counterpart (SSH/SFTP, FTPS, rsync over SSH, VNC through an SSH tunnel)."

    def problem(self, host: ScannedHost, port: Mapping[str, Any], identity: Identity, role: str,
                rules: Mapping[str, Any], ctx: CheckContext) -> Finding | None:
        entry = identity.entry
        if entry is None or not entry["clear_text"] or port.get("tunnel") == "ssl":
            return None
        return ctx.finding(
            host.resource(port["port"]),
            f"{entry['title']} on {host.where(port['port'])} carries logins or data unencrypted",
            evidence={"service": identity.name, "observed": _describe(port), "expected": "an encrypted protocol"},
        )


class _ProbeCheck(Check):
    """Base: judge the probe results of the target's judged hosts."""

    facts = (DISCOVERY_FACT, PROBES_FACT, InventoryFacts)
    scope = Scope.DISCOVERY
    tags = (*_TAGS, "probe")
    policies = ("services",)
    listing: ClassVar[bool]  # judges the directory-listing probe (True) or the access probes

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """Findings for open services; probe errors make the result incomplete."""
        note_scan_gaps(facts[DISCOVERY_FACT], ctx)
        hosts = {host.address: host for host in scanned_hosts(ctx.target, facts)}
        results = [result for result in facts[PROBES_FACT]["results"]
                   if result["address"] in hosts and (result["probe"] == LISTING_PROBE) == self.listing]
        findings: list[Finding] = []
        unassessed = []
        for result in results:
            host = hosts[result["address"]]
            if result["status"] == ERROR:
                ctx.incomplete(f"{result['probe']} probe on {host.where(result['port'])}: {result['reason']}")
            elif result["status"] == NOT_ASSESSABLE:
                unassessed.append(f"{result['probe']} on {host.where(result['port'])}: {result['reason']}")
            else:
                findings += self.findings_for(result, host, ctx)
        ctx.details["probes"] = f"{len(results)} probe(s)"
        if unassessed:
            ctx.details["not_assessed"] = "; ".join(unassessed)
            if len(unassessed) == len(results) and not findings and not ctx.problems:
                raise NotAssessable("; ".join(unassessed))
        return findings

    def findings_for(self, result: Mapping[str, Any], host: ScannedHost, ctx: CheckContext) -> list[Finding]:
        """Findings for one probe result."""
        raise NotImplementedError


class UnauthenticatedAccess(_ProbeCheck):
    """No service answers without credentials where it should ask for them.

    Read-only probes prove it: Redis answers ``PING``, memcached ``stats``, Docker
    ``/version``, Elasticsearch ``/``, Jupyter ``/api/status`` without a token, etcd
    ``/version`` without a client certificate, an rsync module or FTP server lets an anonymous
    client in, an NFS export is offered to every client. The severity is the check's or the
    catalogue's for the service, whichever is higher (etcd's version endpoint alone: medium).
    """

    id = "services.unauthenticated-access"
    title = "No service is usable without authentication"
    severity = Severity.HIGH
    measures = ("PRV-3",)
    listing = False
    remediation = ("Require authentication (Redis requirepass/ACLs, Jupyter tokens, Docker and etcd TLS client "
                   "certificates, Elasticsearch security, rsync 'auth users', no anonymous FTP, NFS exports to named "
                   "clients), and keep the service off networks that do not need it.")

    def findings_for(self, result: Mapping[str, Any], host: ScannedHost, ctx: CheckContext) -> list[Finding]:
        status, probe, port = result["status"], result["probe"], result["port"]
        if status not in (OPEN, REACHABLE):
            return []
        severity = Severity.MEDIUM if status == REACHABLE else max(ctx.severity, _catalogue_severity(ctx, probe))
        measures = ("PRV-3", "PRV-8") if probe in _SHARING_PROBES else ("PRV-3",)
        evidence = result["evidence"]
        if probe == "rsync":
            return [
                ctx.finding(host.resource(port, f"/rsync:{module['name']}"),
                            f"rsync module '{module['name']}' on {host.where(port)} is readable without a password"
                            + (f" ({module['files']} top-level entries)" if module.get("files") is not None else ""),
                            severity=severity, measures=measures,
                            evidence={"module": module["name"], "comment": module["comment"],
                                      "files": module.get("files", "not listed"), "sample": module.get("sample", []),
                                      "expected": "auth users set for the module"})
                for module in evidence["modules"] if module["access"] == OPEN
            ]
        if probe == "nfs":
            return [
                ctx.finding(host.resource(port, f"/nfs:{export['path']}"),
                            f"NFS export {export['path']} on {host.where(port)} is offered to every client",
                            severity=severity, measures=measures,
                            evidence={"export": export["path"], "clients": export["clients"],
                                      "expected": "exports to named hosts or networks"})
                for export in evidence["exports"] if WORLD_CLIENTS & set(export["clients"])
            ]
        what = {"redis": "Redis answers PING", "memcached": "memcached answers stats",
                "docker": "the Docker Engine API answers", "elasticsearch": "Elasticsearch answers",
                "jupyter": "the Jupyter API answers", "ftp": "the FTP server accepts anonymous login",
                "etcd": "etcd answers /version"}.get(probe, f"{probe} answers")
        qualifier = " without a client certificate" if probe == "etcd" else " without credentials"
        return [ctx.finding(host.resource(port), f"{what} on {host.where(port)}{qualifier}",
                            severity=severity, measures=measures,
                            evidence={**evidence, "expected": "authentication required"})]


def _catalogue_severity(ctx: CheckContext, probe: str) -> Severity:
    """The highest severity among the catalogue services that name ``probe``."""
    entries = ctx.policy("services")["services"].values()
    return max((Severity(entry["severity"]) for entry in entries if entry["probe"] == probe), default=Severity.INFO)


class DirectoryListing(_ProbeCheck):
    """Web servers do not list directories (nginx autoindex, Apache Indexes, Python http.server).

    An automatic index turns every file under the web root, including forgotten datasets,
    backups and exports, into a download link.
    """

    id = "services.directory-listing"
    title = "Web servers do not list directories"
    severity = Severity.MEDIUM
    measures = ("PRV-5", "PRV-8")
    tags = (*_TAGS, "probe", "web")
    listing = True
    remediation = "Turn automatic indexes off ('autoindex off' in nginx, 'Options -Indexes' in Apache)."

    def findings_for(self, result: Mapping[str, Any], host: ScannedHost, ctx: CheckContext) -> list[Finding]:
        if result["status"] != OPEN:
            return []
        evidence = result["evidence"]
        return [ctx.finding(host.resource(result["port"], f"/http:{evidence['path']}"),
                            f"{host.where(result['port'])} lists the directory {evidence['path']} ({evidence['entries']} entries)",
                            evidence={**evidence, "expected": "no automatic index"})]


class _InventoryCheck(Check):
    """Base: discovery compared with the run's inventory (toolkit measure AWR-5)."""

    measures = ("AWR-5",)
    facts = (DISCOVERY_FACT, InventoryFacts)
    scope = Scope.DISCOVERY
    tags = (*_TAGS, "inventory")


class UnknownHost(_InventoryCheck):
    """Every host with open ports on a scanned range is in the inventory.

    Hosts nobody declared (shadow IT, forgotten test machines, personal devices) are the
    ones nobody patches. Only ranges can reveal them; hosts the run audits as targets of
    their own are known.
    """

    id = "services.unknown-host"
    title = "Hosts found on scanned ranges are in the inventory"
    severity = Severity.MEDIUM
    remediation = "Add the host to the inventory with its owner and role, or switch it off."

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """One finding per host with open ports that no inventory entry names."""
        if ctx.target.kind is not TargetKind.RANGE:
            raise CheckSkipped("only a scanned range can reveal hosts missing from the inventory")
        note_scan_gaps(facts[DISCOVERY_FACT], ctx)
        names = set(_inventory_names(facts.get(InventoryFacts).targets))
        raw = {host["address"]: host for host in facts[DISCOVERY_FACT]["hosts"]}
        findings = []
        for host in scanned_hosts(ctx.target, facts):
            if not host.ports or names & {host.address, *raw[host.address]["hostnames"]}:
                continue
            ports = [f"{port['port']}/{port.get('service') or 'unknown'}" for port in host.ports]
            findings.append(ctx.finding(f"host:{host.address}",
                                        f"{host.address} answers on {len(ports)} port(s) but is not in the inventory",
                                        evidence={"open_ports": ports, "expected": "listed in the inventory"}))
        return findings


def _inventory_names(inventory: Iterable[Target]) -> Iterator[str]:
    for entry in inventory:
        if entry.kind in (TargetKind.NETWORK, TargetKind.SSH):
            yield from (name for name in (entry.address, entry.name) if name)


class UndeclaredService(_InventoryCheck):
    """Every open port of a host is declared in its inventory entry (``ports:``).

    The inventory is the institution's record of what each system offers; a service that is
    running but not declared is one nobody reviews. Hosts whose entry declares no ports are
    skipped (declare at least one to opt in).
    """

    id = "services.undeclared-service"
    title = "Open ports are declared in the inventory"
    severity = Severity.LOW
    remediation = "Declare the port in the host's inventory entry (ports:), or stop the service."

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """One finding per open port the target's inventory entry does not list."""
        target = ctx.target
        if target.kind is TargetKind.RANGE:
            raise CheckSkipped("hosts of a range are compared with the inventory by services.unknown-host")
        declared = set(target.ports) | ({target.port} if target.port else set())
        if not target.ports:
            raise CheckSkipped("the inventory declares no ports for this host (add ports: to compare)")
        note_scan_gaps(facts[DISCOVERY_FACT], ctx)
        expected = ", ".join(str(port) for port in sorted(declared))
        return [
            ctx.finding(host.resource(port["port"]),
                        f"tcp/{port['port']} ({_describe(port)}) is open but not declared in the inventory",
                        evidence={"observed": _describe(port), "expected": f"declared ports: {expected}"})
            for host in scanned_hosts(target, facts)
            for port in host.ports
            if port["port"] not in declared
        ]


CHECKS = (RiskyService, UnexpectedService, ClearText, UnauthenticatedAccess, DirectoryListing, UnknownHost,
          UndeclaredService)
COLLECTORS = (DiscoveryCollector(), ProbeCollector())
POLICIES = {"services": validate_services}
