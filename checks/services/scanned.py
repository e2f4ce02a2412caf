"""The hosts a services check judges, how their ports are named, and what the scan missed.

Resources are ``tcp/PORT`` on a host target and ``ADDRESS:tcp/PORT`` on a range, so a
finding keeps its fingerprint from one run to the next. A range is judged host by host,
except the hosts the run audits as targets of their own: those are judged once, under their
own names.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.check import CheckContext
from auditor.checks.services.discovery import excluded
from auditor.checks.services.facts import DiscoveredPort, DiscoveryFacts
from auditor.facts import InventoryFacts
from auditor.models import Target, TargetKind


@dataclass(frozen=True)
class ScannedHost:
    """One host of the target's scan, as the checks judge it."""

    address: str
    ports: tuple[DiscoveredPort, ...]
    prefix: str  # resource prefix: "" on a host target, "ADDRESS:" on a range
    hostnames: tuple[str, ...] = ()  # the names nmap found for the address

    def resource(self, port: int, suffix: str = "") -> str:
        """``tcp/PORT`` (host target) or ``ADDRESS:tcp/PORT`` (range), plus ``suffix``."""
        return f"{self.prefix}tcp/{port}{suffix}"

    def where(self, port: int) -> str:
        """The port as a message names it."""
        return f"{self.prefix}tcp/{port}" if self.prefix else f"tcp/{port}"


def scanned_hosts(target: Target, discovery: DiscoveryFacts, inventory: InventoryFacts) -> list[ScannedHost]:
    """The hosts this target's checks judge (a range leaves out hosts audited on their own)."""
    is_range = target.kind is TargetKind.RANGE
    skip = set(excluded(target, inventory.targets))
    hosts = []
    for host in discovery.hosts:
        if host.address in skip:
            continue
        prefix = (f"[{host.address}]:" if ":" in host.address else f"{host.address}:") if is_range else ""
        hosts.append(ScannedHost(host.address, host.ports, prefix, host.hostnames))
    return hosts


def note_scan_gaps(discovery: DiscoveryFacts, ctx: CheckContext) -> None:
    """Scan errors and timed-out hosts make the result incomplete; the details say what was scanned."""
    scan = discovery.scan
    for error in scan.errors:
        ctx.incomplete(error)
    if scan.timed_out:
        more = f" and {len(scan.timed_out) - 5} more" if len(scan.timed_out) > 5 else ""
        names = ", ".join(scan.timed_out[:5]) + more
        ctx.incomplete(f"nmap's host timeout stopped the scan of {names}: their open ports are not all known")
    open_ports = sum(len(host.ports) for host in discovery.hosts)
    ctx.details["scan"] = f"{scan.source}: {len(discovery.hosts)} host(s), {open_ports} open port(s)"


def describe(port: DiscoveredPort) -> str:
    """The port's service as evidence names it: ``redis (Redis key-value store 7.0)``."""
    product = " ".join(part for part in (port.product, port.version) if part)
    name = port.service or "unknown"
    return f"{name} ({product})" if product else name
