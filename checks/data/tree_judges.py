"""Data checks on the walked repository trees: world access, owners, groups, setgid, links, ACLs.

Each check judges every declared repository's walk (``repository_trees``) against its rules;
findings are aggregated per repository and kind, with a count and a few sample paths. A walk
that could not see everything keeps its findings and makes the result incomplete.
"""

from __future__ import annotations

from typing import ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, FactSet
from auditor.checks.data.common import (
    NON_PUBLIC,
    TAGS,
    Names,
    by_class,
    declared_repositories,
    describe_partial,
    evidence_of,
    known,
    label,
    lower,
    unreachable_mounts,
)
from auditor.checks.data.facts import AclEntry, AclRead, RepositoriesFacts, RepositoryTreesFacts, Tally, Tree
from auditor.checks.data.rules import Repository
from auditor.checks.data.tree_walk import OTHER
from auditor.models import Finding, Severity

TREE_TAGS = (*TAGS, "data-tree")


class TreeCheck(Check):
    """Base: judges each declared repository's walk; a partial walk makes the result incomplete."""

    facts = (RepositoriesFacts, RepositoryTreesFacts)
    tags = TREE_TAGS
    measures: ClassVar[tuple[str, ...]] = ("PRV-2", "PRV-8")
    uses_acls: ClassVar[bool] = False
    keep = 5  # sample paths per finding (the collector's ``samples`` option)

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings of every walked repository; missing paths are left to data.repository-present."""
        repositories = declared_repositories(facts)
        declared, trees = facts.get(RepositoriesFacts), facts.get(RepositoryTreesFacts)
        names = Names(trees.accounts, declared.groups)
        self.keep = declared.walk.samples
        findings: list[Finding] = []
        walked = 0
        for repo in repositories:
            tree = trees.trees.get(repo.name)
            if tree is None or tree.exists is not True or tree.type != "d":
                ctx.details[f"repo:{repo.name}"] = "not walked: see data.repository-present"
                continue
            walked += 1
            self._note_partial(repo, tree, repositories, ctx)
            findings += self.judge_tree(repo, tree, names, ctx)
        if not walked:  # nothing was examined: never a pass
            raise CheckSkipped("none of the declared repositories is a folder here (see data.repository-present)")
        return findings

    def _note_partial(self, repo: Repository, tree: Tree, repositories: tuple[Repository, ...],
                      ctx: CheckContext) -> None:
        phrases = describe_partial(tree.partial)
        if OTHER in tree.owners or OTHER in tree.groups:
            phrases.append("too many distinct owners or groups: the rest were counted together, not judged")
        mounts = unreachable_mounts(tree, repositories)
        if mounts:
            phrases.append(f"{len(mounts)} mount point(s) not crossed (declare them as repositories): "
                           f"{', '.join(mounts[:3])}")
        if self.uses_acls:
            if isinstance(tree.acl, AclRead):
                phrases += [f"ACLs: {phrase}" for phrase in describe_partial(tree.acl.partial)]
            else:
                phrases.append(tree.acl.reason)
        if phrases:
            ctx.incomplete(f"repository {repo.name} judged partially: {'; '.join(phrases)}")

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        """Findings for one walked repository."""
        raise NotImplementedError


class WorldAccess(TreeCheck):
    """Nothing in a non-public repository is readable by every user; nothing anywhere is world-writable.

    Counts files and directories whose mode grants read (``o+r``) or write (``o+w``) to all
    users of the host. World-readable entries are findings only where the repository is not
    ``public``; world-writable ones always are (anyone could alter research data).
    """

    id = "data.world-access"
    title = "Repositories grant nothing to all users"
    severity = Severity.HIGH
    remediation = "Remove the access for others: chmod -R o-rwx PATH (public repositories: chmod -R o-w PATH)."

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        findings = []
        closed_root = tree.mode is not None and not int(tree.mode, 8) & 0o001
        note = f"repository root mode {tree.mode}: others cannot enter it" if closed_root else ""
        writable = tree.world_writable
        if writable.count:
            findings.append(ctx.finding(
                f"repo:{repo.name}:world-writable",
                f"{writable.count} entries in repository {label(repo)} are writable by every user",
                evidence=evidence_of(repo, writable, expected="no o+w", note=note),
                severity=lower(ctx.severity, 1) if closed_root else ctx.severity))
        readable = tree.world_readable
        if readable.count and repo.classification in NON_PUBLIC:
            severity = by_class(ctx.severity, repo.classification)
            findings.append(ctx.finding(
                f"repo:{repo.name}:world-readable",
                f"{readable.count} entries in non-public repository {label(repo)} are readable by every user",
                evidence=evidence_of(repo, readable, expected="no o+r", note=note),
                severity=lower(severity, 1) if closed_root else severity))
        return findings


class Ownership(TreeCheck):
    """Files belong to the groups the rules name, and to users who may write the repository.

    An entry's group must be the owning group or a read or write group. Its owner must be root
    or a member of the owning or a write group (an owner can always change the mode). Files of
    deleted accounts (a bare uid) are reported too: a new account with that uid would own them.
    A group the rules name that does not exist on the host is a finding of its own.
    """

    id = "data.ownership"
    title = "Repository owners and groups match the rules"
    severity = Severity.MEDIUM
    measures = ("PRV-2",)
    remediation = "chgrp -R the owning group (and chown to a member of it); fix the rules if they are out of date."

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        findings = []
        allowed, writers = repo.allowed_groups, repo.writer_groups
        for group in allowed:
            if names.groups.get(group) is None:
                findings.append(ctx.finding(
                    f"repo:{repo.name}:declared-group:{group}",
                    f"group {group} named by the rules for {repo.name} does not exist on this host",
                    evidence={"repository": repo.name, "declared_at": repo.source, "group": group}))
        for gid, entry in known(tree.groups):
            group = names.group(gid)
            if group not in allowed:
                tally = entry["entries"]
                findings.append(ctx.finding(
                    f"repo:{repo.name}:group:{group}",
                    f"{tally.count} entries in {label(repo)} belong to group {group}, which the rules do not name",
                    evidence=evidence_of(repo, tally, expected=f"group {' or '.join(allowed)}", observed=group)))
        for uid, tally in known(tree.owners):
            user = names.user(uid)
            if uid == "0" or names.member_of_any(user, writers):
                continue
            why = "a deleted account (no user has this uid)" if user == uid else f"not a member of {', '.join(writers)}"
            findings.append(ctx.finding(
                f"repo:{repo.name}:owner:{user}",
                f"{tally.count} entries in {label(repo)} are owned by {user}: {why}",
                evidence=evidence_of(repo, tally, expected=f"root or a member of {', '.join(writers)}", observed=user)))
        return findings


class GroupWrite(TreeCheck):
    """Only the owning group and the write groups can write (group write bits).

    A group-writable entry whose group may only read (or has no access in the rules) lets its
    members alter data they should only see.
    """

    id = "data.group-write"
    title = "Group write only for groups allowed to write"
    severity = Severity.MEDIUM
    measures = ("PRV-2",)
    remediation = "chmod g-w the entries, or chgrp them to a write group if that group should write."

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        findings = []
        writers = repo.writer_groups
        for gid, entry in known(tree.groups):
            group = names.group(gid)
            tally = entry.get("group_writable")
            if not tally or group in writers:
                continue
            role = "may only read" if group in repo.read_groups else "has no access in the rules"
            findings.append(ctx.finding(
                f"repo:{repo.name}:group-write:{group}",
                f"{tally.count} entries in {label(repo)} are writable by group {group}, which {role}",
                evidence=evidence_of(repo, tally, expected=f"group write only for {', '.join(writers)}",
                                     observed=group),
                severity=by_class(ctx.severity, repo.classification)))
        return findings


class SetgidDirectories(TreeCheck):
    """Group-writable directories carry the setgid bit, so new files keep the repository's group.

    Without it, a file created by a member gets the member's primary group, and access drifts
    away from the rules one file at a time.
    """

    id = "data.setgid-dirs"
    title = "Shared directories are setgid"
    severity = Severity.LOW
    measures = ("PRV-2",)
    remediation = "find PATH -type d -perm -g=w -exec chmod g+s {} +"

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        count, samples = 0, list[str]()
        for entry in tree.groups.values():
            tally = entry.get("dirs_without_setgid")
            if tally:
                count += tally.count
                samples += tally.samples
        if not count:
            return []
        tally = Tally(count, tuple(samples[: self.keep]))
        return [ctx.finding(f"repo:{repo.name}:setgid",
                            f"{count} group-writable directories in {label(repo)} lack the setgid bit",
                            evidence=evidence_of(repo, tally, expected="g+s on group-writable directories"))]


class SymlinksOutside(TreeCheck):
    """Symbolic links do not point outside their repository.

    A link out of the repository makes its access rules apply to data they were not written
    for, and sharing the repository (rsync, web servers following links) can export that data.
    Targets are resolved as written, relative to the link's directory.
    """

    id = "data.symlinks-outside"
    title = "No symbolic links leave the repository"
    severity = Severity.MEDIUM
    measures = ("PRV-8", "PRV-2")
    remediation = "Replace links that leave the repository with copies, or declare the target as a repository."

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        links = tree.links_outside
        if not links.count:
            return []
        return [ctx.finding(f"repo:{repo.name}:symlinks-outside",
                            f"{links.count} symbolic links in {label(repo)} point outside it",
                            evidence=evidence_of(repo, links, expected="links stay inside the repository"))]


class SetuidFiles(TreeCheck):
    """Data repositories hold no setuid or setgid files.

    A setuid or setgid program in a data directory runs with its owner's rights for whoever
    starts it; data needs neither.
    """

    id = "data.setuid-files"
    title = "No setuid or setgid files in repositories"
    severity = Severity.HIGH
    measures = ("PRV-2", "PRV-5")
    remediation = "chmod u-s,g-s the files (data needs no special execution rights)."

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        findings = []
        for kind, tally in (("setuid", tree.setuid), ("setgid", tree.setgid)):
            if tally.count:
                findings.append(ctx.finding(f"repo:{repo.name}:{kind}-files",
                                            f"{tally.count} {kind} files in {label(repo)}",
                                            evidence=evidence_of(repo, tally, expected=f"no {kind} files")))
        return findings


class AclEntries(TreeCheck):
    """POSIX ACL entries grant access only to users and groups the rules allow.

    Named ACL entries (``user:NAME``, ``group:NAME``, access or default) must name an allowed
    group (write only for the owning and write groups) or a member of one. A default ``other``
    entry that grants read (non-public repositories) or write gives every new file that access.
    Effective permissions (after the ACL mask) are judged.
    """

    id = "data.acl-entries"
    title = "ACLs grant access only as the rules allow"
    severity = Severity.MEDIUM
    measures: ClassVar[tuple[str, ...]] = ("PRV-2", "PRV-8")
    uses_acls = True
    remediation = "Remove the entries with setfacl -R -x (and -d -x for default entries), or update the rules."

    def judge_tree(self, repo: Repository, tree: Tree, names: Names, ctx: CheckContext) -> list[Finding]:
        findings = []
        for entry in tree.acl.entries if isinstance(tree.acl, AclRead) else ():
            problem = _acl_problem(entry, repo, names)
            if problem is None:
                continue
            where = "default ACL" if entry.scope == "default" else "ACL"
            qualifier = entry.qualifier or "other"
            findings.append(ctx.finding(
                f"repo:{repo.name}:acl:{entry.scope}:{entry.tag}:{qualifier}",
                f"{entry.count} {where} entries in {label(repo)} grant {entry.effective} to "
                f"{entry.tag} {qualifier}: {problem}",
                evidence=evidence_of(repo, entry, expected=f"read: {', '.join(repo.allowed_groups)}; "
                                                         f"write: {', '.join(repo.writer_groups)}",
                                   observed=f"{entry.scope}:{entry.tag}:{entry.qualifier}:{entry.effective}"),
                severity=by_class(ctx.severity, repo.classification)))
        return findings


def _acl_problem(entry: AclEntry, repo: Repository, names: Names) -> str | None:
    """Why an ACL entry exceeds the rules, or None."""
    perms, name = entry.effective, entry.qualifier
    if "r" not in perms and "w" not in perms:
        return None
    writes = "w" in perms
    if entry.tag == "other":
        if writes:
            return "every user may write new files"
        return "every user may read new files" if repo.classification in NON_PUBLIC else None
    if entry.tag == "group":
        if name not in repo.allowed_groups:
            return "the rules do not name this group"
        return "this group may only read" if writes and name not in repo.writer_groups else None
    if not names.member_of_any(name, repo.allowed_groups):
        return "this user is in none of the repository's groups"
    if writes and not names.member_of_any(name, repo.writer_groups):
        return "this user may only read"
    return None
