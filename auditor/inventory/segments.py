"""Network segment names: each names the broker queue its workers serve."""

from __future__ import annotations

import re

DEFAULT_SEGMENT = "default"
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")


def segment_name_error(name: str) -> str:
    """Why ``name`` cannot name a segment (it names a broker queue), or "" when it can."""
    if _SEGMENT.fullmatch(name):
        return ""
    return f"'{name}' is not a segment name (letters, digits, '.', '_', '-'; at most 63)"
