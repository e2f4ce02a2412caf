"""Helpers shared by the test suite (pytest puts tests/lib on sys.path)."""

from pathlib import Path

from auditor.check import FactSet
from auditor.facts import Facts

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"  # tests/fixtures: recorded outputs and files


def fact_set(*facts: Facts) -> FactSet:
    """What a check's ``judge`` receives, from facts built or recorded by a test."""
    return FactSet({item.name: item for item in facts})
