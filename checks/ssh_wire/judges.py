"""SSH wire checks: what an SSH server offers to anyone who connects, judged from ``ssh_wire`` facts.

They run on every target reachable over the network (``HOST``, ``HOST:PORT``, ``ssh://``) and
judge each port where an SSH server answered. A port that should have answered and did not
(a named or discovered port that is closed, silent, or not SSH) makes every check ``error``
with the port's reason, while the findings on the other ports are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.checks.ssh.algorithms import Category, rate
from auditor.checks.ssh_wire.collector import SshWireCollector
from auditor.checks.ssh_wire.facts import GexProbe, PortStatus, SshWireFacts, WirePort
from auditor.models import Finding, Severity

_TAGS = ("ssh", "wire")
TERRAPIN_CIPHER = "chacha20-poly1305@openssh.com"


def sized(bits: int, limits: Mapping[str, Any] | None, fail_severity: Severity) -> tuple[str, Severity] | None:
    """(verdict, severity) of a key or modulus size against ``{fail_below, warn_below}``; None if fine."""
    limits = limits or {}
    if bits < limits.get("fail_below", 0):
        return "fail", fail_severity
    if bits < limits.get("warn_below", 0):
        return "warn", Severity.LOW
    return None


class _WireCheck(Check):
    """Base: judge each port where an SSH server answered; a port in error makes the result incomplete."""

    facts = (SshWireFacts,)
    scope = Scope.NETWORK
    tags = _TAGS
    needs_ssh2: ClassVar[bool] = True  # SSH-1-only servers have no SSH-2 offer to judge

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings of every answering port; reasons of the ports in error."""
        findings: list[Finding] = []
        judged = []
        for port in facts.get(SshWireFacts).ports:
            if port.status is PortStatus.ERROR:
                ctx.incomplete(f"{port.label}: {port.reason}")
            elif port.status is PortStatus.OK and (port.kexinit is not None or not self.needs_ssh2):
                judged.append(port.label)
                findings += self.judge_port(port, ctx)
        ctx.details["ports"] = ", ".join(judged) or "none"
        if not judged and not ctx.problems:  # e.g. an SSH-1-only server: no SSH-2 offer was examined
            raise CheckSkipped("no port with an SSH-2 server to judge")
        return findings

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        """Findings on one port whose server answered."""
        raise NotImplementedError


class _Algorithms(_WireCheck):
    """Base: every algorithm offered in one category is rated by the profile's ``ssh-algorithms`` policy.

    ``fail`` ratings get the check's severity, ``warn`` ratings ``low``; names the policy does
    not know are reported as ``info`` for review, never silently accepted.
    """

    category: ClassVar[Category]  # policy category, also the resource segment
    label: ClassVar[str]
    policies = ("ssh-algorithms",)
    severity = Severity.MEDIUM
    measures = ("PRV-4",)

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("ssh-algorithms")
        return [
            ctx.finding(
                f"{port.label}:{self.category}/{rating.algorithm}",
                f"{port.label} offers {self.label} {rating.algorithm}: {rating.explanation}",
                severity=rating.severity(ctx.severity),
                evidence={"verdict": rating.verdict, "reason": rating.reason, "policy": policy["policy"]},
            )
            for rating in rate(policy, self.category, port.offered(self.category))
        ]


class KexAlgorithms(_Algorithms):
    """Key exchange algorithms offered on the wire are rated acceptable by the SSH algorithm policy.

    Pseudo-algorithms (``ext-info-s``, ``kex-strict-s-v00@openssh.com``) are rated ok by the
    shipped policies.
    """

    id = "ssh-wire.kex-algorithms"
    title = "Only strong key exchange algorithms are offered"
    category, label = "kex", "key exchange"
    remediation = "Remove the flagged key exchanges ('KexAlgorithms -<name>' in sshd_config) and reload sshd."


class HostKeyAlgorithms(_Algorithms):
    """Host key signature algorithms offered on the wire are rated acceptable by the policy."""

    id = "ssh-wire.host-key-algorithms"
    title = "Only strong host key algorithms are offered"
    category, label = "hostkey", "host key algorithm"
    remediation = "Offer Ed25519 and RSA-SHA2 host keys; remove the flagged ones ('HostKeyAlgorithms -<name>')."


class Ciphers(_Algorithms):
    """Ciphers offered on the wire (either direction) are rated acceptable by the policy."""

    id = "ssh-wire.ciphers"
    title = "Only strong ciphers are offered"
    category, label = "cipher", "cipher"
    remediation = "Remove the flagged ciphers ('Ciphers -<name>'); offer only AEAD and CTR ciphers."


