"""Rating SSH algorithm names against an ``ssh-algorithms`` policy (data in profiles/policies/).

Shared by the configuration checks (what sshd is told to offer) and the wire checks (what it
really offers), so both judge every name the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from auditor.config.policies import plain
from auditor.config.yamlfile import MapReader
from auditor.models import Severity

UNKNOWN = "unknown"
# The policy's categories: what a KEXINIT offers (and sshd_config lists) grouped by purpose.
Category = Literal["kex", "hostkey", "cipher", "mac", "compression"]


@dataclass(frozen=True)
class Rating:
    """The policy's verdict on one algorithm name."""

    algorithm: str
    verdict: str  # ok | warn | fail | unknown
    reason: str  # reason id, "not-rated" for unknown names
    explanation: str

    def severity(self, fail_severity: Severity) -> Severity:
        """fail -> the check's severity, warn -> low, unknown -> info (reviewed, never silent)."""
        return {"fail": fail_severity, "warn": Severity.LOW}.get(self.verdict, Severity.INFO)


def rate(policy: Mapping[str, Any], category: Category, algorithms: Iterable[str]) -> list[Rating]:
    """Ratings of every name that is not ``ok`` (kex, hostkey, cipher, mac or compression)."""
    ratings = policy["categories"].get(category, {})
    judged = []
    for algorithm in algorithms:
        rating = ratings.get(algorithm)
        if rating is None:
            explanation = f"not rated by policy '{policy['policy']}'; review it"
            judged.append(Rating(algorithm, UNKNOWN, "not-rated", explanation))
        elif rating["verdict"] != "ok":
            reason = rating["reason"]
            judged.append(Rating(algorithm, rating["verdict"], reason, policy["reasons"][reason]))
    return judged


VERDICTS = ("ok", "warn", "fail")


def validate_ssh_algorithms(root: MapReader) -> dict[str, Any]:
    """Each algorithm rated ok/warn/fail; every non-ok rating names a reason that exists."""
    root.reject_unknown({"policy", "version", "title", "description", "categories", "reasons", "rsa_min_bits"})
    reasons = root.mapping("reasons")
    for reason_id in reasons.data:
        reasons.string(reason_id)
    categories = root.mapping("categories")
    categories.reject_unknown({"kex", "hostkey", "cipher", "mac", "compression"})
    for category in categories.data:
        ratings = categories.mapping(category)
        for algorithm in ratings.data:
            rating = ratings.mapping(algorithm)
            rating.reject_unknown({"verdict", "reason"})
            verdict = rating.choice("verdict", list(VERDICTS))
            reason = rating.string("reason", None)
            if verdict != "ok" and reason is None:
                rating.fail("reason", f"a '{verdict}' rating needs a reason id")
            if reason is not None and reason not in reasons.data:
                rating.fail("reason", f"reason '{reason}' is not defined under 'reasons'")
    limits = root.mapping("rsa_min_bits", None)
    if limits is not None:
        limits.reject_unknown({"fail_below", "warn_below"})
        for key in limits.data:
            limits.number(key, minimum=0)
    validated: dict[str, Any] = plain(root.data)
    return validated
