"""What the data checks share: severity by classification, the rules' groups, partial walks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.check import CheckSkipped
from auditor.checks.data.tree_walk import OTHER
from auditor.models import Severity

TAGS = ("data",)
NON_PUBLIC = ("internal", "confidential", "restricted", None)


def lower(severity: Severity, steps: int) -> Severity:
    """``steps`` levels below ``severity``, never below ``low``."""
    order = list(Severity)
    return order[max(order.index(Severity.LOW), order.index(severity) - steps)] if steps > 0 else severity


def by_class(severity: Severity, classification: str | None) -> Severity:
    """The check's severity for confidential, restricted and unclassified data; lower for the rest."""
    return lower(severity, {"public": 2, "internal": 1}.get(classification or "", 0))


def label(repo: Mapping[str, Any]) -> str:
    """A repository as named in messages: name, path and classification."""
    return f"{repo['name']} ({repo['path']}, {repo['classification'] or 'unclassified'})"


def declared_repositories(facts: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The target's declared repositories; CheckSkipped when there are none."""
    declared = facts["repositories"]
    if declared["rules_file"] is None:
        raise CheckSkipped("no repository rules: set collectors.repositories.rules in the profile")
    if not declared["repositories"]:
        raise CheckSkipped(f"{declared['rules_file']} declares no repository for this target")
    return declared["repositories"]


def evidence_of(repo: Mapping[str, Any], tally: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """Evidence of an aggregated tree finding: the repository, the count and sample paths."""
    return {"repository": repo["name"], "path": repo["path"], "classification": repo["classification"] or "none",
            "count": tally["count"], "samples": tally["samples"], **extra}


class Names:
    """Names of the ids a walk saw, and membership in the rules' groups."""

    def __init__(self, accounts: Mapping[str, Any], groups: Mapping[str, Any]):
        self.users = accounts.get("users", {})
        self.group_entries = accounts.get("groups", {})
        self.groups = groups  # declared group name -> {"gid", "members"} or None

    def user(self, key: str) -> str:
        """User name for a uid (or the uid itself when the account does not exist)."""
        entry = self.users.get(key)
        return entry["name"] if entry else key

    def group(self, key: str) -> str:
        """Group name for a gid (or the gid itself)."""
        entry = self.group_entries.get(key)
        return entry["name"] if entry else key

    def member(self, user: str, group: str) -> bool:
        """True when ``user`` is in ``group`` (as a listed member or by primary group)."""
        declared = self.groups.get(group)
        if not declared:
            return False
        entry = self.users.get(user)
        return user in declared["members"] or bool(entry and entry["gid"] == declared["gid"])

    def member_of_any(self, user: str, groups: tuple[str, ...] | list[str]) -> bool:
        """True when ``user`` is in one of ``groups``."""
        return any(self.member(user, group) for group in groups)


def writer_groups(repo: Mapping[str, Any]) -> list[str]:
    """Groups whose members may write: the owning group and the write groups."""
    return list(dict.fromkeys([repo["owner_group"], *repo["write_groups"]]))


def allowed_groups(repo: Mapping[str, Any]) -> list[str]:
    """Groups that may have any access: owning, write and read groups."""
    return list(dict.fromkeys([*writer_groups(repo), *repo["read_groups"]]))


def describe_partial(partial: Mapping[str, Any]) -> list[str]:
    """One phrase per kind of incompleteness in a walk's ``partial`` facts."""
    phrases = []
    labels = {"permission_denied": "permission denied on", "vanished": "vanished while walking:",
              "depth_budget": "depth budget reached at"}
    for key, text in labels.items():
        if key in partial:
            tally = partial[key]
            phrases.append(f"{text} {tally['count']} path(s) (e.g. {', '.join(tally['samples'][:3])})")
    if "errors" in partial:
        phrases.append(f"{partial['errors']['count']} error(s): {'; '.join(partial['errors']['samples'][:3])}")
    for key in ("file_budget", "timeout"):
        if key in partial:
            phrases.append(partial[key])
    return phrases


def known(table: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Entries keyed by a real id (not the bucket of ids beyond the walk's limits)."""
    return [(key, value) for key, value in table.items() if key != OTHER]


def unreachable_mounts(tree: Mapping[str, Any], repositories: list[dict[str, Any]]) -> list[str]:
    """Mount points inside a tree (not crossed) that no declared repository covers."""
    declared = {repo["path"] for repo in repositories}
    return [sample for sample in tree.get("other_filesystems", {}).get("samples", []) if sample not in declared]
