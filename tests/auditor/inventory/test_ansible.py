"""Ansible inventories, INI and YAML, read the same way: groups, children, vars, ranges."""

from __future__ import annotations

import pytest

from auditor.errors import InventoryError
from auditor.inventory.ansible import load_ansible_inventory
from auditor.inventory.hostranges import expand_range

INI = """\
# research computing
[login]
login[01:02].hpc.example.org ansible_user=audit
[storage]
nas-[a:b] ansible_host=192.0.2.20 ansible_port=2222

[storage:vars]
role=data-server
owner="genomics lab"

[hpc:children]
login
storage

[hpc:vars]
role=hpc-node
backup=true
"""

YAML = """\
all:
  vars:
    owner: it-department
  children:
    hpc:
      vars: {role: hpc-node, backup: true}
      children:
        login:
          hosts:
            login[01:02].hpc.example.org: {ansible_user: audit}
        storage:
          vars: {role: data-server, owner: genomics lab}
          hosts:
            nas-[a:b]: {ansible_host: 192.0.2.20, ansible_port: 2222}
"""


def by_name(hosts):
    return {host.name: host for host in hosts}


@pytest.mark.parametrize("name, text", [("hosts.ini", INI), ("hosts.yaml", YAML)])
def test_ini_and_yaml_give_the_same_hosts(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    hosts = by_name(load_ansible_inventory(path))
    assert sorted(hosts) == ["login01.hpc.example.org", "login02.hpc.example.org", "nas-a", "nas-b"]
    login = hosts["login02.hpc.example.org"]
    assert login.vars["ansible_user"] == "audit" and login.vars["role"] == "hpc-node"
    assert set(login.groups) == {"hpc", "login"}
    nas = hosts["nas-b"].vars
    assert (nas["ansible_host"], nas["ansible_port"], nas["role"], nas["owner"], nas["backup"]) == (
        "192.0.2.20", 2222, "data-server", "genomics lab", True)


def test_ranges():
    assert expand_range("web[08:10].lab", "x") == ["web08.lab", "web09.lab", "web10.lab"]
    assert expand_range("n[1:5:2]", "x") == ["n1", "n3", "n5"]
    assert expand_range("r[a:b]-[1:2]", "x") == ["ra-1", "ra-2", "rb-1", "rb-2"]
    with pytest.raises(InventoryError, match="bad host range"):
        expand_range("x[a:10]", "hosts.ini:3")


@pytest.mark.parametrize(
    "text, line, message",
    [("[web\nweb01\n", 1, "unterminated section header"),
     ("[web:vars]\nrole\n", 2, "expected key=value"),
     ("[web:colour]\n", 1, "unknown section kind"),
     ("[web]\nweb01 ansible_user\n", 2, "expected key=value")],
)
def test_ini_errors_name_the_line(tmp_path, text, line, message):
    path = tmp_path / "hosts.ini"
    path.write_text(text)
    with pytest.raises(InventoryError, match=message) as error:
        load_ansible_inventory(path)
    assert error.value.line == line


def test_dynamic_inventories_are_refused_and_yaml_errors_are_located(tmp_path):
    script = tmp_path / "inventory"
    script.write_text("#!/bin/sh\necho '{}'\n")
    script.chmod(0o755)
    with pytest.raises(InventoryError, match="dynamic inventories"):
        load_ansible_inventory(script)
    bad = tmp_path / "hosts.yaml"
    bad.write_text("all:\n  hostz:\n    a: {}\n")
    with pytest.raises(InventoryError) as error:
        load_ansible_inventory(bad)
    assert (error.value.line, error.value.key) == (2, "all.hostz")


def test_aliases_and_segment_come_from_host_and_group_variables(tmp_path):
    from auditor.inventory.ansible import ansible_targets

    inventory = tmp_path / "hosts.yml"
    inventory.write_text("all:\n  children:\n    north:\n      vars: {segment: campus-north}\n      hosts:\n"
                         "        web1: {ansible_host: 127.0.0.1, aliases: [WWW.Example.org., portal.example.org]}\n"
                         "        web2: {ansible_host: 127.0.0.2, aliases: intranet.example.org}\n"
                         "    other:\n      hosts:\n        db1: {ansible_host: 127.0.0.3, aliases: , tags: }\n")
    targets = {target.name: target for target in ansible_targets(inventory)}
    assert targets["web1"].aliases == ("www.example.org", "portal.example.org")
    assert targets["web2"].aliases == ("intranet.example.org",)
    assert [targets[name].segment for name in ("web1", "web2", "db1")] == ["campus-north", "campus-north", None]
    assert (targets["db1"].aliases, targets["db1"].tags) == ((), ("other",))  # left empty: none
