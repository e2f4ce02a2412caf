"""`auditor run ssh://…` end to end against a real sshd on a loopback port, as installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from auditor.check import Scope
from auditor.registry import default_registry

pytestmark = pytest.mark.integration
# The sshd configuration checks: host checks that need only the daemon's configuration.
HOST_CHECKS = sorted(check.id for check in default_registry().checks.values()
                     if check.scope is Scope.HOST and "sshd-config" in check.tags)


def auditor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed command, without an ssh-agent or this user's SSH configuration leaking in."""
    env = {key: value for key, value in os.environ.items() if key != "SSH_AUTH_SOCK"}
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=180)


def write_profile(directory: Path, config: Path, connect: float = 5) -> Path:
    profile = directory / "profile.yaml"
    profile.write_text(
        f"name: remote\nversion: '1'\nextends: baseline\ntimeouts: {{connect: {connect}}}\n"
        f"collectors:\n  sshd:\n    config: {config}\n"
    )
    return profile


def host_results(out: Path) -> dict[str, dict[str, dict]]:
    """{target: {check id: result}} for the host checks, with each finding's resource and evidence."""
    snapshot = json.loads((out / "snapshot.json").read_text())
    findings = {finding["fingerprint"]: finding for finding in snapshot["findings"]}
    table: dict[str, dict[str, dict]] = {}
    for result in snapshot["results"]:
        if result["check_id"] in HOST_CHECKS:
            result["findings"] = sorted((findings[fp]["resource"], findings[fp]["message"],
                                         json.dumps(findings[fp]["evidence"], sort_keys=True))
                                        for fp in result["findings"])
            table.setdefault(result["target"], {})[result["check_id"]] = result
    return table


def test_remote_run_judges_the_sshd_configuration_as_a_local_run_does(start_sshd, tmp_path):
    server = start_sshd("X11Forwarding yes\nMaxAuthTries 8\n")
    try:
        profile = write_profile(tmp_path, server.config)
        before = server.accepted_logins()
        target = f"ssh://root@127.0.0.1:{server.port}"
        completed = auditor("run", "local", target, "--profile", str(profile), "--known-hosts", str(server.known_hosts),
                            "--ssh-config", str(server.ssh_config), "--out", "out", cwd=tmp_path)
        logins = server.accepted_logins() - before
    finally:
        server.stop()
    assert completed.returncode in (0, 1), completed.stdout + completed.stderr
    results = host_results(tmp_path / "out")
    local, remote = results["local"], results[target]
    assert set(local) == set(remote) == set(HOST_CHECKS)
    for check_id in HOST_CHECKS:
        assert remote[check_id]["status"] == local[check_id]["status"], check_id
        assert remote[check_id]["findings"] == local[check_id]["findings"], check_id
        assert remote[check_id]["details"] == local[check_id]["details"], check_id
    assert remote["ssh.x11-forwarding"]["status"] == "fail" and remote["ssh.max-auth-tries"]["status"] == "fail"
    assert remote["ssh.password-authentication"]["details"] == {"source": "sshd -T"}
    assert logins == 1  # every host collector of the target shared one SSH connection


def test_every_bad_target_ends_in_error_and_the_run_completes(start_sshd, hostile, unused_port, tmp_path):
    server = start_sshd()
    stranger = server.keygen(tmp_path / "stranger")
    servers = {kind: hostile(kind) for kind in ("silent", "flood", "drip", "http")}
    inventory = tmp_path / "inventory.yaml"
    lines = ["hosts:"]

    def host(name: str, address: str, port: int, key: Path) -> None:
        lines.append(f"  - name: {name}\n    address: {address}\n    ssh: {{user: root, port: {port}, key: {key}}}")

    host("good", "127.0.0.1", server.port, server.client_key)
    host("refused", "127.0.0.1", unused_port, server.client_key)
    for kind, hostile_server in servers.items():
        host(kind, "127.0.0.1", hostile_server.port, server.client_key)
    host("wrong-key", "127.0.0.1", server.port, stranger)
    host("unknown-key", "localhost", server.port, server.client_key)
    inventory.write_text("\n".join(lines) + "\n")
    profile = write_profile(tmp_path, server.config, connect=1)
    try:
        completed = auditor("run", "--inventory", str(inventory), "--profile", str(profile), "--known-hosts",
                            str(server.known_hosts), "--ssh-config", os.devnull, "--out", "out", cwd=tmp_path)
    finally:
        server.stop()
    assert completed.returncode == 2, completed.stdout + completed.stderr
    results = host_results(tmp_path / "out")
    assert results["good"]["ssh.password-authentication"]["status"] == "pass"
    fingerprint = server.fingerprint(Path(f"{server.host_key}.pub"))
    expected = {
        "refused": f"cannot connect to 127.0.0.1 port {unused_port}: connection refused",
        "silent": "no SSH handshake within 1 s",
        "drip": "no SSH handshake within 1 s",
        "flood": "server sent more than 262144 bytes before login completed",
        "http": "SSH handshake failed",
        "wrong-key": f"authentication as 'root' on 127.0.0.1 port {server.port} failed: tried publickey with key file {stranger}",
        "unknown-key": f"host key of localhost port {server.port} is not known: the server offers ssh-ed25519 {fingerprint}",
    }
    for name, reason in expected.items():
        for check_id in HOST_CHECKS:
            result = results[name][check_id]
            assert result["status"] == "error" and reason in result["reason"], (name, check_id, result["reason"])
    assert f"error: ssh.password-authentication on unknown-key: host key of localhost port {server.port}" in completed.stdout


