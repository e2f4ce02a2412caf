"""Collectors of the data checks: declared rules, walked trees, backups, sharing configurations.

``repositories`` turns the rules file into this target's repositories (with ``getent`` of the
groups they name); ``repository_trees`` and ``backups`` walk each path once (``find``
streamed, then ``getfacl``); the config collectors parse NFS exports, smb.conf, rsyncd.conf,
nginx and Apache. Everything is read through the host, so local and SSH targets are alike.
The walkers and parsers return plain JSON-shaped data; each collector reads it as its typed
facts with ``decode``, which also checks that the shape is the one snapshots store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from auditor.check import CollectEnv, Collector
from auditor.checks.data.accounts import lookup_accounts, lookup_groups
from auditor.checks.data.facts import (
    Accounts,
    AclRead,
    BackupsFacts,
    BackupTree,
    RepositoriesFacts,
    RepositoryTreesFacts,
    Tree,
    WalkSettings,
)
from auditor.checks.data.rules import Repository, RuleSet, load_rules
from auditor.checks.data.sharing_facts import NfsExportsFacts, RsyncdFacts, SambaFacts, WebServersFacts
from auditor.checks.data.tree_walk import OTHER, WalkLimits, require_find, walk_tree
from auditor.config.yamlfile import MapReader
from auditor.errors import FactsUnavailable
from auditor.facts import Facts, decode
from auditor.hosts.base import Host

if TYPE_CHECKING:  # the configuration parsers load when a host is audited, not with the registry
    from auditor.checks.data.config_files import ConfigFiles

_WALK_KEYS = ("max_files", "max_depth", "samples", "acls", "walk_timeout")


def _require_host(host: Host | None, what: str) -> Host:
    if host is None:
        raise FactsUnavailable(f"{what} needs host access")
    return host


class RepositoriesCollector(Collector):
    """The declared repositories for this target, their walk budgets, and the groups they name."""

    name = "repositories"
    produces = RepositoriesFacts
    options = {
        "rules": None,  # path of the rules file, relative to the profile's directory
        "max_files": 5_000_000,  # entries walked per repository before the walk stops (reported)
        "max_depth": 256,
        "samples": 5,  # sample paths kept per finding
        "acls": True,  # read POSIX ACLs (a second walk with getfacl)
        "walk_timeout": 1800,  # seconds per repository walk
    }

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Budgets plus ``rules``, which is loaded and validated now: a bad file stops the run early."""
        reader.reject_unknown(frozenset(self.options))
        values = dict(self.options)
        for key, default in self.options.items():
            if key == "rules" or not reader.has(key):
                continue
            values[key] = reader.boolean(key) if isinstance(default, bool) else int(reader.number(key, minimum=1))
        if reader.has("rules"):
            path = reader.file("rules")  # like attestations: relative to the profile that names it
            if not path.is_file():
                reader.fail("rules", f"rules file {path} does not exist")
            values["rules"] = load_rules(path)
        return values

    def collect(self, env: CollectEnv) -> RepositoriesFacts:
        """Rules for this target (none when no rules file is configured) and ``getent`` of their groups."""
        rules: RuleSet | None = env.options["rules"]
        walk = WalkSettings(**{key: env.options[key] for key in _WALK_KEYS})
        if rules is None:
            return RepositoriesFacts(rules_file=None, walk=walk)
        repositories = rules.for_target(env.target)
        groups = {}
        if repositories:
            host = _require_host(env.host, "checking repositories")
            groups = lookup_groups(host, {group for repo in repositories for group in repo.allowed_groups},
                                   env.timeout)
        elsewhere = sorted({repo.host for repo in rules.repositories if repo not in repositories})
        return RepositoriesFacts(rules_file=rules.path, walk=walk, repositories=tuple(repositories),
                                 groups=groups, other_hosts=tuple(elsewhere))


def _limits(walk: WalkSettings, repo: Repository) -> WalkLimits:
    return WalkLimits(max_files=repo.max_files or walk.max_files, max_depth=repo.max_depth or walk.max_depth,
                      samples=walk.samples, timeout=float(walk.walk_timeout))


def _walk_with_acls(host: Host, path: str, limits: WalkLimits, acls: bool, find: str, getfacl: str | None,
                    *, mtime: bool = False) -> dict[str, Any]:
    """One permission walk and, when asked and possible, one ACL walk of ``path`` (JSON form)."""
    from auditor.checks.data.acl import read_acls  # on use: not with the registry
    tree = walk_tree(host, path, limits, mtime=mtime, find=find)
    if not acls:
        tree["acl"] = {"read": False, "reason": "ACLs are not read (collectors.repositories.acls is false)"}
    elif tree["exists"] is not True or tree["type"] != "d":
        tree["acl"] = {"read": False, "reason": "not a directory that could be walked"}
    elif getfacl is None:
        tree["acl"] = {"read": False, "reason": "getfacl is not installed (package acl): ACLs not read"}
    elif "file_budget" in tree["partial"]:
        tree["acl"] = {"read": False, "reason": "the file budget was reached: ACLs not read"}
    else:
        tree["acl"] = {"read": True, **read_acls(host, path, limits, getfacl)}
    return tree


def _accounts_of(host: Host, trees: list[Tree], timeout: float) -> Accounts:
    """Names (and primary groups) of the owners, groups and ACL users the walks saw."""
    uids = {uid for tree in trees for uid in tree.owners if uid != OTHER}
    gids = {gid for tree in trees for gid in tree.groups if gid != OTHER}
    acl_users = {entry.qualifier for tree in trees if isinstance(tree.acl, AclRead) for entry in tree.acl.entries
                 if entry.tag == "user"}
    return lookup_accounts(host, uids | acl_users, gids, timeout)


