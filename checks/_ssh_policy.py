"""Rating SSH algorithm names against an ``ssh-algorithms`` policy (data in profiles/policies/).

Shared by the configuration checks (what sshd is told to offer) and the wire checks (what it
really offers), so both judge every name the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from auditor.models import Severity

UNKNOWN = "unknown"


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


def rate(policy: Mapping[str, Any], category: str, algorithms: Iterable[str]) -> list[Rating]:
    """Ratings of every name that is not ``ok`` (kex, hostkey, cipher, mac or compression)."""
    ratings = policy["categories"].get(category, {})
    judged = []
    for algorithm in algorithms:
        rating = ratings.get(algorithm)
        if rating is None:
            judged.append(Rating(algorithm, UNKNOWN, "not-rated", f"not rated by policy '{policy['policy']}'; review it"))
        elif rating["verdict"] != "ok":
            judged.append(Rating(algorithm, rating["verdict"], rating["reason"], policy["reasons"][rating["reason"]]))
    return judged
