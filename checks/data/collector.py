"""Facts for the data-repository checks: declared rules, walked trees, backups, sharing configs.

``repositories`` turns the rules file into this target's repositories (with ``getent`` of the
groups they name); ``repository_trees`` and ``backups`` walk each path once (``find``
streamed, then ``getfacl``); the config collectors parse NFS exports, smb.conf, rsyncd.conf,
nginx and Apache. Everything is read through the host, so local and SSH targets are alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from auditor.check import CollectEnv, Collector
from auditor.checks.data.acl import read_acls
from auditor.checks.data.config_files import ConfigFiles
from auditor.checks.data.exports import parse_exports
from auditor.checks.data.rsyncd import parse_rsyncd_conf
from auditor.checks.data.rules import RuleSet, load_rules, lookup_groups, lookup_ids
from auditor.checks.data.smb import parse_smb_conf
from auditor.checks.data.tree_walk import OTHER, WalkLimits, require_find, walk_tree
from auditor.checks.data.web_listing import parse_apache, parse_nginx
from auditor.config.yamlfile import MapReader
from auditor.errors import FactsUnavailable
from auditor.hosts.base import Host


def _require_host(host: Host | None, what: str) -> Host:
    if host is None:
        raise FactsUnavailable(f"{what} needs host access")
    return host


class RepositoriesCollector(Collector):
    """The declared repositories for this target, their walk budgets, and the groups they name."""

    name = "repositories"
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
            path = Path(reader.string("rules"))
            if not path.is_absolute():  # like attestations: relative to the profile that names it
                path = Path(reader.path).parent / path
            if not path.is_file():
                reader.fail("rules", f"rules file {path} does not exist")
            values["rules"] = load_rules(path)
        return values

    def collect(self, env: CollectEnv) -> dict[str, Any]:
        """Rules for this target (none when no rules file is configured) and ``getent`` of their groups."""
        options = env.options
        rules: RuleSet | None = options["rules"]
        walk = {key: options[key] for key in ("max_files", "max_depth", "samples", "acls", "walk_timeout")}
        if rules is None:
            return {"rules_file": None, "repositories": [], "groups": {}, "walk": walk}
        repositories = rules.for_target(env.target)
        groups: dict[str, Any] = {}
        if repositories:
            host = _require_host(env.host, "checking repositories")
            names = {group for repo in repositories for group in repo.allowed_groups}
            groups = lookup_groups(host, names, env.timeout)
        elsewhere = sorted({repo.host for repo in rules.repositories if repo not in repositories})
        return {"rules_file": rules.path, "repositories": [repo.to_dict() for repo in repositories],
                "groups": groups, "walk": walk, "other_hosts": elsewhere}


def _limits(walk: Mapping[str, Any], repo: Mapping[str, Any]) -> WalkLimits:
    return WalkLimits(
        max_files=int(repo.get("max_files") or walk["max_files"]),
        max_depth=int(repo.get("max_depth") or walk["max_depth"]),
        samples=int(walk["samples"]),
        timeout=float(walk["walk_timeout"]),
    )


def _walk_with_acls(host: Host, path: str, limits: WalkLimits, acls: bool, find: str, getfacl: str | None,
                    *, mtime: bool = False) -> dict[str, Any]:
    """One permission walk and, when asked and possible, one ACL walk of ``path``."""
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


def _accounts(host: Host, trees: list[dict[str, Any]], timeout: float) -> dict[str, Any]:
    """Names (and primary groups) of the owners, groups and ACL users the walks saw."""
    uids = {uid for tree in trees for uid in tree.get("owners", {}) if uid != OTHER}
    gids = {gid for tree in trees for gid in tree.get("groups", {}) if gid != OTHER}
    acl_users = {entry["qualifier"] for tree in trees for entry in tree.get("acl", {}).get("entries", [])
                 if entry["tag"] == "user"}
    return {"users": lookup_ids(host, "passwd", uids | acl_users, timeout),
            "groups": lookup_ids(host, "group", gids, timeout)}


class RepositoryTreesCollector(Collector):
    """Each declared repository walked once: modes, owners, groups, links, ACLs, with samples."""

    name = "repository_trees"

    def collect(self, env: CollectEnv) -> dict[str, Any]:
        """Walk every repository of this target; what could not be seen is in each tree's ``partial``."""
        declared = env.fact("repositories")
        if not declared["repositories"]:
            return {"trees": {}, "accounts": {"users": {}, "groups": {}}}
        host = _require_host(env.host, "walking repositories")
        find, getfacl = require_find(host), host.which("getfacl")
        walk = declared["walk"]
        trees = {
            repo["name"]: _walk_with_acls(host, repo["path"], _limits(walk, repo), walk["acls"], find, getfacl)
            for repo in declared["repositories"]
        }
        return {"trees": trees, "accounts": _accounts(host, list(trees.values()), env.timeout)}


