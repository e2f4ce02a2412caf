"""Checks on the probes of known TLS flaws (Heartbleed, CCS injection, ROBOT, client renegotiation) and OCSP stapling.

A probe that could not conclude (a timeout, a refused hello) is no pass: when no endpoint
could be judged the check is ``not-assessable`` with the reasons; when some could, the others
make the result ``error`` while the judged ones keep their findings. Facts from a version of
the auditor without the probes are ``not-assessable`` too.
"""

from __future__ import annotations

from typing import ClassVar

from auditor.check import CheckContext, CheckSkipped, FactSet
from auditor.checks.tls.facts import TlsEndpoint, TlsFacts, VulnerabilityProbe, VulnerabilityScan
from auditor.checks.tls.judges.base import TlsCheck, resource, tls_endpoints
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity

VULNERABILITY_MEASURES = ("PRV-6", "PRV-4")  # a flaw to patch, in the encryption of data in transit


class _Vulnerability(TlsCheck):
    """Base: one probe's verdict per endpoint."""

    aspect: ClassVar[str]
    what: ClassVar[str]
    measures: ClassVar[tuple[str, ...]] = VULNERABILITY_MEASURES

    def probe(self, scan: VulnerabilityScan) -> VulnerabilityProbe:
        """This check's probe."""
        raise NotImplementedError

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """A finding per vulnerable endpoint; inconclusive probes are never a pass."""
        findings: list[Finding] = []
        judged, unknown = 0, []
        for endpoint in tls_endpoints(facts.get(TlsFacts), ctx):
            label = f"tcp/{endpoint.port}"
            if endpoint.vulnerabilities is None:
                unknown.append(f"{label}: not probed (facts collected without vulnerability probes)")
                continue
            probe = self.probe(endpoint.vulnerabilities)
            ctx.details[label] = f"{probe.state}: {probe.detail}"
            if probe.state == "inconclusive":
                unknown.append(f"{label}: {probe.detail}")
                continue
            judged += 1
            if probe.state == "vulnerable":
                findings.append(self.finding(endpoint, probe, ctx))
        if unknown and not judged and not ctx.problems:
            raise NotAssessable("; ".join(unknown))
        for reason in unknown:
            ctx.incomplete(reason)
        return findings

    def finding(self, endpoint: TlsEndpoint, probe: VulnerabilityProbe, ctx: CheckContext) -> Finding:
        """The finding for a vulnerable endpoint."""
        return ctx.finding(resource(endpoint, self.aspect), f"port {endpoint.port} {self.what}",
                           evidence={"observed": probe.detail})


class Heartbleed(_Vulnerability):
    """The server does not leak memory through malformed heartbeats (Heartbleed, CVE-2014-0160).

    Probed only when the server accepts the heartbeat extension, with a one-byte over-read: a
    heartbeat request claiming one byte of payload and carrying none (sslyze and testssl ask for
    more). A vulnerable server's answer is read and dropped, never stored or printed. Anything it
    held in memory (private keys, passwords, session cookies) must be presumed stolen: patch,
    then replace the key and certificate and revoke the old one (RCV-4).
    """

    id = "tls.heartbleed"
    title = "Not vulnerable to Heartbleed"
    severity = Severity.CRITICAL
    measures = ("PRV-6", "PRV-4", "RCV-4")
    aspect, what = "vuln/heartbleed", "is vulnerable to Heartbleed (CVE-2014-0160): it leaks memory"
    remediation = ("Update OpenSSL (1.0.1g or later) and restart the service; then issue a new key and "
                   "certificate, revoke the old one and reset credentials that passed through the server.")

    def probe(self, scan: VulnerabilityScan) -> VulnerabilityProbe:
        """The Heartbleed probe."""
        return scan.heartbleed


class CcsInjection(_Vulnerability):
    """The server refuses an early ChangeCipherSpec (CCS injection, CVE-2014-0224).

    A vulnerable server accepts a ChangeCipherSpec before the key exchange and derives keys from
    an empty master secret, so a man in the middle can read and alter the session.
    """

    id = "tls.ccs-injection"
    title = "Not vulnerable to CCS injection"
    severity = Severity.HIGH
    aspect, what = "vuln/ccs-injection", "accepts an early ChangeCipherSpec (CCS injection, CVE-2014-0224)"
    remediation = "Update OpenSSL (0.9.8za, 1.0.0m, 1.0.1h or later) and restart the service."

    def probe(self, scan: VulnerabilityScan) -> VulnerabilityProbe:
        """The CCS injection probe."""
        return scan.ccs_injection


