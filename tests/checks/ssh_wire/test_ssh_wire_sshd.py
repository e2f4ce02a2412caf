"""The wire audit against real OpenSSH daemons on loopback (weak and hardened, tests/lib/testkit/sshd_lab.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import testkit
from auditor.check import CheckContext, CollectEnv
from auditor.checks.ssh.collector import SshdCollector
from auditor.checks.ssh_wire.collector import PROBE_USER, SshWireCollector
from auditor.checks.ssh_wire.facts import GexNotOffered, GexProbe, KexInit, PortStatus, SshWireFacts, WirePort
from auditor.config.profile import load_profile
from auditor.facts import facts_from_json, facts_to_json
from auditor.hosts.local import LocalHost
from auditor.models import Status, Target, TargetKind
from auditor.registry import default_registry
from auditor.runner import Runner
from testkit.sshd_lab import SshdServer

pytestmark = pytest.mark.integration
REGISTRY = default_registry()


def network_target(port: int) -> Target:
    return Target(name=f"127.0.0.1:{port}", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(port,))


def collect(target: Target, **options: object) -> SshWireFacts:
    env = CollectEnv(target=target, host=None, options={**SshWireCollector.options, "ports": [], **options},
                     timeout=10, connect_timeout=3)
    return SshWireCollector().collect(env)


def kexinit_of(port: WirePort) -> KexInit:
    assert port.kexinit is not None
    return port.kexinit


def fingerprints(server: SshdServer, *key_types: str) -> list[str]:
    listed = []
    for key_type in key_types:
        path = server.directory / f"ssh_host_{key_type}_key"
        output = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", str(path)], check=True,
                                capture_output=True, text=True).stdout
        listed.append(output.split()[1])
    return listed


def quiet_profile(tmp_path: Path, extends: str = "baseline", extra: str = "") -> str:
    """A profile that probes only the ports a test names: no default port 22, no nmap discovery."""
    path = tmp_path / "profile.yaml"
    path.write_text(f"name: wire-test\nextends: {extends}\ncollectors:\n  discovery:\n    enabled: false\n"
                    f"  ssh_wire:\n    ports: []\n{extra}")
    return str(path)


def test_weak_daemon_wire_facts(weak_sshd: SshdServer) -> None:
    facts = collect(network_target(weak_sshd.port), host_key_types="all", gex_probe=True)
    port = facts.ports[0]
    assert port.status is PortStatus.OK and port.origin == "target"
    assert port.banner is not None and port.banner.startswith("SSH-2.0-OpenSSH_9")
    assert port.software is not None and port.software.startswith("OpenSSH_")
    kexinit = kexinit_of(port)
    assert kexinit.kex_algorithms[:4] == ("diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1",
                                          "diffie-hellman-group-exchange-sha1", "ecdh-sha2-nistp256")
    assert kexinit.encryption_server_to_client == ("3des-cbc", "aes128-cbc", "aes256-ctr")
    assert kexinit.mac_client_to_server == ("hmac-md5", "hmac-sha1", "hmac-sha1-etm@openssh.com")
    assert kexinit.compression_server_to_client == ("none", "zlib@openssh.com")
    assert [(key.type, key.bits) for key in port.host_keys] == [("ssh-rsa", 1024), ("ssh-dss", 1024)]
    assert [key.fingerprint for key in port.host_keys] == fingerprints(weak_sshd, "rsa", "dsa")
    assert port.auth_methods == ("keyboard-interactive", "password", "publickey")
    assert port.auth_user == PROBE_USER and port.auth_none_accepted is False
    assert isinstance(port.gex, GexProbe) and port.gex.algorithm == "diffie-hellman-group-exchange-sha1"
    assert port.gex.modulus_bits is not None and port.gex.modulus_bits >= 2048 and port.gex.error == ""
    # The live facts keep the recorded fixture's shape (it was written by the untyped collector) and read back.
    stored = json.loads(json.dumps(facts_to_json(facts)))
    recorded = json.loads((testkit.FIXTURES / "ssh-wire" / "weak.json").read_text())
    assert list(stored["ports"][0]) == list(recorded["ports"][0])
    assert list(stored["ports"][0]["gex"]) == list(recorded["ports"][0]["gex"])
    assert list(stored["ports"][0]["host_keys"][0]) == list(recorded["ports"][0]["host_keys"][0])
    assert facts_from_json(SshWireFacts, stored) == facts


def test_preferred_mode_reads_one_key_and_names_the_others(weak_sshd: SshdServer) -> None:
    port = collect(network_target(weak_sshd.port)).ports[0]
    assert [key.type for key in port.host_keys] == ["ssh-rsa"]
    assert port.host_key_notes == ("not read (host_key_types: preferred): ssh-dss",)
    assert port.gex is None


def test_hardened_daemon_wire_facts(hardened_sshd: SshdServer) -> None:
    facts = collect(network_target(hardened_sshd.port), host_key_types="all", gex_probe=True)
    port = facts.ports[0]
    assert port.banner is not None and port.banner.startswith("SSH-2.0-OpenSSH_")
    assert port.comments == ""  # DebianBanner no
    assert port.strict_kex is True
    assert [key.fingerprint for key in port.host_keys] == fingerprints(hardened_sshd, "ed25519")
    assert port.auth_methods == ("publickey",)
    assert port.gex == GexNotOffered()
    assert facts_to_json(port.gex) == {"offered": False}
    assert facts_from_json(SshWireFacts, facts_to_json(facts)) == facts


def test_ssh_target_probes_its_own_port_as_its_user(hardened_sshd: SshdServer) -> None:
    target = Target(name=f"ssh://alice@127.0.0.1:{hardened_sshd.port}", kind=TargetKind.SSH,
                    address="127.0.0.1", port=hardened_sshd.port, user="alice")
    port = collect(target).ports[0]
    assert (port.port, port.origin, port.auth_user) == (hardened_sshd.port, "target", "alice")


def test_cli_reports_weak_algorithms_password_login_and_small_host_key(weak_sshd: SshdServer, tmp_path: Path) -> None:
    out = tmp_path / "audit"
    argv = [sys.executable, "-m", "auditor", "run", f"127.0.0.1:{weak_sshd.port}", "--out", str(out),
            "--profile", quiet_profile(tmp_path)]
    # From tmp_path: `python -m` puts the working directory first on sys.path, and the repository's
    # source tree must not shadow the installed package.
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert completed.returncode == 1, completed.stdout + completed.stderr  # findings at or above fail_on
    snapshot = json.loads((out / "snapshot.json").read_text())
    prefix = f"tcp/{weak_sshd.port}"
    found = {finding["resource"]: finding["severity"] for finding in snapshot["findings"]}
    for resource, severity in {
        "kex/diffie-hellman-group1-sha1": "medium", "kex/diffie-hellman-group14-sha1": "medium",
        "cipher/3des-cbc": "medium", "cipher/aes128-cbc": "low", "mac/hmac-md5": "medium",
        "hostkey/ssh-rsa": "medium", "auth/password": "high", "auth/keyboard-interactive": "high",
        "key/ssh-rsa": "high",
    }.items():
        assert found.get(f"{prefix}:{resource}") == severity, resource
    statuses = {result["check_id"]: result["status"] for result in snapshot["results"]
                if result["check_id"].startswith("ssh-wire.")}
    assert statuses["ssh-wire.password-login"] == "fail" and statuses["ssh-wire.terrapin"] == "pass"
    assert "password login" in (out / "prevention.html").read_text()


def test_hardened_daemon_passes_every_wire_check_under_baseline(hardened_sshd: SshdServer, tmp_path: Path) -> None:
    profile = load_profile(quiet_profile(tmp_path, extra="    gex_probe: true\n    host_key_types: all\n"), REGISTRY)
    run = Runner(REGISTRY, profile).run([network_target(hardened_sshd.port)])
    statuses = {result.check_id: result.status for result in run.results if result.check_id.startswith("ssh-wire.")}
    assert statuses.pop("ssh-wire.dh-gex-modulus") is Status.PASS  # probed, and not offered
    assert set(statuses.values()) == {Status.PASS}


def test_drift_between_a_changed_file_and_the_running_daemon(weak_sshd: SshdServer, sshd_binary: str,
                                                             tmp_path: Path) -> None:
    """The running weak daemon keeps offering passwords after its file forbids them (not reloaded)."""
    target = network_target(weak_sshd.port)
    wire = collect(target)
    config = tmp_path / "sshd_config"
    text = weak_sshd.config.read_text()
    config.write_text(text)
    sshd_options = {**SshdCollector.options, "config": str(config), "binary": sshd_binary}
    local = Target(name=f"ssh://root@127.0.0.1:{weak_sshd.port}", kind=TargetKind.SSH, address="127.0.0.1",
                   port=weak_sshd.port, user="root")

    def drift(check_id: str) -> dict[str, str]:
        sshd = SshdCollector().collect(CollectEnv(target=local, host=LocalHost(), options=sshd_options, timeout=20))
        check = REGISTRY.checks[check_id]()
        profile = load_profile("baseline", REGISTRY)
        ctx = CheckContext(check=check, target=local, options=profile.options[check_id],
                           severity=profile.severity[check_id])
        return {f.resource: f.severity.value for f in check.judge(testkit.fact_set(sshd, wire), ctx)}

    assert drift("ssh-drift.auth-methods") == {} and drift("ssh-drift.algorithms") == {}
    config.write_text(text.replace("PasswordAuthentication yes", "PasswordAuthentication no")
                      .replace("Ciphers 3des-cbc,aes128-cbc,aes256-ctr", "Ciphers aes256-ctr"))
    prefix = f"tcp/{weak_sshd.port}"
    assert drift("ssh-drift.auth-methods") == {f"{prefix}:auth/password": "high"}
    assert drift("ssh-drift.algorithms") == {f"{prefix}:cipher/3des-cbc": "medium",
                                             f"{prefix}:cipher/aes128-cbc": "medium"}
