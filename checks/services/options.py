"""Reading the services collectors' constrained options when the profile loads."""

from __future__ import annotations

from auditor.config.yamlfile import MapReader


def whole_number(reader: MapReader, key: str, default: int, minimum: int, maximum: int | None = None) -> int:
    """An integer option within ``minimum``..``maximum`` (errors name the file, line and key)."""
    value = reader.number(key, default, minimum=minimum)
    if value != int(value):
        reader.fail(key, f"must be a whole number, got {value}")
    if maximum is not None and value > maximum:
        reader.fail(key, f"must be at most {maximum}, got {value}")
    return int(value)


def positive_number(reader: MapReader, key: str, default: float) -> float:
    """A number of seconds greater than zero."""
    value = reader.number(key, default, minimum=0)
    if value <= 0:
        reader.fail(key, f"must be more than 0, got {value}")
    return float(value)
