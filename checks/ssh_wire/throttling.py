"""The SSH connection throttling check, judged from the ``ssh_wire`` throttling probe."""

from __future__ import annotations

from auditor.check import CheckContext, CheckSkipped, FactSet
from auditor.checks.ssh_wire.facts import PortStatus, SshWireFacts
from auditor.checks.ssh_wire.judges import _WireCheck
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity


class ConnectionThrottling(_WireCheck):
    """One client cannot hold many unauthenticated connections at once (DHEat, CVE-2002-20001).

    Each unauthenticated connection costs the server a process and, once the client asks, a
    Diffie-Hellman computation; without a limit one client can exhaust it (DHEat) and crowd out
    the administrators' own logins. The collector holds up to ``throttle_probe`` connections (10,
    at most 12) without logging in: the server must refuse one before all are held (OpenSSH:
    ``PerSourceMaxStartups``, ``MaxStartups`` with a start below that number, or
    ``PerSourcePenalties``; or a firewall connection limit). OpenSSH's default (``MaxStartups
    10:30:100``, no per-source limit) lets one client hold ten: a finding, as ssh-audit reports.
    A probe that could not tell (a timeout) is ``not-assessable``, never a pass.
    """

    id = "ssh-wire.connection-throttling"
    title = "Unauthenticated connections per client are limited"
    severity = Severity.MEDIUM
    measures = ("PRV-5", "PRV-6")
    needs_ssh2 = False
    remediation = ("Limit unauthenticated connections per client: 'PerSourceMaxStartups 4' (OpenSSH 8.5+) "
                   "and 'MaxStartups 10:30:60' in sshd_config, or a firewall connection limit (nftables ct count).")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """A finding per port that let the probe hold every connection; the probe's words in the details."""
        ports = [port for port in facts.get(SshWireFacts).ports if port.status is PortStatus.OK]
        if ports and all(port.throttle is None for port in ports):
            raise CheckSkipped("connection throttling not probed (collectors: ssh_wire: throttle_probe: 0)")
        findings: list[Finding] = []
        unknown = []
        for port in ports:
            probe = port.throttle
            if probe is None:
                continue
            ctx.details[port.label] = probe.detail
            if probe.refused is None:
                unknown.append(f"{port.label}: {probe.detail}")
            elif not probe.refused:
                findings.append(ctx.finding(
                    f"{port.label}:throttling",
                    f"{port.label} let one client hold {probe.held} unauthenticated connections at once",
                    evidence={"expected": f"a refusal before {probe.connections} connections",
                              "observed": probe.detail}))
        probed = [port.label for port in ports if port.throttle is not None and port.throttle.refused is not None]
        ctx.details["ports"] = ", ".join(probed) or "none"
        judged = len(probed)
        for port in facts.get(SshWireFacts).ports:
            if port.status is PortStatus.ERROR:
                ctx.incomplete(f"{port.label}: {port.reason}")
        if unknown and not judged and not ctx.problems:
            raise NotAssessable("; ".join(unknown))
        for reason in unknown:
            ctx.incomplete(reason)
        return findings


CHECKS = (ConnectionThrottling,)
