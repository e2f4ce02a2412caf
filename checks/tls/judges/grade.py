"""The SSL Labs-style letter grade per endpoint, recorded beside the findings of the other checks."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from auditor.check import CheckContext, FactSet
from auditor.checks.tls.facts import ChainFacts, TlsEndpoint, TlsFacts, UnreadableChain
from auditor.checks.tls.grade import grade
from auditor.checks.tls.judges.base import TlsCheck, judged_at, name_to_match, resource, tls_endpoints
from auditor.config.yamlfile import MapReader
from auditor.models import Finding, Severity

GRADES = ("A+", "A", "B", "C", "D", "E", "F", "T")


def _readable(fact: ChainFacts) -> bool:
    """True for a chain that was sent and parsed."""
    return bool(fact.chain) and not (isinstance(fact, UnreadableChain) and fact.error)


def trust_issues(endpoint: TlsEndpoint, moment: dt.datetime, name: str | None) -> list[str]:
    """What SSL Labs grades T: untrusted, expired at ``moment``, self-signed, not covering ``name``, weak signature."""
    from auditor.checks.tls import certificates as certs  # on use: not with the registry
    issues: list[str] = []
    for fact in endpoint.certificates:
        if not _readable(fact):
            continue
        leaf = certs.parse_pem(fact.chain[0])
        checks = (
            ("untrusted", not (fact.trust is not None and fact.trust.trusted)),
            ("expired", leaf.not_valid_after_utc < moment),
            ("self-signed", certs.self_signed(leaf)),
            ("name mismatch", name is not None and not certs.name_matches(leaf, name)),
            ("SHA-1/MD5 signature", certs.weak_signature(certs.signature_name(leaf))),
        )
        issues += [issue for issue, present in checks if present and issue not in issues]
    return issues


class Grade(TlsCheck):
    """A letter grade per endpoint in the manner of SSL Labs, recorded in the result's details.

    The grade summarises, it never replaces the findings of the other checks. With
    ``min_grade`` set (e.g. ``A``), an endpoint graded lower is also a finding.
    """

    id = "tls.grade"
    title = "TLS grade (SSL Labs method)"
    severity = Severity.INFO
    measures: ClassVar[tuple[str, ...]] = ("PRV-4",)
    options = {"min_grade": ""}
    remediation = "Fix the findings of the other TLS checks; the grade follows."

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``min_grade`` is empty (no minimum) or one of the grades, checked when the profile loads."""
        reader.reject_unknown(frozenset(cls.options))
        wanted = reader.raw("min_grade", "")
        return {"min_grade": reader.choice("min_grade", list(GRADES)) if wanted != "" else ""}

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """The grade of every endpoint that speaks TLS."""
        tls = facts.get(TlsFacts)
        return [finding for endpoint in tls_endpoints(tls, ctx)
                for finding in self._graded(endpoint, name_to_match(tls, endpoint), ctx)]

    def _graded(self, endpoint: TlsEndpoint, name: str | None, ctx: CheckContext) -> list[Finding]:
        """The grade in the details; a finding when it is below ``min_grade``."""
        from auditor.checks.tls import certificates as certs  # on use: not with the registry
        chains = [fact.chain for fact in endpoint.certificates if _readable(fact)]
        key = certs.key_of(certs.parse_pem(chains[0][0])) if chains else certs.Key("unknown", 0)
        result = grade(endpoint, key.kind, key.bits, trust_issues(endpoint, judged_at(endpoint, ctx), name))
        ctx.details[f"tcp/{endpoint.port}"] = str(result)
        wanted = ctx.options["min_grade"]
        if wanted and GRADES.index(result.letter) > GRADES.index(wanted):
            return [ctx.finding(resource(endpoint, "grade"), f"port {endpoint.port} grades {result.letter}",
                                severity=Severity.LOW,
                                evidence={"expected": f"{wanted} or better", "observed": str(result)})]
        return []
