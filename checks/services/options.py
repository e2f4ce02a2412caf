"""Reading the services collectors' constrained options when the profile loads."""

from __future__ import annotations

from auditor.config.yamlfile import MapReader


def positive_number(reader: MapReader, key: str, default: float) -> float:
    """A number of seconds greater than zero."""
    value = reader.number(key, default, minimum=0)
    if value <= 0:
        reader.fail(key, f"must be more than 0, got {value}")
    return float(value)
