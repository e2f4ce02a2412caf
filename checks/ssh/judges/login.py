"""Who may log in over SSH, and how: root, passwords, host-based trust, named users, attempts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.checks.ssh.facts import SshdContext, SshdFacts
from auditor.checks.ssh.judges.base import AllowedValue, AtMost, Problem, SettingCheck
from auditor.models import Severity


class PermitRootLogin(AllowedValue):
    """Root must not log in with a password over SSH.

    Direct root login hides who acted and makes root's password a network-facing secret.
    Administrators log in as themselves and escalate with sudo.
    """

    id = "ssh.permit-root-login"
    title = "Root cannot log in with a password"
    severity = Severity.HIGH
    measures = ("PRV-2", "PRV-3")
    keyword, setting = "permitrootlogin", "PermitRootLogin"
    options = {"allowed": ["no", "prohibit-password", "forced-commands-only"]}
    choices = ("yes", "prohibit-password", "forced-commands-only", "no")
    why = "root may log in directly over the network"
    remediation = "Set 'PermitRootLogin no' (or 'prohibit-password' where root needs key-based automation)."


class PasswordAuthentication(AllowedValue):
    """Passwords are not accepted over the network.

    Password logins are what credential stuffing, phishing and brute force feed on; keys or
    certificates (with multi-factor where possible) are what the toolkit asks for.
    """

    id = "ssh.password-authentication"
    title = "Password authentication is disabled"
    severity = Severity.HIGH
    measures = ("PRV-3",)
    keyword, setting = "passwordauthentication", "PasswordAuthentication"
    options = {"allowed": ["no"]}
    why = "passwords are accepted over the network"
    remediation = "Set 'PasswordAuthentication no' and use SSH keys or certificates."


class KbdInteractiveAuthentication(AllowedValue):
    """Keyboard-interactive authentication is off unless it carries a second factor.

    With PAM, keyboard-interactive usually means a password prompt by another name.
    Sites that use it for OTP/MFA can allow it in their profile.
    """

    id = "ssh.kbd-interactive-authentication"
    title = "Keyboard-interactive authentication is disabled"
    severity = Severity.MEDIUM
    measures = ("PRV-3",)
    keyword, setting = "kbdinteractiveauthentication", "KbdInteractiveAuthentication"
    options = {"allowed": ["no"]}
    why = "password prompts through PAM are accepted"
    remediation = "Set 'KbdInteractiveAuthentication no' unless it is used only for a second factor."


class PermitEmptyPasswords(AllowedValue):
    """Accounts with empty passwords cannot log in."""

    id = "ssh.permit-empty-passwords"
    title = "Empty passwords are refused"
    severity = Severity.CRITICAL
    measures = ("PRV-3",)
    keyword, setting = "permitemptypasswords", "PermitEmptyPasswords"
    options = {"allowed": ["no"]}
    why = "accounts without a password can log in"
    remediation = "Set 'PermitEmptyPasswords no'."


class HostbasedAuthentication(AllowedValue):
    """Host-based trust (a client host vouching for its users) is disabled."""

    id = "ssh.hostbased-authentication"
    title = "Host-based authentication is disabled"
    severity = Severity.MEDIUM
    measures = ("PRV-3",)
    keyword, setting = "hostbasedauthentication", "HostbasedAuthentication"
    options = {"allowed": ["no"]}
    why = "any user of a trusted client host can log in without credentials of their own"
    remediation = "Set 'HostbasedAuthentication no'."


class IgnoreRhosts(AllowedValue):
    """Per-user .rhosts and .shosts files are ignored."""

    id = "ssh.ignore-rhosts"
    title = "Per-user rhosts files are ignored"
    severity = Severity.MEDIUM
    measures = ("PRV-3",)
    keyword, setting = "ignorerhosts", "IgnoreRhosts"
    options = {"allowed": ["yes"]}
    why = "users can grant password-less access through their own .rhosts/.shosts files"
    remediation = "Set 'IgnoreRhosts yes'."


class AllowUsersGroups(SettingCheck):
    """Logins are limited to named users or groups (AllowUsers / AllowGroups).

    Without them any account on the host, including service accounts, may log in over SSH.
    """

    id = "ssh.allow-users-groups"
    title = "SSH logins are limited to named users or groups"
    severity = Severity.LOW
    measures = ("PRV-2",)
    keyword, setting = "allowgroups", "AllowUsers/AllowGroups"
    remediation = "Set 'AllowGroups ssh-users' (or AllowUsers) and add the people who need SSH to it."

    def observed(self, context: SshdContext) -> str:
        users = " ".join(context.values("allowusers"))
        groups = " ".join(context.values("allowgroups"))
        return f"AllowUsers {users or '(none)'}; AllowGroups {groups or '(none)'}"

    def problem(self, context: SshdContext, sshd: SshdFacts, options: Mapping[str, Any]) -> Problem | None:
        if context.values("allowusers") or context.values("allowgroups"):
            return None
        return Problem("every account on the host may log in over SSH", "AllowUsers or AllowGroups set")


class MaxAuthTries(AtMost):
    """Few authentication attempts per connection, to slow down guessing."""

    id = "ssh.max-auth-tries"
    title = "Authentication attempts per connection are limited"
    severity = Severity.MEDIUM
    measures = ("PRV-3",)
    keyword, setting = "maxauthtries", "MaxAuthTries"
    options = {"max": 4}
    remediation = "Set 'MaxAuthTries 4' or lower."


class LoginGraceTime(AtMost):
    """Unauthenticated connections are dropped quickly, so they cannot exhaust MaxStartups."""

    id = "ssh.login-grace-time"
    title = "Unauthenticated connections time out quickly"
    severity = Severity.LOW
    measures = ("PRV-5",)
    keyword, setting = "logingracetime", "LoginGraceTime"
    options = {"max": 60}
    zero_is_unlimited = True
    unit = " s"
    remediation = "Set 'LoginGraceTime 60' or lower (not 0)."
