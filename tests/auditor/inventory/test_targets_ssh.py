"""SSH access in targets and inventories, and what the user's SSH configuration adds to them."""

import json

import pytest

from auditor.errors import InventoryError
from auditor.hosts.ssh_client_config import SSHConfigFile
from auditor.inventory.targets import load_inventory, parse_target
from auditor.models import SSHAccess, TargetKind


@pytest.fixture
def ssh_config(tmp_path):
    path = tmp_path / "ssh_config"
    path.write_text(
        "Host db01\n    HostName 127.0.0.5\n    Port 2200\n    User audit\n    IdentityFile ~/.ssh/audit_key\n"
        "    ProxyJump jump@127.0.0.6:2222,127.0.0.7\n"
        "Host odd\n    Port many\n"
        "Host *\n    User fallback\n"
    )
    return SSHConfigFile(str(path))


def test_the_ssh_configuration_fills_in_port_and_user_the_target_leaves_out(ssh_config):
    implicit = parse_target("ssh://db01", ssh_config)
    assert (implicit.address, implicit.port, implicit.user) == ("db01", 2200, "audit")
    explicit = parse_target("ssh://root@db01:22", ssh_config)
    assert (explicit.port, explicit.user) == (22, "root")
    assert parse_target("ssh://other", ssh_config).user == "fallback"
    assert parse_target("ssh://db01").port == 22  # without a configuration: ssh's defaults
    with pytest.raises(InventoryError, match="Port 'many' is not a port number"):
        parse_target("ssh://odd", ssh_config)


def test_host_config_lookup(ssh_config):
    config = ssh_config.lookup("db01")
    assert (config.hostname, config.port, config.user) == ("127.0.0.5", 2200, "audit")
    assert config.identity_files[0].endswith("/.ssh/audit_key") and not config.identity_files[0].startswith("~")
    assert config.proxy_jump == ("jump@127.0.0.6:2222", "127.0.0.7")
    assert ssh_config.lookup("elsewhere").hostname == "elsewhere"


def test_a_missing_default_configuration_is_empty_but_a_named_one_must_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert SSHConfigFile().lookup("h").port is None
    missing = SSHConfigFile(str(tmp_path / "missing"))  # fine until an ssh:// target needs it
    with pytest.raises(InventoryError, match="cannot read SSH configuration"):
        parse_target("ssh://h", missing)
    broken = tmp_path / "broken"
    broken.write_text("Host a\n    Port\n")
    assert parse_target("local", SSHConfigFile(str(broken))).kind is TargetKind.LOCAL
    with pytest.raises(InventoryError, match=f"{broken}: invalid SSH configuration"):
        parse_target("ssh://a", SSHConfigFile(str(broken)))


def test_inventory_ssh_section(tmp_path):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "audit").write_text("not read at load time")
    (tmp_path / "known_hosts").write_text("")
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(
        "hosts:\n"
        "  - name: login01\n    address: 127.0.0.2\n"
        "    ssh: {user: audit, port: 2222, key: keys/audit, sudo: true, known_hosts: known_hosts}\n"
        "  - address: 127.0.0.3\n    ssh: {}\n"
    )
    login, bare = load_inventory(inventory)
    assert (login.kind, login.user, login.port) == (TargetKind.SSH, "audit", 2222)
    assert login.ssh == SSHAccess(key=str(tmp_path / "keys" / "audit"), sudo=True,
                                  known_hosts=str(tmp_path / "known_hosts"))
    assert json.loads(json.dumps(login.to_dict()))["ssh"] == {
        "key": str(tmp_path / "keys" / "audit"), "sudo": True, "known_hosts": str(tmp_path / "known_hosts")}
    assert (bare.kind, bare.port, bare.ssh) == (TargetKind.SSH, 22, SSHAccess())


@pytest.mark.parametrize(
    "ssh, key, message",
    [
        ("{key: missing_key}", "hosts[0].ssh.key", "no such file"),
        ("{known_hosts: nowhere}", "hosts[0].ssh.known_hosts", "no such file"),
        ("{sudo: yes please}", "hosts[0].ssh.sudo", "expected true or false"),
        ("{port: 70000}", "hosts[0].ssh.port", "1 to 65535"),
        ("{port: 22.5}", "hosts[0].ssh.port", "1 to 65535"),
        ("{password: hunter2}", "hosts[0].ssh.password", "unknown key"),
        ("{user: '-oProxyCommand=x'}", "hosts[0].ssh.user", "not a valid user name"),
    ],
)
def test_inventory_ssh_errors_name_file_line_and_key(tmp_path, ssh, key, message):
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"hosts:\n  - address: 127.0.0.1\n    ssh: {ssh}\n")
    with pytest.raises(InventoryError) as error:
        load_inventory(inventory)
    assert (error.value.path, error.value.line, error.value.key) == (str(inventory), 3, key)
    assert message in error.value.detail
