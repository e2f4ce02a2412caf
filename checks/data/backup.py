"""The data check on backups (RCV-1): declared, recent, and out of the repository users' reach."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditor.check import Check, CheckContext, FactSet
from auditor.checks.data.common import Names, declared_repositories, describe_partial, label, lower
from auditor.checks.data.facts import AclRead, BackupsFacts, BackupTree, RepositoriesFacts
from auditor.checks.data.rules import CLASSIFICATIONS, Repository
from auditor.checks.data.rules import Backup as DeclaredBackup
from auditor.config.yamlfile import MapReader
from auditor.models import Finding, Severity


class Backup(Check):
    """Each repository's declared backup exists, is recent, and cannot be altered by its users.

    The newest regular file under the backup location must be younger than the rules'
    ``max_age_days`` (judged against the run's date). Nothing in the backup, nor a directory
    above it, may be writable by every user or by the repository's groups, nor owned by one of
    their members: whoever can write the backup can destroy it together with the data.
    Repositories whose classification is in ``require_backup`` (unclassified ones too) must
    declare a backup.
    """

    id = "data.backup"
    title = "Repositories have recent backups their users cannot alter"
    severity = Severity.HIGH
    measures = ("RCV-1",)
    facts = (RepositoriesFacts, BackupsFacts)
    tags = ("data", "backup")
    options = {"require_backup": ["internal", "confidential", "restricted"]}
    remediation = ("Back up to a location only the backup service can write, "
                   "and monitor that the newest backup is recent.")

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``require_backup`` lists classifications: a misspelt one would silently require nothing."""
        values = super().parse_options(reader)
        for classification in values["require_backup"]:
            if classification not in CLASSIFICATIONS:
                reader.fail("require_backup", f"'{classification}' is not one of: {', '.join(CLASSIFICATIONS)}")
        return values

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings per repository: no backup declared, missing, stale, or writable by its users."""
        backups = facts.get(BackupsFacts)
        names = Names(backups.accounts, facts.get(RepositoriesFacts).groups)
        findings = []
        for repo in declared_repositories(facts):
            declared = repo.backup
            if not declared:
                if repo.classification in ctx.options["require_backup"] or repo.classification is None:
                    findings.append(ctx.finding(
                        f"backup:{repo.name}:undeclared", f"no backup is declared for repository {label(repo)}",
                        evidence={"repository": repo.name, "declared_at": repo.source},
                        severity=lower(ctx.severity, 1)))
                continue
            findings += self._judge_backup(repo, declared, backups.backups[repo.name], names, ctx)
        return findings

    def _judge_backup(self, repo: Repository, declared: DeclaredBackup, tree: BackupTree, names: Names,
                      ctx: CheckContext) -> list[Finding]:
        evidence = {"repository": repo.name, "backup": declared.path}
        phrases = describe_partial(tree.partial)
        if phrases:
            ctx.incomplete(f"backup of {repo.name} judged partially: {'; '.join(phrases)}")
        if tree.exists is None:
            return []
        if tree.exists is False:
            return [ctx.finding(f"backup:{repo.name}:missing",
                                f"the backup location {declared.path} of {repo.name} does not exist",
                                evidence={**evidence, "expected": "exists", "observed": "missing"})]
        findings = []
        newest = tree.newest
        max_age = declared.max_age_days
        if newest is None:
            findings.append(ctx.finding(f"backup:{repo.name}:stale",
                                        f"the backup location {declared.path} of {repo.name} holds no file",
                                        evidence={**evidence, "expected": f"a file younger than {max_age:g} days",
                                                  "observed": "no regular file"}))
        else:
            date = dt.datetime.fromtimestamp(newest.mtime, dt.UTC).date()
            age = (ctx.today - date).days
            if age > max_age:
                findings.append(ctx.finding(
                    f"backup:{repo.name}:stale",
                    f"the newest backup of {repo.name} is {age} days old (at most {max_age:g} allowed)",
                    evidence={**evidence, "newest": newest.path, "newest_date": date.isoformat(),
                              "expected": f"at most {max_age:g} days old", "observed": f"{age} days"}))
        reasons = _backupwriter_groups(repo, tree, names)
        if reasons:
            findings.append(ctx.finding(
                f"backup:{repo.name}:writable",
                f"the backup of {repo.name} can be altered by the repository's users or by everyone",
                evidence={**evidence, "expected": "writable only by root or the backup service",
                          "observed": "; ".join(reasons)}))
        return findings


def _backupwriter_groups(repo: Repository, tree: BackupTree, names: Names) -> list[str]:
    """Why ordinary users (everyone, the repository's groups, their members) can write the backup."""
    groups = repo.allowed_groups
    reasons = []
    if tree.world_writable.count:
        reasons.append(f"{tree.world_writable.count} entries world-writable "
                       f"(e.g. {', '.join(tree.world_writable.samples[:2])})")
    for gid, tallies in tree.groups.items():
        group = names.group(gid)
        writable = tallies.get("group_writable")
        if group in groups and writable:
            reasons.append(f"{writable.count} entries writable by group {group}")
    for uid, tally in tree.owners.items():
        user = names.user(uid)
        if uid != "0" and names.member_of_any(user, groups):
            reasons.append(f"{tally.count} entries owned by {user}, a member of the repository's groups")
    for entry in tree.acl.entries if isinstance(tree.acl, AclRead) else ():
        if "w" not in entry.effective:
            continue
        if (entry.tag == "other" or (entry.tag == "group" and entry.qualifier in groups)
                or (entry.tag == "user" and names.member_of_any(entry.qualifier, groups))):
            reasons.append(f"ACL grants write to {entry.tag} {entry.qualifier or 'other'}")
    for parent in tree.ancestors:
        mode = int(parent.mode, 8)
        if mode & 0o002 and not mode & 0o1000:
            reasons.append(f"parent directory {parent.path} is world-writable")
        elif mode & 0o020 and parent.group in groups:
            reasons.append(f"parent directory {parent.path} is writable by group {parent.group}")
    return reasons
