"""Drift between what sshd is configured to do and what the SSH server really offers on the wire.

Both views exist only for ``ssh://`` targets: the configuration (``sshd`` facts, read over
SSH) and the wire audit of the port the auditor logged in through (``ssh_wire`` facts). A
disagreement means the configuration checks judged something other than what runs: a
daemon not reloaded since the file changed, a second sshd, a Match block for the audit's
address, or a different server behind the address. Other targets skip these checks.
"""

from __future__ import annotations

from typing import ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.checks.ssh.algorithms import Category
from auditor.checks.ssh.facts import SshdContext, SshdFacts
from auditor.checks.ssh_wire.facts import PortStatus, SshWireFacts, WirePort
from auditor.models import Finding, Severity

# Names in a KEXINIT that signal extensions, not key exchanges sshd_config lists.
PSEUDO_KEX_PREFIXES = ("ext-info-", "kex-strict-")
# sshd_config switch -> authentication method name on the wire.
AUTH_SWITCHES = {
    "pubkeyauthentication": "publickey",
    "passwordauthentication": "password",
    "kbdinteractiveauthentication": "keyboard-interactive",
    "hostbasedauthentication": "hostbased",
    "gssapiauthentication": "gssapi-with-mic",
}
PASSWORD_METHODS = ("password", "keyboard-interactive")


class _DriftCheck(Check):
    """Base: the wire facts of the port the target is reached on, and the global configuration."""

    facts = (SshdFacts, SshWireFacts)
    scope = Scope.HOST  # host access gives the configuration; the wire view then needs an address
    tags = ("ssh", "wire", "drift")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Compare the two views on the target's SSH port."""
        ports = facts.get(SshWireFacts).ports
        port = next((entry for entry in ports if entry.port == ctx.target.port), None)
        if port is None:
            raise CheckSkipped(f"no wire audit of the SSH port {ctx.target.port}")
        sshd = facts.get(SshdFacts)
        ctx.details["source"] = sshd.source
        if port.status is PortStatus.ERROR:
            ctx.incomplete(f"{port.label}: {port.reason}")
            return []
        if port.kexinit is None:
            raise CheckSkipped(f"{port.label} answers without SSH-2: nothing to compare")
        return self.compare(port, sshd.global_context, sshd.source, ctx)

    def compare(self, port: WirePort, config: SshdContext, source: str, ctx: CheckContext) -> list[Finding]:
        """Findings where the port and the global configuration disagree."""
        raise NotImplementedError


def configured_methods(config: SshdContext) -> set[str]:
    """Methods sshd offers first, per its configuration (switches, narrowed by AuthenticationMethods)."""
    enabled = {method for keyword, method in AUTH_SWITCHES.items()
               if config.value(keyword, "no").lower() == "yes"}
    required = " ".join(config.values("authenticationmethods")).split()
    if not required or required == ["any"]:
        return enabled
    # Only the first method of each list is offered before any partial success.
    return enabled & {chain.split(",")[0].split(":")[0] for chain in required}


class AuthMethodsDrift(_DriftCheck):
    """The authentication methods offered on the wire are the ones sshd's configuration enables.

    A password method offered although the configuration disables it is ``high``: the
    configuration checks passed on a file the server does not follow. Other differences are
    reported at the check's severity (methods offered, not configured) or ``low`` (configured,
    not offered). The wire view asks as the target's user (or ``rifi-auditor``), so a Match
    block for that user or the auditor's address also shows up here.
    """

    id = "ssh-drift.auth-methods"
    title = "Authentication methods on the wire match the configuration"
    severity = Severity.MEDIUM
    measures = ("PRV-3", "PRV-5")
    remediation = ("Reload sshd (systemctl reload ssh) and find the configuration that applies: "
                   "sshd -T -C user=...,addr=...")

    def compare(self, port: WirePort, config: SshdContext, source: str, ctx: CheckContext) -> list[Finding]:
        if port.auth_methods is None:
            ctx.incomplete(f"{port.label}: {port.auth_error}")
            return []
        wire = set(port.auth_methods)
        configured = configured_methods(config)
        evidence = {"wire": ", ".join(sorted(wire)), "configured": ", ".join(sorted(configured)) or "(none)",
                    "user": port.auth_user, "source": source}
        findings = [
            ctx.finding(f"{port.label}:auth/{method}",
                        f"{port.label} offers {method} login although the configuration disables it",
                        severity=Severity.HIGH if method in PASSWORD_METHODS else ctx.severity, evidence=evidence)
            for method in sorted(wire - configured)
        ]
        findings += [
            ctx.finding(f"{port.label}:auth/{method}",
                        f"the configuration enables {method} login but {port.label} does not offer it",
                        severity=Severity.LOW, evidence=evidence)
            for method in sorted(configured - wire)
        ]
        return findings


class AlgorithmsDrift(_DriftCheck):
    """The algorithms offered on the wire are the ones sshd's configuration lists.

    Key exchange, ciphers, MACs and compression must agree both ways; host key algorithms
    only one way (the configuration may allow algorithms for keys the server does not have).
    Offered but not configured gets the check's severity, configured but not offered ``low``.
    """

    id = "ssh-drift.algorithms"
    title = "Algorithms on the wire match the configuration"
    severity = Severity.MEDIUM
    measures = ("PRV-4", "PRV-5")
    remediation = "Reload sshd (systemctl reload ssh), and check that the audited port is served by this sshd."

    # (policy category of the wire offer, sshd -T keyword, compare both ways)
    CATEGORIES: ClassVar[tuple[tuple[Category, str, bool], ...]] = (
        ("kex", "kexalgorithms", True),
        ("cipher", "ciphers", True),
        ("mac", "macs", True),
        ("compression", "compression", True),
        ("hostkey", "hostkeyalgorithms", False),
    )

    def compare(self, port: WirePort, config: SshdContext, source: str, ctx: CheckContext) -> list[Finding]:
        findings = []
        for category, keyword, both_ways in self.CATEGORIES:
            if not config.values(keyword):
                continue  # not in this view of the configuration: nothing to compare
            wire = [name for name in port.offered(category) if not name.startswith(PSEUDO_KEX_PREFIXES)]
            configured = _configured_names(config, keyword)
            evidence = {"setting": keyword, "source": source}
            findings += [
                ctx.finding(f"{port.label}:{category}/{name}",
                            f"{port.label} offers {category} {name}, which the configuration does not list",
                            evidence={**evidence, "configured": ", ".join(configured)})
                for name in wire if name not in configured
            ]
            if both_ways:
                findings += [
                    ctx.finding(f"{port.label}:{category}/{name}",
                                f"the configuration lists {category} {name} but {port.label} does not offer it",
                                severity=Severity.LOW, evidence={**evidence, "wire": ", ".join(wire)})
                    for name in configured if name not in wire
                ]
        return findings


def _configured_names(config: SshdContext, keyword: str) -> list[str]:
    """The names a setting lists; ``Compression yes|delayed|no`` as the names it puts on the wire."""
    value = config.value(keyword)
    if keyword == "compression":
        return ["none"] if value.lower() == "no" else ["none", "zlib@openssh.com"]
    return [name for name in value.split(",") if name]


CHECKS = (AuthMethodsDrift, AlgorithmsDrift)
