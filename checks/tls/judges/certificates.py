"""Checks on each certificate an endpoint sends: name, dates, lifetime, key, signature, extensions.

They read the stored PEMs (``cryptography`` parses them again), so a stored snapshot can be
judged again under another profile; only the trust verdict is a fact of the collecting machine.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from auditor.check import CheckContext, FactSet
from auditor.checks.tls.facts import TlsEndpoint, TlsFacts
from auditor.checks.tls.judges.base import judged_at, name_to_match, resource, tls_endpoints
from auditor.checks.tls.judges.chains import CertCheck, Deployment, deployments
from auditor.errors import NotAssessable
from auditor.inventory.targets import is_address
from auditor.models import Finding, Severity

if TYPE_CHECKING:  # cryptography loads when a certificate is judged, not with the check registry
    from cryptography import x509


class CertificateName(CertCheck):
    """The certificate covers the name clients use: subjectAltName, RFC 6125 matching.

    The name is the SNI sent (the profile's ``collectors.tls.sni``, else the inventory's host
    name, else a host-name address); an address target with no name is matched with the address
    itself (IP subjectAltName entries, as browsers and sslyze do). Each inventory alias is asked
    for with its own SNI and must be covered by the certificate served for it. With no name at
    all there is nothing to compare: ``not-assessable``.
    """

    id = "tls.certificate-name"
    title = "The certificate matches the server name"
    severity = Severity.HIGH
    remediation = (
        "Issue the certificate for every name clients use (subjectAltName, including IP entries for "
        "addresses clients connect to), or set collectors.tls.sni to the name users connect to."
    )

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings per endpoint for the SNI (or the address) and each alias."""
        tls = facts.get(TlsFacts)
        endpoints = tls_endpoints(tls, ctx)
        findings = []
        for endpoint in endpoints:
            name = name_to_match(tls, endpoint)
            if name is None:
                raise NotAssessable(f"no name to match: no SNI was sent and {tls.address} is not an address")
            ctx.details[f"tcp/{endpoint.port}"] = f"matched {', '.join([name, *(a.name for a in endpoint.aliases)])}"
            findings += [finding for chain in deployments(endpoint, ctx) for finding in self._match(chain, name, ctx)]
            findings += self._aliases(endpoint, ctx)
        return findings

    @staticmethod
    def _match(chain: Deployment, name: str, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        if certs.name_matches(chain.leaf, name):
            return []
        dns, ips = certs.subject_names(chain.leaf)
        what = "address" if is_address(name) else "name"
        return [ctx.finding(chain.resource("name"), f"port {chain.endpoint.port}: the certificate does not cover "
                            f"the {what} {name}",
                            evidence=chain.evidence(expected=name, observed=dns + ips or "(no subjectAltName)"))]

    @staticmethod
    def _aliases(endpoint: TlsEndpoint, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        findings = []
        for alias in endpoint.aliases:
            if alias.certificate is None:
                ctx.incomplete(f"tcp/{endpoint.port}: alias {alias.name}: {alias.error}")
                continue
            try:
                leaf = certs.parse_pem(alias.certificate)
            except ValueError as exc:
                ctx.incomplete(f"tcp/{endpoint.port}: alias {alias.name}: the certificate does not parse: {exc}")
                continue
            if certs.name_matches(leaf, alias.name):
                continue
            dns, ips = certs.subject_names(leaf)
            findings.append(ctx.finding(
                resource(endpoint, f"cert/name/{alias.name}"),
                f"port {endpoint.port}: the certificate served for the alias {alias.name} does not cover it",
                evidence={"subject": leaf.subject.rfc4514_string(), "expected": alias.name,
                          "observed": dns + ips or "(no subjectAltName)"}))
        return findings


class CertificateExpiry(CertCheck):
    """Certificates are valid and not about to expire (leaf and intermediates as sent).

    Expired or not yet valid: ``high``. Expiring within ``high_days``/``medium_days``/``low_days``
    days (inclusive, to the second: 29.99 days left is within 30): that severity. Dates are
    judged at the moment the endpoint was scanned (facts from older versions: the start of the
    run's day, UTC).
    """

    id = "tls.certificate-expiry"
    title = "Certificates are valid and not about to expire"
    severity = Severity.HIGH
    measures = ("PRV-4", "RCV-4")
    options = {"high_days": 7, "medium_days": 30, "low_days": 60}
    remediation = "Renew the certificate; automate renewal (ACME) so it never gets close to expiry."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        moment = judged_at(chain.endpoint, ctx)
        findings = []
        for index, cert in enumerate(chain.chain):
            if index and certs.self_signed(cert):
                continue  # a root sent along is ignored by clients
            problem = self._problem(cert, index, moment, ctx)
            if problem:
                message, severity = problem
                findings.append(
                    ctx.finding(
                        chain.resource("expiry", index),
                        f"port {chain.endpoint.port}: {message}",
                        severity=severity,
                        evidence={
                            "subject": cert.subject.rfc4514_string(),
                            "not_before": cert.not_valid_before_utc.isoformat(),
                            "not_after": cert.not_valid_after_utc.isoformat(),
                            "judged_at": moment.isoformat(),
                        },
                    )
                )
        return findings

    @staticmethod
    def _problem(cert: x509.Certificate, index: int, moment: dt.datetime,
                 ctx: CheckContext) -> tuple[str, Severity] | None:
        # The leaf is "the certificate" even when it (wrongly) says CA:TRUE; what follows it is an intermediate.
        what = "the certificate" if index == 0 else f"the intermediate certificate {cert.subject.rfc4514_string()!r}"
        if moment < cert.not_valid_before_utc:
            return f"{what} is not valid before {cert.not_valid_before_utc}", Severity.HIGH
        left = cert.not_valid_after_utc - moment  # notAfter is the last valid second (RFC 5280)
        if left < dt.timedelta(0):
            return f"{what} expired on {cert.not_valid_after_utc}", Severity.HIGH
        for key, severity in (
            ("high_days", Severity.HIGH),
            ("medium_days", Severity.MEDIUM),
            ("low_days", Severity.LOW),
        ):
            if left <= dt.timedelta(days=ctx.options[key]):
                days = left.total_seconds() / 86400
                return f"{what} expires on {cert.not_valid_after_utc} (in {days:.2f} days)", severity
        return None


class CertificateLifetime(CertCheck):
    """The leaf's validity period is within limits (CA/B Forum ``max_days``, and the policy's).

    The limit is the smaller of ``max_days`` (398, the CA/B Forum maximum for certificates
    issued before 15 March 2026; ballot SC-081 lowers it to 200, 100 and 47 days in 2026-2029)
    and the TLS policy's ``maximum_certificate_lifespan`` (Mozilla intermediate: 366; modern: 90).
    Short lifetimes limit how long a stolen key stays useful.
    """

    id = "tls.certificate-lifetime"
    title = "Certificate lifetime is within limits"
    severity = Severity.MEDIUM
    measures = ("RCV-4", "PRV-4")
    policies = ("tls",)
    options = {"max_days": 398}
    remediation = "Issue certificates for at most 90 days and renew them automatically (ACME)."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        policy = ctx.policy("tls")
        limit = min(
            [days for days in (ctx.options["max_days"], policy["maximum_certificate_lifespan"]) if days]
            or [float("inf")]
        )
        days = certs.lifetime_days(chain.leaf)
        if days <= limit:
            return []
        return [
            ctx.finding(
                chain.resource("lifetime"),
                f"port {chain.endpoint.port}: the certificate is valid for {days} days",
                evidence=chain.evidence(expected=f"at most {limit:g} days", observed=days, policy=policy["policy"]),
            )
        ]


class CertificateKey(CertCheck):
    """The leaf key is of a type the policy allows and strong enough.

    RSA/DSA below the policy's ``rsa_key_size`` (2048 when unset) is the check's severity, below
    1024 bits ``high``; an elliptic curve outside ``certificate_curves`` and a key type outside
    ``certificate_types`` (modern: ECDSA only) are ``low``.
    """

    id = "tls.certificate-key"
    title = "The certificate key is strong and of an allowed type"
    severity = Severity.MEDIUM
    policies = ("tls",)
    remediation = "Issue a new certificate with an ECDSA P-256 key (or RSA 2048+ where the policy allows RSA)."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        policy = ctx.policy("tls")
        key = certs.key_of(chain.leaf)
        findings = []
        port = chain.endpoint.port
        if key.kind not in policy["certificate_types"]:
            findings.append(
                ctx.finding(
                    chain.resource("key-type"),
                    f"port {port}: the certificate has a {key.kind.upper()} key",
                    severity=Severity.LOW,
                    evidence=chain.evidence(
                        expected=policy["certificate_types"], observed=str(key), policy=policy["policy"]
                    ),
                )
            )
        minimum = policy["rsa_key_size"] or 2048
        weak = (key.kind in ("rsa", "dsa") and key.bits < minimum) or (
            key.kind == "ecdsa" and key.curve not in policy["certificate_curves"]
        )
        if weak:
            severity = (
                Severity.HIGH
                if key.kind in ("rsa", "dsa") and key.bits < 1024
                else ctx.severity
                if key.kind != "ecdsa"
                else Severity.LOW
            )
            expected = f"RSA {minimum}+ or ECDSA on {', '.join(policy['certificate_curves'])}"
            findings.append(
                ctx.finding(
                    chain.resource("key"),
                    f"port {port}: the certificate key is {key}",
                    severity=severity,
                    evidence=chain.evidence(expected=expected, observed=str(key), policy=policy["policy"]),
                )
            )
        return findings


class CertificateSignature(CertCheck):
    """Certificates are not signed with MD5 or SHA-1, and the leaf with an algorithm the policy lists.

    MD5/SHA-1 anywhere in the chain as sent (roots excepted: their signature is not checked) is
    ``high``; a leaf signature outside ``certificate_signatures`` (say RSA-PSS, SHA-384 with
    RSA under Mozilla intermediate) is ``low``.
    """

    id = "tls.certificate-signature"
    title = "Certificates use strong signatures"
    severity = Severity.HIGH
    policies = ("tls",)
    remediation = "Reissue the certificate (and use intermediates) signed with SHA-256 or better."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        policy = ctx.policy("tls")
        findings = []
        for index, cert in enumerate(chain.chain):
            name = certs.signature_name(cert)
            if index and certs.self_signed(cert):
                continue
            if certs.weak_signature(name):
                findings.append(
                    ctx.finding(
                        chain.resource("signature", index),
                        f"port {chain.endpoint.port}: a certificate is signed with {name}",
                        evidence={"subject": cert.subject.rfc4514_string(), "observed": name},
                    )
                )
            elif index == 0 and name not in policy["certificate_signatures"]:
                findings.append(
                    ctx.finding(
                        chain.resource("signature"),
                        f"port {chain.endpoint.port}: the certificate is signed with {name}",
                        severity=Severity.LOW,
                        evidence=chain.evidence(
                            expected=policy["certificate_signatures"], observed=name, policy=policy["policy"]
                        ),
                    )
                )
        return findings


class CertificateSelfSigned(CertCheck):
    """The server certificate is not self-signed (clients cannot tell it from an impostor's)."""

    id = "tls.certificate-self-signed"
    title = "The certificate is not self-signed"
    severity = Severity.HIGH
    remediation = "Use a certificate issued by a public CA or by the institution's private CA."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        if not certs.self_signed(chain.leaf):
            return []
        return [
            ctx.finding(
                chain.resource("self-signed"),
                f"port {chain.endpoint.port}: the certificate is self-signed",
                evidence=chain.evidence(issuer=chain.leaf.issuer.rfc4514_string()),
            )
        ]


class CertificateCaFlag(CertCheck):
    """The server certificate is not a CA certificate (basicConstraints CA:FALSE).

    Whoever holds a server key that is also a CA key can issue certificates for any name.
    """

    id = "tls.certificate-ca-flag"
    title = "The server certificate is not a CA"
    severity = Severity.MEDIUM
    remediation = "Issue the server certificate with basicConstraints CA:FALSE."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        if not certs.is_ca(chain.leaf):
            return []
        return [
            ctx.finding(
                chain.resource("ca-flag"),
                f"port {chain.endpoint.port}: the server certificate is a CA certificate",
                evidence=chain.evidence(observed="basicConstraints CA:TRUE"),
            )
        ]


class CertificateServerAuth(CertCheck):
    """The server certificate states the serverAuth extended key usage.

    Missing serverAuth (with other purposes listed) is the check's severity; no
    extendedKeyUsage extension at all is ``low`` (accepted by some clients, not by CA/B rules).
    """

    id = "tls.certificate-eku"
    title = "The certificate is meant for TLS servers (serverAuth)"
    severity = Severity.MEDIUM
    remediation = "Issue the certificate with extendedKeyUsage serverAuth."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        usage = certs.extended_key_usage(chain.leaf)
        if usage is not None and (certs.SERVER_AUTH in usage or certs.ANY_EKU in usage):
            return []
        observed = "no extendedKeyUsage extension" if usage is None else ", ".join(usage)
        return [
            ctx.finding(
                chain.resource("eku"),
                f"port {chain.endpoint.port}: the certificate does not state serverAuth",
                severity=Severity.LOW if usage is None else ctx.severity,
                evidence=chain.evidence(expected="serverAuth (1.3.6.1.5.5.7.3.1)", observed=observed),
            )
        ]
