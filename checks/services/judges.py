"""Exposed services judged against the host's role: risky, unexpected and clear-text services.

Facts come from the ``discovery`` collector (nmap, see ``discovery.py``). The ``services``
policy (profiles/policies/services-*.yaml) holds the risky-service catalogue and what each
role may expose; ``scanned.py`` says which hosts a target judges and how ports are named.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.check import Check, CheckContext, FactSet, Scope
from auditor.checks.services.facts import DiscoveredPort, DiscoveryFacts
from auditor.checks.services.policy import Identity, allowance, allowed, identify, role_rules
from auditor.checks.services.scanned import ScannedHost, describe, note_scan_gaps, scanned_hosts
from auditor.facts import InventoryFacts
from auditor.models import Finding, Severity

TAGS: tuple[str, ...] = ("services", "network")


class _RoleCheck(Check):
    """Base: every open port of every judged host, with the rules of the host's role."""

    facts = (DiscoveryFacts, InventoryFacts)
    scope = Scope.DISCOVERY
    tags = TAGS
    policies = ("services",)

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings for the ports ``problem`` objects to."""
        policy = ctx.policy("services")
        discovery = facts.get(DiscoveryFacts)
        note_scan_gaps(discovery, ctx)
        role, rules = role_rules(policy, ctx.target.role)
        ctx.details["role"] = role
        if ctx.target.role and ctx.target.role != role:
            ctx.details["role"] += f" (role '{ctx.target.role}' is not in the policy)"
        findings = []
        for host in scanned_hosts(ctx.target, discovery, facts.get(InventoryFacts)):
            for port in host.ports:
                identity = identify(policy, port)
                finding = self.problem(host, port, identity, role, rules, ctx)
                if finding is not None:
                    findings.append(finding)
        return findings

    def problem(self, host: ScannedHost, port: DiscoveredPort, identity: Identity, role: str,
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
                   "firewall to the hosts that need it; if the host's role needs it, declare that role in the "
                   "inventory.")

    def problem(self, host: ScannedHost, port: DiscoveredPort, identity: Identity, role: str,
                rules: Mapping[str, Any], ctx: CheckContext) -> Finding | None:
        entry = identity.entry
        if entry is None or allowed(rules, port, identity):
            return None
        return ctx.finding(
            host.resource(port.port),
            f"{entry['title']} is reachable on {host.where(port.port)}, which role '{role}' does not need: "
            f"{entry['reason']}",
            severity=Severity(entry["severity"]),
            measures=tuple(entry["measures"]),
            evidence={"service": identity.name, "identified_by": identity.by, "observed": describe(port),
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

    def problem(self, host: ScannedHost, port: DiscoveredPort, identity: Identity, role: str,
                rules: Mapping[str, Any], ctx: CheckContext) -> Finding | None:
        if identity.risky or allowed(rules, port, identity):
            return None  # risky services are services.risky-service's
        return ctx.finding(
            host.resource(port.port),
            f"{host.where(port.port)} ({describe(port)}) is open, but role '{role}' does not allow it",
            evidence={"observed": describe(port), "role": role, "expected": f"only {allowance(rules)}"},
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
    remediation = ("Replace it with its encrypted counterpart (SSH/SFTP, FTPS, rsync over SSH, VNC through an SSH "
                   "tunnel).")

    def problem(self, host: ScannedHost, port: DiscoveredPort, identity: Identity, role: str,
                rules: Mapping[str, Any], ctx: CheckContext) -> Finding | None:
        entry = identity.entry
        if entry is None or not entry["clear_text"] or port.tunnel == "ssl":
            return None
        return ctx.finding(
            host.resource(port.port),
            f"{entry['title']} on {host.where(port.port)} carries logins or data unencrypted",
            evidence={"service": identity.name, "observed": describe(port), "expected": "an encrypted protocol"},
        )
