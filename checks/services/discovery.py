"""The ``discovery`` collector: open TCP ports and their services, found by nmap (or imported).

Its facts are ``DiscoveryFacts`` (checks/services/facts.py): the hosts with their open ports,
and how they were found (an ``NmapScan`` or an ``ImportedScan``). Other network collectors
read them through ``auditor.checks.services.ports.candidate_ports``.

A single-host target's one host carries the target's own address (a name stays a name) so
collectors find it; ``ip`` is what nmap scanned. A range skips the addresses that the run
audits as targets of their own, so each host is judged once, under its own name.

The scan is two passes: a fast port scan of the policy's curated port list (widened by the
``extra_ports`` option, or replaced by ``ports``; ``ports: all`` scans 1-65535), then
``-sV --version-light`` only on open ports whose service nmap could not name, or named only
from its port table outside the curated list (or on all open ports with ``version_light: all``).
A port-table name says what usually listens there; on a port the policy does not curate it is
a guess about nothing, so probes follow what service detection finds instead (a Jupyter on
8899 is ``http``, not nmap's ``ospf-lite``). nmap's ``--host-timeout`` bounds each host and keeps the
others' results; hosts it gave up on are listed in ``scan.timed_out``.
"""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.check import CollectEnv, Collector
from auditor.checks.services.facts import (
    DiscoveredHost,
    DiscoveredPort,
    DiscoveryFacts,
    ImportedScan,
    NmapScan,
    VersionPass,
)
from auditor.checks.services.nmap import (
    MAX_XML_BYTES,
    NmapRun,
    NmapXmlError,
    ScanOutput,
    ScanRequest,
    parse_nmap_xml,
    port_spec,
    run_scan,
)
from auditor.checks.services.policy import services_policy
from auditor.config.policies import port_numbers
from auditor.config.yamlfile import MapReader
from auditor.errors import CollectError, FactsUnavailable
from auditor.facts import InventoryFacts
from auditor.models import Target, TargetKind

ALL_PORTS = list(range(1, 65536))  # ``ports: all``
# What the version pass may tell us about a port that the first pass could not.
_VERSION_FIELDS = ("service", "tunnel", "product", "version", "extrainfo", "method", "conf")


