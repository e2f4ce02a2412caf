"""The data checks judged from facts written out here (the shapes the collectors record).

Collectors are tested against real trees and real configuration elsewhere; these tests pin
each check's verdicts, resources, severities and its handling of partial facts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from auditor.check import CheckContext, CheckSkipped
from auditor.config.profile import load_profile
from auditor.facts import decode
from auditor.models import Severity, Target, TargetKind
from auditor.registry import default_registry
from testkit import fact_set

REGISTRY = default_registry()
BASELINE = load_profile("baseline", REGISTRY)
LOCAL = Target(name="local", kind=TargetKind.LOCAL)
TODAY = dt.date(2026, 3, 10)
GROUPS = {"lab": {"gid": 1000, "members": []}, "analysts": {"gid": 1001, "members": ["bob"]},
          "ingest": {"gid": 1002, "members": ["wendy"]}}
ACCOUNTS = {
    "users": {"1000": {"name": "alice", "id": 1000, "gid": 1000}, "alice": {"name": "alice", "id": 1000, "gid": 1000},
              "1001": {"name": "bob", "id": 1001, "gid": 1003}, "bob": {"name": "bob", "id": 1001, "gid": 1003},
              "1002": {"name": "wendy", "id": 1002, "gid": 1003}, "wendy": {"name": "wendy", "id": 1002, "gid": 1003},
              "1004": {"name": "mallory", "id": 1004, "gid": 1003}, "mallory": {"name": "mallory", "id": 1004, "gid": 1003}},
    "groups": {"1000": {"name": "lab", "id": 1000, "members": []}, "1001": {"name": "analysts", "id": 1001, "members": ["bob"]},
               "1002": {"name": "ingest", "id": 1002, "members": ["wendy"]}, "1003": {"name": "staff", "id": 1003, "members": []}},
}


def tally(count: int = 0, *samples: str) -> dict[str, Any]:
    return {"count": count, "samples": list(samples)}


def repo(name: str = "raw", classification: str | None = "restricted", **extra: Any) -> dict[str, Any]:
    return {"name": name, "host": "local", "path": f"/srv/{name}", "classification": classification,
            "owner_group": "lab", "read_groups": ["analysts"], "write_groups": ["ingest"], "sharing_allowed": False,
            "backup": None, "source": "rules.yaml:3", **extra}


def tree(**overrides: Any) -> dict[str, Any]:
    facts = {"path": "/srv/raw", "exists": True, "type": "d", "mode": "2775", "entries": 10, "types": {"d": 2, "f": 8},
             "limits": {"max_files": 100, "max_depth": 10},
             "world_readable": tally(), "world_writable": tally(), "setuid": tally(), "setgid": tally(),
             "owners": {"0": tally(2, "/srv/raw"), "1000": tally(8, "/srv/raw/a")},
             "groups": {"1000": {"entries": tally(10, "/srv/raw")}},
             "links_outside": tally(), "other_filesystems": tally(), "partial": {},
             "acl": {"read": True, "files": 0, "entries": [], "partial": {}}}
    facts.update(overrides)
    return facts


def declared(*repos: dict[str, Any], rules_file: str | None = "rules.yaml") -> dict[str, Any]:
    return {"rules_file": rules_file, "repositories": list(repos), "groups": GROUPS,
            "walk": {"max_files": 100, "max_depth": 10, "samples": 5, "acls": True, "walk_timeout": 60}}


def tree_facts(*pairs: tuple[dict[str, Any], dict[str, Any]]) -> dict[str, Any]:
    return {"repositories": declared(*(r for r, _ in pairs)),
            "repository_trees": {"trees": {r["name"]: t for r, t in pairs}, "accounts": ACCOUNTS}}


def judge(check_id: str, facts: dict[str, Any], **options: Any):
    check = REGISTRY.checks[check_id]
    ctx = CheckContext(check=check, target=LOCAL, options={**BASELINE.options[check_id], **options},
                       severity=BASELINE.severity[check_id], today=TODAY)
    typed = [decode(kind, facts[kind.name]) for kind in check.facts if kind.name in facts]
    findings = check().judge(fact_set(*typed), ctx)
    return {f.resource: f for f in findings}, ctx


# --- rules and presence -----------------------------------------------------------------------


def test_unclassified_repositories_are_findings():
    found, ctx = judge("data.classification", {"repositories": {**declared(repo(), repo("old", None)),
                                                                "other_hosts": ["fs01", "fs02"]}})
    assert list(found) == ["repo:old:classification"]
    assert ctx.details == {"rules for other hosts": "fs01, fs02"}
    assert found["repo:old:classification"].measures == ("PRV-1", "AWR-5")


@pytest.mark.parametrize("facts, reason", [
    ({"repositories": declared(rules_file=None)}, "no repository rules: set collectors.repositories.rules"),
    ({"repositories": declared()}, "rules.yaml declares no repository for this target"),
])
def test_without_rules_the_checks_are_skipped_with_the_reason(facts, reason):
    with pytest.raises(CheckSkipped, match=reason):
        judge("data.classification", facts)


def test_missing_and_non_directory_repositories():
    facts = tree_facts((repo("gone"), tree(exists=False, type=None)), (repo("file"), tree(type="f")),
                       (repo("ok"), tree()), (repo("unknown"), tree(exists=None, type=None,
                                                                     partial={"permission_denied": tally(1, "/srv")})))
    found, ctx = judge("data.repository-present", facts)
    assert set(found) == {"repo:gone:present", "repo:file:present"}
    assert "does not exist" in found["repo:gone:present"].message
    assert ctx.problems == ["cannot tell whether /srv/unknown exists: permission denied on 1 path(s) (e.g. /srv)"]
    _, ctx = judge("data.world-access", facts)  # tree checks leave missing paths to repository-present
    assert ctx.details["repo:gone"] == "not walked: see data.repository-present"


# --- permissions ------------------------------------------------------------------------------


def test_world_access_by_classification():
    readable = tally(3, "/srv/x/a")
    facts = tree_facts((repo("r"), tree(world_readable=readable, world_writable=tally(1, "/srv/r/w"))),
                       (repo("i", "internal"), tree(world_readable=readable)),
                       (repo("p", "public"), tree(world_readable=readable, world_writable=tally(2, "/srv/p/w"))),
                       (repo("u", None), tree(world_readable=readable)),
                       (repo("closed", "confidential"), tree(mode="2770", world_readable=readable)))
    found, _ = judge("data.world-access", facts)
    assert {resource: f.severity for resource, f in found.items()} == {
        "repo:r:world-writable": Severity.HIGH, "repo:r:world-readable": Severity.HIGH,
        "repo:i:world-readable": Severity.MEDIUM,
        "repo:p:world-writable": Severity.HIGH,  # public data may be read, never altered by all
        "repo:u:world-readable": Severity.HIGH,  # unclassified counts as restricted
        "repo:closed:world-readable": Severity.MEDIUM,  # others cannot enter its root
    }
    assert found["repo:r:world-readable"].evidence["count"] == "3"
    assert found["repo:r:world-readable"].evidence["samples"] == "/srv/x/a"


def test_world_access_is_lower_when_others_cannot_enter_the_root():
    facts = tree_facts((repo(), tree(mode="0750", world_readable=tally(3, "/srv/raw/a"))))
    found, _ = judge("data.world-access", facts)
    assert found["repo:raw:world-readable"].severity == Severity.MEDIUM
    assert "others cannot enter it" in found["repo:raw:world-readable"].evidence["note"]


def test_ownership_groups_owners_and_declared_groups():
    groups = {"1000": {"entries": tally(5)}, "1001": {"entries": tally(1)}, "1003": {"entries": tally(2, "/srv/raw/s")}}
    owners = {"0": tally(1), "1000": tally(3), "1002": tally(1), "1001": tally(1, "/srv/raw/b"),
              "1004": tally(1, "/srv/raw/m"), "54321": tally(1, "/srv/raw/o")}
    facts = tree_facts((repo(read_groups=["analysts", "ghosts"]), tree(groups=groups, owners=owners)))
    facts["repositories"]["groups"] = {**GROUPS, "ghosts": None}
    found, _ = judge("data.ownership", facts)
    assert set(found) == {"repo:raw:group:staff", "repo:raw:owner:bob", "repo:raw:owner:mallory",
                          "repo:raw:owner:54321", "repo:raw:declared-group:ghosts"}
    assert "deleted account" in found["repo:raw:owner:54321"].message
    assert found["repo:raw:group:staff"].evidence["observed"] == "staff"


def test_group_write_only_for_writer_groups():
    groups = {"1000": {"entries": tally(5), "group_writable": tally(5)},  # owner group: fine
              "1002": {"entries": tally(1), "group_writable": tally(1)},  # write group: fine
              "1001": {"entries": tally(2), "group_writable": tally(2, "/srv/raw/r")},  # read group
              "1003": {"entries": tally(1), "group_writable": tally(1, "/srv/raw/s")}}  # not in the rules
    found, _ = judge("data.group-write", tree_facts((repo(), tree(groups=groups))))
    assert set(found) == {"repo:raw:group-write:analysts", "repo:raw:group-write:staff"}
    assert "may only read" in found["repo:raw:group-write:analysts"].message
    assert "has no access in the rules" in found["repo:raw:group-write:staff"].message


def test_setgid_symlinks_and_setuid():
    groups = {"1000": {"entries": tally(5), "dirs_without_setgid": tally(2, "/srv/raw/d1", "/srv/raw/d2")},
              "1001": {"entries": tally(1), "dirs_without_setgid": tally(1, "/srv/raw/d3")}}
    facts = tree_facts((repo(), tree(groups=groups, links_outside=tally(1, "/srv/raw/l -> /etc"),
                                     setuid=tally(1, "/srv/raw/x"), setgid=tally(2, "/srv/raw/y"))))
    found, _ = judge("data.setgid-dirs", facts)
    assert found["repo:raw:setgid"].evidence["count"] == "3"
    assert found["repo:raw:setgid"].evidence["samples"] == "/srv/raw/d1, /srv/raw/d2, /srv/raw/d3"
    found, _ = judge("data.symlinks-outside", facts)
    assert found["repo:raw:symlinks-outside"].evidence["samples"] == "/srv/raw/l -> /etc"
    found, _ = judge("data.setuid-files", facts)
    assert set(found) == {"repo:raw:setuid-files", "repo:raw:setgid-files"}


def acl_entry(scope: str, tag: str, qualifier: str, effective: str) -> dict[str, Any]:
    return {"scope": scope, "tag": tag, "qualifier": qualifier, "effective": effective, **tally(1, "/srv/raw/x")}


def test_acl_entries_judged_against_the_rules():
    entries = [acl_entry("access", "group", "analysts", "r-x"),  # read group reading: fine
               acl_entry("access", "group", "analysts", "rwx"),  # read group writing
               acl_entry("access", "group", "staff", "r--"),  # a group the rules do not name
               acl_entry("access", "user", "wendy", "rw-"),  # member of a write group: fine
               acl_entry("access", "user", "bob", "rw-"),  # reader writing
               acl_entry("access", "user", "mallory", "r--"),  # in none of the groups
               acl_entry("access", "user", "alice", "rwx"),  # primary group lab: fine
               acl_entry("default", "other", "", "r--"),  # new files readable by all
               acl_entry("access", "group", "staff", "---")]  # grants nothing
    facts = tree_facts((repo(), tree(acl={"read": True, "files": 3, "entries": entries, "partial": {}})))
    found, _ = judge("data.acl-entries", facts)
    assert set(found) == {"repo:raw:acl:access:group:analysts", "repo:raw:acl:access:group:staff",
                          "repo:raw:acl:access:user:bob", "repo:raw:acl:access:user:mallory",
                          "repo:raw:acl:default:other:other"}
    assert "may only read" in found["repo:raw:acl:access:group:analysts"].message


def test_acls_not_read_make_the_acl_check_incomplete():
    facts = tree_facts((repo(), tree(acl={"read": False, "reason": "getfacl is not installed (package acl): ACLs not read"})))
    found, ctx = judge("data.acl-entries", facts)
    assert found == {} and ctx.problems == [
        "repository raw judged partially: getfacl is not installed (package acl): ACLs not read"]


def test_a_partial_walk_keeps_its_findings_and_says_what_was_not_seen():
    partial = {"permission_denied": tally(2, "/srv/raw/secret", "/srv/raw/se\\ncret"),
               "depth_budget": tally(1, "/srv/raw/deep"), "file_budget": "stopped after 100 entries (max_files 100)"}
    facts = tree_facts((repo(), tree(world_writable=tally(1, "/srv/raw/w"), partial=partial,
                                     other_filesystems=tally(2, "/srv/raw/mnt", "/srv/other"))),
                       (repo("other"), tree(path="/srv/other")))
    facts["repositories"]["repositories"][1]["path"] = "/srv/other"
    found, ctx = judge("data.world-access", facts)
    assert "repo:raw:world-writable" in found
    assert ctx.problems == [
        "repository raw judged partially: permission denied on 2 path(s) (e.g. /srv/raw/secret, /srv/raw/se\\ncret); "
        "depth budget reached at 1 path(s) (e.g. /srv/raw/deep); stopped after 100 entries (max_files 100); "
        "1 mount point(s) not crossed (declare them as repositories): /srv/raw/mnt"]


# --- sharing services -------------------------------------------------------------------------


def client(spec: str, kind: str, access: str = "ro", squash: str = "root_squash", secure: bool = True,
           **extra: Any) -> dict[str, Any]:
    return {"spec": spec, "kind": kind, "access": access, "squash": squash, "secure": secure,
            "options": [access], **extra}


def nfs(*exports: dict[str, Any], problems=()) -> dict[str, Any]:
    return {"present": True, "exports": list(exports), "files": ["/etc/exports"], "problems": list(problems)}


def export(path: str, *clients: dict[str, Any]) -> dict[str, Any]:
    return {"path": path, "file": "/etc/exports", "line": 3, "clients": list(clients)}


def test_nfs_exports():
    facts = {"nfs_exports": nfs(
        export("/srv/public", client("*", "everyone")),
        export("/srv", client("*", "everyone", "rw")),
        export("/srv/projects", client("10.0.0.0/8", "network", "rw", prefix=8, version=4),
               client("192.0.2.0/24", "network", "rw", prefix=24, version=4),
               client("fs1", "host", "rw", "no_root_squash"), client("ws1", "host", secure=False)),
        problems=[{"file": "/etc/exports", "line": 9, "message": "unknown export option 'x'"}]),
        "repositories": declared(repo("raw"), repo("projects", "internal"))}
    found, ctx = judge("data.nfs-exports", facts)
    assert {resource: f.severity for resource, f in found.items()} == {
        "nfs:/srv/public@*:wide": Severity.MEDIUM,
        "nfs:/srv@*:wide": Severity.HIGH,
        "nfs:/srv/projects@10.0.0.0/8:wide": Severity.HIGH,
        "nfs:/srv/projects@fs1:no_root_squash": Severity.HIGH,
        "nfs:/srv/projects@ws1:insecure": Severity.LOW,
        "nfs:/srv:repo:raw": Severity.HIGH,  # restricted: never exported
        "nfs:/srv:repo:projects": Severity.HIGH,  # internal, exported to everyone
        "nfs:/srv/projects:repo:projects": Severity.HIGH,  # internal, exported to a /8
    }
    assert "a /8 network" in found["nfs:/srv/projects@10.0.0.0/8:wide"].message
    assert ctx.problems == ["/etc/exports:9: unknown export option 'x'"]
    found, _ = judge("data.nfs-exports", facts, min_prefix_v4=8)
    assert "nfs:/srv/projects@10.0.0.0/8:wide" not in found


def test_nfs_without_an_exports_file_is_skipped():
    with pytest.raises(CheckSkipped, match="no NFS exports file"):
        judge("data.nfs-exports", {"nfs_exports": {"present": False, "files": [], "problems": []},
                                   "repositories": declared(rules_file=None)})


def share(name: str, path: str | None, guest: bool = False, writable: bool = False) -> dict[str, Any]:
    return {"name": name, "source": f"smb.conf:{len(name)}", "path": path, "guest_ok": guest, "guest_source": "",
            "writable": writable, "writable_source": "", "write_list": "", "hosts_allow": "", "available": True}


def test_smb_shares():
    samba = {"present": True, "map_to_guest": "Bad User", "map_to_guest_source": "smb.conf:4", "security": "user",
             "files": ["smb.conf"], "problems": [],
             "shares": [share("pub", "/srv/pub", guest=True), share("drop", "/srv/drop", True, True),
                        share("proj", "/srv/proj", writable=True), share("raw", "/srv/raw"), share("homes", None)]}
    repositories = declared(repo("raw"), repo("pub", "public", sharing_allowed=True), repo("proj", "confidential"))
    found, _ = judge("data.smb-shares", {"samba": samba, "repositories": repositories})
    assert {resource: f.severity for resource, f in found.items()} == {
        "smb:global:map-to-guest": Severity.MEDIUM, "smb:[pub]:guest": Severity.MEDIUM,
        "smb:[drop]:guest": Severity.HIGH, "smb:[raw]:repo:raw": Severity.HIGH}
    samba["map_to_guest"] = "Never"
    found, _ = judge("data.smb-shares", {"samba": samba, "repositories": declared(rules_file=None)})
    assert set(found) == {"smb:[pub]:guest", "smb:[drop]:guest"}


def module(name: str, path: str, users=(), read_only: bool = True) -> dict[str, Any]:
    return {"name": name, "source": f"rsyncd.conf:{len(name)}", "path": path, "auth_users": list(users),
            "auth_source": "", "read_only": read_only, "read_only_source": "", "write_only": False, "list": True,
            "hosts_allow": "", "hosts_deny": "", "secrets_file": ""}


def test_rsync_modules():
    rsyncd = {"present": True, "files": ["rsyncd.conf"], "problems": [],
              "modules": [module("pub", "/srv/pub"), module("up", "/srv/up", read_only=False),
                          module("proj", "/srv/proj", ["alice"], read_only=False), module("ok", "/srv/ok", ["bob"]),
                          module("int", "/srv/int")]}
    repositories = declared(repo("int", "internal", sharing_allowed=True), repo("ok", "confidential"))
    found, _ = judge("data.rsync-modules", {"rsyncd": rsyncd, "repositories": repositories})
    assert {resource: f.severity for resource, f in found.items()} == {
        "rsync:[pub]:anonymous": Severity.MEDIUM, "rsync:[up]:anonymous": Severity.MEDIUM,
        "rsync:[up]:writable": Severity.HIGH, "rsync:[proj]:writable": Severity.MEDIUM,
        "rsync:[int]:anonymous": Severity.MEDIUM, "rsync:[int]:repo:int": Severity.HIGH}
    assert "by anyone, without a login" in found["rsync:[up]:writable"].message


def test_web_listing_and_serving():
    location = {"server": "nginx", "server_block": "nginx.conf:5", "server_names": [], "listen": ["80"], "modifier": "",
                "alias": None, "denied": False, "restricted": False, "static": True, "listing_source": "nginx.conf:7"}
    web = {"nginx": {"present": True, "files": ["nginx.conf"], "problems": [], "locations": [
        {**location, "url": "/", "root": "/srv/www", "listing": True, "source": "nginx.conf:5"},
        {**location, "url": "/data/", "root": None, "alias": "/srv/data/", "listing": False, "source": "nginx.conf:9"}]},
        "apache": []}
    repositories = declared(repo("pub", "public"), repo("data", "internal"), repo("raw"))
    repositories["repositories"][0]["path"] = "/srv/www/pub"
    found, _ = judge("data.web-listing", {"web_servers": web, "repositories": repositories})
    assert {resource: f.severity for resource, f in found.items()} == {
        "web:nginx:/data/:repo:data": Severity.LOW}  # internal, served without listing; public may be listed
    repositories["repositories"][0]["classification"] = "confidential"
    found, _ = judge("data.web-listing", {"web_servers": web, "repositories": repositories})
    assert found["web:nginx:/pub/:repo:pub"].severity == Severity.HIGH
    assert "lists the repository" in found["web:nginx:/pub/:repo:pub"].message


def test_web_listing_findings_keep_distinct_fingerprints_across_server_blocks_and_sections():
    """One repository behind three nginx server blocks and inside Apache sections: each its own fingerprint
    (before, the server blocks shared one, and the sections another with the repository's URL)."""
    check = REGISTRY.checks["data.web-listing"]
    location = {"server": "nginx", "server_names": [], "modifier": "", "alias": None, "denied": False,
                "restricted": False, "static": True, "listing_source": "", "url": "/", "root": "/srv/www",
                "listing": True}
    web = {"nginx": {"present": True, "files": ["nginx.conf"], "problems": [], "locations": [
        {**location, "server_block": "nginx.conf:5", "listen": ["80"], "source": "nginx.conf:5"},
        {**location, "server_block": "nginx.conf:20", "listen": ["443 ssl"], "source": "nginx.conf:20"},
        {**location, "server_block": "nginx.conf:40", "listen": ["8080"], "server_names": ["data.example.org"],
         "source": "nginx.conf:40"}]},
        "apache": [{"roots": [{"url": "/", "path": "/srv/www", "source": "apache2.conf:3"}], "directories": [
            {"path": "/srv/www/repo/a", "regex": False, "options": [{"args": ["+Indexes"], "source": "apache2.conf:9"}],
             "require": None, "source": "apache2.conf:8"},
            {"path": "/srv/www/repo/b", "regex": False, "options": [{"args": ["+Indexes"], "source": "apache2.conf:13"}],
             "require": None, "source": "apache2.conf:12"}], "global_options": [], "files": ["apache2.conf"],
            "problems": []}]}
    repositories = declared(repo("raw"))
    repositories["repositories"][0]["path"] = "/srv/www/repo"
    ctx = CheckContext(check=check, target=LOCAL, options=BASELINE.options[check.id],
                       severity=BASELINE.severity[check.id], today=TODAY)
    facts = [decode(kind, {"web_servers": web, "repositories": repositories}[kind.name]) for kind in check.facts]
    findings = check().judge(fact_set(*facts), ctx)
    assert sorted(f.resource for f in findings) == [
        "web:apache:/repo/a/:repo:raw", "web:apache:/repo/b/:repo:raw", "web:apache:/repo:repo:raw",
        "web:nginx:/repo/:repo:raw@443 ssl", "web:nginx:/repo/:repo:raw@80",
        "web:nginx:/repo/:repo:raw@data.example.org"]
    assert len({f.fingerprint for f in findings}) == len(findings)


def test_web_listing_is_skipped_without_web_servers():
    with pytest.raises(CheckSkipped, match="neither nginx nor Apache"):
        judge("data.web-listing", {"web_servers": {"nginx": {"present": False}, "apache": []},
                                   "repositories": declared(repo())})


# --- backups ----------------------------------------------------------------------------------


def backup_tree(**overrides: Any) -> dict[str, Any]:
    stamp = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC).timestamp()
    facts = tree(path="/backup/raw", mode="0700", owners={"0": tally(3)}, groups={"0": {"entries": tally(3)}},
                 newest={"mtime": stamp, "path": "/backup/raw/2026-03-09.tar"},
                 ancestors=[{"path": "/backup", "mode": "0755", "uid": 0, "gid": 0, "owner": "root", "group": "root",
                             "is_file": False}])
    facts.update(overrides)
    return facts


