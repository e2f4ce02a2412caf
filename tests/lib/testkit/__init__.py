"""Helpers shared by the test suite (pytest puts tests/lib on sys.path)."""

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"  # tests/fixtures: recorded outputs and files