class DiscoveryCollector(Collector):
    """Collects the ``discovery`` facts of a host or range target."""

    name = DiscoveryFacts.name
    produces = DiscoveryFacts
    needs_host = False
    options = {
        "enabled": True,
        "binary": "nmap",
        "ports": [],  # [] = the services policy's curated list; ints or "N-M" ranges; or "all"
        "extra_ports": [],  # added to the curated list (or to ports): ints or "N-M" ranges
        "scan_type": "auto",  # auto (SYN as root, else connect) | connect | syn
        "version_light": "unknown",  # second pass -sV --version-light on: unknown | all | off
        "skip_ping": False,  # -Pn for ranges too (single hosts are always scanned as up)
        "host_timeout": 120,  # seconds, nmap --host-timeout
        "max_retries": 2,
        "timing": 4,  # nmap -T0..-T5
        "max_scan_time": 3600,  # seconds; a safety net that stops a hung nmap
        "import_xml": "",  # path of an nmap XML file to read instead of scanning
    }

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Typed options; ``ports`` takes numbers and ``N-M`` ranges."""
        reader.reject_unknown(frozenset(self.options))
        values = dict(self.options)
        for key in ("enabled", "skip_ping"):
            values[key] = reader.boolean(key, values[key])
        for key in ("binary", "import_xml"):
            values[key] = reader.string(key, values[key])
        for key in ("host_timeout", "max_scan_time"):
            values[key] = reader.number(key, values[key], minimum=1)
        values["max_retries"] = reader.integer("max_retries", 2, minimum=0)
        timing = reader.number("timing", values["timing"], minimum=0)
        if timing > 5 or timing != int(timing):
            reader.fail("timing", "must be 0-5 (nmap -T0 ... -T5)")
        values["timing"] = int(timing)
        values["scan_type"] = reader.choice("scan_type", ["auto", "connect", "syn"], values["scan_type"])
        values["version_light"] = reader.choice("version_light", ["unknown", "all", "off"], values["version_light"])
        values["ports"] = ALL_PORTS if reader.raw("ports", None) == "all" else reader.convert("ports", port_numbers, [])
        values["extra_ports"] = reader.convert("extra_ports", port_numbers, [])
        return values

    def collect(self, env: CollectEnv) -> DiscoveryFacts:
        """Scan the target (or read the XML to import) and return its open ports."""
        options = env.options
        if not options["enabled"]:
            raise FactsUnavailable("discovery is disabled (collectors.discovery.enabled: false)")
        if env.target.address is None:
            raise FactsUnavailable("this target has no address to scan")
        if options["import_xml"]:
            return imported(env.target, options["import_xml"])
        curated = frozenset(services_policy(env.policies)["ports"])
        ports = set(options["ports"] or curated) | set(options.get("extra_ports", [])) | set(env.target.ports)
        if env.target.port:
            ports.add(env.target.port)
        return scan(env.target, options, sorted(ports), _inventory(env), curated)


def _inventory(env: CollectEnv) -> tuple[Target, ...]:
    try:
        inventory: InventoryFacts = env.fact(InventoryFacts)
    except CollectError:
        return ()
    return inventory.targets


def scan_type(choice: str, root: bool) -> tuple[bool, bool]:
    """(SYN scan, pass --privileged): SYN needs raw sockets, so ``auto`` uses it only as root."""
    if choice == "auto":
        return root, False
    if choice == "connect":
        return False, False
    return True, not root  # syn without root: works only where nmap was given capabilities


def excluded(target: Target, inventory: Iterable[Target]) -> list[str]:
    """Addresses inside a range target that the run audits as targets of their own."""
    if target.kind is not TargetKind.RANGE or target.address is None:
        return []
    network = ipaddress.ip_network(target.address, strict=False)
    found = set()
    for entry in inventory:
        if entry.kind not in (TargetKind.NETWORK, TargetKind.SSH) or not entry.address:
            continue
        try:
            address = ipaddress.ip_address(entry.address)
        except ValueError:
            continue  # a host name: nmap would have to resolve it, and a failure there is fatal
        if address.version == network.version and address in network:
            found.add(str(address))
    return sorted(found, key=ipaddress.ip_address)


def scan(target: Target, options: Mapping[str, Any], ports: list[int], inventory: Iterable[Target],
         curated: frozenset[int] = frozenset()) -> DiscoveryFacts:
    """The two-pass nmap scan of one target; ``curated`` ports may keep nmap's port-table names."""
    started = time.monotonic()
    syn, privileged_flag = scan_type(str(options["scan_type"]), os.geteuid() == 0)
    request = ScanRequest(
        targets=(str(target.address),),
        ports=port_spec(ports),
        syn=syn,
        privileged_flag=privileged_flag,
        skip_ping=bool(options["skip_ping"]) or target.kind is not TargetKind.RANGE,
        host_timeout=float(options["host_timeout"]),
        max_retries=int(options["max_retries"]),
        timing=int(options["timing"]),
        exclude=tuple(excluded(target, inventory)),
    )
    first = run_scan(request, str(options["binary"]), float(options["max_scan_time"]))
    run = _parsed(first)
    record = NmapScan(
        nmap_version=run.version,
        commands=(run.args,),
        nmap_elapsed=run.finished.elapsed,
        totals=run.totals,
        errors=run.errors,
        messages=(*first.errors, *first.warnings),
        timed_out=_timed_out(run.hosts),
        ports=request.ports,
        port_count=len(ports),
        scan_type="syn" if syn else "connect",
        excluded=request.exclude,
    )
    if not run.hosts and run.errors:
        raise CollectError("; ".join(run.errors))
    hosts, record = _version_pass(request, run.hosts, options, record, curated)
    record = replace(record, elapsed=round(time.monotonic() - started, 3))
    return DiscoveryFacts(hosts=_for_target(target, hosts, run.totals, record.messages), scan=record)


def _parsed(output: ScanOutput) -> NmapRun:
    try:
        return parse_nmap_xml(output.xml)
    except NmapXmlError as exc:
        raise CollectError(f"nmap output unusable: {exc}") from None


def _timed_out(hosts: Iterable[DiscoveredHost]) -> tuple[str, ...]:
    return tuple(host.address for host in hosts if host.timed_out)


def needs_version(entry: DiscoveredPort, mode: str, curated: frozenset[int]) -> bool:
    """True when the version pass should name ``entry``: unnamed, or only guessed off the curated list."""
    if mode == "all":
        return True
    return not entry.service or (entry.method == "table" and entry.port not in curated)


