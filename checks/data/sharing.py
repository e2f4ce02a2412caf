"""Data checks on sharing services: NFS exports, Samba shares, rsync modules, web listings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.check import Check, CheckContext, CheckSkipped, FactSet
from auditor.checks.data.common import TAGS, by_class, declared_repositories, label, lower
from auditor.checks.data.facts import RepositoriesFacts
from auditor.checks.data.rules import Repository, relation
from auditor.checks.data.sharing_facts import (
    ApacheConfig,
    NfsClient,
    NfsExport,
    NfsExportsFacts,
    NginxConfig,
    Problem,
    RsyncdFacts,
    SambaFacts,
    WebServersFacts,
)
from auditor.checks.data.web_listing import Exposure, exposures
from auditor.config.yamlfile import MapReader
from auditor.models import Finding, Severity

_SHARING_TAGS = (*TAGS, "sharing")
_MAX_PROBLEMS = 10  # configuration problems named one by one in a result's reason


def _repositories_or_none(facts: FactSet) -> tuple[Repository, ...]:
    """Declared repositories when a rules file is configured, else () (sharing is judged anyway)."""
    return facts.get(RepositoriesFacts).repositories


def _present(present: bool, files: tuple[str, ...], problems: tuple[Problem, ...], what: str,
             ctx: CheckContext) -> None:
    """CheckSkipped when the service is not configured here; its problems make the result incomplete."""
    if not present:
        raise CheckSkipped(f"no {what} on this host")
    for problem in problems[:_MAX_PROBLEMS]:
        where = f"{problem.file}:{problem.line}" if problem.line else problem.file
        ctx.incomplete(f"{where}: {problem.message}")
    if len(problems) > _MAX_PROBLEMS:
        ctx.incomplete(f"... and {len(problems) - _MAX_PROBLEMS} more configuration problems")
    ctx.details["files"] = ", ".join(files)


def _shared_repositories(ctx: CheckContext, resource: str, share: str, path: str | None,
                         repositories: tuple[Repository, ...], anonymous: bool,
                         evidence: Mapping[str, Any]) -> list[Finding]:
    """Findings for the repositories a share of ``path`` exposes against their rules.

    Restricted (and unclassified) repositories must not be shared at all; a share open to
    everyone (wide clients, guests, no authentication) exposes any repository that is not
    public or whose sharing is not allowed. ``share`` names the share in messages.
    """
    findings = []
    for repo in repositories:
        if path is None or relation(path, repo.path) is None:
            continue
        classification = repo.classification
        if classification in ("restricted", None):
            why = f"{classification or 'unclassified'} data must not be shared"
        elif anonymous and classification != "public":
            why = f"{classification} data is shared with everyone"
        elif anonymous and not repo.sharing_allowed:
            why = "its rules do not allow sharing, and the share is open to everyone"
        else:
            continue
        findings.append(ctx.finding(
            f"{resource}:repo:{repo.name}", f"{share} shares repository {label(repo)}: {why}",
            evidence={**evidence, "repository": repo.name, "sharing_allowed": repo.sharing_allowed}))
    return findings


def _wide(client: NfsClient, options: Mapping[str, Any]) -> str | None:
    """Why an NFS client specification admits too many hosts, or None."""
    kind = client.kind
    if kind == "everyone":
        return "every host"
    if kind == "wildcard":
        return f"a wildcard ({client.spec})"
    if kind == "network":
        minimum = options["min_prefix_v4"] if client.version == 4 else options["min_prefix_v6"]
        if client.prefix is not None and client.prefix < minimum:
            return f"a /{client.prefix} network (wider than /{minimum})"
    return None


class NfsExports(Check):
    """NFS exports are limited to named hosts or small networks, squash root, and keep rules.

    Findings: exports to everyone, wildcards or networks wider than ``min_prefix_v4`` /
    ``min_prefix_v6`` (worse when read-write), ``no_root_squash`` (a client's root is root on
    the data), ``insecure`` (any local user of a client can mount), and exports of repositories
    the rules protect (restricted or unclassified data, or non-public data to wide clients).
    """

    id = "data.nfs-exports"
    title = "NFS exports are narrow and respect the data rules"
    severity = Severity.HIGH
    measures = ("PRV-8", "PRV-3")
    facts = (NfsExportsFacts, RepositoriesFacts)
    tags = _SHARING_TAGS
    options = {"min_prefix_v4": 24, "min_prefix_v6": 64}
    remediation = ("Export to named hosts or small networks only, with root_squash and secure; "
                   "do not export restricted repositories.")

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """The prefix lengths must be whole numbers an address of their version can have."""
        values = super().parse_options(reader)
        for key, bits in (("min_prefix_v4", 32), ("min_prefix_v6", 128)):
            value = values[key]
            if value != int(value) or value > bits:
                reader.fail(key, f"expected a prefix length from 0 to {bits}, got {value}")
            values[key] = int(value)
        return values

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings per export and client, and per exported repository."""
        service = facts.get(NfsExportsFacts)
        _present(service.present, service.files, service.problems, "NFS exports file", ctx)
        repositories = _repositories_or_none(facts)
        findings = []
        for export in service.exports:
            source = f"{export.file}:{export.line}"
            wide_clients = []
            for client in export.clients:
                findings += self._client_findings(export, client, source, ctx)
                if _wide(client, ctx.options):
                    wide_clients.append(client.spec)
            findings += _shared_repositories(
                ctx, f"nfs:{export.path}", f"the NFS export of {export.path}", export.path, repositories,
                bool(wide_clients), {"source": source, "clients": [c.spec for c in export.clients]})
        return findings

    def _client_findings(self, export: NfsExport, client: NfsClient, source: str,
                         ctx: CheckContext) -> list[Finding]:
        prefix = f"nfs:{export.path}@{client.spec}"
        evidence: dict[str, object] = {"source": source, "options": client.options or "(defaults)",
                                       "client": client.spec}
        if client.note:
            evidence["note"] = client.note
        findings = []
        wide = _wide(client, ctx.options)
        if wide:
            rw = client.access == "rw"
            findings.append(ctx.finding(
                f"{prefix}:wide",
                f"{export.path} is exported {'read-write' if rw else 'read-only'} to {wide}"
                + (f" ({client.note})" if client.note else ""),
                evidence={**evidence, "expected": "named hosts or small networks"},
                severity=ctx.severity if rw else lower(ctx.severity, 1)))
        if client.squash == "no_root_squash":
            findings.append(ctx.finding(f"{prefix}:no_root_squash",
                                        f"{export.path} is exported to {client.spec} with no_root_squash",
                                        evidence={**evidence, "expected": "root_squash"}))
        if not client.secure:
            findings.append(ctx.finding(f"{prefix}:insecure",
                                        f"{export.path} is exported to {client.spec} with insecure",
                                        evidence={**evidence, "expected": "secure"},
                                        severity=lower(ctx.severity, 2)))
        return findings


