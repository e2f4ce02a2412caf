"""SSH daemon configuration checks, judged from the ``sshd`` facts.

Each check reads one setting in the global context and in every Match context the profile
asks about (``collectors: sshd: match_contexts``). A Match context is reported only where its
value differs from the global one, so a single bad global setting is a single finding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, Scope
from auditor.checks.ssh.algorithms import rate, validate_ssh_algorithms
from auditor.checks.ssh.collector import SshdCollector, SshdView
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity

_TAGS = ("ssh", "sshd-config")
# sshd -T prints PermitRootLogin's "prohibit-password" under its older name.
_ALIASES = {"without-password": "prohibit-password"}


def _normal(value: str) -> str:
    lowered = value.strip().lower()
    return _ALIASES.get(lowered, lowered)


@dataclass(frozen=True)
class Problem:
    """What is wrong with a setting: a sentence and the value expected instead."""

    message: str
    expected: str


class _SshdCheck(Check):
    """Base of the sshd configuration checks: one setting, judged per context."""

    facts = ("sshd",)
    scope = Scope.HOST
    tags = _TAGS
    keyword: ClassVar[str]  # as sshd -T prints it (lowercase)
    setting: ClassVar[str]  # as written in sshd_config, for messages and resources

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """Findings for the global context and for Match contexts that differ from it."""
        view = SshdView(facts["sshd"])
        ctx.details["source"] = view.source
        contexts = view.contexts
        findings = self.findings_for(contexts[0], "sshd", view, ctx)
        for context in contexts[1:]:
            if self.observed(context) != self.observed(contexts[0]):
                findings += self.findings_for(context, f"sshd[{context['label']}]", view, ctx)
        return findings

    def observed(self, context: Mapping[str, Any]) -> str:
        """The setting's value as shown in evidence."""
        return SshdView.value(context, self.keyword)

    def problem(self, context: Mapping[str, Any], options: Mapping[str, Any]) -> Problem | None:
        """What is wrong in one context, or None."""
        raise NotImplementedError

    def findings_for(self, context: Mapping[str, Any], prefix: str, view: SshdView,
                     ctx: CheckContext) -> list[Finding]:
        """The finding (at most one) for one context; algorithm checks return several."""
        problem = self.problem(context, ctx.options)
        if problem is None:
            return []
        evidence = {
            "expected": problem.expected,
            "observed": self.observed(context) or "(not set)",
            "context": context["label"],
            "source": view.source,
        }
        if self.keyword in context.get("defaulted", ()):
            evidence["observed"] += " (built-in default)"
        return [ctx.finding(f"{prefix}:{self.setting}", problem.message, evidence=evidence)]


class _AllowedValue(_SshdCheck):
    """Base: the setting must take one of the values in the ``allowed`` option."""

    why: ClassVar[str]

    def problem(self, context: Mapping[str, Any], options: Mapping[str, Any]) -> Problem | None:
        value = _normal(SshdView.value(context, self.keyword))
        allowed = [_normal(item) for item in options["allowed"]]
        if value in allowed:
            return None
        return Problem(f"{self.setting} is '{value}': {self.why}", " or ".join(allowed))


class PermitRootLogin(_AllowedValue):
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
    why = "root may log in directly over the network"
    remediation = "Set 'PermitRootLogin no' (or 'prohibit-password' where root needs key-based automation)."


class PasswordAuthentication(_AllowedValue):
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


class KbdInteractiveAuthentication(_AllowedValue):
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


class PermitEmptyPasswords(_AllowedValue):
    """Accounts with empty passwords cannot log in."""

    id = "ssh.permit-empty-passwords"
    title = "Empty passwords are refused"
    severity = Severity.CRITICAL
    measures = ("PRV-3",)
    keyword, setting = "permitemptypasswords", "PermitEmptyPasswords"
    options = {"allowed": ["no"]}
    why = "accounts without a password can log in"
    remediation = "Set 'PermitEmptyPasswords no'."


class HostbasedAuthentication(_AllowedValue):
    """Host-based trust (a client host vouching for its users) is disabled."""

    id = "ssh.hostbased-authentication"
    title = "Host-based authentication is disabled"
    severity = Severity.MEDIUM
    measures = ("PRV-3",)
    keyword, setting = "hostbasedauthentication", "HostbasedAuthentication"
    options = {"allowed": ["no"]}
    why = "any user of a trusted client host can log in without credentials of their own"
    remediation = "Set 'HostbasedAuthentication no'."