class Robot(_Vulnerability):
    """The RSA key exchange gives no padding oracle (ROBOT, Bleichenbacher's attack).

    Five malformed premaster secrets, each in its own handshake, must all get the same answer.
    A strong oracle lets an attacker decrypt recorded sessions and sign with the server's key
    (``high``); a weak one needs far more queries (``medium``).
    """

    id = "tls.robot"
    title = "Not vulnerable to ROBOT"
    severity = Severity.HIGH
    aspect, what = "vuln/robot", "has a Bleichenbacher padding oracle on RSA key exchange (ROBOT)"
    remediation = ("Update the TLS implementation or appliance firmware; better, disable RSA key exchange "
                   "(TLS_RSA_* suites) and keep only ECDHE suites.")

    def probe(self, scan: VulnerabilityScan) -> VulnerabilityProbe:
        """The ROBOT probe."""
        return scan.robot

    def finding(self, endpoint: TlsEndpoint, probe: VulnerabilityProbe, ctx: CheckContext) -> Finding:
        """A strong oracle is the check's severity, a weak one ``medium``."""
        return ctx.finding(resource(endpoint, self.aspect), f"port {endpoint.port} {self.what}: {probe.oracle} oracle",
                           severity=ctx.severity if probe.oracle == "strong" else Severity.MEDIUM,
                           evidence={"observed": probe.detail, "oracle": probe.oracle})


class ClientRenegotiation(_Vulnerability):
    """The server refuses renegotiation started by the client.

    A server that honours it does a full handshake's public-key work each time a client asks, on
    one connection: a cheap denial of service (and, without RFC 5746, a prefix injection).
    """

    id = "tls.client-renegotiation"
    title = "Client-initiated renegotiation is refused"
    severity = Severity.MEDIUM
    measures = ("PRV-5", "PRV-4")
    aspect, what = "vuln/client-renegotiation", "honours client-initiated renegotiation"
    remediation = ("Disable client-initiated renegotiation (OpenSSL 3 does by default; nginx never allows it; "
                   "Apache: keep SSLInsecureRenegotiation off), or allow TLS 1.3 only.")

    def probe(self, scan: VulnerabilityScan) -> VulnerabilityProbe:
        """The renegotiation probe."""
        return scan.client_renegotiation


class OcspStapling(TlsCheck):
    """The server staples an OCSP response where the TLS policy asks for it (``ocsp_staple``).

    Read from the TLS 1.2-and-older handshakes, which carry CertificateStatus in clear; a server
    speaking only TLS 1.3 sends it encrypted, so there it is ``not-assessable``. A policy without
    ``ocsp_staple: true`` makes the check ``skipped``.
    """

    id = "tls.ocsp-stapling"
    title = "OCSP stapling is on where the policy asks for it"
    severity = Severity.LOW
    policies = ("tls",)
    remediation = "Turn on OCSP stapling (nginx: ssl_stapling on; ssl_stapling_verify on; with a resolver)."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """A finding per endpoint that staples nothing under a policy that asks for stapling."""
        policy = ctx.policy("tls")
        if not policy.get("ocsp_staple"):
            raise CheckSkipped(f"the TLS policy {policy['policy']} does not ask for OCSP stapling")
        findings, unknown = [], []
        endpoints = tls_endpoints(facts.get(TlsFacts), ctx)
        for endpoint in endpoints:
            if endpoint.ocsp_stapling is None:
                unknown.append(f"tcp/{endpoint.port}: only TLS 1.3, whose CertificateStatus is encrypted")
            elif not endpoint.ocsp_stapling:
                findings.append(ctx.finding(resource(endpoint, "ocsp-stapling"),
                                            f"port {endpoint.port} staples no OCSP response",
                                            evidence={"expected": "a stapled OCSP response", "observed": "none",
                                                      "policy": policy["policy"]}))
        if len(unknown) == len(endpoints) and unknown and not ctx.problems:
            raise NotAssessable("; ".join(unknown))
        for reason in unknown:
            ctx.incomplete(reason)
        return findings