class SmbShares(Check):
    """Samba shares need a login, and repositories the rules protect are not shared.

    Findings: shares open to guests (``guest ok``/``public``; worse when writable), a global
    ``map to guest`` that turns failed logins into guest sessions, and shares of repositories
    the rules protect (restricted or unclassified data, or non-public data open to guests).
    """

    id = "data.smb-shares"
    title = "Samba shares require authentication and respect the data rules"
    severity = Severity.HIGH
    measures = ("PRV-8", "PRV-3")
    facts = (SambaFacts, RepositoriesFacts)
    tags = _SHARING_TAGS
    remediation = "Set 'guest ok = no' and 'map to guest = never'; do not share restricted repositories."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings per share, for map to guest, and per shared repository."""
        service = facts.get(SambaFacts)
        _present(service.present, service.files, service.problems, "smb.conf", ctx)
        repositories = _repositories_or_none(facts)
        shares = [share for share in service.shares if share.available]
        findings = []
        guest_shares = [share.name for share in shares if share.guest_ok]
        if service.map_to_guest.strip().lower() != "never":
            findings.append(ctx.finding(
                "smb:global:map-to-guest",
                f"'map to guest = {service.map_to_guest}': failed logins become guest sessions"
                + (f" on {', '.join(guest_shares)}" if guest_shares else ""),
                evidence={"source": service.map_to_guest_source, "expected": "Never",
                          "observed": service.map_to_guest, "guest_shares": guest_shares or "none"},
                severity=lower(ctx.severity, 1 if guest_shares else 2)))
        for share in shares:
            evidence = {"source": share.source, "path": share.path or "(per user)",
                        "writable": share.writable, "hosts_allow": share.hosts_allow or "any"}
            if share.guest_ok:
                writable = share.writable
                findings.append(ctx.finding(
                    f"smb:[{share.name}]:guest",
                    f"Samba share [{share.name}] is open to guests{' and writable' if writable else ''}",
                    evidence={**evidence, "expected": "guest ok = no", "guest_set_at": share.guest_source},
                    severity=ctx.severity if writable else lower(ctx.severity, 1)))
            findings += _shared_repositories(ctx, f"smb:[{share.name}]", f"Samba share [{share.name}]",
                                             share.path, repositories, share.guest_ok, evidence)
        return findings


class RsyncModules(Check):
    """rsync daemon modules require ``auth users`` and are read-only, and keep the data rules.

    Findings: modules anyone can read without a login, writable modules (``read only = no``;
    worst without a login), and modules of repositories the rules protect.
    """

    id = "data.rsync-modules"
    title = "rsync daemon modules require authentication and respect the data rules"
    severity = Severity.HIGH
    measures = ("PRV-8", "PRV-3")
    facts = (RsyncdFacts, RepositoriesFacts)
    tags = _SHARING_TAGS
    remediation = ("Add 'auth users' with a 'secrets file' to every module, keep 'read only = yes', "
                   "and do not offer restricted repositories.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings per module and per offered repository."""
        service = facts.get(RsyncdFacts)
        _present(service.present, service.files, service.problems, "rsyncd.conf", ctx)
        repositories = _repositories_or_none(facts)
        findings = []
        for module in service.modules:
            anonymous = not module.auth_users
            evidence = {"source": module.source, "path": module.path or "(none)",
                        "hosts_allow": module.hosts_allow or "any", "listed": module.list}
            if anonymous:
                findings.append(ctx.finding(
                    f"rsync:[{module.name}]:anonymous",
                    f"rsync module [{module.name}] can be read without a login",
                    evidence={**evidence, "expected": "auth users set", "observed": "no auth users"},
                    severity=lower(ctx.severity, 1)))
            if not module.read_only:
                findings.append(ctx.finding(
                    f"rsync:[{module.name}]:writable",
                    f"rsync module [{module.name}] is writable"
                    + (" by anyone, without a login" if anonymous else f" by {', '.join(module.auth_users)}"),
                    evidence={**evidence, "expected": "read only = yes",
                              "set_at": module.read_only_source or "(default)"},
                    severity=ctx.severity if anonymous else lower(ctx.severity, 1)))
            findings += _shared_repositories(ctx, f"rsync:[{module.name}]", f"rsync module [{module.name}]",
                                             module.path, repositories, anonymous, evidence)
        return findings


