"""Typed facts of the data repositories: the declared rules, the walked trees and the backups.

``RepositoriesFacts`` carries the rules that apply to this target (so a snapshot can be judged
again without the rules file); ``RepositoryTreesFacts`` and ``BackupsFacts`` carry one walk per
repository or backup. A walk is aggregated: ``Tally`` records (a count and a few sample paths)
keyed by kind, owner or group, so the facts stay small for any tree size. The sharing services'
facts are in ``sharing_facts``.

Where a walk reports a variable set of things, the facts keep a mapping rather than a record
with empty fields, so the JSON keeps the shape earlier snapshots stored: ``partial`` maps a kind
of incompleteness to a tally (or, for a budget or a timeout, a sentence), and each group maps
``entries`` / ``group_writable`` / ``dirs_without_setgid`` to a tally.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from auditor.checks.data.rules import Repository
from auditor.facts import Facts, omitted_when_default


@dataclass(frozen=True)
class Tally:
    """How many entries had a property, with the first few of their paths (shown escaped)."""

    count: int
    samples: tuple[str, ...] = ()


# What a walk could not see, by kind: permission_denied, vanished, errors, depth_budget (tallies);
# file_budget and timeout (a sentence each). Absent kinds are absent keys.
Partial = Mapping[str, Tally | str]


@dataclass(frozen=True)
class DeclaredGroup:
    """A group the rules name, as ``getent group`` reports it on the host."""

    gid: int
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class WalkSettings:
    """The walk budgets of the ``repositories`` collector's options."""

    max_files: int
    max_depth: int
    samples: int
    acls: bool
    walk_timeout: int


@dataclass(frozen=True)
class RepositoriesFacts(Facts):
    """The rules file's repositories on this target, the groups they name, and the walk budgets.

    ``rules_file`` is None when the profile configures no rules file; ``groups`` maps each group
    the rules name to its entry on the host, or None when the host does not know it;
    ``other_hosts`` names the hosts of the rules' other repositories.
    """

    name: ClassVar[str] = "repositories"
    rules_file: str | None
    walk: WalkSettings
    repositories: tuple[Repository, ...] = ()
    groups: Mapping[str, DeclaredGroup | None] = field(default_factory=dict)
    other_hosts: tuple[str, ...] = omitted_when_default(())


@dataclass(frozen=True)
class WalkBudget:
    """The budget a walk ran with."""

    max_files: int
    max_depth: int


@dataclass(frozen=True)
class AclEntry:
    """Extended ACL entries of one kind (scope, tag, qualifier, effective permissions), tallied."""

    scope: str  # "access" or "default"
    tag: str  # "user", "group" or "other"
    qualifier: str  # the user or group name ("" for other)
    effective: str  # permissions after the mask, e.g. "r-x"
    count: int
    samples: tuple[str, ...] = ()


@dataclass(frozen=True)
class AclRead:
    """The tree's extended ACL entries, and what the ACL walk could not see."""

    files: int  # files that carry extended entries
    entries: tuple[AclEntry, ...] = ()
    partial: Partial = field(default_factory=dict)
    read: Literal[True] = True


@dataclass(frozen=True)
class AclNotRead:
    """Why the tree's ACLs were not read."""

    reason: str
    read: Literal[False] = False


@dataclass(frozen=True)
class Tree:
    """One walk of a repository: root, counts by type, world access, owners, groups, links.

    ``exists`` is None when the walk could not tell (a parent cannot be searched). ``owners``
    and ``groups`` are keyed by uid and gid (``tree_walk.OTHER`` collects the ids beyond the
    walk's limits); each group maps ``entries``, ``group_writable`` and
    ``dirs_without_setgid`` to a tally, the latter two only when there are any.
    """

    path: str
    exists: bool | None
    type: str | None  # find's %y of the root: "d", "f", "l"...
    mode: str | None  # octal, e.g. "2770"
    entries: int
    limits: WalkBudget
    acl: AclRead | AclNotRead
    types: Mapping[str, int] = field(default_factory=dict)
    world_readable: Tally = Tally(0)
    world_writable: Tally = Tally(0)
    setuid: Tally = Tally(0)
    setgid: Tally = Tally(0)
    owners: Mapping[str, Tally] = field(default_factory=dict)
    groups: Mapping[str, Mapping[str, Tally]] = field(default_factory=dict)
    links_outside: Tally = Tally(0)
    other_filesystems: Tally = Tally(0)
    partial: Partial = field(default_factory=dict)


@dataclass(frozen=True)
class NewestFile:
    """The newest regular file of a backup."""

    mtime: float  # seconds since the epoch
    path: str


@dataclass(frozen=True)
class ParentDirectory:
    """A directory above a backup (whoever can write it can replace the backup)."""

    path: str
    mode: str  # octal, e.g. "0755"
    uid: int
    gid: int
    owner: str
    group: str
    is_file: bool


@dataclass(frozen=True)
class BackupTree(Tree):
    """A backup location's walk, with its newest file (None: it holds none) and parent directories."""

    newest: NewestFile | None = omitted_when_default()
    ancestors: tuple[ParentDirectory, ...] = ()


@dataclass(frozen=True)
class UserAccount:
    """A ``getent passwd`` entry."""

    name: str
    id: int
    gid: int


@dataclass(frozen=True)
class GroupAccount:
    """A ``getent group`` entry."""

    name: str
    id: int
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Accounts:
    """The accounts the walks saw, each keyed by both its id (as text) and its name."""

    users: Mapping[str, UserAccount] = field(default_factory=dict)
    groups: Mapping[str, GroupAccount] = field(default_factory=dict)


@dataclass(frozen=True)
class RepositoryTreesFacts(Facts):
    """Each declared repository of this target walked once, by repository name."""

    name: ClassVar[str] = "repository_trees"
    trees: Mapping[str, Tree] = field(default_factory=dict)
    accounts: Accounts = Accounts()


@dataclass(frozen=True)
class BackupsFacts(Facts):
    """Each declared backup of this target's repositories walked once, by repository name."""

    name: ClassVar[str] = "backups"
    backups: Mapping[str, BackupTree] = field(default_factory=dict)
    accounts: Accounts = Accounts()
