"""Targets from the command line and inventories are validated before anything touches them."""

import pytest

from auditor.errors import InventoryError
from auditor.inventory.targets import load_inventory, parse_target
from auditor.models import TargetKind


def test_target_forms():
    assert parse_target("local").kind is TargetKind.LOCAL
    host = parse_target("db01.example.org")
    assert (host.kind, host.address) == (TargetKind.NETWORK, "db01.example.org")
    ssh = parse_target("ssh://audit@127.0.0.1:2222")
    assert (ssh.kind, ssh.user, ssh.address, ssh.port) == (TargetKind.SSH, "audit", "127.0.0.1", 2222)
    assert parse_target("ssh://[::1]").port == 22
    assert parse_target("10.0.0.5").address == "10.0.0.5"
    with_port = parse_target("127.0.0.1:2222")
    assert (with_port.name, with_port.address, with_port.ports) == ("127.0.0.1:2222", "127.0.0.1", (2222,))
    assert parse_target("[::1]:22").ports == (22,) and parse_target("[::1]:22").address == "::1"
    assert parse_target("::1").address == "::1" and parse_target("::1").ports == ()
    scan = parse_target("127.0.0.9/29")
    assert (scan.kind, scan.name, scan.address) == (TargetKind.RANGE, "127.0.0.9/29", "127.0.0.8/29")


@pytest.mark.parametrize(
    "text",
    ["-oProxyCommand=x", "host name", "ftp://host", "ssh://host:99999", "ssh://u:secret@host",
     "ssh://host/path", "ssh://-bad@host", "", "a" * 300, "host:0", "host:http", "[::1]22", "-x:22", "10.0.0.0/8", "10.0.0.0/33", "-sV/24"],
)
def test_bad_targets_are_refused(text):
    with pytest.raises(InventoryError):
        parse_target(text)


def test_inventory(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_text(
        "hosts:\n"
        "  - name: web01\n    address: 127.0.0.1\n    ports: [22, 443]\n    role: web\n    owner: lab-a\n"
        "  - address: 127.0.0.2\n    ssh: {user: audit, port: 2222}\n"
        "  - name: me\n    local: true\n"
    )
    web, login, me = load_inventory(path)
    assert (web.name, web.kind, web.ports, web.role, web.owner) == ("web01", TargetKind.NETWORK, (22, 443), "web", "lab-a")
    assert (login.name, login.kind, login.user, login.port) == ("127.0.0.2", TargetKind.SSH, "audit", 2222)
    assert me.kind is TargetKind.LOCAL


@pytest.mark.parametrize(
    "body, line, key",
    [
        ("hosts:\n  - name: a\n    address: 127.0.0.1\n    colour: red\n", 4, "hosts[0].colour"),
        ("hosts:\n  - name: a\n    address: 127.0.0.1\n  - name: a\n    address: 127.0.0.2\n", 4, "hosts[1].name"),
        ("hosts:\n  - address: '-oProxyCommand=x'\n", 2, "hosts[0].address"),
        ("hosts:\n  - address: 127.0.0.1\n    ports: [22, 70000]\n", 3, "hosts[0].ports"),
        ("hosts:\n  - address: 10.0.0.0/8\n", 2, "hosts[0].address"),
    ],
)
def test_inventory_errors_name_line_and_key(tmp_path, body, line, key):
    path = tmp_path / "inventory.yaml"
    path.write_text(body)
    with pytest.raises(InventoryError) as error:
        load_inventory(path)
    assert (error.value.line, error.value.key) == (line, key)


def test_inventory_groups_and_host_ranges(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_text(
        "groups:\n"
        "  hpc:\n    role: hpc-node\n    owner: hpc-team\n    ports: [22]\n    tags: [hpc]\n"
        "  gpu:\n    role: gpu-node\n    tags: [gpu]\n"
        "hosts:\n"
        "  - name: node[01:03]\n    address: 127.0.1.[1:3]\n    groups: [hpc, gpu]\n    owner: ml-lab\n"
        "  - address: 127.0.2.1\n    groups: [hpc]\n    ports: [22, 443]\n"
    )
    targets = {target.name: target for target in load_inventory(path)}
    assert sorted(targets) == ["127.0.2.1", "node01", "node02", "node03"]
    node = targets["node02"]
    assert (node.address, node.role, node.owner, node.ports, node.tags) == (
        "127.0.1.2", "gpu-node", "ml-lab", (22,), ("hpc", "gpu"))
    assert targets["127.0.2.1"].ports == (22, 443) and targets["127.0.2.1"].role == "hpc-node"


@pytest.mark.parametrize(
    "body, line, key, message",
    [
        ("groups:\n  hpc:\n    colour: red\nhosts: []\n", 3, "groups.hpc.colour", "unknown key"),
        ("hosts:\n  - address: 127.0.0.1\n    groups: [nope]\n", 3, "hosts[0].groups", "unknown group 'nope'"),
        ("hosts:\n  - name: n[1:3]\n    address: 127.0.0.[1:2]\n", 3, "hosts[0].address", "gives 3 hosts but"),
        ("hosts:\n  - name: n[1:2]\n    address: 127.0.0.1\n  - name: n2\n    address: 127.0.0.2\n", 4, "hosts[1].name",
         "duplicate host 'n2'"),
    ],
)
def test_group_and_range_errors_name_line_and_key(tmp_path, body, line, key, message):
    path = tmp_path / "inventory.yaml"
    path.write_text(body)
    with pytest.raises(InventoryError, match=message) as error:
        load_inventory(path)
    assert (error.value.line, error.value.key) == (line, key)
