"""Attestations: what people record for the measures only humans can evidence."""

from auditor.checks.attestation.judges import CHECKS

__all__ = ["CHECKS"]
