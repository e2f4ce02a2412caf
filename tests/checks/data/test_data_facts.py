"""Typed facts of the repository collectors: JSON round trips, and profile-time option validation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.check import CollectEnv
from auditor.checks.data.collector import BackupsCollector, RepositoriesCollector, RepositoryTreesCollector
from auditor.checks.data.facts import BackupsFacts, BackupTree, RepositoriesFacts, RepositoryTreesFacts, Tree
from auditor.checks.data.rules import load_rules
from auditor.config.profile import load_profile
from auditor.errors import ProfileError
from auditor.facts import decode, facts_from_json, facts_to_json
from auditor.hosts.local import LocalHost
from auditor.models import Target, TargetKind
from auditor.registry import default_registry

LOCAL = Target(name="local", kind=TargetKind.LOCAL)


@pytest.fixture
def collected(tmp_path: Path):
    """The three repository collectors run on a small tree and its backup."""
    data, backup = tmp_path / "data", tmp_path / "backup"
    (data / "sub").mkdir(parents=True)
    (data / "sub" / "file.csv").write_text("x")
    os.symlink("/etc/hostname", data / "out")
    backup.mkdir()
    (backup / "dump.tar").write_text("x")
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"repositories:\n  - name: raw\n    path: {data}\n    owner_group: root\n"
                     f"    backup: {{path: {backup}, max_age_days: 2}}\n  - name: far\n    host: fs01\n"
                     f"    path: /srv/far\n    owner_group: root\n")
    options = {**RepositoriesCollector.options, "rules": load_rules(rules)}
    host = LocalHost()
    declared = RepositoriesCollector().collect(CollectEnv(target=LOCAL, host=host, options=options, timeout=20))
    env = CollectEnv(target=LOCAL, host=host, options={}, timeout=20, fact=lambda kind: declared)
    return declared, RepositoryTreesCollector().collect(env), BackupsCollector().collect(env)


def test_collected_facts_round_trip(collected):
    for facts in collected:
        assert facts_from_json(type(facts), facts_to_json(facts)) == facts


def test_repositories_json_keeps_its_shape(collected):
    declared = collected[0]
    stored = facts_to_json(declared)
    assert stored["other_hosts"] == ["fs01"] and stored["groups"] == {"root": {"gid": 0, "members": []}}
    repository = stored["repositories"][0]
    assert repository["backup"]["max_age_days"] == 2 and repository["sharing_allowed"] is False
    # Unset walk overrides are left out, as the collector always wrote them; they decode as None.
    assert "max_files" not in repository and "max_depth" not in repository
    assert decode(RepositoriesFacts, stored) == declared


def test_walks_keep_their_shape(collected):
    _, trees, backups = collected
    tree = trees.trees["raw"]
    assert isinstance(tree, Tree) and tree.links_outside.count == 1 and tree.types == {"d": 2, "f": 1, "l": 1}
    assert decode(Tree, facts_to_json(tree)) == tree
    backup = backups.backups["raw"]
    assert isinstance(backup, BackupTree) and backup.newest is not None and backup.newest.path.endswith("dump.tar")
    assert [parent.path for parent in backup.ancestors][-1] == "/"
    assert isinstance(trees, RepositoryTreesFacts) and isinstance(backups, BackupsFacts)
    assert set(facts_to_json(trees.trees["raw"])) == {
        "path", "exists", "type", "mode", "entries", "limits", "types", "world_readable", "world_writable",
        "setuid", "setgid", "owners", "groups", "links_outside", "other_filesystems", "partial", "acl"}


@pytest.mark.parametrize("section, key, value, message", [
    ("options", "data.nfs-exports", "{min_prefix_v4: 33}", "min_prefix_v4: expected a prefix length from 0 to 32"),
    ("options", "data.nfs-exports", "{min_prefix_v6: 48.5}", "min_prefix_v6: expected a prefix length from 0 to 128"),
    ("options", "data.backup", "{require_backup: [secret]}", "require_backup: 'secret' is not one of"),
    ("collectors", "nfs_exports", "{exports: etc/exports}", "exports: 'etc/exports' is not an absolute path"),
    ("collectors", "samba", "{config: smb.conf}", "config: 'smb.conf' is not an absolute path"),
    ("collectors", "rsyncd", "{config: rsyncd.conf}", "config: 'rsyncd.conf' is not an absolute path"),
    ("collectors", "web_servers", "{apache: [apache2.conf]}", "apache: 'apache2.conf' is not an absolute path"),
    ("collectors", "repositories", "{samples: 0}", "samples: must be at least 1"),
])
def test_constrained_options_are_checked_when_the_profile_loads(tmp_path, section, key, value, message):
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"name: p\nextends: baseline\n{section}:\n  {key}: {value}\n")
    with pytest.raises(ProfileError, match=rf"profile.yaml:4: {section}.{key}.{message}"):
        load_profile(str(profile), default_registry())