class RepositoryTreesCollector(Collector):
    """Each declared repository walked once: modes, owners, groups, links, ACLs, with samples."""

    name = "repository_trees"
    produces = RepositoryTreesFacts

    def collect(self, env: CollectEnv) -> RepositoryTreesFacts:
        """Walk every repository of this target; what could not be seen is in each tree's ``partial``."""
        declared: RepositoriesFacts = env.fact(RepositoriesFacts)
        if not declared.repositories:
            return RepositoryTreesFacts()
        host = _require_host(env.host, "walking repositories")
        find, getfacl = require_find(host), host.which("getfacl")
        walk = declared.walk
        trees = {
            repo.name: decode(Tree, _walk_with_acls(host, repo.path, _limits(walk, repo), walk.acls, find, getfacl))
            for repo in declared.repositories
        }
        return RepositoryTreesFacts(trees=trees, accounts=_accounts_of(host, list(trees.values()), env.timeout))


class BackupsCollector(Collector):
    """Each declared backup location walked for its newest file, modes, owners and ACLs."""

    name = "backups"
    produces = BackupsFacts

    def collect(self, env: CollectEnv) -> BackupsFacts:
        """Walk every declared backup of this target's repositories, and stat its parent directories."""
        declared: RepositoriesFacts = env.fact(RepositoriesFacts)
        with_backup = [(repo, repo.backup) for repo in declared.repositories if repo.backup]
        if not with_backup:
            return BackupsFacts()
        host = _require_host(env.host, "checking backups")
        find, getfacl = require_find(host), host.which("getfacl")
        walk = declared.walk
        backups = {}
        for repo, backup in with_backup:
            tree = _walk_with_acls(host, backup.path, _limits(walk, repo), walk.acls, find, getfacl, mtime=True)
            tree["ancestors"] = _ancestors(host, backup.path)
            backups[repo.name] = decode(BackupTree, tree)
        return BackupsFacts(backups=backups, accounts=_accounts_of(host, list(backups.values()), env.timeout))


def _ancestors(host: Host, path: str) -> list[dict[str, object]]:
    """The directories above ``path``: whoever can write one of them can replace the backup."""
    found = []
    parent = Path(path).parent
    while True:
        with contextlib.suppress(OSError):  # a directory that cannot be read grants nothing we could see
            found.append(host.stat(str(parent)).to_dict())
        if parent == parent.parent:
            return found
        parent = parent.parent


class _ConfigCollector(Collector):
    """Base: one sharing service's configuration, read through the host, parsed, read as ``produces``."""

    what: ClassVar[str]
    produces: ClassVar[type[Facts]]  # every configuration collector has typed facts

    def collect(self, env: CollectEnv) -> Facts:
        """Parsed configuration; ``present`` is False when the service has none on this host."""
        from auditor.checks.data.config_files import ConfigFiles  # on use: not with the registry
        return decode(self.produces, self.parse(ConfigFiles(_require_host(env.host, f"reading {self.what}")),
                                                env.options))

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Configuration paths: absolute, since they are read on the target host."""
        values = super().parse_options(reader)
        for key, value in values.items():
            for path in [value] if isinstance(value, str) else value:
                if not path.startswith("/"):
                    reader.fail(key, f"'{path}' is not an absolute path")
        return values

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        """The service's facts from its files, in their JSON form."""
        raise NotImplementedError


class NfsExportsCollector(_ConfigCollector):
    """NFS exports as exportfs reads them."""

    name, what = "nfs_exports", "NFS exports"
    produces = NfsExportsFacts
    options = {"exports": "/etc/exports", "exports_dir": "/etc/exports.d"}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        from auditor.checks.data.exports import parse_exports  # on use: not with the registry
        return parse_exports(config, options["exports"], options["exports_dir"])


class SambaCollector(_ConfigCollector):
    """Samba shares with their effective guest and write access."""

    name, what = "samba", "smb.conf"
    produces = SambaFacts
    options = {"config": "/etc/samba/smb.conf"}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        from auditor.checks.data.smb import parse_smb_conf  # on use: not with the registry
        return parse_smb_conf(config, options["config"])


class RsyncdCollector(_ConfigCollector):
    """rsync daemon modules with their authentication and write access."""

    name, what = "rsyncd", "rsyncd.conf"
    produces = RsyncdFacts
    options = {"config": "/etc/rsyncd.conf"}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        from auditor.checks.data.rsyncd import parse_rsyncd_conf  # on use: not with the registry
        return parse_rsyncd_conf(config, options["config"])


class WebServersCollector(_ConfigCollector):
    """nginx locations and Apache roots and Directory sections, for directory listings."""

    name, what = "web_servers", "web server configuration"
    produces = WebServersFacts
    options = {"nginx": "/etc/nginx/nginx.conf", "apache": ["/etc/apache2/apache2.conf", "/etc/httpd/conf/httpd.conf"]}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        from auditor.checks.data.apache_config import parse_apache  # on use: not with the registry
        from auditor.checks.data.config_files import ConfigFiles  # on use: not with the registry
        from auditor.checks.data.nginx_config import parse_nginx  # on use: not with the registry
        # One ConfigFiles per server: each keeps its own files, problems and include loops.
        nginx = parse_nginx(ConfigFiles(config.host), options["nginx"])
        apache = [parse_apache(ConfigFiles(config.host), path) for path in options["apache"]]
        return {"nginx": nginx, "apache": [entry for entry in apache if entry["present"]]}


COLLECTORS = (
    RepositoriesCollector(), RepositoryTreesCollector(), BackupsCollector(), NfsExportsCollector(),
    SambaCollector(), RsyncdCollector(), WebServersCollector(),
)