class IgnoreRhosts(_AllowedValue):
    """Per-user .rhosts and .shosts files are ignored."""

    id = "ssh.ignore-rhosts"
    title = "Per-user rhosts files are ignored"
    severity = Severity.MEDIUM
    measures = ("PRV-3",)
    keyword, setting = "ignorerhosts", "IgnoreRhosts"
    options = {"allowed": ["yes"]}
    why = "users can grant password-less access through their own .rhosts/.shosts files"
    remediation = "Set 'IgnoreRhosts yes'."


class PermitUserEnvironment(_AllowedValue):
    """Users cannot set environment variables for sshd through ~/.ssh/environment."""

    id = "ssh.permit-user-environment"
    title = "Users cannot pass environment to sshd"
    severity = Severity.MEDIUM
    measures = ("PRV-5",)
    keyword, setting = "permituserenvironment", "PermitUserEnvironment"
    options = {"allowed": ["no"]}
    why = "users can set variables such as LD_PRELOAD that may bypass access restrictions"
    remediation = "Set 'PermitUserEnvironment no'."


class X11Forwarding(_AllowedValue):
    """X11 forwarding is disabled: it exposes the client's display to the server."""

    id = "ssh.x11-forwarding"
    title = "X11 forwarding is disabled"
    severity = Severity.LOW
    measures = ("PRV-5", "PRV-7")
    keyword, setting = "x11forwarding", "X11Forwarding"
    options = {"allowed": ["no"]}
    why = "a compromised server can reach users' X displays (keystrokes, screens)"
    remediation = "Set 'X11Forwarding no' (enable it in a Match block for the users who need it)."


class PermitTunnel(_AllowedValue):
    """Layer-2/3 tunnel devices cannot be opened through SSH."""

    id = "ssh.permit-tunnel"
    title = "Tunnel devices are not permitted"
    severity = Severity.MEDIUM
    measures = ("PRV-7",)
    keyword, setting = "permittunnel", "PermitTunnel"
    options = {"allowed": ["no"]}
    why = "users can bridge networks through tun/tap devices, bypassing segmentation"
    remediation = "Set 'PermitTunnel no'."


class GatewayPorts(_AllowedValue):
    """Remote port forwards bind to loopback only, not to the server's public interfaces."""

    id = "ssh.gateway-ports"
    title = "Forwarded ports are not exposed to the network"
    severity = Severity.LOW
    measures = ("PRV-7",)
    keyword, setting = "gatewayports", "GatewayPorts"
    options = {"allowed": ["no"]}
    why = "users can publish internal services on the server's network interfaces"
    remediation = "Set 'GatewayPorts no'."


class StrictModes(_AllowedValue):
    """sshd refuses key files and home directories that others can write."""

    id = "ssh.strict-modes"
    title = "StrictModes is on"
    severity = Severity.MEDIUM
    measures = ("PRV-5",)
    keyword, setting = "strictmodes", "StrictModes"
    options = {"allowed": ["yes"]}
    why = "world-writable authorized_keys files or home directories are accepted"
    remediation = "Set 'StrictModes yes'."


class LogLevel(_AllowedValue):
    """sshd logs enough to investigate an intrusion (key fingerprints need VERBOSE).

    DEBUG levels are refused too: they log data that may violate users' privacy.
    """

    id = "ssh.log-level"
    title = "sshd logs at INFO or VERBOSE"
    severity = Severity.MEDIUM
    measures = ("RSP-1",)
    keyword, setting = "loglevel", "LogLevel"
    options = {"allowed": ["INFO", "VERBOSE"]}
    why = "logins cannot be fully reconstructed from the logs (or DEBUG logs too much)"
    remediation = "Set 'LogLevel VERBOSE' so the key used for each login is logged."


class _Forwarding(_AllowedValue):
    """Base: a forwarding setting, which DisableForwarding overrides."""

    def problem(self, context: Mapping[str, Any], options: Mapping[str, Any]) -> Problem | None:
        if _normal(SshdView.value(context, "disableforwarding", "no")) == "yes":
            return None
        return super().problem(context, options)

    def observed(self, context: Mapping[str, Any]) -> str:
        disabled = SshdView.value(context, "disableforwarding", "no")
        return f"{SshdView.value(context, self.keyword)} (DisableForwarding {disabled})"


