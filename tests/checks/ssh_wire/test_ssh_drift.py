"""Drift checks judged from recorded facts: `sshd -T` output and wire facts of the same daemons.

tests/fixtures/ssh-wire/{weak,hardened}.sshd-t.txt are `sshd -T` of the configurations whose
wire facts are {weak,hardened}.json (host key paths rewritten to /etc/ssh).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import testkit
from auditor.check import CheckContext, CheckSkipped
from auditor.checks.ssh.facts import SshdContext, SshdFacts
from auditor.checks.ssh.sshd_config.parser import parse_sshd_t_output
from auditor.checks.ssh_wire.drift import configured_methods
from auditor.checks.ssh_wire.facts import SshWireFacts
from auditor.config.profile import load_profile
from auditor.facts import facts_from_json
from auditor.models import Target, TargetKind
from auditor.registry import default_registry

FIXTURES = testkit.FIXTURES / "ssh-wire"
REGISTRY = default_registry()
TARGET = Target(name="ssh://audit@login01", kind=TargetKind.SSH, address="login01", port=22, user="audit")


def wire(name: str) -> dict[str, Any]:
    """The recorded wire facts as JSON, for tests to change before they are read into their types."""
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return data


def config(name: str, **overrides: str) -> SshdFacts:
    settings = {key: tuple(values) for key, values in
                parse_sshd_t_output((FIXTURES / f"{name}.sshd-t.txt").read_text()).items()}
    settings.update({key: (value,) for key, value in overrides.items()})
    return SshdFacts(source="sshd -T", contexts=(SshdContext(label="global", match="", settings=settings),))


def judge(check_id: str, sshd: SshdFacts, ssh_wire: dict[str, Any],
          target: Target = TARGET) -> tuple[dict[str, str], CheckContext]:
    loaded = load_profile("baseline", REGISTRY)
    check = REGISTRY.checks[check_id]()
    ctx = CheckContext(check=check, target=target, options=loaded.options[check_id],
                       severity=loaded.severity[check_id])
    facts = testkit.fact_set(sshd, facts_from_json(SshWireFacts, ssh_wire))
    return {f.resource: f.severity.value for f in check.judge(facts, ctx)}, ctx


@pytest.mark.parametrize("name", ["weak", "hardened"])
@pytest.mark.parametrize("check_id", ["ssh-drift.auth-methods", "ssh-drift.algorithms"])
def test_a_daemon_agrees_with_its_own_configuration(check_id: str, name: str) -> None:
    findings, ctx = judge(check_id, config(name), wire(name))
    assert findings == {} and ctx.problems == []
    assert ctx.details["source"] == "sshd -T"


def test_password_offered_although_the_configuration_forbids_it() -> None:
    findings, _ = judge("ssh-drift.auth-methods", config("hardened"), wire("weak"))
    assert findings == {"tcp/22:auth/password": "high", "tcp/22:auth/keyboard-interactive": "high"}


def test_method_configured_but_not_offered_is_low() -> None:
    findings, _ = judge("ssh-drift.auth-methods", config("weak"), wire("hardened"))
    assert findings == {"tcp/22:auth/password": "low", "tcp/22:auth/keyboard-interactive": "low"}


def test_authentication_methods_setting_narrows_what_is_offered_first() -> None:
    settings = config("weak", authenticationmethods="publickey,password publickey,keyboard-interactive:pam")
    assert configured_methods(settings.global_context) == {"publickey"}
    findings, _ = judge("ssh-drift.auth-methods", settings, wire("weak"))
    assert findings == {"tcp/22:auth/password": "high", "tcp/22:auth/keyboard-interactive": "high"}


def test_algorithms_disagree_both_ways() -> None:
    findings, _ = judge("ssh-drift.algorithms", config("weak", ciphers="aes256-ctr,aes128-gcm@openssh.com",
                                                       compression="no"), wire("weak"))
    assert findings == {
        "tcp/22:cipher/3des-cbc": "medium", "tcp/22:cipher/aes128-cbc": "medium",
        "tcp/22:cipher/aes128-gcm@openssh.com": "low",
        "tcp/22:compression/zlib@openssh.com": "medium",
    }


def test_host_key_algorithms_only_count_when_offered_but_not_configured() -> None:
    allowing_more = config("hardened", hostkeyalgorithms="ssh-ed25519,rsa-sha2-512,rsa-sha2-256")
    assert judge("ssh-drift.algorithms", allowing_more, wire("hardened"))[0] == {}
    findings, _ = judge("ssh-drift.algorithms", config("hardened"), wire("weak"))
    assert findings["tcp/22:hostkey/ssh-dss"] == "medium"
    assert "tcp/22:hostkey/ssh-ed25519" not in findings


def test_strict_kex_and_extension_markers_are_not_drift() -> None:
    facts = wire("hardened")
    facts["ports"][0]["kexinit"]["kex_algorithms"].append("ext-info-s")
    assert judge("ssh-drift.algorithms", config("hardened"), facts)[0] == {}


def test_the_wire_port_in_error_makes_drift_incomplete_and_a_missing_port_skips() -> None:
    facts = wire("weak")
    facts["ports"][0].update(status="error", reason="connection refused")
    findings, ctx = judge("ssh-drift.auth-methods", config("weak"), facts)
    assert findings == {} and ctx.problems == ["tcp/22: connection refused"]
    other_port = Target(name="ssh://login01:2222", kind=TargetKind.SSH, address="login01", port=2222)
    with pytest.raises(CheckSkipped, match="no wire audit of the SSH port 2222"):
        judge("ssh-drift.algorithms", config("weak"), wire("weak"), other_port)


def test_drift_applies_to_host_targets_only() -> None:
    for check_id in ("ssh-drift.auth-methods", "ssh-drift.algorithms"):
        scope = REGISTRY.checks[check_id].scope
        assert scope.applies_to(TargetKind.SSH) and not scope.applies_to(TargetKind.NETWORK)
