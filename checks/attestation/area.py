"""What the attestation area registers: its checks, collectors and policy kinds (see ``auditor.checks``)."""

from auditor.checks.attestation.judges import CHECKS

__all__ = ["CHECKS"]
