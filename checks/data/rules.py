"""Declared access rules for data repositories: the YAML file, and the host's groups they name.

A rules file lists repositories: where each lives (host and path), how sensitive it is, which
group owns it, which groups may read and write it, whether it may be shared outside, and
where its backup lives. Every error names file, line and key (``MapReader``). A missing
classification is not an error: it is a finding (``data.classification``), so an inventory
in progress can be audited. See ``profiles/data-rules.example.yaml``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import InputError
from auditor.facts import omitted_when_default
from auditor.models import Target, TargetKind

CLASSIFICATIONS = ("public", "internal", "confidential", "restricted")
LOCAL_HOST = "local"  # in a rule: whichever target is this machine
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$")
_GROUP = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}\$?$")
_REPOSITORY_KEYS = frozenset({
    "name", "host", "path", "classification", "owner_group", "read_groups", "write_groups",
    "sharing_allowed", "backup", "max_files", "max_depth", "description",
})


class RulesError(InputError):
    """A repository rules file is malformed (file, line and key in the message)."""


@dataclass(frozen=True)
class Backup:
    """Where a repository's backup lives on the same host, and how old its newest file may be."""

    path: str
    max_age_days: float


@dataclass(frozen=True)
class Repository:
    """One declared repository and its access rules (also its record in the ``repositories`` facts)."""

    name: str
    host: str
    path: str
    classification: str | None
    owner_group: str
    read_groups: tuple[str, ...] = ()
    write_groups: tuple[str, ...] = ()
    sharing_allowed: bool = False
    backup: Backup | None = None
    # Overrides of the collector's walk budget (None, and left out of the JSON: the budget applies).
    max_files: int | None = omitted_when_default()
    max_depth: int | None = omitted_when_default()
    source: str = ""  # "file:line"

    @property
    def writer_groups(self) -> tuple[str, ...]:
        """Groups whose members may write: the owning group and the write groups."""
        return tuple(dict.fromkeys((self.owner_group, *self.write_groups)))

    @property
    def allowed_groups(self) -> tuple[str, ...]:
        """Groups that may have any access: owner, write and read groups."""
        return tuple(dict.fromkeys((*self.writer_groups, *self.read_groups)))


@dataclass(frozen=True)
class RuleSet:
    """A loaded rules file."""

    path: str
    repositories: tuple[Repository, ...] = field(default_factory=tuple)

    def for_target(self, target: Target) -> list[Repository]:
        """The repositories whose ``host`` names this target."""
        return [repo for repo in self.repositories if host_matches(repo.host, target)]


def host_matches(host: str, target: Target) -> bool:
    """``local`` matches this machine; other names match a target's name or address."""
    if host == LOCAL_HOST:
        return target.kind is TargetKind.LOCAL
    return host in (target.name, target.address)


def load_rules(path: str | Path) -> RuleSet:
    """Read and validate a rules file; RulesError names file, line and key."""
    name = str(path)
    root = MapReader(load_yaml(path, RulesError), name, RulesError)
    root.reject_unknown({"version", "repositories"})
    if root.has("version") and root.raw("version") != 1:
        root.fail("version", "only version 1 is known")
    if not root.has("repositories"):
        root.fail(None, "missing required key 'repositories'")
    repositories: list[Repository] = []
    seen: dict[tuple[str, str], str] = {}
    for item in root.items("repositories"):
        repo = _repository(item)
        for key, label in (((repo.host, repo.name), "name"), ((repo.host, repo.path), "path")):
            if key in seen:
                item.fail(label, f"repository {label} '{key[1]}' on host '{repo.host}' declared twice "
                                 f"(first at {seen[key]})")
            seen[key] = repo.source
        repositories.append(repo)
    return RuleSet(path=name, repositories=tuple(repositories))


def _repository(item: MapReader) -> Repository:
    item.reject_unknown(_REPOSITORY_KEYS)
    name = item.string("name")
    if not _NAME.match(name):
        item.fail("name", "use letters, digits, '.', '_', '-' and '@' (it names the repository in findings)")
    host = item.string("host", LOCAL_HOST)
    item.string("description", None)  # free text for people; validated, not used
    return Repository(
        name=name,
        host=host,
        path=_absolute(item, "path"),
        classification=item.choice("classification", list(CLASSIFICATIONS), None),
        owner_group=_group(item, "owner_group"),
        read_groups=_groups(item, "read_groups"),
        write_groups=_groups(item, "write_groups"),
        sharing_allowed=item.boolean("sharing_allowed", False),
        backup=_backup(item),
        max_files=item.integer("max_files", None, minimum=1),
        max_depth=item.integer("max_depth", None, minimum=1),
        source=f"{item.path}:{item.line()}",
    )


def _absolute(item: MapReader, key: str) -> str:
    value: str = item.string(key)
    if not value.startswith("/") or "\0" in value:
        item.fail(key, f"'{value}' is not an absolute path")
    return posixpath.normpath(value) if value != "/" else value


def _group(item: MapReader, key: str) -> str:
    value: str = item.string(key)
    if not _GROUP.match(value):
        item.fail(key, f"'{value}' is not a valid group name")
    return value


def _groups(item: MapReader, key: str) -> tuple[str, ...]:
    values = item.strings(key, [])
    for value in values:
        if not _GROUP.match(value):
            item.fail(key, f"'{value}' is not a valid group name")
    return tuple(values)


def _backup(item: MapReader) -> Backup | None:
    section = item.mapping("backup", None)
    if section is None:
        return None
    section.reject_unknown({"path", "max_age_days"})
    return Backup(path=_absolute(section, "path"), max_age_days=section.number("max_age_days", minimum=0))


def relation(path: str, repository: str) -> str | None:
    """How ``path`` relates to a repository path: ``same``, ``inside`` it, ``contains`` it, or None."""
    path, repository = posixpath.normpath(path), posixpath.normpath(repository)
    if path == repository:
        return "same"
    if path.startswith(repository.rstrip("/") + "/"):
        return "inside"
    if repository.startswith(path.rstrip("/") + "/"):
        return "contains"
    return None