class Macs(_Algorithms):
    """MACs offered on the wire (either direction) are rated acceptable by the policy."""

    id = "ssh-wire.macs"
    title = "Only strong MACs are offered"
    category, label = "mac", "MAC"
    remediation = "Offer encrypt-then-MAC SHA-2 MACs; remove the flagged ones ('MACs -<name>')."


class Compression(_Algorithms):
    """Compression offered on the wire is rated acceptable by the policy.

    Plain ``zlib`` decompresses data from clients that have not authenticated yet.
    """

    id = "ssh-wire.compression"
    title = "No compression before authentication"
    category, label = "compression", "compression"
    severity = Severity.LOW
    measures = ("PRV-5",)
    remediation = "Set 'Compression delayed' (or 'no') in sshd_config."


class HostKeySize(_WireCheck):
    """RSA and DSA host keys are at least the policy's ``rsa_min_bits``.

    Sizes below ``fail_below`` get the check's severity, below ``warn_below`` ``low``. With the
    default ``host_key_types: preferred`` only the key a typical client gets is read; set
    ``collectors: ssh_wire: host_key_types: all`` (as the strict profile does) to size every key.
    """

    id = "ssh-wire.host-key-size"
    title = "Host keys are large enough"
    severity = Severity.HIGH
    measures = ("PRV-4",)
    policies = ("ssh-algorithms",)
    remediation = ("Generate a new host key (ssh-keygen -t ed25519, or -t rsa -b 3072), configure it "
                   "and remove the small one.")

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("ssh-algorithms")
        if port.host_key_notes:
            ctx.details[f"{port.label} note"] = "; ".join(port.host_key_notes)
        for error in port.host_key_errors:
            ctx.incomplete(f"{port.label}: host key not read: {error}")
        if not port.host_keys and not port.host_key_errors:
            ctx.incomplete(f"{port.label}: no host key read")
        findings = []
        for key in port.host_keys:
            verdict = sized(key.bits, policy.get("rsa_min_bits"), ctx.severity) \
                if key.type in ("ssh-rsa", "ssh-dss") and key.bits else None
            if verdict is None:
                continue
            limits = policy["rsa_min_bits"]
            findings.append(ctx.finding(
                f"{port.label}:key/{key.type}",
                f"{port.label} has a {key.bits}-bit {key.type} host key",
                severity=verdict[1],
                evidence={"verdict": verdict[0], "observed": f"{key.bits} bits",
                          "expected": f"at least {limits.get('warn_below', limits.get('fail_below'))} bits",
                          "fingerprint": key.fingerprint, "policy": policy["policy"]},
            ))
        return findings


class PasswordLogin(_WireCheck):
    """No password-style login is offered to the network, and none is accepted without authentication.

    The methods come from the server's answer to a ``none`` authentication request, the same
    list every client sees before it logs in. ``password`` and ``keyboard-interactive``
    (options: ``forbidden``) mean passwords can be guessed from anywhere the port is reachable.
    A server that accepts ``none`` lets anyone in: that is ``critical``.
    """

    id = "ssh-wire.password-login"
    title = "No password login is offered from the network"
    severity = Severity.HIGH
    measures = ("PRV-3",)
    options = {"forbidden": ["password", "keyboard-interactive"]}
    remediation = "Set 'PasswordAuthentication no' and 'KbdInteractiveAuthentication no'; use keys or certificates."

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        if port.auth_none_accepted:
            return [ctx.finding(f"{port.label}:auth/none",
                                f"{port.label} lets user '{port.auth_user}' in without authenticating",
                                severity=Severity.CRITICAL, evidence={"user": port.auth_user})]
        if port.auth_methods is None:
            ctx.incomplete(f"{port.label}: {port.auth_error}")
            return []
        offered_methods = ", ".join(port.auth_methods)
        return [
            ctx.finding(f"{port.label}:auth/{method}", f"{port.label} offers {method} login",
                        evidence={"offered": offered_methods, "user": port.auth_user,
                                  "expected": "publickey (or other key-based methods) only"})
            for method in port.auth_methods
            if method in ctx.options["forbidden"]
        ]


