"""Where each spooled target's lines are: a few integers a target, in columns.

A fleet's spools are indexed by target name. A dict of a record per target (a tuple or a
dataclass with its integer objects) costs several hundred bytes a target; this index keeps one
ordinal per name and the integers in typed arrays, about 130 bytes a target in all (most of
it the name's dict slot and ordinal), so the index of 10,000 targets is about 1 MB.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence


class SpoolIndex:
    """Target name -> a row of ``width`` integers, rows added once and never changed.

    Not thread-safe on its own: the spools add and read rows under their lock.
    """

    def __init__(self, width: int):
        """``width``: how many integers each target's row holds."""
        self._ordinals: dict[str, int] = {}
        self._cells: array[int] = array("q")
        self._width = width

    def add(self, target: str, row: Sequence[int]) -> None:
        """Record ``target``'s row; a target is added once."""
        if len(row) != self._width:
            raise ValueError(f"a row of {len(row)} integers in an index of {self._width}")
        if target in self._ordinals:
            raise ValueError(f"{target} spooled twice")
        self._ordinals[target] = len(self._ordinals)
        self._cells.extend(row)

    def row(self, target: str) -> tuple[int, ...]:
        """``target``'s row (``KeyError`` for a target never added)."""
        start = self._ordinals[target] * self._width
        return tuple(self._cells[start:start + self._width])

    def __contains__(self, target: object) -> bool:
        return target in self._ordinals

    def __iter__(self) -> Iterator[str]:
        """The targets, in the order they were added."""
        return iter(self._ordinals)

    def __len__(self) -> int:
        return len(self._ordinals)

    def clear(self) -> None:
        """Forget every row."""
        self._ordinals.clear()
        self._cells = array("q")
