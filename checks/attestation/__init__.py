"""Attestations: what people record for the measures only humans can evidence."""
