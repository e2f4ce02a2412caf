"""Host ranges as Ansible writes them: ``web[01:20].example.org``, ``db-[a:c]``, ``n[1:9:2]``."""

from __future__ import annotations

import re
import string

from auditor.errors import InventoryError

_RANGE = re.compile(r"\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\]")
MAX_RANGE_HOSTS = 65536


def expand_range(pattern: str, where: str) -> list[str]:
    """``web[01:03]`` -> web01, web02, web03 (zero padding kept); letters ``[a:c]`` too."""
    match = _RANGE.search(pattern)
    if not match:
        return [pattern]
    start, end, step = match.group(1), match.group(2), int(match.group(3) or 1)
    if start.isdigit() and end.isdigit():
        width = len(start) if start.startswith("0") else 0
        values = [str(n).zfill(width) for n in range(int(start), int(end) + 1, step)]
    elif len(start) == len(end) == 1 and start in string.ascii_lowercase and end in string.ascii_lowercase:
        values = [chr(c) for c in range(ord(start), ord(end) + 1, step)]
    else:
        raise InventoryError(where, f"bad host range '{match.group(0)}'")
    if len(values) > MAX_RANGE_HOSTS or not values:
        raise InventoryError(where, f"host range '{match.group(0)}' gives {len(values)} hosts")
    head, tail = pattern[: match.start()], pattern[match.end():]
    return [name for value in values for name in expand_range(head + value + tail, where)]
