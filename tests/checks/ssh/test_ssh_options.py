"""Constrained options of the sshd checks and collector are checked when the profile loads (file:line: key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.config.profile import load_profile
from auditor.errors import ProfileError
from auditor.registry import default_registry

REGISTRY = default_registry()


def load(tmp_path: Path, body: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nextends: baseline\n{body}")
    load_profile(str(path), REGISTRY)


@pytest.mark.parametrize("check_id, value, message", [
    ("ssh.permit-root-login", '["nope"]', "'nope' is not a PermitRootLogin value"),
    ("ssh.password-authentication", '["maybe"]', "'maybe' is not a PasswordAuthentication value (one of: yes, no)"),
    ("ssh.kbd-interactive-authentication", '["off"]', "'off' is not a KbdInteractiveAuthentication value"),
    ("ssh.permit-empty-passwords", '["never"]', "'never' is not a PermitEmptyPasswords value"),
    ("ssh.hostbased-authentication", '["none"]', "'none' is not a HostbasedAuthentication value"),
    ("ssh.ignore-rhosts", '["true"]', "'true' is not a IgnoreRhosts value"),
    ("ssh.x11-forwarding", '["0"]', "'0' is not a X11Forwarding value"),
    ("ssh.permit-tunnel", '["tun"]', "'tun' is not a PermitTunnel value"),
    ("ssh.gateway-ports", '["public"]', "'public' is not a GatewayPorts value"),
    ("ssh.strict-modes", '["strict"]', "'strict' is not a StrictModes value"),
    ("ssh.log-level", '["LOUD"]', "'LOUD' is not a LogLevel value"),
    ("ssh.tcp-forwarding", '["sometimes"]', "'sometimes' is not a AllowTcpForwarding value"),
    ("ssh.agent-forwarding", '["forward"]', "'forward' is not a AllowAgentForwarding value"),
    ("ssh.password-authentication", "[]", "needs at least one value"),
])
def test_allowed_values_must_be_values_sshd_accepts(tmp_path: Path, check_id: str, value: str, message: str) -> None:
    with pytest.raises(ProfileError, match=rf"p\.yaml:5: options\.{check_id}\.allowed: {message}".replace("(", r"\(")
                       .replace(")", r"\)")):
        load(tmp_path, f"options:\n  {check_id}:\n    allowed: {value}\n")


def test_allowed_values_are_compared_as_sshd_prints_them(tmp_path: Path) -> None:
    load(tmp_path, "options:\n  ssh.log-level:\n    allowed: [verbose, INFO]\n"
                   "  ssh.permit-root-login:\n    allowed: [without-password]\n"
                   "  ssh.permit-user-environment:\n    allowed: ['no', 'LANG,LC_*']\n")  # a pattern list is free-form


@pytest.mark.parametrize("check_id, key, value, message", [
    ("ssh.max-auth-tries", "max", "0", "must be at least 1, got 0"),
    ("ssh.login-grace-time", "max", "-5", "must be at least 1, got -5"),
    ("ssh.client-alive", "max_interval", "0", "must be at least 1, got 0"),
    ("ssh.client-alive", "max_count", "three", "expected a number, got"),
    ("ssh.banner", "require_contact", "sometimes", "expected true or false"),
    ("ssh.host-key-permissions", "allowed_groups", "{root: 1}", "expected a list of strings"),
])
def test_limits_and_switches_are_typed(tmp_path: Path, check_id: str, key: str, value: str, message: str) -> None:
    with pytest.raises(ProfileError, match=rf"p\.yaml:5: options\.{check_id}\.{key}: {message}"):
        load(tmp_path, f"options:\n  {check_id}:\n    {key}: {value}\n")


@pytest.mark.parametrize("context, key, message", [
    ("{user: backup, lport: 70000}", "lport", "expected a port number 1-65535, got 70000"),
    ("{user: backup, lport: 22.5}", "lport", "expected a port number 1-65535, got 22.5"),
    ("{user: backup, lport: 0}", "lport", "must be at least 1"),
    ("{user: backup, shell: /bin/sh}", "shell", "unknown key"),
    ("{user: [a, b]}", "user", "expected a string"),
    ("{groups: [staff]}", None, "a Match context needs at least one of user, host, addr, laddr, lport, rdomain"),
])
def test_match_contexts_are_checked(tmp_path: Path, context: str, key: str | None, message: str) -> None:
    where = "collectors.sshd.match_contexts[0]" + (f".{key}" if key else "")
    with pytest.raises(ProfileError, match=rf"{where.replace('[', '.').replace(']', '.')}: {message}"):
        load(tmp_path, f"collectors:\n  sshd:\n    match_contexts:\n      - {context}\n")


def test_a_valid_match_context_loads(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nextends: baseline\ncollectors:\n  sshd:\n    match_contexts:\n"
                    "      - {user: backup, addr: 192.0.2.7, lport: 2222, groups: [staff]}\n")
    contexts = load_profile(str(path), REGISTRY).collector_options(REGISTRY.collectors["sshd"])["match_contexts"]
    assert [context.to_sshd_arg() for context in contexts] == ["user=backup,addr=192.0.2.7,lport=2222"]
    assert contexts[0].lport == 2222 and contexts[0].groups == ("staff",)
