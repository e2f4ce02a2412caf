"""Attestations: what people record for measures only humans can evidence (training, plans, ...)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from auditor.config.catalogue import Catalogue
from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import AttestationError
from auditor.facts import Facts


@dataclass(frozen=True)
class Attestation:
    """A person's statement that a measure is in place, with the date it must be reviewed by."""

    measure: str
    statement: str
    by: str
    date: str
    next_review: str
    evidence: str = ""
    source: str = ""  # "file:line"

    def overdue(self, today: dt.date) -> bool:
        """True once the review date has passed."""
        return dt.date.fromisoformat(self.next_review) < today

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the site target's ``attestations`` facts)."""
        return {
            "measure": self.measure,
            "statement": self.statement,
            "by": self.by,
            "date": self.date,
            "next_review": self.next_review,
            "evidence": self.evidence,
            "source": self.source,
        }


@dataclass(frozen=True)
class AttestationFacts(Facts):
    """The site target's facts: the attestations given to the run (supplied, not collected)."""

    name: ClassVar[str] = "attestations"
    attestations: tuple[Attestation, ...] = ()


def load_attestations(path: str | Path, catalogue: Catalogue) -> list[Attestation]:
    """Read and validate an attestation file; unknown measure ids are errors."""
    root = MapReader(load_yaml(path, AttestationError), str(path), AttestationError)
    root.reject_unknown({"attestations"})
    return [_attestation(item, catalogue) for item in root.items("attestations")]


def _attestation(item: MapReader, catalogue: Catalogue) -> Attestation:
    item.reject_unknown({"measure", "statement", "by", "date", "evidence", "next_review"})
    measure = item.string("measure")
    if measure not in catalogue.measures:
        item.fail("measure", f"unknown measure id '{measure}' (see `auditor measures`)")
    made = item.date("date")
    review = item.date("next_review")
    if review < made:
        item.fail("next_review", "is before the attestation's date")
    return Attestation(
        measure=measure,
        statement=item.string("statement"),
        by=item.string("by"),
        date=made.isoformat(),
        next_review=review.isoformat(),
        evidence=item.string("evidence", ""),
        source=f"{item.path}:{item.line()}",
    )