def _version_pass(request: ScanRequest, hosts: tuple[DiscoveredHost, ...], options: Mapping[str, Any],
                  record: NmapScan, curated: frozenset[int]) -> tuple[tuple[DiscoveredHost, ...], NmapScan]:
    """``-sV --version-light`` on the open ports that need it: the hosts with its results, and the record."""
    mode = options["version_light"]
    wanted = {
        host.address: {entry.port for entry in host.ports if needs_version(entry, mode, curated)}
        for host in hosts
        if not host.timed_out
    }
    wanted = {address: ports for address, ports in wanted.items() if ports}
    if mode == "off" or not wanted:
        return hosts, record
    started = time.monotonic()
    second = replace(request, targets=tuple(wanted), ports=port_spec(set().union(*wanted.values())),
                     version_light=True, skip_ping=True, exclude=())
    try:
        output = run_scan(second, str(options["binary"]), float(options["max_scan_time"]))
        run = _parsed(output)
    except CollectError as exc:
        return hosts, replace(record, errors=(*record.errors, f"version detection: {exc}"))
    detected = {found.address: {entry.port: entry for entry in found.ports}
                for found in run.hosts if not found.timed_out}
    merged = tuple(_with_versions(host, wanted.get(host.address, set()), detected.get(host.address, {}))
                   for host in hosts)
    return merged, replace(
        record,
        commands=(*record.commands, run.args),
        messages=(*record.messages, *output.errors, *output.warnings),
        errors=(*record.errors, *(f"version detection: {error}" for error in run.errors)),
        timed_out=(*record.timed_out, *(f"{address} (version detection)" for address in _timed_out(run.hosts))),
        version_pass=VersionPass(ports=sum(len(ports) for ports in wanted.values()),
                                 elapsed=round(time.monotonic() - started, 3)),
    )


def _with_versions(host: DiscoveredHost, wanted: set[int], detected: Mapping[int, DiscoveredPort]) -> DiscoveredHost:
    """``host`` with what the version pass found on the ``wanted`` ports it ``detected``."""
    if not wanted or not detected:
        return host
    ports = tuple(
        replace(entry, **{key: getattr(detected[entry.port], key) for key in _VERSION_FIELDS})
        if entry.port in wanted and entry.port in detected else entry
        for entry in host.ports
    )
    return replace(host, ports=ports)


def _for_target(target: Target, hosts: Iterable[DiscoveredHost], totals: Mapping[str, int],
                messages: Iterable[str]) -> tuple[DiscoveredHost, ...]:
    """Hosts as the target names them: a single host keeps the target's address, its IP in ``ip``."""
    found = tuple(hosts)
    if target.kind is TargetKind.RANGE:
        return tuple(replace(host, ip=host.address) for host in found)
    address = target.address or ""
    if found:
        return (replace(found[0], ip=found[0].address, address=address),)
    if totals.get("up", 0):  # scanned, but nothing open (--open leaves such hosts out)
        return (DiscoveredHost(address=address, status="up"),)
    raise CollectError(f"nmap scanned nothing for {target.address}: {'; '.join(messages) or 'host not found'}")


def imported(target: Target, path: str) -> DiscoveryFacts:
    """Discovery facts from an existing nmap XML file, limited to this target's hosts."""
    try:
        if Path(path).stat().st_size > MAX_XML_BYTES:
            raise CollectError(f"{path}: larger than {MAX_XML_BYTES} bytes")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CollectError(f"{path}: cannot read the nmap XML: {exc.strerror or exc}") from None
    try:
        run = parse_nmap_xml(data)
    except NmapXmlError as exc:
        raise CollectError(f"{path}: {exc}") from None
    hosts = tuple(host for host in run.hosts if _belongs(target, host))
    if target.kind is not TargetKind.RANGE and not hosts:
        raise CollectError(f"{path} holds no results for {target.address}")
    record = ImportedScan(
        nmap_version=run.version,
        commands=(run.args,),
        nmap_elapsed=run.finished.elapsed,
        totals=run.totals,
        errors=run.errors,
        timed_out=_timed_out(hosts),
        file=str(path),
    )
    return DiscoveryFacts(hosts=_for_target(target, hosts, run.totals, ()), scan=record)


def _belongs(target: Target, host: DiscoveredHost) -> bool:
    if target.kind is not TargetKind.RANGE:
        return target.address in (host.address, *host.hostnames)
    try:
        return ipaddress.ip_address(host.address) in ipaddress.ip_network(str(target.address), strict=False)
    except ValueError:
        return False
