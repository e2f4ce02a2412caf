"""SSH wire checks judged from recorded facts (no network).

tests/fixtures/ssh-wire/weak.json and hardened.json are the ``ssh_wire`` facts the collector
gathered (``host_key_types: all``, ``gex_probe: true``) from OpenSSH 9.2 running the weak and
hardened configurations of tests/lib/testkit/sshd_lab.py, with the port renumbered to 22.
``throttle`` was added on 2026-12-03 from the throttling probe against the same two configurations
(the hardened one with ``PerSourceMaxStartups 4``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import testkit
from auditor.check import CheckContext, CheckSkipped
from auditor.checks.ssh_wire.facts import SshWireFacts
from auditor.config.profile import load_profile
from auditor.facts import facts_from_json, facts_to_json
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry

FIXTURES = testkit.FIXTURES / "ssh-wire"
REGISTRY = default_registry()
TARGET = Target(name="192.0.2.10", kind=TargetKind.NETWORK, address="192.0.2.10")
WIRE_CHECKS = [check_id for check_id in REGISTRY.checks if check_id.startswith("ssh-wire.")]


def recorded(name: str) -> dict[str, Any]:
    """The recorded facts as JSON, for tests to change before they are read into their types."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def port_of(facts: dict[str, Any]) -> dict[str, Any]:
    port: dict[str, Any] = facts["ports"][0]
    return port


def judge(check_id: str, wire: dict[str, Any], profile: str = "strict") -> tuple[list[Finding], CheckContext]:
    loaded = load_profile(profile, REGISTRY)
    check = REGISTRY.checks[check_id]()
    ctx = CheckContext(check=check, target=TARGET, options=loaded.options[check_id],
                       severity=loaded.severity[check_id],
                       policies={kind: loaded.policies[kind] for kind in check.policies})
    return check.judge(testkit.fact_set(facts_from_json(SshWireFacts, wire)), ctx), ctx


def summary(findings: list[Finding]) -> dict[str, str]:
    return {finding.resource: finding.severity.value for finding in findings}


def test_every_wire_check_is_documented_and_mapped() -> None:
    assert len(WIRE_CHECKS) >= 10
    for check_id in WIRE_CHECKS:
        check = REGISTRY.checks[check_id]
        assert check.measures and check.__doc__ and check.remediation and "wire" in check.tags


WEAK_UNDER_STRICT = {
    "ssh-wire.kex-algorithms": {
        "tcp/22:kex/diffie-hellman-group1-sha1": "medium", "tcp/22:kex/diffie-hellman-group14-sha1": "medium",
        "tcp/22:kex/diffie-hellman-group-exchange-sha1": "medium", "tcp/22:kex/ecdh-sha2-nistp256": "medium"},
    "ssh-wire.host-key-algorithms": {"tcp/22:hostkey/ssh-rsa": "medium", "tcp/22:hostkey/ssh-dss": "medium"},
    "ssh-wire.ciphers": {"tcp/22:cipher/3des-cbc": "medium", "tcp/22:cipher/aes128-cbc": "low"},
    "ssh-wire.macs": {"tcp/22:mac/hmac-md5": "medium", "tcp/22:mac/hmac-sha1": "medium",
                      "tcp/22:mac/hmac-sha1-etm@openssh.com": "medium"},
    "ssh-wire.compression": {},
    "ssh-wire.host-key-size": {"tcp/22:key/ssh-rsa": "high", "tcp/22:key/ssh-dss": "high"},
    "ssh-wire.password-login": {"tcp/22:auth/password": "high", "tcp/22:auth/keyboard-interactive": "high"},
    "ssh-wire.terrapin": {},  # Debian's 9.2 has strict key exchange
    "ssh-wire.protocol-1": {},
    "ssh-wire.dh-gex-modulus": {"tcp/22:gex/diffie-hellman-group-exchange-sha1": "low"},
    "ssh-wire.banner-disclosure": {"tcp/22:banner": "info"},
    "ssh-wire.connection-throttling": {"tcp/22:throttling": "medium"},  # OpenSSH's default lets one client hold 10
}


@pytest.mark.parametrize("check_id", sorted(WEAK_UNDER_STRICT))
def test_weak_server_findings_under_strict(check_id: str) -> None:
    findings, ctx = judge(check_id, recorded("weak"))
    assert summary(findings) == WEAK_UNDER_STRICT[check_id]
    assert ctx.problems == [] and ctx.details["ports"] == "tcp/22"


