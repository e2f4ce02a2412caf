"""Findings as fleet-wide pages hold them: compact references, re-read in full only where a page lists them.

A run's pages group, sort, filter and count every finding, but print only a few members of
each fix. So the site's tally (``tally.tally_run``) keeps a ``FindingRef`` for each fix's first
members only (what grouping, ordering and counting read, and where the finding is: its target and
its place among that target's findings) and reads the ``Finding`` itself back
(``RunSite.finding_of``) for the rows it prints. A spooled run's findings then stay on disk; a
``Finding`` is a ``Member`` too, so fixes can also be made of findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from auditor.models import Finding, Severity, fingerprint
from auditor.store.model import FindingKey


class Member(FindingKey, Protocol):
    """What fix groups, filters and counts read of a finding: a ``Finding`` or a ``FindingRef``."""

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures it evidences."""

    @property
    def remediation(self) -> str:
        """How to fix it."""

    @property
    def waived(self) -> bool:
        """True when a current waiver hides it."""

    @property
    def fingerprint(self) -> str:
        """Its identity across runs."""


@dataclass(frozen=True, slots=True)
class FindingRef:
    """One finding of a run, in about a third of a ``Finding``'s memory (no message, evidence or waiver)."""

    check_id: str
    target: str
    resource: str
    severity: Severity
    measures: tuple[str, ...]
    remediation: str
    waived: bool
    index: int  # its place among its target's findings (``RunSite.findings_of``)

    @property
    def fingerprint(self) -> str:
        """The finding's fingerprint (computed when asked: only the change views ask)."""
        return fingerprint(self.check_id, self.target, self.resource)


def refs(findings: Iterable[Finding]) -> Iterator[FindingRef]:
    """References to one target's ``findings``, in their order."""
    for index, finding in enumerate(findings):
        yield FindingRef(finding.check_id, finding.target, finding.resource, finding.severity, finding.measures,
                         finding.remediation, finding.waived, index)
