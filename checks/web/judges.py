"""What the web exposure probes found, judged: listings, exposed files, open applications.

The ``web`` collector recorded which catalogue probe matched which URL; these checks turn the
matches into findings with the catalogue's severity, measures and remediation (as the profile's
``web-exposure`` policy has them now, so a stored snapshot can be judged again). One finding per
(probe, URL): a listing's resource is ``tcp/PORT/http:PATH`` (as the former ``/``-only listing
probe named it), every other ``tcp/PORT/http:PATH:PROBE``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import replace
from typing import ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.checks.services.facts import DiscoveryFacts
from auditor.checks.services.scanned import ScannedHost, note_scan_gaps, scanned_hosts
from auditor.checks.web.catalogue import Kind, WebProbe
from auditor.checks.web.facts import WebFacts, WebMatch, WebPort
from auditor.checks.web.policy import KIND, probes_of
from auditor.errors import NotAssessable
from auditor.facts import InventoryFacts
from auditor.models import Finding, Severity

TAGS = ("network", "web", "probe")


class _WebCheck(Check):
    """Base: the matches of the probes of ``kinds`` on the target's judged hosts."""

    facts = (DiscoveryFacts, WebFacts, InventoryFacts)
    scope = Scope.DISCOVERY
    tags = TAGS
    policies = (KIND,)
    kinds: ClassVar[tuple[Kind, ...]]

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings for the matches; ports not probed in full make the result incomplete."""
        discovery = facts.get(DiscoveryFacts)
        note_scan_gaps(discovery, ctx)
        hosts = {host.address: host for host in scanned_hosts(ctx.target, discovery, facts.get(InventoryFacts))}
        catalogue = {probe.id: probe for probe in probes_of(ctx.policy(KIND)) if probe.kind in self.kinds}
        if not catalogue:
            raise NotAssessable(f"the web-exposure policy has no probes of kind {', '.join(self.kinds)}")
        ports = [port for port in facts.get(WebFacts).ports if port.address in hosts]
        probed = [port for port in ports if port.status == "probed"]
        for port in ports:
            _note_gaps(port, hosts[port.address], ctx)
        ctx.details["web_ports"] = f"{len(probed)} HTTP(S) port(s) probed, {sum(p.requests for p in ports)} request(s)"
        if not probed:
            if ctx.problems:
                return []
            raise CheckSkipped("no HTTP(S) service answered on the scanned ports")
        findings: list[Finding] = []
        for port in probed:
            host = hosts[port.address]
            for match in port.matches:
                probe = catalogue.get(match.probe)
                if probe is not None:
                    findings.append(self._finding(probe, match, port, host, ctx))
            findings += self.extra_findings(port, host, catalogue, ctx)
        return findings

    def extra_findings(self, port: WebPort, host: ScannedHost, catalogue: dict[str, WebProbe],
                       ctx: CheckContext) -> list[Finding]:
        """Findings judged from other probes' matches (the listed-dumps globs)."""
        return []

    def resource(self, host: ScannedHost, port: WebPort, path: str, probe: WebProbe) -> str:
        """``tcp/PORT/http:PATH:PROBE``, unique per (probe, URL)."""
        return host.resource(port.port, f"/http:{path}:{probe.id}")

    def _finding(self, probe: WebProbe, match: WebMatch, port: WebPort, host: ScannedHost,
                 ctx: CheckContext) -> Finding:
        evidence = {"url": match.url, "status": match.status, **match.evidence, "probe": probe.id}
        return _made(probe, ctx, self.resource(host, port, match.path, probe),
                     f"{probe.title}: {match.url} (HTTP {match.status})", evidence)


def _made(probe: WebProbe, ctx: CheckContext, resource: str, message: str, evidence: dict[str, object]) -> Finding:
    """A finding with the probe's severity (unless the profile set the check's), measures and remediation."""
    severity = ctx.severity if ctx.severity != ctx.check.severity else probe.severity
    finding = ctx.finding(resource, message, evidence=evidence, severity=severity, measures=probe.measures)
    return replace(finding, remediation=probe.remediation)


def _note_gaps(port: WebPort, host: ScannedHost, ctx: CheckContext) -> None:
    where = host.where(port.port)
    if port.status == "error":
        ctx.incomplete(f"web probes on {where}: {port.reason}")
    if port.not_sent:
        ctx.incomplete(f"web probes on {where}: {port.not_sent} request(s) not sent, "
                       f"the {port.limit} limit was reached")
    if port.failed:
        ctx.incomplete(f"web probes on {where}: {port.failed} request(s) failed, first: {port.failures[0]}")