def test_every_wire_check_has_an_expectation() -> None:
    assert sorted(WEAK_UNDER_STRICT) == sorted(WIRE_CHECKS)


@pytest.mark.parametrize("check_id", WIRE_CHECKS)
def test_hardened_server_passes_under_baseline(check_id: str) -> None:
    findings, ctx = judge(check_id, recorded("hardened"), "baseline")
    assert findings == [] and ctx.problems == []


def test_hardened_server_under_strict_only_warns_about_classical_key_exchange() -> None:
    findings, _ = judge("ssh-wire.kex-algorithms", recorded("hardened"))
    assert summary(findings) == {"tcp/22:kex/curve25519-sha256": "low",
                                 "tcp/22:kex/curve25519-sha256@libssh.org": "low"}
    assert {finding.evidence["reason"] for finding in findings} == {"kex-not-post-quantum"}


def test_algorithm_findings_carry_the_policy_verdict() -> None:
    findings, _ = judge("ssh-wire.ciphers", recorded("weak"))
    cbc = next(finding for finding in findings if finding.resource == "tcp/22:cipher/aes128-cbc")
    assert dict(cbc.evidence) == {"verdict": "warn", "reason": "cbc-mode", "policy": "strict"}
    assert cbc.message.startswith("tcp/22 offers cipher aes128-cbc: CBC mode")
    assert cbc.measures == ("PRV-4",)


def test_unknown_algorithm_is_reported_as_info_not_silence() -> None:
    wire = recorded("hardened")
    port_of(wire)["kexinit"]["encryption_server_to_client"].append("future-cipher@example.org")
    findings, _ = judge("ssh-wire.ciphers", wire)
    assert summary(findings) == {"tcp/22:cipher/future-cipher@example.org": "info"}
    assert findings[0].evidence["verdict"] == "unknown"


def test_host_key_sizes_follow_the_policy_thresholds() -> None:
    wire = recorded("weak")
    port_of(wire)["host_keys"][0]["bits"] = 2048
    findings, _ = judge("ssh-wire.host-key-size", wire)
    assert summary(findings) == {"tcp/22:key/ssh-rsa": "low", "tcp/22:key/ssh-dss": "high"}
    rsa = findings[0]
    assert rsa.evidence["verdict"] == "warn" and rsa.evidence["expected"] == "at least 3072 bits"
    assert rsa.evidence["fingerprint"].startswith("SHA256:")


def test_host_keys_that_could_not_be_read_make_the_result_incomplete() -> None:
    wire = recorded("weak")
    port_of(wire)["host_keys"] = port_of(wire)["host_keys"][:1]
    port_of(wire)["host_key_errors"] = ["ssh-dss: connection closed by the server during the key exchange"]
    findings, ctx = judge("ssh-wire.host-key-size", wire)
    assert summary(findings) == {"tcp/22:key/ssh-rsa": "high"}
    assert ctx.problems == [
        "tcp/22: host key not read: ssh-dss: connection closed by the server during the key exchange"]


def test_preferred_mode_says_which_keys_were_not_read() -> None:
    wire = recorded("weak")
    port_of(wire)["host_keys"] = port_of(wire)["host_keys"][:1]
    port_of(wire)["host_key_notes"] = ["not read (host_key_types: preferred): ssh-dss"]
    _, ctx = judge("ssh-wire.host-key-size", wire)
    assert ctx.problems == []
    assert ctx.details["tcp/22 note"] == "not read (host_key_types: preferred): ssh-dss"


def test_auth_none_accepted_is_critical() -> None:
    wire = recorded("hardened")
    port_of(wire).update(auth_none_accepted=True, auth_methods=[])
    findings, _ = judge("ssh-wire.password-login", wire)
    assert summary(findings) == {"tcp/22:auth/none": "critical"}


def test_unknown_auth_methods_make_the_result_incomplete() -> None:
    wire = recorded("weak")
    port_of(wire).update(auth_methods=None, auth_none_accepted=None,
                         auth_error="authentication methods unknown: paramiko supports none of ...")
    findings, ctx = judge("ssh-wire.password-login", wire)
    assert findings == []
    assert ctx.problems == ["tcp/22: authentication methods unknown: paramiko supports none of ..."]


def test_keyboard_interactive_can_be_allowed_by_options() -> None:
    loaded = load_profile("baseline", REGISTRY)
    check = REGISTRY.checks["ssh-wire.password-login"]()
    ctx = CheckContext(check=check, target=TARGET, options={"forbidden": ["password"]},
                       severity=loaded.severity[check.id])
    facts = testkit.fact_set(facts_from_json(SshWireFacts, recorded("weak")))
    assert summary(check.judge(facts, ctx)) == {"tcp/22:auth/password": "high"}