class TcpForwarding(_Forwarding):
    """TCP port forwarding is off (DisableForwarding or AllowTcpForwarding).

    Forwarding turns an SSH account into a pivot into internal networks.
    """

    id = "ssh.tcp-forwarding"
    title = "TCP forwarding is disabled"
    severity = Severity.LOW
    measures = ("PRV-7",)
    keyword, setting = "allowtcpforwarding", "AllowTcpForwarding"
    options = {"allowed": ["no"]}
    why = "users can tunnel into networks reachable from this host"
    remediation = "Set 'DisableForwarding yes' (or 'AllowTcpForwarding no'); allow it per Match block where needed."


class AgentForwarding(_Forwarding):
    """ssh-agent forwarding is off: a compromised server could use forwarded keys."""

    id = "ssh.agent-forwarding"
    title = "Agent forwarding is disabled"
    severity = Severity.LOW
    measures = ("PRV-2",)
    keyword, setting = "allowagentforwarding", "AllowAgentForwarding"
    options = {"allowed": ["no"]}
    why = "anyone with root here can use the keys of users who forward their agent"
    remediation = "Set 'AllowAgentForwarding no' (or 'DisableForwarding yes')."


class _AtMost(_SshdCheck):
    """Base: a number of at most ``max``; 0 means unlimited where ``zero_is_unlimited``."""

    zero_is_unlimited: ClassVar[bool] = False
    unit: ClassVar[str] = ""

    def problem(self, context: Mapping[str, Any], options: Mapping[str, Any]) -> Problem | None:
        raw = self.observed(context)
        limit = options["max"]
        expected = f"1-{limit:g}{self.unit}"
        try:
            value = float(raw)
        except ValueError:
            return Problem(f"{self.setting} is '{raw}', not a number", expected)
        if value == 0 and self.zero_is_unlimited:
            return Problem(f"{self.setting} is 0: unlimited", expected)
        if value > limit:
            return Problem(f"{self.setting} is {value:g}{self.unit}, above {limit:g}{self.unit}", expected)
        return None


class MaxAuthTries(_AtMost):
    """Few authentication attempts per connection, to slow down guessing."""

    id = "ssh.max-auth-tries"
    title = "Authentication attempts per connection are limited"
    severity = Severity.MEDIUM
    measures = ("PRV-3",)
    keyword, setting = "maxauthtries", "MaxAuthTries"
    options = {"max": 4}
    remediation = "Set 'MaxAuthTries 4' or lower."


class LoginGraceTime(_AtMost):
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


class ClientAlive(_SshdCheck):
    """Dead client connections are detected and closed (ClientAliveInterval/CountMax).

    Without it, sessions of vanished clients stay open indefinitely.
    """

    id = "ssh.client-alive"
    title = "Unresponsive sessions are closed"
    severity = Severity.LOW
    measures = ("PRV-5",)
    keyword, setting = "clientaliveinterval", "ClientAliveInterval"
    options = {"max_interval": 300, "max_count": 3}
    remediation = "Set 'ClientAliveInterval 300' and 'ClientAliveCountMax 3' (or lower)."

    def observed(self, context: Mapping[str, Any]) -> str:
        interval = SshdView.value(context, "clientaliveinterval", "0")
        count = SshdView.value(context, "clientalivecountmax", "3")
        return f"ClientAliveInterval {interval}, ClientAliveCountMax {count}"

    def problem(self, context: Mapping[str, Any], options: Mapping[str, Any]) -> Problem | None:
        expected = f"ClientAliveInterval 1-{options['max_interval']:g}, ClientAliveCountMax 1-{options['max_count']:g}"
        interval = _number(SshdView.value(context, "clientaliveinterval", "0"))
        count = _number(SshdView.value(context, "clientalivecountmax", "3"))
        if interval is None or count is None:
            return Problem("ClientAlive settings are not numbers", expected)
        if interval == 0 or count == 0:
            return Problem("unresponsive clients are never disconnected", expected)
        if interval > options["max_interval"] or count > options["max_count"]:
            return Problem(f"a dead session stays open for up to {interval * count:g} s", expected)
        return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# An e-mail address or a web address: a place to report a suspected incident.
