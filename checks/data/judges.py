"""Data-repository access rules: declared rules judged against permissions, ACLs, shares and backups.

A rules file (``collectors: repositories: {rules: FILE}`` in the profile, relative to the
profile's directory) declares each repository's host, path, classification, owning group,
read and write groups, whether it may be shared outside, and its backup. The collectors
(``collector``) walk each repository once and read the sharing services' configuration and the
backups; the checks judge those facts against the rules: here the rules themselves and the
repositories' presence, in ``tree_judges`` the walked trees, in ``sharing`` the sharing
services, in ``backup`` the backups.
"""

from __future__ import annotations

from auditor.check import Check, CheckContext, FactSet
from auditor.checks.data.backup import Backup
from auditor.checks.data.collector import COLLECTORS
from auditor.checks.data.common import TAGS, declared_repositories, describe_partial
from auditor.checks.data.facts import RepositoriesFacts, RepositoryTreesFacts
from auditor.checks.data.sharing import NfsExports, RsyncModules, SmbShares, WebListing
from auditor.checks.data.tree_judges import (
    TREE_TAGS,
    AclEntries,
    GroupWrite,
    Ownership,
    SetgidDirectories,
    SetuidFiles,
    SymlinksOutside,
    WorldAccess,
)
from auditor.models import Finding, Severity


class Classification(Check):
    """Every declared repository has a classification.

    Without a classification (public, internal, confidential, restricted) nobody can tell which
    protection a repository needs; the audit treats it as restricted until it is classified.
    """

    id = "data.classification"
    title = "Data repositories are classified"
    severity = Severity.MEDIUM
    measures = ("PRV-1", "AWR-5")
    facts = (RepositoriesFacts,)
    tags = TAGS
    remediation = "Add 'classification: public|internal|confidential|restricted' to each repository in the rules file."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per repository without a classification."""
        elsewhere = facts.get(RepositoriesFacts).other_hosts
        if elsewhere:  # audited only when those hosts are targets of a run
            ctx.details["rules for other hosts"] = ", ".join(elsewhere)
        return [
            ctx.finding(f"repo:{repo.name}:classification",
                        f"repository {repo.name} ({repo.path}) has no classification",
                        evidence={"repository": repo.name, "path": repo.path, "declared_at": repo.source,
                                  "expected": "public, internal, confidential or restricted", "observed": "none"})
            for repo in declared_repositories(facts) if repo.classification is None
        ]


class RepositoryPresent(Check):
    """Every declared repository path exists on its host and is a directory.

    A declared path that is missing means the rules (the inventory of sensitive data) no longer
    match the system: the data moved somewhere the rules do not protect, or the rule is stale.
    """

    id = "data.repository-present"
    title = "Declared repositories exist"
    severity = Severity.MEDIUM
    measures = ("AWR-5", "PRV-1")
    facts = (RepositoriesFacts, RepositoryTreesFacts)
    tags = TREE_TAGS
    remediation = "Correct the repository's path in the rules file, or remove the rule if the data is gone."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """A finding per repository that does not exist or is not a directory."""
        findings = []
        trees = facts.get(RepositoryTreesFacts).trees
        for repo in declared_repositories(facts):
            tree = trees.get(repo.name)
            evidence = {"repository": repo.name, "path": repo.path, "declared_at": repo.source}
            if tree is None or tree.exists is None:
                why = "; ".join(describe_partial(tree.partial)) if tree else ""
                ctx.incomplete(f"cannot tell whether {repo.path} exists: {why or 'not walked'}")
            elif tree.exists is False:
                findings.append(ctx.finding(f"repo:{repo.name}:present",
                                            f"repository {repo.name}: {repo.path} does not exist",
                                            evidence={**evidence, "expected": "a directory", "observed": "missing"}))
            elif tree.type != "d":
                findings.append(ctx.finding(f"repo:{repo.name}:present",
                                            f"repository {repo.name}: {repo.path} is not a directory",
                                            evidence={**evidence, "expected": "a directory",
                                                      "observed": f"file type {tree.type}"}))
        return findings


CHECKS = (
    Classification, RepositoryPresent, WorldAccess, Ownership, GroupWrite, SetgidDirectories, SymlinksOutside,
    SetuidFiles, AclEntries, NfsExports, SmbShares, RsyncModules, WebListing, Backup,
)
__all__ = ["CHECKS", "COLLECTORS"]
