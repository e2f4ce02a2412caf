"""Checks on what an endpoint negotiates: protocol versions, cipher suites, groups and handshake features."""

from __future__ import annotations

from typing import ClassVar

from auditor.check import CheckContext, CheckSkipped, FactSet
from auditor.checks.tls.facts import TlsEndpoint, TlsFacts
from auditor.checks.tls.judges.base import TlsCheck, resource, tls_endpoints
from auditor.checks.tls.names import VERSIONS, group_bits, is_finite_field
from auditor.checks.tls.suites import suite
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity


class Protocols(TlsCheck):
    """Only the protocol versions the TLS policy allows are accepted.

    SSLv3 is broken (POODLE); TLS 1.0 and 1.1 lack modern ciphers and are deprecated by RFC
    8996. Each accepted version outside the policy is its own finding. A version whose probe
    timed out is not counted as refused: the check ends in ``error`` for that port.
    """

    id = "tls.protocols"
    title = "Only allowed TLS protocol versions are accepted"
    severity = Severity.MEDIUM
    policies = ("tls",)
    remediation = "Disable the flagged versions (nginx: ssl_protocols TLSv1.2 TLSv1.3;)."

    def endpoint(self, endpoint: TlsEndpoint, ctx: CheckContext) -> list[Finding]:
        """One finding per accepted version the policy does not list."""
        policy = ctx.policy("tls")
        findings = []
        for version, fact in endpoint.protocols.items():
            if fact.state in ("timeout", "error"):
                ctx.incomplete(f"tcp/{endpoint.port}: the {version} probe ended in {fact.state} ({fact.detail})")
            if fact.state != "accepted" or version in policy["protocols"]:
                continue
            findings.append(ctx.finding(
                resource(endpoint, f"protocol/{version}"), f"port {endpoint.port} accepts {version}",
                severity=self._severity(version, ctx.severity),
                evidence={"expected": policy["protocols"], "observed": version, "policy": policy["policy"]}))
        return findings

    @staticmethod
    def _severity(version: str, default: Severity) -> Severity:
        if version == "SSLv3":
            return Severity.HIGH
        return default if VERSIONS[version] < VERSIONS["TLSv1.2"] else Severity.LOW


class CipherSuites(TlsCheck):
    """Only the cipher suites the TLS policy allows are accepted, per protocol version.

    Broken suites (NULL, anonymous, export, RC4, single DES, MD5) are ``high``; suites without
    forward secrecy or authenticated encryption get the check's severity; sound suites the
    policy merely does not list are ``low``. One finding per suite, naming the versions.
    """

    id = "tls.cipher-suites"
    title = "Only allowed cipher suites are accepted"
    severity = Severity.MEDIUM
    policies = ("tls",)
    remediation = "Offer only the policy's suites (nginx: ssl_ciphers with Mozilla's list for your configuration)."

    def endpoint(self, endpoint: TlsEndpoint, ctx: CheckContext) -> list[Finding]:
        """One finding per suite outside the policy, naming the versions that accept it."""
        policy = ctx.policy("tls")
        offenders: dict[str, list[str]] = {}
        for version, fact in endpoint.accepted().items():
            if not fact.complete:
                ctx.incomplete(f"tcp/{endpoint.port}: {version} {fact.detail}")
            allowed = policy["ciphersuites"] if version == "TLSv1.3" else policy["ciphers"]
            for name in fact.ciphers:
                if name not in allowed:
                    offenders.setdefault(name, []).append(version)
        return [ctx.finding(resource(endpoint, f"cipher/{name}"),
                            f"port {endpoint.port} accepts {name} ({', '.join(versions)})",
                            severity=self._severity(name, ctx.severity),
                            evidence={"observed": name, "versions": versions, "policy": policy["policy"]})
                for name, versions in offenders.items()]

    @staticmethod
    def _severity(name: str, default: Severity) -> Severity:
        info = suite(name)
        if info.insecure:
            return Severity.HIGH
        return Severity.LOW if info.forward_secret and info.aead else default


