"""Cybersecurity posture auditor for research institutions."""
__version__ = "0.1.0"