_CONTACT = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+", re.IGNORECASE)


class Banner(_SshdCheck):
    """A pre-login banner states acceptable use (and, optionally, where to report incidents).

    The banner file must exist and not be empty; with ``require_contact`` it must contain an
    e-mail or web address (toolkit measure AWR-3: a visible contact for reporting incidents).
    """

    id = "ssh.banner"
    title = "A pre-login banner is shown"
    severity = Severity.LOW
    measures = ("AWR-1", "AWR-3")
    keyword, setting = "banner", "Banner"
    options = {"require_contact": False}
    remediation = "Set 'Banner /etc/issue.net' with an acceptable-use notice and a security contact."

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """Besides the setting, judge the banner file the global context names."""
        self._banner = facts["sshd"].get("banner", {})
        return super().judge(facts, ctx)

    def problem(self, context: Mapping[str, Any], options: Mapping[str, Any]) -> Problem | None:
        path = self.observed(context)
        expected = "a banner file with an acceptable-use notice" + (" and a contact" if options["require_contact"] else "")
        if _normal(path) in ("", "none"):
            return Problem("no pre-login banner is shown", expected)
        banner = self._banner if self._banner.get("path") == path else {}
        if banner.get("exists") is False:
            return Problem(f"the banner file {path} does not exist", expected)
        text = banner.get("text")
        if text is not None and not text.strip():
            return Problem(f"the banner file {path} is empty", expected)
        if options["require_contact"] and text is not None and not _CONTACT.search(text):
            return Problem("the banner names no contact (e-mail or web address) for reporting incidents", expected)
        return None


class AllowUsersGroups(_SshdCheck):
    """Logins are limited to named users or groups (AllowUsers / AllowGroups).

    Without them any account on the host, including service accounts, may log in over SSH.
    """

    id = "ssh.allow-users-groups"
    title = "SSH logins are limited to named users or groups"
    severity = Severity.LOW
    measures = ("PRV-2",)
    keyword, setting = "allowgroups", "AllowUsers/AllowGroups"
    remediation = "Set 'AllowGroups ssh-users' (or AllowUsers) and add the people who need SSH to it."

    def observed(self, context: Mapping[str, Any]) -> str:
        users = " ".join(SshdView.values(context, "allowusers"))
        groups = " ".join(SshdView.values(context, "allowgroups"))
        return f"AllowUsers {users or '(none)'}; AllowGroups {groups or '(none)'}"

    def problem(self, context: Mapping[str, Any], options: Mapping[str, Any]) -> Problem | None:
        if SshdView.values(context, "allowusers") or SshdView.values(context, "allowgroups"):
            return None
        return Problem("every account on the host may log in over SSH", "AllowUsers or AllowGroups set")


