"""Discovery compared with the run's inventory: hosts nobody declared, ports nobody declared."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.checks.services.facts import DiscoveryFacts
from auditor.checks.services.judges import TAGS
from auditor.checks.services.scanned import describe, note_scan_gaps, scanned_hosts
from auditor.facts import InventoryFacts
from auditor.models import Finding, Severity, Target, TargetKind


class _InventoryCheck(Check):
    """Base: discovery compared with the run's inventory (toolkit measure AWR-5)."""

    measures = ("AWR-5",)
    facts = (DiscoveryFacts, InventoryFacts)
    scope = Scope.DISCOVERY
    tags = (*TAGS, "inventory")


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

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per host with open ports that no inventory entry names."""
        if ctx.target.kind is not TargetKind.RANGE:
            raise CheckSkipped("only a scanned range can reveal hosts missing from the inventory")
        discovery, inventory = facts.get(DiscoveryFacts), facts.get(InventoryFacts)
        note_scan_gaps(discovery, ctx)
        names = set(_inventory_names(inventory.targets))
        findings = []
        for host in scanned_hosts(ctx.target, discovery, inventory):
            if not host.ports or names & {host.address, *host.hostnames}:
                continue
            ports = [f"{port.port}/{port.service or 'unknown'}" for port in host.ports]
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

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per open port the target's inventory entry does not list."""
        target = ctx.target
        if target.kind is TargetKind.RANGE:
            raise CheckSkipped("hosts of a range are compared with the inventory by services.unknown-host")
        declared = set(target.ports) | ({target.port} if target.port else set())
        if not target.ports:
            raise CheckSkipped("the inventory declares no ports for this host (add ports: to compare)")
        discovery = facts.get(DiscoveryFacts)
        note_scan_gaps(discovery, ctx)
        expected = ", ".join(str(port) for port in sorted(declared))
        return [
            ctx.finding(host.resource(port.port),
                        f"tcp/{port.port} ({describe(port)}) is open but not declared in the inventory",
                        evidence={"observed": describe(port), "expected": f"declared ports: {expected}"})
            for host in scanned_hosts(target, discovery, facts.get(InventoryFacts))
            for port in host.ports
            if port.port not in declared
        ]
