"""Cryptography of the daemon: the algorithms it is told to offer, and the protection of its host keys."""

from __future__ import annotations

from typing import ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, FactSet
from auditor.checks.ssh.algorithms import Category, rate
from auditor.checks.ssh.facts import HostKeyFile, SshdContext, SshdFacts, StatFile, UnstattableFile
from auditor.checks.ssh.judges.base import TAGS, SettingCheck
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity


class _Algorithms(SettingCheck):
    """Base: each configured algorithm is rated by the profile's ``ssh-algorithms`` policy.

    ``fail`` ratings get the check's severity, ``warn`` ratings ``low``; names the policy does
    not know are reported as ``info`` for review, never silently accepted.
    """

    category: ClassVar[Category]
    policies = ("ssh-algorithms",)
    severity = Severity.MEDIUM
    measures = ("PRV-4",)

    def findings_for(self, context: SshdContext, prefix: str, sshd: SshdFacts, ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("ssh-algorithms")
        names = filter(None, self.observed(context).split(","))
        return [
            ctx.finding(
                f"{prefix}:{self.setting}/{rating.algorithm}",
                f"{self.setting} offers {rating.algorithm}: {rating.explanation}",
                severity=rating.severity(ctx.severity),
                evidence={"verdict": rating.verdict, "reason": rating.reason, "policy": policy["policy"],
                          "context": context.label, "source": sshd.source},
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
    facts = (SshdFacts,)
    tags = TAGS
    options = {"allowed_groups": ["root", "ssh_keys"]}
    remediation = ("chown root:root the key files and chmod 600 them "
                   "(640 with group ssh_keys where the OS uses it).")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per host key file that is missing, unreadable to stat, or too open."""
        keys = facts.get(SshdFacts).host_keys
        if not keys:
            raise CheckSkipped("sshd lists no host key files")
        unknown = [key.path for key in keys if isinstance(key, UnstattableFile)]
        if unknown:
            raise NotAssessable(f"cannot stat {', '.join(unknown)} (run as root)")
        findings = []
        for key in keys:
            problem = _key_problem(key, ctx.options["allowed_groups"])
            if problem:
                evidence = {"expected": "owner root, mode 0600 (or 0640 for an allowed group)",
                            "observed": _key_observed(key)}
                findings.append(ctx.finding(f"file:{key.path}", problem, evidence=evidence))
        return findings


def _key_observed(key: HostKeyFile) -> str:
    if not isinstance(key, StatFile):
        return "missing"
    return f"{key.owner}:{key.group} {key.mode}"


def _key_problem(key: HostKeyFile, allowed_groups: list[str]) -> str | None:
    path = key.path
    if not isinstance(key, StatFile):
        return f"host key {path} named in the configuration does not exist"
    mode = int(key.mode, 8)
    if key.uid != 0:
        return f"host key {path} is owned by {key.owner}, not root"
    if mode & 0o007:
        return f"host key {path} is accessible to every user (mode {key.mode})"
    if mode & 0o070 and (mode & 0o030 or key.group not in allowed_groups):
        return f"host key {path} is accessible to group {key.group} (mode {key.mode})"
    return None