class BackupsCollector(Collector):
    """Each declared backup location walked for its newest file, modes, owners and ACLs."""

    name = "backups"

    def collect(self, env: CollectEnv) -> dict[str, Any]:
        """Walk every declared backup of this target's repositories, and stat its parent directories."""
        declared = env.fact("repositories")
        with_backup = [repo for repo in declared["repositories"] if repo.get("backup")]
        if not with_backup:
            return {"backups": {}, "accounts": {"users": {}, "groups": {}}}
        host = _require_host(env.host, "checking backups")
        find, getfacl = require_find(host), host.which("getfacl")
        walk = declared["walk"]
        backups = {}
        for repo in with_backup:
            path = repo["backup"]["path"]
            tree = _walk_with_acls(host, path, _limits(walk, repo), walk["acls"], find, getfacl, mtime=True)
            tree["ancestors"] = _ancestors(host, path)
            backups[repo["name"]] = tree
        return {"backups": backups, "accounts": _accounts(host, list(backups.values()), env.timeout)}


def _ancestors(host: Host, path: str) -> list[dict[str, Any]]:
    """The directories above ``path``: whoever can write one of them can replace the backup."""
    found = []
    parent = Path(path).parent
    while True:
        try:
            found.append(host.stat(str(parent)).to_dict())
        except OSError:
            pass
        if parent == parent.parent:
            return found
        parent = parent.parent


class _ConfigCollector(Collector):
    """Base: one sharing service's configuration, read through the host and parsed."""

    what: ClassVar[str]

    def collect(self, env: CollectEnv) -> dict[str, Any]:
        """Parsed configuration; ``present`` is False when the service has none on this host."""
        return self.parse(ConfigFiles(_require_host(env.host, f"reading {self.what}")), env.options)

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        """The service's facts from its files."""
        raise NotImplementedError


class NfsExportsCollector(_ConfigCollector):
    """NFS exports as exportfs reads them."""

    name, what = "nfs_exports", "NFS exports"
    options = {"exports": "/etc/exports", "exports_dir": "/etc/exports.d"}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        return parse_exports(config, options["exports"], options["exports_dir"])


class SambaCollector(_ConfigCollector):
    """Samba shares with their effective guest and write access."""

    name, what = "samba", "smb.conf"
    options = {"config": "/etc/samba/smb.conf"}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        return parse_smb_conf(config, options["config"])


class RsyncdCollector(_ConfigCollector):
    """rsync daemon modules with their authentication and write access."""

    name, what = "rsyncd", "rsyncd.conf"
    options = {"config": "/etc/rsyncd.conf"}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        return parse_rsyncd_conf(config, options["config"])


class WebServersCollector(_ConfigCollector):
    """nginx locations and Apache roots and Directory sections, for directory listings."""

    name, what = "web_servers", "web server configuration"
    options = {"nginx": "/etc/nginx/nginx.conf", "apache": ["/etc/apache2/apache2.conf", "/etc/httpd/conf/httpd.conf"]}

    def parse(self, config: ConfigFiles, options: Mapping[str, Any]) -> dict[str, Any]:
        # One ConfigFiles per server: each keeps its own files, problems and include loops.
        nginx = parse_nginx(ConfigFiles(config.host), options["nginx"])
        apache = [parse_apache(ConfigFiles(config.host), path) for path in options["apache"]]
        return {"nginx": nginx, "apache": [entry for entry in apache if entry["present"]]}


COLLECTORS = (
    RepositoriesCollector(), RepositoryTreesCollector(), BackupsCollector(), NfsExportsCollector(),
    SambaCollector(), RsyncdCollector(), WebServersCollector(),
)
