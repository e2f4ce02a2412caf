"""Certificate checks on the chain as a whole (trust, completeness, order), and what every certificate check shares.

``Deployment`` is one chain an endpoint sent, parsed again from the stored PEMs; ``CertCheck``
judges each of them. The trust verdict is a fact of the collecting machine; the rest is read
from the certificates, so a stored snapshot can be judged again under another profile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from auditor.check import CheckContext
from auditor.checks.tls.facts import ChainFacts, TlsEndpoint, UnreadableChain
from auditor.checks.tls.judges.base import TlsCheck, resource
from auditor.models import Finding, Severity

if TYPE_CHECKING:  # cryptography loads when a certificate is judged, not with the check registry
    from cryptography import x509


class Deployment:
    """One certificate chain an endpoint sent, parsed, with the label its findings use."""

    def __init__(self, endpoint: TlsEndpoint, fact: ChainFacts, label: str):
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        self.endpoint = endpoint
        self.fact = fact
        self.label = label
        self.chain: list[x509.Certificate] = [certs.parse_pem(pem) for pem in fact.chain]

    @property
    def leaf(self) -> x509.Certificate:
        """The server's own certificate."""
        return self.chain[0]

    def resource(self, aspect: str, index: int = 0) -> str:
        """``tcp/443:cert/expiry`` for the leaf, ``tcp/443:cert/chain-1/expiry`` for the next one."""
        where = self.label if index == 0 else f"{self.label}/chain-{index}"
        return resource(self.endpoint, f"{where}/{aspect}")

    def evidence(self, **values: Any) -> dict[str, Any]:
        """Evidence naming the certificate (subject raw, as the certificate has it)."""
        return {"subject": self.fact.certificates[0].subject if self.fact.certificates else "", **values}


def deployments(endpoint: TlsEndpoint, ctx: CheckContext) -> list[Deployment]:
    """The endpoint's chains (``cert`` when one, ``cert-rsa``/``cert-ecdsa`` when several)."""
    from auditor.checks.tls import certificates as certs  # on use: not with the registry
    facts = [fact for fact in endpoint.certificates if fact.chain]
    if not facts:
        ctx.incomplete(f"tcp/{endpoint.port}: no certificate was received")
        return []
    result = []
    for fact in facts:
        if isinstance(fact, UnreadableChain) and fact.error:
            ctx.incomplete(f"tcp/{endpoint.port}: {fact.error}")
            continue
        label = "cert"
        if len(facts) > 1:
            label = f"cert-{certs.key_of(certs.parse_pem(fact.chain[0])).kind}"
        result.append(Deployment(endpoint, fact, label))
    return result


class CertCheck(TlsCheck):
    """Base: judge each certificate chain of each endpoint."""

    measures: ClassVar[tuple[str, ...]] = ("PRV-4",)

    def endpoint(self, endpoint: TlsEndpoint, ctx: CheckContext) -> list[Finding]:
        """Findings of every readable chain the endpoint sent."""
        return [finding for chain in deployments(endpoint, ctx) for finding in self.certificate(chain, ctx)]

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        """Findings for one chain."""
        raise NotImplementedError


_REASON_CHARS = 240  # the reason quotes certificate subjects: hostile text, kept raw but bounded


class CertificateTrust(CertCheck):
    """The chain validates to a trusted root: the system store plus the profile's ``ca_bundle``.

    Validation uses cryptography's web PKI rules at a moment inside the leaf's validity (expiry
    is judged by its own check) on the machine that ran the audit.
    """

    id = "tls.certificate-trust"
    title = "The certificate chain is trusted"
    severity = Severity.HIGH
    remediation = (
        "Use a certificate from a trusted CA (or add the institution's CA with collectors.tls.ca_bundle) "
        "and send the intermediates."
    )

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        trust = chain.fact.trust
        if trust is not None and trust.trusted:
            return []
        reason = trust.reason if trust is not None else "not validated"
        return [
            ctx.finding(
                chain.resource("trust"),
                f"port {chain.endpoint.port}: the certificate chain is not trusted: {reason[:_REASON_CHARS]}",
                evidence=chain.evidence(reason=reason),
            )
        ]


class CertificateChain(CertCheck):
    """The server sends its chain complete and in order (leaf, then each issuer).

    Incomplete: the last certificate's issuer is neither sent nor a trusted root, so clients
    that do not fetch intermediates fail. Wrong order or stray certificates: ``low``.
    """

    id = "tls.certificate-chain"
    title = "The certificate chain is complete and in order"
    severity = Severity.MEDIUM
    remediation = "Configure the full chain (nginx: ssl_certificate with the leaf followed by its intermediates)."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        findings = []
        port = chain.endpoint.port
        if chain.fact.trust is not None and chain.fact.trust.incomplete:
            findings.append(
                ctx.finding(
                    chain.resource("chain-incomplete"),
                    f"port {port}: the certificate chain is incomplete",
                    evidence=chain.evidence(
                        missing_issuer=chain.chain[-1].issuer.rfc4514_string(), sent=len(chain.chain)
                    ),
                )
            )
        breaks = certs.order_breaks(chain.chain)
        if breaks:
            findings.append(
                ctx.finding(
                    chain.resource("chain-order"),
                    f"port {port}: the certificate chain is out of order",
                    severity=Severity.LOW,
                    evidence=chain.evidence(
                        observed=[c.subject.rfc4514_string() for c in chain.chain], breaks_after=list(breaks)
                    ),
                )
            )
        return findings