class DirectoryListing(_WebCheck):
    """Web servers do not list directories (nginx autoindex, Apache Indexes, Python http.server).

    Asked on every HTTP(S) port: the home page, the folders it links to (one level, same site)
    and the common data paths (``/data/``, ``/datasets/``, ``/files/``, ``/pub/``, ``/share/``,
    ``/download/``, ``/backup/``, ``/export/``, ``/uploads/``, ``/public/``, ``/archive/`` ...),
    so a listing below a home page that answers 403 is found too. An automatic index turns every
    file under it, forgotten datasets, backups and exports included, into a download link.
    """

    id = "services.directory-listing"
    title = "Web servers do not list directories"
    severity = Severity.MEDIUM
    measures = ("PRV-5", "PRV-8")
    kinds = ("listing",)
    remediation = "Turn automatic indexes off ('autoindex off' in nginx, 'Options -Indexes' in Apache)."

    def resource(self, host: ScannedHost, port: WebPort, path: str, probe: WebProbe) -> str:
        """``tcp/PORT/http:PATH``: one listing per URL, whichever probe asked it."""
        return host.resource(port.port, f"/http:{path}")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per listed URL (the probes that asked it share the request)."""
        unique: dict[str, Finding] = {}
        for finding in super().judge(facts, ctx):
            unique.setdefault(finding.resource, finding)
        return list(unique.values())


class ExposedFiles(_WebCheck):
    """Web servers do not serve version-control metadata, secrets, dumps or backups.

    Probes ``/.git/HEAD``, ``/.git/config``, ``/.svn/entries``, ``/.svn/wc.db``,
    ``/.hg/requires``, ``/.env`` (and variants), SQL dumps, archives and ``.bak`` copies (also
    named after the site), and flags listings that offer ``*.sql``, ``*.bak``, ``*.tar.gz``,
    ``.env`` and key files. Evidence names a ``.env``'s keys, never their values.
    """

    id = "web.exposed-files"
    title = "No version-control metadata, secrets or dumps are served"
    severity = Severity.HIGH
    measures = ("PRV-5", "PRV-3", "PRV-8")
    kinds = ("file", "listed")
    remediation = "Keep repositories, .env files, dumps and backups out of web roots, or deny them."

    def extra_findings(self, port: WebPort, host: ScannedHost, catalogue: dict[str, WebProbe],
                       ctx: CheckContext) -> list[Finding]:
        """One finding per (``listed`` probe, listing URL) naming the matching entries."""
        findings = []
        for probe in catalogue.values():
            if probe.kind != "listed":
                continue
            for match in port.matches:
                offered = listed_matches(probe, match.entries)
                if offered:
                    findings.append(_made(
                        probe, ctx, self.resource(host, port, match.path, probe),
                        f"{probe.title}: {match.url} lists {len(offered)} such file(s)",
                        {"url": match.url, "files": ", ".join(offered[:10]), "probe": probe.id}))
        return findings


class OpenApplication(_WebCheck):
    """Research web applications and status pages do not answer without authentication.

    Jupyter Server (``/api/status``, ``/api/contents``), JupyterHub (``/hub/api/users``),
    RStudio Server, Grafana (anonymous ``/api/search``), Kibana, MinIO/S3 anonymous bucket
    listing, Prometheus ``/api/v1/targets``, Ollama ``/api/tags``, the Ray dashboard, MLflow,
    TensorBoard, the Dask dashboard, Elasticsearch/OpenSearch, CouchDB ``/_all_dbs``, Solr admin,
    and Apache/nginx/PHP-FPM status pages, on whatever port they run.
    """

    id = "web.open-application"
    title = "Research web applications require authentication"
    severity = Severity.HIGH
    measures = ("PRV-3", "PRV-7")
    kinds = ("application",)
    remediation = "Require authentication on the application, bind it to localhost or the internal network."


def listed_matches(probe: WebProbe, entries: Iterable[str]) -> list[str]:
    """Entries of a listing that a ``listed`` probe's globs match (case-insensitive)."""
    return [entry for entry in entries
            if any(fnmatch.fnmatch(entry.rstrip("/").lower(), glob.lower()) for glob in probe.listed)]
