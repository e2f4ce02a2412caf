"""Host ranges as Ansible writes them: ``web[01:20].example.org``, ``db-[a:c]``, ``n[1:9:2]``."""

from __future__ import annotations

import itertools
import re
import string

from auditor.errors import InventoryError

_RANGE = re.compile(r"\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\]")
MAX_RANGE_HOSTS = 65536


def expand_range(pattern: str, where: str) -> list[str]:
    """``web[01:03]`` -> web01, web02, web03 (zero padding kept); letters ``[a:c]`` too.

    Every range in the pattern is sized before anything is expanded, so ``n[0:99999999]`` or
    ``n[1:300]-[1:300]`` is refused at once instead of filling memory.
    """
    matches = list(_RANGE.finditer(pattern))
    if not matches:
        return [pattern]
    total = 1
    for match in matches:
        total *= len(_span(match, where))
    if total > MAX_RANGE_HOSTS:
        raise InventoryError(where, f"host ranges in '{pattern}' give {total} hosts (at most {MAX_RANGE_HOSTS})")
    return _expand(pattern, where)


def _span(match: re.Match[str], where: str) -> range:
    """The values one ``[start:end:step]`` stands for (as numbers, or letter code points)."""
    start, end, step = match.group(1), match.group(2), int(match.group(3) or 1)
    if step < 1:
        raise InventoryError(where, f"host range '{match.group(0)}' needs a step of at least 1")
    if start.isdigit() and end.isdigit():
        values = range(int(start), int(end) + 1, step)
    elif len(start) == len(end) == 1 and start in string.ascii_lowercase and end in string.ascii_lowercase:
        values = range(ord(start), ord(end) + 1, step)
    else:
        raise InventoryError(where, f"bad host range '{match.group(0)}'")
    if not values:
        raise InventoryError(where, f"host range '{match.group(0)}' gives no hosts")
    return values


def _expand(pattern: str, where: str) -> list[str]:
    """Every name the pattern's own ranges give; a value is never read as a range again."""
    pieces: list[list[str]] = []
    position = 0
    for match in _RANGE.finditer(pattern):
        pieces.append([pattern[position:match.start()]])
        start = match.group(1)
        if start.isdigit():
            width = len(start) if start.startswith("0") else 0
            pieces.append([str(number).zfill(width) for number in _span(match, where)])
        else:
            pieces.append([chr(code) for code in _span(match, where)])
        position = match.end()
    pieces.append([pattern[position:]])
    return ["".join(parts) for parts in itertools.product(*pieces)]
