"""What the data checks share: severity by classification, the rules' groups, partial walks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from auditor.check import CheckSkipped, FactSet
from auditor.checks.data.facts import (
    Accounts,
    AclEntry,
    DeclaredGroup,
    Partial,
    RepositoriesFacts,
    Tally,
    Tree,
)
from auditor.checks.data.rules import Repository
from auditor.checks.data.tree_walk import OTHER
from auditor.models import Severity

TAGS = ("data",)
NON_PUBLIC = ("internal", "confidential", "restricted", None)
V = TypeVar("V")


def lower(severity: Severity, steps: int) -> Severity:
    """``steps`` levels below ``severity``, never below ``low``."""
    order = list(Severity)
    return order[max(order.index(Severity.LOW), order.index(severity) - steps)] if steps > 0 else severity


def by_class(severity: Severity, classification: str | None) -> Severity:
    """The check's severity for confidential, restricted and unclassified data; lower for the rest."""
    return lower(severity, {"public": 2, "internal": 1}.get(classification or "", 0))


def label(repo: Repository) -> str:
    """A repository as named in messages: name, path and classification."""
    return f"{repo.name} ({repo.path}, {repo.classification or 'unclassified'})"


def declared_repositories(facts: FactSet) -> tuple[Repository, ...]:
    """The target's declared repositories; CheckSkipped when there are none."""
    declared = facts.get(RepositoriesFacts)
    if declared.rules_file is None:
        raise CheckSkipped("no repository rules: set collectors.repositories.rules in the profile")
    if not declared.repositories:
        raise CheckSkipped(f"{declared.rules_file} declares no repository for this target")
    return declared.repositories


def evidence_of(repo: Repository, tally: Tally | AclEntry, **extra: object) -> dict[str, object]:
    """Evidence of an aggregated tree finding: the repository, the count and sample paths."""
    return {"repository": repo.name, "path": repo.path, "classification": repo.classification or "none",
            "count": tally.count, "samples": tally.samples, **extra}


class Names:
    """Names of the ids a walk saw, and membership in the rules' groups."""

    def __init__(self, accounts: Accounts, groups: Mapping[str, DeclaredGroup | None]):
        self.users = accounts.users
        self.group_entries = accounts.groups
        self.groups = groups  # declared group name -> its entry, or None when the host does not know it

    def user(self, key: str) -> str:
        """User name for a uid (or the uid itself when the account does not exist)."""
        entry = self.users.get(key)
        return entry.name if entry else key

    def group(self, key: str) -> str:
        """Group name for a gid (or the gid itself)."""
        entry = self.group_entries.get(key)
        return entry.name if entry else key

    def member(self, user: str, group: str) -> bool:
        """True when ``user`` is in ``group`` (as a listed member or by primary group)."""
        declared = self.groups.get(group)
        if not declared:
            return False
        entry = self.users.get(user)
        return user in declared.members or bool(entry and entry.gid == declared.gid)

    def member_of_any(self, user: str, groups: Iterable[str]) -> bool:
        """True when ``user`` is in one of ``groups``."""
        return any(self.member(user, group) for group in groups)


def describe_partial(partial: Partial) -> list[str]:
    """One phrase per kind of incompleteness in a walk's ``partial`` facts."""
    phrases = []
    labels = {"permission_denied": "permission denied on", "vanished": "vanished while walking:",
              "depth_budget": "depth budget reached at"}
    for key, text in labels.items():
        tally = partial.get(key)
        if isinstance(tally, Tally):
            phrases.append(f"{text} {tally.count} path(s) (e.g. {', '.join(tally.samples[:3])})")
    errors = partial.get("errors")
    if isinstance(errors, Tally):
        phrases.append(f"{errors.count} error(s): {'; '.join(errors.samples[:3])}")
    for key in ("file_budget", "timeout"):
        sentence = partial.get(key)
        if isinstance(sentence, str):
            phrases.append(sentence)
    return phrases


def known(table: Mapping[str, V]) -> list[tuple[str, V]]:
    """Entries keyed by a real id (not the bucket of ids beyond the walk's limits)."""
    return [(key, value) for key, value in table.items() if key != OTHER]


def unreachable_mounts(tree: Tree, repositories: Iterable[Repository]) -> list[str]:
    """Mount points inside a tree (not crossed) that no declared repository covers."""
    declared = {repo.path for repo in repositories}
    return [sample for sample in tree.other_filesystems.samples if sample not in declared]
