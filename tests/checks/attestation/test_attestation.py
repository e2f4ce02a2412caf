"""Attestations: validated on load, and overdue reviews become findings on the measure attested."""

import datetime as dt

import pytest

from auditor.check import CheckContext, CheckSkipped
from auditor.config.attestations import AttestationFacts, load_attestations
from auditor.config.catalogue import load_catalogue
from auditor.errors import AttestationError
from auditor.inventory.targets import SITE
from auditor.registry import default_registry
from testkit import fact_set

CATALOGUE = load_catalogue()
CHECK = default_registry().checks["attestation.review-overdue"]

VALID = """\
attestations:
  - measure: AWR-1
    statement: "Awareness course completed by all research staff"
    by: "Jane Doe, CISO"
    date: 2025-01-10
    evidence: "https://intranet.example.org/training"
    next_review: 2026-01-10
  - measure: RSP-2
    statement: "Incident response plan approved"
    by: "Security board"
    date: 2026-05-01
    next_review: 2027-05-01
"""


def test_overdue_attestation_is_a_finding_on_its_measure(tmp_path):
    path = tmp_path / "attestations.yaml"
    path.write_text(VALID)
    items = AttestationFacts(tuple(load_attestations(path, CATALOGUE)))
    ctx = CheckContext(check=CHECK, target=SITE, options={}, severity=CHECK.severity, today=dt.date(2026, 11, 23))
    findings = CHECK().judge(fact_set(items), ctx)
    assert [(f.measures, f.resource) for f in findings] == [(("AWR-1",), "attestation:AWR-1:2025-01-10")]
    assert findings[0].evidence["source"] == f"{path}:2"


def test_no_attestations_means_skipped():
    ctx = CheckContext(check=CHECK, target=SITE, options={}, severity=CHECK.severity)
    with pytest.raises(CheckSkipped):
        CHECK().judge(fact_set(AttestationFacts()), ctx)


@pytest.mark.parametrize(
    "text, line, key",
    [
        ("attestations:\n  - {measure: XYZ-9, statement: s, by: b, date: 2026-01-01, next_review: 2027-01-01}\n", 2, "attestations[0].measure"),
        ("attestations:\n  - {measure: AWR-1, statement: s, by: b, date: 2026-01-01, next_review: 2025-01-01}\n", 2, "attestations[0].next_review"),
        ("attestations:\n  - measure: AWR-1\n    statement: s\n    date: 2026-01-01\n    next_review: 2027-01-01\n", 2, "attestations[0]"),
    ],
)
def test_bad_attestations_name_line_and_key(tmp_path, text, line, key):
    path = tmp_path / "attestations.yaml"
    path.write_text(text)
    with pytest.raises(AttestationError) as error:
        load_attestations(path, CATALOGUE)
    assert (error.value.line, error.value.key) == (line, key)