def backup_facts(*pairs: tuple[dict[str, Any], dict[str, Any] | None]) -> dict[str, Any]:
    return {"repositories": declared(*(r for r, _ in pairs)),
            "backups": {"backups": {r["name"]: t for r, t in pairs if t is not None}, "accounts": ACCOUNTS}}


BACKUP = {"path": "/backup/raw", "max_age_days": 2}


def test_backups_fresh_stale_missing_undeclared():
    old = dt.datetime(2026, 3, 1, tzinfo=dt.UTC).timestamp()
    facts = backup_facts((repo("fresh", backup=BACKUP), backup_tree()),
                         (repo("stale", backup=BACKUP), backup_tree(newest={"mtime": old, "path": "/backup/raw/old"})),
                         (repo("empty", backup=BACKUP), backup_tree(newest=None)),
                         (repo("gone", backup=BACKUP), backup_tree(exists=False, type=None)),
                         (repo("none", "confidential"), None), (repo("open", "public"), None))
    found, _ = judge("data.backup", facts)
    assert set(found) == {"backup:stale:stale", "backup:empty:stale", "backup:gone:missing", "backup:none:undeclared"}
    assert found["backup:stale:stale"].message == "the newest backup of stale is 9 days old (at most 2 allowed)"
    assert found["backup:none:undeclared"].severity == Severity.MEDIUM
    assert found["backup:stale:stale"].measures == ("RCV-1",)