class WebListing(Check):
    """Web servers neither list nor serve non-public repositories.

    From nginx (``autoindex``) and Apache (``Options Indexes``) configuration: a non-public
    repository, or a directory in it, served with directory listing is a finding; served
    without listing it is one too, at lower severity (file names can be guessed or leaked).
    Public repositories may be listed. Locations that deny all access are not counted; ones
    limited to some addresses lower the severity.
    """

    id = "data.web-listing"
    title = "Web servers neither list nor serve protected repositories"
    severity = Severity.HIGH
    measures = ("PRV-8", "PRV-3")
    facts = (WebServersFacts, RepositoriesFacts)
    tags = _SHARING_TAGS
    remediation = ("Turn listing off ('autoindex off;' / 'Options -Indexes') and move protected data out of web roots, "
                   "or deny access.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings per repository and place a web server exposes it."""
        web = facts.get(WebServersFacts)
        servers: list[NginxConfig | ApacheConfig] = [web.nginx] if web.nginx.present else []
        servers += web.apache
        if not servers:
            raise CheckSkipped("neither nginx nor Apache is configured on this host")
        for server in servers:
            for problem in server.problems[:_MAX_PROBLEMS]:
                ctx.incomplete(f"{problem.file}:{problem.line}: {problem.message}")
        repositories = declared_repositories(facts)
        found = [(repo, exposure) for repo in repositories if repo.classification != "public"  # may be listed
                 for exposure in exposures(web, repo.path)]
        return [self._finding(repo, exposure, resource, ctx) for (repo, exposure), resource in _resources(found)]

    def _finding(self, repo: Repository, exposure: Exposure, resource: str, ctx: CheckContext) -> Finding:
        listing = exposure.kind == "listing"
        severity = by_class(ctx.severity, repo.classification)
        if not listing or exposure.restricted:
            severity = lower(severity, 1)
        what = "lists" if listing else "serves files of"
        return ctx.finding(
            resource,
            f"{exposure.server} {what} {exposure.part} of repository {label(repo)} at URL {exposure.url}",
            evidence={"repository": repo.name, "directory": exposure.directory, "source": exposure.source,
                      "listing_set_at": exposure.listing_source or "(inherited default)",
                      "access_limited_by_address": exposure.restricted, "expected": "not served"},
            severity=severity)


def _resources(found: list[tuple[Repository, Exposure]]) -> list[tuple[tuple[Repository, Exposure], str]]:
    """``web:SERVER:URL:repo:NAME`` per exposure, qualified (``@SITE``, else ``@DIRECTORY``) where
    several exposures share it (one URL in several server blocks), so every fingerprint is unique."""
    plain = [f"web:{exposure.server}:{exposure.url}:repo:{repo.name}" for repo, exposure in found]
    named = [resource if plain.count(resource) == 1 else f"{resource}@{exposure.qualifier()}"
             for resource, (_, exposure) in zip(plain, found, strict=True)]
    # Still shared (the same block reached twice): the configuration line tells them apart.
    unique = [resource if named.count(resource) == 1 else f"{resource}@{exposure.source}"
              for resource, (_, exposure) in zip(named, found, strict=True)]
    return list(zip(found, unique, strict=True))