class _Algorithms(_SshdCheck):
    """Base: each configured algorithm is rated by the profile's ``ssh-algorithms`` policy.

    ``fail`` ratings get the check's severity, ``warn`` ratings ``low``; names the policy does
    not know are reported as ``info`` for review, never silently accepted.
    """

    category: ClassVar[str]
    policies = ("ssh-algorithms",)
    severity = Severity.MEDIUM
    measures = ("PRV-4",)

    def findings_for(self, context: Mapping[str, Any], prefix: str, view: SshdView,
                     ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("ssh-algorithms")
        names = filter(None, self.observed(context).split(","))
        return [
            ctx.finding(
                f"{prefix}:{self.setting}/{rating.algorithm}",
                f"{self.setting} offers {rating.algorithm}: {rating.explanation}",
                severity=rating.severity(ctx.severity),
                evidence={"verdict": rating.verdict, "reason": rating.reason, "policy": policy["policy"],
                          "context": context["label"], "source": view.source},
            )
            for rating in rate(policy, self.category, names)
        ]


class Ciphers(_Algorithms):
    """Configured ciphers are rated acceptable by the SSH algorithm policy."""

    id = "ssh.ciphers"
    title = "Only strong ciphers are configured"
    keyword, setting, category = "ciphers", "Ciphers", "cipher"
    remediation = "Remove the flagged ciphers: 'Ciphers -<name>' or list only AEAD/CTR ciphers."


class Macs(_Algorithms):
    """Configured MACs are rated acceptable by the SSH algorithm policy."""

    id = "ssh.macs"
    title = "Only strong MACs are configured"
    keyword, setting, category = "macs", "MACs", "mac"
    remediation = "Prefer encrypt-then-MAC SHA-2 MACs; remove the flagged ones with 'MACs -<name>'."


class KexAlgorithms(_Algorithms):
    """Configured key exchange algorithms are rated acceptable by the SSH algorithm policy."""

    id = "ssh.kex-algorithms"
    title = "Only strong key exchange algorithms are configured"
    keyword, setting, category = "kexalgorithms", "KexAlgorithms", "kex"
    remediation = "Prefer post-quantum hybrid key exchange; remove the flagged ones with 'KexAlgorithms -<name>'."


class HostKeyAlgorithms(_Algorithms):
    """Configured host key signature algorithms are rated acceptable by the SSH algorithm policy."""

    id = "ssh.host-key-algorithms"
    title = "Only strong host key algorithms are configured"
    keyword, setting, category = "hostkeyalgorithms", "HostKeyAlgorithms", "hostkey"
    remediation = "Offer Ed25519 and RSA-SHA2 host keys; remove the flagged ones with 'HostKeyAlgorithms -<name>'."


class HostKeyPermissions(Check):
    """Private host keys are owned by root and readable by nobody else.

    A readable host key lets anyone impersonate this server; a missing one that the config
    names means sshd runs with fewer keys than intended. Group read is accepted for the
    groups in ``allowed_groups`` (Fedora and RHEL use ``ssh_keys``).
    """

    id = "ssh.host-key-permissions"
    title = "Host private keys are protected"
    severity = Severity.HIGH
    measures = ("PRV-4", "PRV-5")
    facts = ("sshd",)
    tags = _TAGS
    options = {"allowed_groups": ["root", "ssh_keys"]}
    remediation = "chown root:root the key files and chmod 600 them (640 with group ssh_keys where the OS uses it)."

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """One finding per host key file that is missing, unreadable to stat, or too open."""
        keys = facts["sshd"].get("host_keys", [])
        if not keys:
            raise CheckSkipped("sshd lists no host key files")
        unknown = [key["path"] for key in keys if key.get("exists") is None]
        if unknown:
            raise NotAssessable(f"cannot stat {', '.join(unknown)} (run as root)")
        findings = []
        for key in keys:
            problem = _key_problem(key, ctx.options["allowed_groups"])
            if problem:
                evidence = {"expected": "owner root, mode 0600 (or 0640 for an allowed group)",
                            "observed": _key_observed(key)}
                findings.append(ctx.finding(f"file:{key['path']}", problem, evidence=evidence))
        return findings


def _key_observed(key: Mapping[str, Any]) -> str:
    if not key.get("exists"):
        return "missing"
    return f"{key['owner']}:{key['group']} {key['mode']}"


def _key_problem(key: Mapping[str, Any], allowed_groups: list[str]) -> str | None:
    path = key["path"]
    if not key.get("exists"):
        return f"host key {path} named in the configuration does not exist"
    mode = int(key["mode"], 8)
    if key["uid"] != 0:
        return f"host key {path} is owned by {key['owner']}, not root"
    if mode & 0o007:
        return f"host key {path} is accessible to every user (mode {key['mode']})"
    if mode & 0o070 and (mode & 0o030 or key["group"] not in allowed_groups):
        return f"host key {path} is accessible to group {key['group']} (mode {key['mode']})"
    return None


CHECKS = (
    PermitRootLogin, PasswordAuthentication, KbdInteractiveAuthentication, PermitEmptyPasswords,
    HostbasedAuthentication, IgnoreRhosts, PermitUserEnvironment, X11Forwarding, PermitTunnel,
    GatewayPorts, StrictModes, LogLevel, TcpForwarding, AgentForwarding, MaxAuthTries,
    LoginGraceTime, ClientAlive, Banner, AllowUsersGroups, Ciphers, Macs, KexAlgorithms,
    HostKeyAlgorithms, HostKeyPermissions,
)
COLLECTORS = (SshdCollector(),)
POLICIES = {"ssh-algorithms": validate_ssh_algorithms}