def test_backups_writable_by_the_repositorys_users():
    acl = {"read": True, "files": 1, "partial": {}, "entries": [acl_entry("access", "group", "analysts", "rwx")]}
    writable = backup_tree(world_writable=tally(1, "/backup/raw/x"), owners={"0": tally(1), "1002": tally(1)},
                           groups={"1001": {"entries": tally(1), "group_writable": tally(1)}}, acl=acl,
                           ancestors=[{"path": "/backup", "mode": "1777", "uid": 0, "gid": 0, "owner": "root",
                                       "group": "root", "is_file": False},
                                      {"path": "/", "mode": "0775", "uid": 0, "gid": 1000, "owner": "root",
                                       "group": "lab", "is_file": False}])
    found, _ = judge("data.backup", backup_facts((repo(backup=BACKUP), writable)))
    observed = found["backup:raw:writable"].evidence["observed"]
    assert observed == ("1 entries world-writable (e.g. /backup/raw/x); 1 entries writable by group analysts; "
                        "1 entries owned by wendy, a member of the repository's groups; "
                        "ACL grants write to group analysts; parent directory / is writable by group lab")
    # /backup is world-writable but sticky: others cannot replace the backup directory in it.


def test_a_tree_check_with_no_repository_to_walk_is_skipped_not_passed():
    facts = tree_facts((repo("gone"), tree(exists=False, type=None)), (repo("file"), tree(type="f")))
    with pytest.raises(CheckSkipped, match="none of the declared repositories is a folder here"):
        judge("data.world-access", facts)