class Groups(TlsCheck):
    """Key exchange uses only the groups the TLS policy allows, and large enough DH primes.

    Groups are enumerated on TLS 1.3 when the server speaks it (else with its ECDHE suites);
    finite-field DH primes are read from TLS 1.2-and-older DHE handshakes and compared with the
    policy's ``dh_param_size`` (below 1024 bits is ``high``: Logjam).
    """

    id = "tls.groups"
    title = "Only allowed key exchange groups are accepted"
    severity = Severity.LOW
    policies = ("tls",)
    remediation = ("Restrict the groups (nginx: ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1:secp384r1;) "
                   "and use 2048-bit DH parameters or none.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Skipped when no endpoint showed a group or a DH prime (no (EC)DHE at all): nothing was compared."""
        endpoints = tls_endpoints(facts.get(TlsFacts), ctx)
        if endpoints and not ctx.problems and all(e.groups.via is None and not e.key_exchange.dh_bits
                                                  for e in endpoints):
            raise CheckSkipped("no key exchange group to judge: "
                               + "; ".join(f"tcp/{e.port}: {e.groups.detail}" for e in endpoints))
        return [finding for endpoint in endpoints for finding in self.endpoint(endpoint, ctx)]

    def endpoint(self, endpoint: TlsEndpoint, ctx: CheckContext) -> list[Finding]:
        """One finding per group outside the policy (or too small), and one for small DH primes."""
        policy = ctx.policy("tls")
        groups = endpoint.groups
        if not groups.complete:
            ctx.incomplete(f"tcp/{endpoint.port}: {groups.detail}")
        allowed = {name.lower() for name in policy["groups"]}
        findings = []
        for name in groups.groups:
            small = (group_bits(name) or 0) < (policy["ecdh_param_size"] or 0) and not is_finite_field(name)
            if name.lower() not in allowed or small:
                findings.append(ctx.finding(
                    resource(endpoint, f"group/{name}"), f"port {endpoint.port} accepts key exchange group {name}",
                    evidence={"expected": policy["groups"], "observed": name, "via": groups.via,
                              "policy": policy["policy"]}))
        dh_bits = list(endpoint.key_exchange.dh_bits)
        limit = policy["dh_param_size"]
        if dh_bits and limit and min(dh_bits) < limit:
            findings.append(ctx.finding(
                resource(endpoint, "dh-params"), f"port {endpoint.port} uses {min(dh_bits)}-bit DH parameters",
                severity=Severity.HIGH if min(dh_bits) < 1024 else Severity.MEDIUM,
                evidence={"expected": f"at least {limit} bits", "observed": dh_bits, "policy": policy["policy"]}))
        return findings


class _Feature(TlsCheck):
    """Base: one handshake property read from TLS 1.2-and-older answers (None: not applicable).

    An endpoint where the property does not apply is noted in the details; when it applies to
    none, the check is ``skipped`` with the reason, never a pass. An ``unclear`` answer is no
    verdict either: ``not-assessable`` (or ``error`` beside endpoints that were judged).
    """

    wanted: ClassVar[bool]
    aspect: ClassVar[str]
    message: ClassVar[str]

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings of the endpoints where the property applies and is known."""
        findings: list[Finding] = []
        judged, unclear, absent = 0, [], []
        for endpoint in tls_endpoints(facts.get(TlsFacts), ctx):
            value, why = self.value(endpoint), self.why_unknown(endpoint)
            label = f"tcp/{endpoint.port}"
            if value is not None:
                judged += 1
                if value != self.wanted:
                    findings.append(ctx.finding(resource(endpoint, self.aspect), f"port {endpoint.port} {self.message}",
                                                evidence={"expected": self.wanted, "observed": value}))
            elif why.startswith("unclear"):
                unclear.append(f"{label}: {why}")
            else:
                ctx.details[label] = f"not applicable: {why}"
                absent.append(f"{label}: {why}")
        if not judged and not ctx.problems:
            if unclear:
                raise NotAssessable("; ".join(unclear))
            raise CheckSkipped("not applicable: " + "; ".join(absent))
        for reason in unclear:
            ctx.incomplete(reason)
        return findings

    def value(self, endpoint: TlsEndpoint) -> bool | None:
        """The observed property."""
        raise NotImplementedError

    def why_unknown(self, endpoint: TlsEndpoint) -> str:
        """Why the property is None on this endpoint ("unclear: ..." when the probe could not tell)."""
        return "no protocol version below TLS 1.3 is accepted"


class SecureRenegotiation(_Feature):
    """The server supports secure renegotiation (RFC 5746) on TLS 1.2 and older."""

    id = "tls.secure-renegotiation"
    title = "Secure renegotiation is supported"
    severity = Severity.MEDIUM
    wanted, aspect = True, "secure-renegotiation"
    message = "does not support secure renegotiation (RFC 5746)"
    remediation = "Update the TLS library; every maintained one supports RFC 5746."

    def value(self, endpoint: TlsEndpoint) -> bool | None:
        """Whether the best TLS <= 1.2 answer carried renegotiation_info."""
        return endpoint.secure_renegotiation


class ExtendedMasterSecret(_Feature):
    """The server supports the extended master secret (RFC 7627) on TLS 1.2 and older."""

    id = "tls.extended-master-secret"
    title = "Extended master secret is supported"
    severity = Severity.LOW
    wanted, aspect = True, "extended-master-secret"
    message = "does not support the extended master secret extension (RFC 7627)"
    remediation = "Update the TLS library, or disable TLS 1.2 and older where clients allow."

    def value(self, endpoint: TlsEndpoint) -> bool | None:
        """Whether the best TLS <= 1.2 answer carried extended_master_secret."""
        return endpoint.extended_master_secret


class Compression(_Feature):
    """TLS-level compression is off (CRIME)."""

    id = "tls.compression"
    title = "TLS compression is disabled"
    severity = Severity.HIGH
    wanted, aspect = False, "compression"
    message = "accepts TLS compression (CRIME)"
    remediation = "Disable TLS compression in the server or its TLS library."

    def value(self, endpoint: TlsEndpoint) -> bool | None:
        """Whether any TLS <= 1.2 answer chose DEFLATE."""
        return endpoint.compression


class FallbackScsv(_Feature):
    """A server with several protocol versions refuses downgraded hellos (TLS_FALLBACK_SCSV, RFC 7507)."""

    id = "tls.fallback-scsv"
    title = "Downgrade protection (TLS_FALLBACK_SCSV) is supported"
    severity = Severity.LOW
    wanted, aspect = True, "fallback-scsv"
    message = "accepts a downgraded hello carrying TLS_FALLBACK_SCSV"
    remediation = "Update the TLS library, or accept only TLS 1.2 and 1.3."

    def value(self, endpoint: TlsEndpoint) -> bool | None:
        """Whether the downgraded hello was refused (None: one version only, or unclear)."""
        return endpoint.fallback_scsv.supported

    def why_unknown(self, endpoint: TlsEndpoint) -> str:
        """The probe's own words: one version only, or unclear."""
        return endpoint.fallback_scsv.detail
