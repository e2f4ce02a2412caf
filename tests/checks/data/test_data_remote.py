"""Repository walks over SSH: the same streamed commands, the same facts as on this machine.

A real sshd on a loopback port (the shared ``start_sshd`` fixture) is the remote host; the
repository is the data_lab tree, so the remote and the local walk must agree exactly.
"""

from __future__ import annotations

import pytest

from auditor.check import CollectEnv
from auditor.checks.data.acl import read_acls
from auditor.checks.data.collector import (
    RepositoriesCollector,
    RepositoryTreesCollector,
)
from auditor.checks.data.rules import load_rules
from auditor.checks.data.tree_walk import WalkLimits, walk_tree
from auditor.hosts.local import LocalHost
from auditor.hosts.ssh import connect_host
from testkit import data_lab

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def remote(start_sshd):
    server = start_sshd()
    host = connect_host(server.target(), server.settings())
    yield server, host
    host.close()
    server.stop()


@pytest.fixture(scope="module")
def repository(data_accounts, tmp_path_factory):
    return data_lab.build_repository(tmp_path_factory.mktemp("remote"), data_accounts)


def test_remote_walk_and_acls_equal_the_local_ones(remote, repository):
    _, host = remote
    limits = WalkLimits(samples=20)
    local = walk_tree(LocalHost(), str(repository), limits)
    assert walk_tree(host, str(repository), limits) == local
    assert local["types"] == data_lab.EXPECTED["types"]
    assert read_acls(host, str(repository), limits, "getfacl") == read_acls(LocalHost(), str(repository), limits, "getfacl")


def test_remote_budget_stops_the_remote_find(remote, repository):
    _, host = remote
    facts = walk_tree(host, str(repository), WalkLimits(max_files=4))
    assert facts["entries"] == 4 and "file_budget" in facts["partial"]


def test_collectors_over_ssh_for_a_rule_naming_the_address(remote, repository, data_accounts, tmp_path):
    server, host = remote
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"repositories:\n  - name: raw\n    host: 127.0.0.1\n    path: {repository}\n"
                     f"    classification: restricted\n    owner_group: {data_accounts.owner}\n"
                     f"    read_groups: [{data_accounts.read}]\n    write_groups: [{data_accounts.write}]\n")
    target = server.target()
    options = {**RepositoriesCollector.options, "rules": load_rules(rules)}
    declared = RepositoriesCollector().collect(CollectEnv(target=target, host=host, options=options, timeout=20))
    assert [repo.name for repo in declared.repositories] == ["raw"]
    assert declared.groups[data_accounts.read].members == (data_accounts.bob,)
    trees = RepositoryTreesCollector().collect(
        CollectEnv(target=target, host=host, options={}, timeout=20, fact=lambda name: declared))
    tree = trees.trees["raw"]
    assert tree.partial == {} and tree.acl.read is True
    assert str(data_lab.DELETED_UID) not in trees.accounts.users  # a deleted account has no name
    assert trees.accounts.users[data_accounts.alice].gid == data_lab._gid(data_accounts.owner)
