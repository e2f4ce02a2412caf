"""Helpers shared by the test suite (pytest puts tests/lib on sys.path)."""
