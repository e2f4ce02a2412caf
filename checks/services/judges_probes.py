"""What the read-only probes proved: services usable without credentials.

Directory listings are judged by the web area (``checks/web``), which asks far more than ``/``.

Facts come from the ``probes`` collector (``probes.py``), which asked the open ports that
discovery found one harmless question each.
"""

from __future__ import annotations

from typing import ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.checks.services.facts import (
    DiscoveryFacts,
    ListedModule,
    NfsEvidence,
    ProbeResult,
    ProbesFacts,
    RsyncEvidence,
    RsyncModule,
    UnlistedModule,
)
from auditor.checks.services.judges import TAGS
from auditor.checks.services.probe_base import ERROR, NOT_ASSESSABLE, OPEN, REACHABLE
from auditor.checks.services.probes_tcp import WORLD_CLIENTS
from auditor.checks.services.scanned import ScannedHost, note_scan_gaps, scanned_hosts
from auditor.errors import NotAssessable
from auditor.facts import InventoryFacts
from auditor.models import Finding, Severity

# Probes whose open outcome shares data rather than a service: measure PRV-8 as well.
_SHARING_PROBES = frozenset({"rsync", "ftp", "nfs"})


class _ProbeCheck(Check):
    """Base: judge the probe results of the target's judged hosts."""

    facts = (DiscoveryFacts, ProbesFacts, InventoryFacts)
    scope = Scope.DISCOVERY
    tags: ClassVar[tuple[str, ...]] = (*TAGS, "probe")
    policies = ("services",)

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings for open services; probe errors make the result incomplete."""
        discovery = facts.get(DiscoveryFacts)
        note_scan_gaps(discovery, ctx)
        hosts = {host.address: host for host in scanned_hosts(ctx.target, discovery, facts.get(InventoryFacts))}
        # Snapshots written before the web area may hold the former "/" listing probe: judged there now.
        results = [result for result in facts.get(ProbesFacts).results
                   if result.address in hosts and result.probe != "http-listing"]
        if not results and not ctx.problems:
            # Nothing to ask is not evidence that nothing answers without credentials.
            raise CheckSkipped("discovery found no service the read-only probes know how to ask")
        findings: list[Finding] = []
        unassessed = []
        for result in results:
            host = hosts[result.address]
            if result.status == ERROR:
                ctx.incomplete(f"{result.probe} probe on {host.where(result.port)}: {result.reason}")
            elif result.status == NOT_ASSESSABLE:
                unassessed.append(f"{result.probe} on {host.where(result.port)}: {result.reason}")
            else:
                findings += self.findings_for(result, host, ctx)
        ctx.details["probes"] = f"{len(results)} probe(s)"
        if unassessed:
            ctx.details["not_assessed"] = "; ".join(unassessed)
            if len(unassessed) == len(results) and not findings and not ctx.problems:
                raise NotAssessable("; ".join(unassessed))
        return findings

    def findings_for(self, result: ProbeResult, host: ScannedHost, ctx: CheckContext) -> list[Finding]:
        """Findings for one probe result."""
        raise NotImplementedError


# What an open service does without credentials, by probe.
_ANSWERS = {"redis": "Redis answers PING", "memcached": "memcached answers stats",
            "docker": "the Docker Engine API answers", "elasticsearch": "Elasticsearch answers",
            "jupyter": "the Jupyter API answers", "ftp": "the FTP server accepts anonymous login",
            "etcd": "etcd answers /version"}


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
    remediation = ("Require authentication (Redis requirepass/ACLs, Jupyter tokens, Docker and etcd TLS client "
                   "certificates, Elasticsearch security, rsync 'auth users', no anonymous FTP, NFS exports to named "
                   "clients), and keep the service off networks that do not need it.")

    def findings_for(self, result: ProbeResult, host: ScannedHost, ctx: CheckContext) -> list[Finding]:
        """One finding per open service, or per open rsync module or NFS export."""
        if result.status not in (OPEN, REACHABLE):
            return []
        severity = (Severity.MEDIUM if result.status == REACHABLE
                    else max(ctx.severity, _catalogue_severity(ctx, result.probe)))
        measures = ("PRV-3", "PRV-8") if result.probe in _SHARING_PROBES else ("PRV-3",)
        evidence = result.evidence
        if isinstance(evidence, RsyncEvidence):
            return [_open_module(module, result.port, host, ctx, severity, measures)
                    for module in evidence.modules if module.access == OPEN]
        if isinstance(evidence, NfsEvidence):
            return [
                ctx.finding(host.resource(result.port, f"/nfs:{export.path}"),
                            f"NFS export {export.path} on {host.where(result.port)} is offered to every client",
                            severity=severity, measures=measures,
                            evidence={"export": export.path, "clients": export.clients,
                                      "expected": "exports to named hosts or networks"})
                for export in evidence.exports if WORLD_CLIENTS & set(export.clients)
            ]
        what = _ANSWERS.get(result.probe, f"{result.probe} answers")
        qualifier = " without a client certificate" if result.probe == "etcd" else " without credentials"
        return [ctx.finding(host.resource(result.port), f"{what} on {host.where(result.port)}{qualifier}",
                            severity=severity, measures=measures,
                            evidence={**evidence, "expected": "authentication required"})]


def _open_module(module: RsyncModule, port: int, host: ScannedHost, ctx: CheckContext, severity: Severity,
                 measures: tuple[str, ...]) -> Finding:
    """The finding for an rsync module readable without a password."""
    entries = f" ({module.files} top-level entries)" if isinstance(module, ListedModule) else ""
    # An open module whose listing failed says "None"; one never listed at all "not listed".
    files = module.files if isinstance(module, (ListedModule, UnlistedModule)) else "not listed"
    sample = module.sample if isinstance(module, ListedModule) else ()
    return ctx.finding(host.resource(port, f"/rsync:{module.name}"),
                       f"rsync module '{module.name}' on {host.where(port)} is readable without a password{entries}",
                       severity=severity, measures=measures,
                       evidence={"module": module.name, "comment": module.comment, "files": files, "sample": sample,
                                 "expected": "auth users set for the module"})


def _catalogue_severity(ctx: CheckContext, probe: str) -> Severity:
    """The highest severity among the catalogue services that name ``probe``."""
    entries = ctx.policy("services")["services"].values()
    return max((Severity(entry["severity"]) for entry in entries if entry["probe"] == probe), default=Severity.INFO)