def test_trust_on_first_use_records_the_key_in_the_named_file_only(start_sshd, tmp_path):
    server = start_sshd()
    profile = write_profile(tmp_path, server.config)
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    tofu = tmp_path / "first-use"
    target = f"ssh://root@127.0.0.1:{server.port}"
    common = ("run", target, "--profile", str(profile), "--ssh-config", str(server.ssh_config))
    try:
        refused = auditor(*common, "--known-hosts", str(empty), "--out", "refused", cwd=tmp_path)
        assert refused.returncode == 2 and "is not known" in refused.stdout
        assert not tofu.exists()
        first = auditor(*common, "--known-hosts", str(empty), "--trust-on-first-use", str(tofu), "--out", "first",
                        cwd=tmp_path)
        second = auditor(*common, "--known-hosts", str(tofu), "--out", "second", cwd=tmp_path)
    finally:
        server.stop()
    assert empty.read_text() == ""
    assert first.returncode in (0, 1), first.stdout
    assert tofu.read_text() == f"[127.0.0.1]:{server.port} {Path(f'{server.host_key}.pub').read_text().strip()}\n"
    assert second.returncode in (0, 1), second.stdout
    assert host_results(tmp_path / "second")[target]["ssh.password-authentication"]["status"] == "pass"


# -- an unprivileged audit account, with and without sudo ------------------------------------------

@pytest.fixture(scope="module")
def audit_user():
    """A throw-away local account that may log in with a key (no password), removed afterwards."""
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("creating a test account needs root and useradd")
    name = f"aud{uuid.uuid4().hex[:8]}"
    subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True)
    try:
        subprocess.run(["usermod", "--password", "*", name], check=True)  # no password, but not locked
        yield name
    finally:
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


@pytest.fixture
def sudoers():
    """``sudoers(line)`` installs a validated /etc/sudoers.d drop-in for the test, removed afterwards."""
    if shutil.which("sudo") is None or shutil.which("visudo") is None:
        pytest.skip("sudo is not installed")
    installed: list[Path] = []

    def install(line: str) -> None:
        path = Path("/etc/sudoers.d") / f"auditor-test-{uuid.uuid4().hex[:8]}"
        path.write_text(line + "\n")
        path.chmod(0o440)
        installed.append(path)
        subprocess.run(["visudo", "-c", "-q", "-f", str(path)], check=True)

    yield install
    for path in installed:
        path.unlink(missing_ok=True)


def run_as(user: str, server, tmp_path: Path, sudo: bool, out: str) -> dict[str, dict]:
    inventory = tmp_path / f"{out}.yaml"
    inventory.write_text(f"hosts:\n  - name: remote\n    address: 127.0.0.1\n"
                         f"    ssh: {{user: {user}, port: {server.port}, key: {server.client_key}, sudo: {str(sudo).lower()}}}\n")
    profile = write_profile(tmp_path, server.config)
    completed = auditor("run", "--inventory", str(inventory), "--profile", str(profile), "--known-hosts",
                        str(server.known_hosts), "--ssh-config", os.devnull, "--out", out, cwd=tmp_path)
    assert completed.returncode in (0, 1, 2), completed.stderr
    return host_results(tmp_path / out)["remote"]


def test_sudo_wanting_a_password_makes_privileged_facts_not_assessable(start_sshd, audit_user, sudoers, tmp_path):
    server = start_sshd()
    server.authorize(audit_user)
    try:
        results = run_as(audit_user, server, tmp_path, sudo=True, out="no-sudo")
    finally:
        server.stop()
    # The test config sits in a directory only root can read, and sudo -n wants a password.
    result = results["ssh.password-authentication"]
    assert result["status"] == "not-assessable", result
    assert "permission denied" in result["reason"]
    assert "sudo -n /usr/sbin/sshd refused" in result["reason"] and "password is required" in result["reason"]


def test_the_documented_sudoers_line_is_enough_for_sshd_t(start_sshd, audit_user, sudoers, sshd_binary, tmp_path):
    server = start_sshd()
    server.authorize(audit_user)
    sudoers(f"{audit_user} ALL=(root) NOPASSWD: {sshd_binary} -T -f {server.config}")
    try:
        results = run_as(audit_user, server, tmp_path, sudo=True, out="with-sudo")
    finally:
        server.stop()
    assert results["ssh.password-authentication"]["status"] == "pass"
    assert results["ssh.password-authentication"]["details"] == {"source": "sshd -T"}
