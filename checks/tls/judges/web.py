"""Checks on the web side of TLS: HSTS, security.txt, and plain HTTP redirecting to HTTPS."""

from __future__ import annotations

import datetime as dt

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.checks.tls.facts import (
    HttpsFacts,
    PlainHttpAnswer,
    RequestFailed,
    SecurityTxtAnswer,
    TlsEndpoint,
    TlsFacts,
)
from auditor.checks.tls.http import hsts_max_age
from auditor.checks.tls.judges.base import CONFIG_MEASURES, TAGS, TlsCheck, resource, tls_endpoints
from auditor.models import Finding, Severity

_REDIRECTS = (301, 302, 303, 307, 308)


def _http_endpoints(facts: TlsFacts, ctx: CheckContext) -> list[tuple[TlsEndpoint, HttpsFacts]]:
    """The TLS endpoints that speak HTTP, each with its HTTP facts."""
    endpoints = [(e, e.http) for e in tls_endpoints(facts, ctx) if isinstance(e.http, HttpsFacts)]
    if not endpoints and not ctx.problems:
        raise CheckSkipped("no TLS endpoint speaks HTTP")
    return endpoints


class Hsts(TlsCheck):
    """HTTPS responses carry Strict-Transport-Security with a long enough max-age.

    ``min_max_age`` in seconds; 0 takes the TLS policy's ``hsts_min_age`` (Mozilla: two years).
    Missing HSTS is the check's severity, a short max-age ``low``.
    """

    id = "tls.hsts"
    title = "HTTPS sets HSTS with a long max-age"
    severity = Severity.MEDIUM
    policies = ("tls",)
    options = {"min_max_age": 0}
    remediation = "Send 'Strict-Transport-Security: max-age=63072000' on every HTTPS response."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per HTTP-speaking TLS endpoint without adequate HSTS."""
        minimum = ctx.options["min_max_age"] or ctx.policy("tls")["hsts_min_age"] or 0
        findings = []
        for endpoint, http in _http_endpoints(facts.get(TlsFacts), ctx):
            header = http.root.header("strict-transport-security")
            age = hsts_max_age(header) if header else None
            if header is None or age is None:
                message, severity = "sends no (valid) Strict-Transport-Security header", ctx.severity
            elif age < minimum:
                message, severity = f"sets HSTS max-age {age} s", Severity.LOW
            else:
                continue
            findings.append(
                ctx.finding(
                    resource(endpoint, "http/hsts"),
                    f"port {endpoint.port} {message}",
                    severity=severity,
                    evidence={"expected": f"max-age >= {minimum:g}", "observed": header or "(none)"},
                )
            )
        return findings


class SecurityTxt(TlsCheck):
    """The web server publishes /.well-known/security.txt (RFC 9116) with a contact and a future Expires.

    Researchers and CERTs who find a problem need to know whom to tell (toolkit AWR-3) and the
    incident team needs those reports to reach it (RSP-2).
    """

    id = "tls.security-txt"
    title = "security.txt names a contact for reporting"
    severity = Severity.LOW
    measures = ("AWR-3", "RSP-2")
    remediation = "Publish /.well-known/security.txt with Contact: and Expires: lines (https://securitytxt.org)."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per HTTP-speaking TLS endpoint whose security.txt is missing or unusable."""
        findings = []
        for endpoint, http in _http_endpoints(facts.get(TlsFacts), ctx):
            fact = http.security_txt
            if isinstance(fact, RequestFailed):
                ctx.incomplete(f"tcp/{endpoint.port}: security.txt request failed ({fact.error})")
                continue
            problem = self._problem(fact, ctx.today)
            if problem:
                findings.append(
                    ctx.finding(
                        resource(endpoint, "http/security.txt"),
                        f"port {endpoint.port}: {problem}",
                        evidence={"status": fact.status, "fields": sorted(fact.fields)},
                    )
                )
        return findings

    @staticmethod
    def _problem(fact: SecurityTxtAnswer, today: dt.date) -> str | None:
        content_type = (fact.header("content-type") or "").lower()
        if fact.status != 200 or not content_type.startswith("text/plain"):
            return f"no security.txt (HTTP {fact.status}, {content_type or 'no content type'})"
        if not fact.fields.get("contact"):
            return "security.txt names no Contact"
        expires = (fact.fields.get("expires") or [""])[0]
        try:
            when = dt.datetime.fromisoformat(expires.replace("Z", "+00:00")).date()
        except ValueError:
            return f"security.txt has no valid Expires field ({expires or 'missing'})"
        return f"security.txt expired on {when}" if when < today else None


class HttpRedirect(Check):
    """Plain HTTP (port 80) redirects to HTTPS.

    Judged on the ``http_ports`` of the tls collector (80): a port named for the target or found
    by discovery must answer; a closed default port is fine (nothing listens in clear text).
    """

    id = "tls.http-redirect"
    title = "Plain HTTP redirects to HTTPS"
    severity = Severity.MEDIUM
    measures = CONFIG_MEASURES
    facts = (TlsFacts,)
    scope = Scope.NETWORK
    tags = TAGS
    remediation = (
        "Answer every plain-HTTP request with a 301 to the https:// URL (nginx: return 301 https://$host$request_uri;)."
    )

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per plain-HTTP port that serves content instead of redirecting."""
        redirects = facts.get(TlsFacts).http_redirects
        findings = []
        for entry in redirects:
            label = f"tcp/{entry.port}"
            if not isinstance(entry, PlainHttpAnswer):
                if entry.origin != "default":
                    ctx.incomplete(f"{label}: {entry.state} ({entry.detail})")
                else:
                    ctx.details[label] = f"{entry.state}: nothing to judge"
                continue
            location = entry.header("location") or ""
            if entry.status in _REDIRECTS and location.lower().startswith("https://"):
                continue
            findings.append(
                ctx.finding(
                    f"{label}:http/redirect",
                    f"plain HTTP on port {entry.port} does not redirect to HTTPS",
                    evidence={"expected": "3xx to https://", "observed": f"{entry.status} {location}".strip()},
                )
            )
        answered = any(isinstance(entry, PlainHttpAnswer) for entry in redirects)
        if not findings and not ctx.problems and not answered:
            raise CheckSkipped("no plain-HTTP port answered")
        return findings
