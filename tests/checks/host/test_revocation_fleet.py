"""Fleet revocation on real daemons: two sshd hosts on loopback, two accounts, one revoked key.

Both daemons read one configuration whose ``Match LocalPort`` blocks give each its own
AuthorizedKeysFile directory, so the two ssh:// targets hold different keys although they run
on this one machine. The audit logs in over SSH as root with the test client key; the revoked
key must be reported for exactly the host and account where it is authorised.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from auditor.checks.host.keymap import key_map
from auditor.config.profile import load_profile
from auditor.hosts.known_hosts import KnownHosts
from auditor.hosts.ssh import SSHSettings, connect_host
from auditor.hosts.ssh_client_config import SSHConfigFile
from auditor.models import Status, Target, TargetKind
from auditor.registry import default_registry
from auditor.runner import Runner
from testkit.ports import free_port

pytestmark = pytest.mark.integration


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "laptop-of-someone", "-f", str(path)],
                   check=True)
    return path


def fingerprint(path: Path) -> str:
    return subprocess.run(["ssh-keygen", "-lf", f"{path}.pub"], capture_output=True, text=True,
                          check=True).stdout.split()[1]


@dataclass
class Fleet:
    config: Path
    ports: dict[str, int]  # host label -> port
    dirs: dict[str, Path]  # host label -> AuthorizedKeysFile directory
    settings: SSHSettings
    users: tuple[str, str]
    revoked: Path
    kept: Path

    def target(self, label: str) -> Target:
        port = self.ports[label]
        return Target(name=f"ssh://root@127.0.0.1:{port}", kind=TargetKind.SSH, address="127.0.0.1", port=port,
                      user="root")

    def authorize(self, label: str, user: str, key: Path) -> None:
        path = self.dirs[label] / user
        with path.open("a") as handle:
            handle.write(Path(f"{key}.pub").read_text())
        path.chmod(0o644)


@pytest.fixture(scope="module")
def fleet(sshd_binary: str, tmp_path_factory: Any) -> Iterator[Fleet]:
    if os.geteuid() != 0:
        pytest.skip("test daemons that accept logins, and test accounts, need root")
    directory = tmp_path_factory.mktemp("fleet")
    suffix = f"{os.getpid() % 100000}"
    users = (f"hka{suffix}", f"hkb{suffix}")
    for user in users:  # '*': no password, not locked, so a key is a working login
        subprocess.run(["useradd", "-M", "-d", f"/nonexistent-{user}", "-s", "/bin/bash", "-p", "*", user],
                       check=True)
    host_key, client = keygen(directory / "host_key"), keygen(directory / "client")
    ports = {"a": free_port(), "b": free_port()}
    # sshd reads the keys as the user: the directories live outside pytest's root-only tmp tree
    dirs = {label: Path(tempfile.mkdtemp(prefix=f"auditor-fleet-{label}-")) for label in ports}
    blocks = ""
    for label, keys_dir in dirs.items():
        keys_dir.chmod(0o755)
        blocks += f"Match LocalPort {ports[label]}\n    AuthorizedKeysFile {keys_dir}/%u\n"
    config = directory / "sshd_config"
    config.write_text(f"ListenAddress 127.0.0.1\nHostKey {host_key}\nPidFile none\nStrictModes no\nUsePAM no\n"
                      "PermitRootLogin prohibit-password\nPasswordAuthentication no\nLogLevel VERBOSE\n" + blocks)
    processes, logs = [], []
    for label, port in ports.items():
        log = directory / f"sshd-{label}.log"
        logs.append(log)
        with open(log, "wb") as stderr:
            processes.append(subprocess.Popen([sshd_binary, "-D", "-e", "-f", str(config), "-p", str(port)],
                                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr))
    known = directory / "known_hosts"
    known.write_text("".join(f"[127.0.0.1]:{port} {Path(f'{host_key}.pub').read_text()}" for port in ports.values()))
    client_config = directory / "ssh_config"
    client_config.write_text(f"Host 127.0.0.1\n    IdentityFile {client}\n")
    settings = SSHSettings(known_hosts=KnownHosts([str(known)], None), ssh_config=SSHConfigFile(str(client_config)),
                           connect_timeout=5, use_agent=False)
    result = Fleet(config, ports, dirs, settings, users, keygen(directory / "revoked"), keygen(directory / "kept"))
    for label in ports:
        result.authorize(label, "root", client)
    deadline = time.monotonic() + 10
    while not all("Server listening" in log.read_text() for log in logs):
        assert time.monotonic() < deadline and all(p.poll() is None for p in processes), "sshd did not start"
        time.sleep(0.05)
    yield result
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    for user in users:
        subprocess.run(["userdel", user], check=False)
    for keys_dir in dirs.values():
        shutil.rmtree(keys_dir, ignore_errors=True)


def _can_log_in(fleet: Fleet, label: str, user: str, key: Path) -> bool:
    known = fleet.config.parent / "known_hosts"
    argv = ["ssh", "-F", "/dev/null", "-i", str(key), "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
            "-o", f"UserKnownHostsFile={known}", "-p", str(fleet.ports[label]), f"{user}@127.0.0.1", "true"]
    return subprocess.run(argv, capture_output=True, timeout=20).returncode == 0


def test_a_revoked_key_is_found_where_it_opens_an_account_and_nowhere_else(fleet: Fleet, tmp_path: Path) -> None:
    alice, bob = fleet.users
    fleet.authorize("a", alice, fleet.revoked)  # host a: alice holds the revoked key, bob the kept one
    fleet.authorize("a", bob, fleet.kept)
    fleet.authorize("b", alice, fleet.kept)  # host b: the same accounts, only the kept key
    fleet.authorize("b", bob, fleet.kept)
    if shutil.which("ssh"):  # the enrolled keys really open those accounts, on those hosts only
        assert _can_log_in(fleet, "a", alice, fleet.revoked)
        assert not _can_log_in(fleet, "b", alice, fleet.revoked)
    revoked_line = Path(f"{fleet.revoked}.pub").read_text().strip()
    profile_path = tmp_path / "revocation.yaml"
    profile_path.write_text(
        "name: revocation\nextends: baseline\nselect: ['host.revoked-access', 'host.key-inventory']\n"
        f"collectors:\n  host_accounts:\n    sshd_config: {fleet.config}\n"
        f"options:\n  host.revoked-access:\n    keys: ['{revoked_line}']\n    users: [departed-nobody]\n")
    registry = default_registry()
    profile = load_profile(str(profile_path), registry)
    runner = Runner(registry, profile, opener=lambda target: connect_host(target, fleet.settings))
    run = runner.run([fleet.target("a"), fleet.target("b")])
    revoked = [f for f in run.findings if f.check_id == "host.revoked-access"]
    assert [(f.target, f.resource) for f in revoked] == [
        (fleet.target("a").name, f"key:{alice}:{fingerprint(fleet.revoked)}")]
    statuses = {(r.check_id, r.target): r.status for r in run.results}
    assert statuses[("host.revoked-access", fleet.target("b").name)] is Status.PASS
    # The fleet-wide view: which key opens which accounts, host by host, from the inventory findings.
    opens = {(f.target, f.resource): f.evidence["accounts"] for f in run.findings if f.check_id == "host.key-inventory"}
    kept = f"key:{fingerprint(fleet.kept)}"
    assert opens[(fleet.target("a").name, kept)] == bob
    assert opens[(fleet.target("b").name, kept)] == f"{alice}, {bob}"
    assert (fleet.target("b").name, f"key:{fingerprint(fleet.revoked)}") not in opens
    # The same view from the stored snapshot facts: the revoked key opens one account on one host.
    snapshot = {"facts": {audit.target.name: audit.facts for audit in run.audits}}
    grants = key_map(json.loads(json.dumps(snapshot)))
    assert [(g.target, g.account) for g in grants[fingerprint(fleet.revoked)]] == [(fleet.target("a").name, alice)]
    assert {(g.target, g.account) for g in grants[fingerprint(fleet.kept)]} >= {
        (fleet.target("a").name, bob), (fleet.target("b").name, alice), (fleet.target("b").name, bob)}