@pytest.mark.parametrize("fixture, exposed", [
    ("hardened", "chacha20-poly1305@openssh.com"),
    ("weak", "3des-cbc, aes128-cbc, hmac-sha1-etm@openssh.com"),
])
def test_terrapin_without_strict_kex(fixture: str, exposed: str) -> None:
    wire = recorded(fixture)
    kexinit = port_of(wire)["kexinit"]
    kexinit["kex_algorithms"].remove("kex-strict-s-v00@openssh.com")
    port_of(wire)["strict_kex"] = False
    findings, _ = judge("ssh-wire.terrapin", wire)
    assert summary(findings) == {"tcp/22:terrapin": "medium"}
    assert findings[0].evidence["offered"] == exposed


def test_no_terrapin_exposure_without_the_vulnerable_modes() -> None:
    wire = recorded("hardened")
    port_of(wire)["strict_kex"] = False
    for key in ("encryption_client_to_server", "encryption_server_to_client"):
        port_of(wire)["kexinit"][key] = ["aes256-gcm@openssh.com", "aes128-ctr"]
    assert judge("ssh-wire.terrapin", wire)[0] == []


def ssh1_port(version: str) -> dict[str, Any]:
    wire = recorded("hardened")
    port_of(wire).update(protocol_version=version, banner=f"SSH-{version}-Old", software="Old")
    if version != "1.99":
        port_of(wire).update(kexinit=None, strict_kex=None, host_keys=[], auth_methods=None)
    return wire


@pytest.mark.parametrize("version", ["1.5", "1.99"])
def test_protocol_1_is_a_finding(version: str) -> None:
    findings, _ = judge("ssh-wire.protocol-1", ssh1_port(version))
    assert summary(findings) == {"tcp/22:protocol": "high"}
    assert findings[0].evidence["observed"] == f"SSH-{version}-Old"


def test_ssh1_only_port_has_no_ssh2_offer_to_judge() -> None:
    with pytest.raises(CheckSkipped, match="no port with an SSH-2 server"):  # nothing examined: never a pass
        judge("ssh-wire.password-login", ssh1_port("1.5"))


def test_gex_modulus_below_2048_fails_and_unprobed_is_skipped() -> None:
    wire = recorded("weak")
    port_of(wire)["gex"]["modulus_bits"] = 1024
    findings, _ = judge("ssh-wire.dh-gex-modulus", wire)
    assert summary(findings) == {"tcp/22:gex/diffie-hellman-group-exchange-sha1": "medium"}
    assert findings[0].evidence["requested"] == "min/preferred/max 1024/1024/8192"
    port_of(wire)["gex"] = None
    with pytest.raises(CheckSkipped, match="gex_probe: true"):
        judge("ssh-wire.dh-gex-modulus", wire)


def test_a_port_in_error_keeps_the_findings_of_the_others() -> None:
    wire = recorded("weak")
    broken = {**copy.deepcopy(port_of(wire)), "port": 2222, "origin": "discovered", "status": "error",
              "reason": "no SSH identification within 10 s (not an SSH server, or a tarpit)"}
    closed = {**copy.deepcopy(port_of(wire)), "port": 2200, "origin": "default", "status": "closed",
              "reason": "connection refused"}
    wire["ports"] += [broken, closed]
    findings, ctx = judge("ssh-wire.password-login", wire)
    assert summary(findings) == WEAK_UNDER_STRICT["ssh-wire.password-login"]
    assert ctx.problems == ["tcp/2222: no SSH identification within 10 s (not an SSH server, or a tarpit)"]
    assert ctx.details["ports"] == "tcp/22"


def test_severity_of_fail_ratings_follows_the_profile() -> None:
    _, ctx = judge("ssh-wire.macs", recorded("weak"))
    assert ctx.severity is Severity.MEDIUM


@pytest.mark.parametrize("name", ["weak", "hardened"])
def test_recorded_facts_read_back_to_the_same_json(name: str) -> None:
    """The fixtures were written by the untyped collector: the typed facts keep that JSON exactly."""
    stored = recorded(name)
    facts = facts_from_json(SshWireFacts, stored)
    assert json.dumps(facts_to_json(facts), indent=1) == json.dumps(stored, indent=1)
    assert facts_from_json(SshWireFacts, facts_to_json(facts)) == facts
