"""The values ``yamlstream`` builds, and its open collections (frames), one per nesting level.

A frame collects its items as they are finished and builds its value when its end event comes,
as SafeLoader's constructors would have from the node: a mapping (its merges first, duplicates
refused), a list, and SafeLoader's ``!!set`` (keys only, duplicates allowed) and ``!!omap`` /
``!!pairs`` (a list of one-pair mappings read as tuples). Errors go to ``fail`` with their position
in the node-based loader's construction order (``Order``), so the first of them can be raised.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

Order = tuple[int, ...]
"""Position of a construction step in the node-based loader's depth-first order: for a sequence
the item's index; for a mapping (0, merge) for its merges' checks, (1, index) for its merged pairs,
(2, pair, 0 | 1 | 2) for its own pairs' key, key check and value."""

Fail = Callable[[Order, str, int], None]
"""Records a construction error: its order, PyYAML's problem text, its 1-based line."""


class LineDict(dict[Any, Any]):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that remembers its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class Broken:
    """Stands for a value whose construction failed; each one is distinct, so never a duplicate key."""


class Node(NamedTuple):  # a NamedTuple, not a frozen dataclass: one is made per scalar, and that is hot
    """A finished value, with what its node would have said: where it starts and its kind."""

    value: Any
    line: int  # 1-based, where the node starts (an alias: where its anchor's node starts)
    kind: str  # PyYAML's node ids, as its messages name them: scalar, sequence, mapping
    merge: bool = False  # the merge key ``<<``
    # What PyYAML's flatten_mapping tells merged keys apart by: the identity of a key node's value
    # (for a scalar the text the parser read, which a string key is); ``raws`` holds them for the
    # keys of a mapping, in order, so that the mapping can be merged into another.
    raw: object = None
    raws: tuple[object, ...] = ()
    # The item nodes of a sequence whose items matter one by one: one a merge may name (anchored,
    # or a merge's value; merged mapping by mapping, with their raws), an ``!!omap``.
    parts: tuple[Node, ...] = ()


@dataclass
class Frame:
    """An open collection."""

    line: int
    anchor: str | None
    order: Order
    kind: str
    rejected: bool = False  # its tag was refused; its events are read but it yields a Broken


@dataclass
class SeqFrame(Frame):
    """A list; with ``pairs`` an ``!!omap``/``!!pairs``, built as a list of (key, value) tuples."""

    pairs: bool = False
    items: LineList = field(default_factory=LineList)
    lines: list[int] = field(default_factory=list)
    nodes: list[Node] | None = None  # kept only where the items matter one by one (see Node.parts)

    def awaits_key(self) -> bool:
        return False

    def child_order(self) -> Order:
        return (*self.order, len(self.items), 1)

    def add(self, node: Node, fail: Fail) -> None:
        self.items.append(node.value)
        self.lines.append(node.line)
        if self.nodes is not None:
            self.nodes.append(node)

    def finish(self, fail: Fail) -> Any:
        if self.pairs:
            return self._pairs(fail)
        self.items.line = self.line
        self.items.item_lines = self.lines
        return self.items

    def _pairs(self, fail: Fail) -> list[tuple[Any, Any]]:
        """SafeLoader's construct_yaml_omap/pairs: each item a mapping of exactly one pair."""
        result: list[tuple[Any, Any]] = []
        for index, node in enumerate(self.nodes or ()):
            order = (*self.order, index, 0)  # the item's shape is checked before its pair is built
            if node.kind != "mapping":
                fail(order, f"expected a mapping of length 1, but found {node.kind}", node.line)
                break
            if isinstance(node.value, Broken):
                continue
            pairs = node.value if isinstance(node.value, list) else list(getattr(node.value, "items", list)())
            if len(pairs) != 1:
                fail(order, f"expected a single mapping item, but found {len(pairs)} items", node.line)
                break
            result.append(tuple(pairs[0]))
        return result


@dataclass
class MapFrame(Frame):
    """A mapping; ``mode`` "set" is an ``!!set`` (its keys), "pair" an item of an ``!!omap``."""

    mode: str = "map"
    key: Node | None = None
    pairs: list[tuple[Node, Any]] = field(default_factory=list)
    merges: list[Node] = field(default_factory=list)  # mappings, in the order their pairs are merged
    raws: list[object] = field(default_factory=list)  # see Node.raws
    merge_count: int = 0

    def awaits_key(self) -> bool:
        return self.key is None

    def merges_keys(self) -> bool:
        """Whether ``<<`` and ``=`` keys mean merge and a string (an omap item is not flattened)."""
        return self.mode != "pair"

    def child_order(self) -> Order:
        if self.key is None:
            return (*self.order, 2, len(self.pairs), 0)
        if self.key.merge:
            return (*self.order, 1, -1, self.merge_count)
        return (*self.order, 2, len(self.pairs), 2)

    def add(self, node: Node, fail: Fail) -> None:
        if self.key is None:
            if self.mode != "pair" and not node.merge and not isinstance(node.value, Hashable):
                problem = "found unhashable key" if self.mode == "set" else "a list or a mapping cannot be a key"
                fail((*self.order, 2, len(self.pairs), 1), problem, node.line)
                node = Node(Broken(), node.line, node.kind)
            self.key = node
            return
        if self.key.merge:
            self._merge(node, fail)
            self.merge_count += 1
        else:
            self.pairs.append((self.key, node.value))
        self.key = None

    def _merge(self, node: Node, fail: Fail) -> None:
        """PyYAML's ``flatten_mapping``: a mapping, or a list of mappings merged in their order."""
        order = (*self.order, 0, self.merge_count)
        if node.kind == "mapping":
            if isinstance(node.value, LineDict):
                self.merges.append(node)
            elif isinstance(node.value, set):  # SafeLoader merged its keys (with null values)
                fail(order, "a !!set cannot be merged; write a mapping", node.line)
            return
        if node.kind != "sequence":
            fail(order, f"expected a mapping or list of mappings for merging, but found {node.kind}", node.line)
            return
        for part in node.parts:
            if part.kind != "mapping":
                fail(order, f"expected a mapping for merging, but found {part.kind}", part.line)
                return
            if isinstance(part.value, set):
                fail(order, "a !!set cannot be merged; write a mapping", part.line)
                return
        self.merges.extend(part for part in node.parts if isinstance(part.value, LineDict))

    def finish(self, fail: Fail) -> Any:
        """Merged pairs first (a key node merged twice counts once, as in PyYAML's flatten_mapping),
        then the mapping's own; any key met twice otherwise is an error, as before."""
        if self.mode == "pair":
            return [(key.value, value) for key, value in self.pairs]
        result = LineDict()
        result.line = self.line
        result.key_lines = {}
        merged_raws: set[int] = set()
        index = 0
        for source in self.merges:
            for (key, value), raw in zip(source.value.items(), source.raws, strict=True):
                if id(raw) in merged_raws:
                    continue
                merged_raws.add(id(raw))
                self._put(result, key, value, raw, source.value.key_lines[key], (*self.order, 1, index), fail)
                index += 1
        for index, (key_node, value) in enumerate(self.pairs):
            if not isinstance(key_node.value, Broken):
                self._put(result, key_node.value, value, key_node.raw, key_node.line, (*self.order, 2, index, 1), fail)
        return set(result) if self.mode == "set" else result

    def _put(self, result: LineDict, key: Any, value: Any, raw: object, line: int, order: Order, fail: Fail) -> None:
        if key in result and self.mode != "set":  # a set's construction never checked duplicates
            fail(order, f"duplicate key {key!r}", line)
            return
        result[key] = value
        result.key_lines[key] = line
        self.raws.append(raw)
