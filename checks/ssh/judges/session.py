"""What a logged-in session may do, and how sshd guards and records it: environment, forwarding, logging.

Also the pre-login banner and the detection of dead sessions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from auditor.check import CheckContext, FactSet
from auditor.checks.ssh.facts import BannerText, MissingFile, SshdContext, SshdFacts, UnreadableBanner, UnstattableFile
from auditor.checks.ssh.judges.base import AllowedValue, Problem, SettingCheck, normal, read_limits
from auditor.config.yamlfile import MapReader
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity


class PermitUserEnvironment(AllowedValue):
    """Users cannot set environment variables for sshd through ~/.ssh/environment."""

    id = "ssh.permit-user-environment"
    title = "Users cannot pass environment to sshd"
    severity = Severity.MEDIUM
    measures = ("PRV-5",)
    keyword, setting = "permituserenvironment", "PermitUserEnvironment"
    options = {"allowed": ["no"]}
    choices = ()  # yes, no, or a pattern list of variable names
    why = "users can set variables such as LD_PRELOAD that may bypass access restrictions"
    remediation = "Set 'PermitUserEnvironment no'."


class X11Forwarding(AllowedValue):
    """X11 forwarding is disabled: it exposes the client's display to the server."""

    id = "ssh.x11-forwarding"
    title = "X11 forwarding is disabled"
    severity = Severity.LOW
    measures = ("PRV-5", "PRV-7")
    keyword, setting = "x11forwarding", "X11Forwarding"
    options = {"allowed": ["no"]}
    why = "a compromised server can reach users' X displays (keystrokes, screens)"
    remediation = "Set 'X11Forwarding no' (enable it in a Match block for the users who need it)."


class PermitTunnel(AllowedValue):
    """Layer-2/3 tunnel devices cannot be opened through SSH."""

    id = "ssh.permit-tunnel"
    title = "Tunnel devices are not permitted"
    severity = Severity.MEDIUM
    measures = ("PRV-7",)
    keyword, setting = "permittunnel", "PermitTunnel"
    options = {"allowed": ["no"]}
    choices = ("yes", "point-to-point", "ethernet", "no")
    why = "users can bridge networks through tun/tap devices, bypassing segmentation"
    remediation = "Set 'PermitTunnel no'."


class GatewayPorts(AllowedValue):
    """Remote port forwards bind to loopback only, not to the server's public interfaces."""

    id = "ssh.gateway-ports"
    title = "Forwarded ports are not exposed to the network"
    severity = Severity.LOW
    measures = ("PRV-7",)
    keyword, setting = "gatewayports", "GatewayPorts"
    options = {"allowed": ["no"]}
    choices = ("no", "yes", "clientspecified")
    why = "users can publish internal services on the server's network interfaces"
    remediation = "Set 'GatewayPorts no'."


class StrictModes(AllowedValue):
    """sshd refuses key files and home directories that others can write."""

    id = "ssh.strict-modes"
    title = "StrictModes is on"
    severity = Severity.MEDIUM
    measures = ("PRV-5",)
    keyword, setting = "strictmodes", "StrictModes"
    options = {"allowed": ["yes"]}
    why = "world-writable authorized_keys files or home directories are accepted"
    remediation = "Set 'StrictModes yes'."


class LogLevel(AllowedValue):
    """sshd logs enough to investigate an intrusion (key fingerprints need VERBOSE).

    DEBUG levels are refused too: they log data that may violate users' privacy.
    """

    id = "ssh.log-level"
    title = "sshd logs at INFO or VERBOSE"
    severity = Severity.MEDIUM
    measures = ("RSP-1",)
    keyword, setting = "loglevel", "LogLevel"
    options = {"allowed": ["INFO", "VERBOSE"]}
    choices = ("quiet", "fatal", "error", "info", "verbose", "debug", "debug1", "debug2", "debug3")
    why = "logins cannot be fully reconstructed from the logs (or DEBUG logs too much)"
    remediation = "Set 'LogLevel VERBOSE' so the key used for each login is logged."


class _Forwarding(AllowedValue):
    """Base: a forwarding setting, which DisableForwarding overrides."""

    def problem(self, context: SshdContext, sshd: SshdFacts, options: Mapping[str, Any]) -> Problem | None:
        if normal(context.value("disableforwarding", "no")) == "yes":
            return None
        return super().problem(context, sshd, options)

    def observed(self, context: SshdContext) -> str:
        disabled = context.value("disableforwarding", "no")
        return f"{context.value(self.keyword)} (DisableForwarding {disabled})"


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
    choices = ("yes", "all", "no", "local", "remote")
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


class ClientAlive(SettingCheck):
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

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``max_interval`` (seconds) and ``max_count``: numbers of at least 1."""
        return read_limits(reader, cls.options)

    def observed(self, context: SshdContext) -> str:
        interval = context.value("clientaliveinterval", "0")
        count = context.value("clientalivecountmax", "3")
        return f"ClientAliveInterval {interval}, ClientAliveCountMax {count}"

    def problem(self, context: SshdContext, sshd: SshdFacts, options: Mapping[str, Any]) -> Problem | None:
        expected = (f"ClientAliveInterval 1-{options['max_interval']:g}, "
                    f"ClientAliveCountMax 1-{options['max_count']:g}")
        interval = _number(context.value("clientaliveinterval", "0"))
        count = _number(context.value("clientalivecountmax", "3"))
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


class Banner(SettingCheck):
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

    def problem(self, context: SshdContext, sshd: SshdFacts, options: Mapping[str, Any]) -> Problem | None:
        path = self.observed(context)
        contact = " and a contact" if options["require_contact"] else ""
        expected = "a banner file with an acceptable-use notice" + contact
        if normal(path) in ("", "none"):
            return Problem("no pre-login banner is shown", expected)
        # The collector reads the file the global context names; a Match context's own is not read.
        banner = sshd.banner if sshd.banner.path == path else None
        if isinstance(banner, MissingFile):
            return Problem(f"the banner file {path} does not exist", expected)
        text = banner.text if isinstance(banner, BannerText) else None
        if text is not None and not text.strip():
            return Problem(f"the banner file {path} is empty", expected)
        if options["require_contact"] and text is not None and not _CONTACT.search(text):
            return Problem("the banner names no contact (e-mail or web address) for reporting incidents", expected)
        return None

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """As every setting check; a global banner file that could not be examined is no pass."""
        findings = super().judge(facts, ctx)
        sshd = facts.get(SshdFacts)
        banner, named = sshd.banner, self.observed(sshd.global_context)
        unknown = isinstance(banner, UnstattableFile) or (
            isinstance(banner, UnreadableBanner) and ctx.options["require_contact"])
        if unknown and banner.path == named and not any(f.resource == "sshd:Banner" for f in findings):
            why = f"the banner file {named} could not be examined: {getattr(banner, 'error', '')}".rstrip(": ")
            if not findings:
                raise NotAssessable(why)
            ctx.incomplete(why)
        return findings