class Terrapin(_WireCheck):
    """The server is not open to the Terrapin prefix truncation attack (CVE-2023-48795).

    Judged from the offer, not from a version string: chacha20-poly1305, or a CBC cipher
    together with an encrypt-then-MAC MAC, offered without the strict key exchange marker
    ``kex-strict-s-v00@openssh.com``.
    """

    id = "ssh-wire.terrapin"
    title = "Not exposed to the Terrapin attack"
    severity = Severity.MEDIUM
    measures = ("PRV-4",)
    remediation = ("Update the SSH server to a release with strict key exchange, or remove chacha20-poly1305 "
                   "and CBC+ETM combinations.")

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        if port.strict_kex:
            return []
        ciphers = port.offered("cipher")
        macs = port.offered("mac")
        exposed = [name for name in ciphers if name == TERRAPIN_CIPHER]
        cbc = [name for name in ciphers if "-cbc" in name]
        etm = [name for name in macs if name.endswith("-etm@openssh.com")]
        if cbc and etm:
            exposed += cbc + etm
        if not exposed:
            return []
        return [ctx.finding(f"{port.label}:terrapin",
                            f"{port.label} is open to Terrapin (CVE-2023-48795): no strict key exchange",
                            evidence={"offered": exposed, "strict_kex": "not offered"})]


class ProtocolVersion(_WireCheck):
    """SSH protocol 1 is not offered (identification ``SSH-1.x``, or ``SSH-1.99`` for both).

    Protocol 1 has been broken for two decades (CRC-32 integrity, session hijacking).
    """

    id = "ssh-wire.protocol-1"
    title = "SSH protocol 1 is not offered"
    severity = Severity.HIGH
    measures = ("PRV-4",)
    needs_ssh2 = False
    remediation = "Replace or reconfigure the SSH server so it speaks protocol 2 only."

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        version = port.protocol_version or ""
        if not version.startswith("1."):
            return []
        return [ctx.finding(f"{port.label}:protocol", f"{port.label} offers SSH protocol 1 (SSH-{version})",
                            evidence={"observed": port.banner, "expected": "SSH-2.0"})]


class GexModulus(_WireCheck):
    """The DH group exchange hands out no group smaller than the policy's ``rsa_min_bits``.

    Judged only when the collector probed it (``collectors: ssh_wire: gex_probe: true``): the
    probe asks for a group of at least 1024 bits, as a weak client would, and records the
    size the server picks. Finite-field DH moduli share RSA's size thresholds (NIST SP 800-57).
    """

    id = "ssh-wire.dh-gex-modulus"
    title = "DH group exchange uses large groups"
    severity = Severity.MEDIUM
    measures = ("PRV-4",)
    policies = ("ssh-algorithms",)
    remediation = "Remove small groups from /etc/ssh/moduli (keep lines whose fifth field is 3071 or more)."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Skipped unless the collector probed the group exchange."""
        if all(port.status is not PortStatus.OK or port.gex is None for port in facts.get(SshWireFacts).ports):
            raise CheckSkipped("DH group exchange not probed (set collectors: ssh_wire: gex_probe: true)")
        return super().judge(facts, ctx)

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        gex = port.gex
        if not isinstance(gex, GexProbe):
            return []  # not probed here, or no group exchange offered
        if gex.modulus_bits is None:
            ctx.incomplete(f"{port.label}: DH group exchange probe failed: {gex.error}")
            return []
        policy = ctx.policy("ssh-algorithms")
        verdict = sized(gex.modulus_bits, policy.get("rsa_min_bits"), ctx.severity)
        if verdict is None:
            return []
        return [ctx.finding(f"{port.label}:gex/{gex.algorithm}",
                            f"{port.label} hands out a {gex.modulus_bits}-bit DH group "
                            f"to a client asking for {gex.requested[0]} bits or more",
                            severity=verdict[1],
                            evidence={"verdict": verdict[0], "observed": f"{gex.modulus_bits} bits",
                                      "requested": "min/preferred/max " + "/".join(map(str, gex.requested)),
                                      "policy": policy["policy"]})]


class BannerDisclosure(_WireCheck):
    """The identification line does not add operating system or patch-level details.

    Reported as ``info``: the text after the software version (Debian and Ubuntu add their
    package revision) tells an attacker which updates are missing without any probing. The
    software version itself is recorded but not judged (no vulnerability guessing from it).
    """

    id = "ssh-wire.banner-disclosure"
    title = "The SSH identification does not disclose the patch level"
    severity = Severity.INFO
    measures = ("PRV-5",)
    needs_ssh2 = False
    remediation = "On Debian and Ubuntu set 'DebianBanner no' in sshd_config."

    def judge_port(self, port: WirePort, ctx: CheckContext) -> list[Finding]:
        if not port.comments:
            return []
        return [ctx.finding(f"{port.label}:banner",
                            f"{port.label} identifies itself as '{port.banner}'",
                            evidence={"observed": port.comments, "software": port.software,
                                      "expected": "no text after the software version"})]


CHECKS = (
    KexAlgorithms, HostKeyAlgorithms, Ciphers, Macs, Compression, HostKeySize, PasswordLogin, Terrapin,
    ProtocolVersion, GexModulus, BannerDisclosure,
)
COLLECTORS = (SshWireCollector(),)
