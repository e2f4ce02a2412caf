"""Checks on attestations: the measures only people can evidence must be reviewed on time."""

from __future__ import annotations

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.config.attestations import AttestationFacts
from auditor.models import Finding, Severity


class ReviewOverdue(Check):
    """Every attestation is reviewed by its next-review date.

    An attestation whose review date has passed no longer evidences its measure; the
    finding maps to the measure the attestation was made for.
    """

    id = "attestation.review-overdue"
    title = "Attestations are reviewed on time"
    severity = Severity.MEDIUM
    # The check itself evidences no measure; each finding maps to the measure it attests.
    measures = ()
    facts = (AttestationFacts,)
    scope = Scope.SITE
    tags = ("attestation",)
    remediation = "Review the measure, then record a new attestation with a new next_review date."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """One finding per attestation past its next-review date."""
        attestations = facts.get(AttestationFacts).attestations
        if not attestations:
            raise CheckSkipped("no attestation file given (profile 'attestations:' or --attestations)")
        return [
            ctx.finding(
                f"attestation:{item.measure}:{item.date}",
                f"the attestation for {item.measure} was due for review on {item.next_review}",
                evidence={"statement": item.statement, "by": item.by, "next_review": item.next_review,
                          "source": item.source},
                measures=(item.measure,),
            )
            for item in attestations
            if item.overdue(ctx.today)
        ]


CHECKS = (ReviewOverdue,)
