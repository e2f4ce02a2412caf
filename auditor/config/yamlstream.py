"""Build ``LineDict``/``LineList`` values straight from PyYAML's event stream.

PyYAML's ``yaml.load`` first composes the whole document into a node tree (every node with two
``Mark`` objects) and only then constructs values from it; for a 10,000-host inventory that tree
is ten times the size of what is kept. Here each value is constructed as its events arrive, so
at any moment only the open collections (at most ``MAX_DEPTH``) and the finished values exist.

The results and errors are those of the node-based construction this replaces (a SafeLoader
whose mapping constructor keeps lines and refuses duplicate keys), including its error order:
the node-based loader composed the whole document before constructing anything, so syntax and
composition errors anywhere win over construction errors, and among construction errors the one
met first by its depth-first construction wins (a mapping's merges before its own pairs). Each
construction error is therefore recorded with its position in that order, the stream is read to
its end, and the first one in that order is raised.

Known differences, all on inputs that were errors or tracebacks before, or are pathological:
- a document with several errors may report another of them where a mapping merges an anchor
  defined inside its own values (the node-based loader built that anchor's contents during the
  merge, before the mapping's own pairs);
- a mapping merging a collection still open (itself, an ancestor) is "found unconstructable
  recursive node", as any other alias to an open collection (it used to merge what had been
  composed so far);
- SafeLoader's tracebacks (``!!int x``, ``!!bool maybe``, ``!!map`` on a list) are errors at their
  line; ``!!set``, ``!!omap`` and ``!!pairs`` (sets and tuples, which no rifi input accepts) are
  refused; nesting deeper than ``MAX_DEPTH`` is an error at its line, not a RecursionError.
"""

from __future__ import annotations

import types
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

# Deeper nesting is refused at its line: the node-based loader hit Python's recursion limit
# around 250 nested lists, so nothing it accepted is refused, and a hostile file cannot grow
# the stack of open collections without bound.
MAX_DEPTH = 1000

_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_EXCERPT = 60  # characters of a rejected scalar quoted in an error message

Order = tuple[int, ...]
"""Position of a construction step in the node-based loader's depth-first order."""


class LineDict(dict[Any, Any]):
    """A mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that remembers its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]


class _Broken:
    """Stands for a value whose construction failed; each one is distinct, so never a duplicate key."""


class _Node(NamedTuple):  # a NamedTuple, not a frozen dataclass: one is made per scalar, and that is hot
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
    # The item nodes of a sequence that a merge may name (an anchored one, or a merge's value):
    # a list of mappings is merged pair by pair, which needs each mapping's raws.
    parts: tuple[_Node, ...] = ()


@dataclass
class _Anchor:
    kind: str
    line: int
    node: _Node | None = None  # None while the anchored collection is still open


@dataclass
class _Frame:
    """An open collection."""

    line: int
    anchor: str | None
    order: Order
    kind: str
    rejected: bool = False  # its tag was refused; its events are read but it yields a _Broken


@dataclass
class _SeqFrame(_Frame):
    items: LineList = field(default_factory=LineList)
    lines: list[int] = field(default_factory=list)
    nodes: list[_Node] | None = None  # kept only for a sequence a merge may name (see _Node.parts)

    def awaits_key(self) -> bool:
        return False

    def child_order(self) -> Order:
        return (*self.order, len(self.items))

    def add(self, node: _Node, builder: _Builder) -> None:
        self.items.append(node.value)
        self.lines.append(node.line)
        if self.nodes is not None:
            self.nodes.append(node)

    def finish(self, builder: _Builder) -> Any:
        self.items.line = self.line
        self.items.item_lines = self.lines
        return self.items


@dataclass
class _MapFrame(_Frame):
    key: _Node | None = None
    pairs: list[tuple[_Node, Any]] = field(default_factory=list)
    merges: list[_Node] = field(default_factory=list)  # mappings, in the order their pairs are merged
    raws: list[object] = field(default_factory=list)  # see _Node.raws
    merge_count: int = 0

    def awaits_key(self) -> bool:
        return self.key is None

    def child_order(self) -> Order:
        if self.key is None:
            return (*self.order, 2, len(self.pairs), 0)
        if self.key.merge:
            return (*self.order, 1, -1, self.merge_count)
        return (*self.order, 2, len(self.pairs), 2)

    def add(self, node: _Node, builder: _Builder) -> None:
        if self.key is None:
            if not node.merge and not isinstance(node.value, Hashable):
                builder.fail((*self.order, 2, len(self.pairs), 1), "a list or a mapping cannot be a key", node.line)
                node = _Node(_Broken(), node.line, node.kind)
            self.key = node
            return
        if self.key.merge:
            self._merge(node, builder)
            self.merge_count += 1
        else:
            self.pairs.append((self.key, node.value))
        self.key = None

    def _merge(self, node: _Node, builder: _Builder) -> None:
        """PyYAML's ``flatten_mapping``: a mapping, or a list of mappings merged in their order."""
        order = (*self.order, 0, self.merge_count)
        if node.kind == "mapping":
            if isinstance(node.value, LineDict):
                self.merges.append(node)
            return
        if node.kind != "sequence":
            builder.fail(order, f"expected a mapping or list of mappings for merging, but found {node.kind}", node.line)
            return
        for part in node.parts:
            if part.kind != "mapping":
                builder.fail(order, f"expected a mapping for merging, but found {part.kind}", part.line)
                return
        self.merges.extend(part for part in node.parts if isinstance(part.value, LineDict))

    def finish(self, builder: _Builder) -> Any:
        """Merged pairs first (a key node merged twice counts once, as in PyYAML's flatten_mapping),
        then the mapping's own; any key met twice otherwise is an error, as before."""
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
                self._put(result, key, value, raw, source.value.key_lines[key], (*self.order, 1, index), builder)
                index += 1
        for index, (key_node, value) in enumerate(self.pairs):
            if not isinstance(key_node.value, _Broken):
                self._put(result, key_node.value, value, key_node.raw, key_node.line,
                          (*self.order, 2, index, 1), builder)
        return result

    def _put(self, result: LineDict, key: Any, value: Any, raw: object, line: int, order: Order,
             builder: _Builder) -> None:
        if key in result:
            builder.fail(order, f"duplicate key {key!r}", line)
            return
        result[key] = value
        result.key_lines[key] = line
        self.raws.append(raw)


def _line(event: Event) -> int:
    """The 1-based line where ``event`` starts."""
    mark = event.start_mark
    return mark.line + 1 if mark is not None else 0


def _mark(line: int) -> yaml.Mark:
    """A mark for an error: only its line is ever shown (values keep lines, not PyYAML's marks)."""
    return yaml.Mark("<input>", 0, line - 1, 0, None, 0)


class _Events(Protocol):
    """What the builder uses of a PyYAML loader: its parser, resolver and scalar constructors."""

    yaml_constructors: ClassVar[dict[str | None, Any]]

    def get_event(self) -> Event: ...

    def check_event(self, *choices: type[Event]) -> bool: ...

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str: ...


class _Builder:
    """Consumes one loader's events and constructs the single document they describe."""

    def __init__(self, loader: _Events):
        self.loader = loader
        self.anchors: dict[str, _Anchor] = {}
        self.stack: list[_SeqFrame | _MapFrame] = []
        self.error: tuple[Order, yaml.MarkedYAMLError] | None = None
        plain = yaml.constructor.SafeConstructor.construct_yaml_str
        self.plain_strings = loader.yaml_constructors.get(_STR_TAG) is plain

    def fail(self, order: Order, problem: str, line: int) -> None:
        """Record a construction error at ``line``; the earliest in the node-based loader's order is raised."""
        if self.error is None or order < self.error[0]:
            self.error = (order, yaml.constructor.ConstructorError(None, None, problem, _mark(line)))

    def document(self) -> Any:
        """The stream's only document (None when it has none); raises the first error, as yaml.load."""
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(StreamEndEvent):
            return None
        start = loader.get_event()
        assert isinstance(start, DocumentStartEvent)
        root = self.value()
        loader.get_event()  # document end
        if not loader.check_event(StreamEndEvent):
            raise yaml.composer.ComposerError("expected a single document in the stream", _mark(root.line),
                                              "but found another document", _mark(_line(loader.get_event())))
        if self.error is not None:
            raise self.error[1]
        return root.value

    def value(self) -> _Node:
        """Read events until one complete value (the document's root) has been built."""
        while True:
            node = self.event(self.loader.get_event())
            if node is None:
                continue
            if not self.stack:
                return node
            self.stack[-1].add(node, self)

    def event(self, event: Event) -> _Node | None:
        """The value ``event`` completes, if it completes one (a scalar, an alias, a collection's end)."""
        if isinstance(event, AliasEvent):
            return self.alias(event)
        if isinstance(event, ScalarEvent):
            return self.scalar(event)
        if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            self.open(event)
            return None
        assert isinstance(event, (SequenceEndEvent, MappingEndEvent)), event
        frame = self.stack.pop()
        value = _Broken() if frame.rejected else frame.finish(self)
        raws = tuple(frame.raws) if isinstance(frame, _MapFrame) else ()
        parts = tuple(frame.nodes) if isinstance(frame, _SeqFrame) and frame.nodes is not None else ()
        node = _Node(value, frame.line, frame.kind, raw=value, raws=raws, parts=parts)
        if frame.anchor is not None:
            self.anchors[frame.anchor].node = node
        return node

    def _in_merge_value(self) -> bool:
        parent = self.stack[-1] if self.stack else None
        return isinstance(parent, _MapFrame) and parent.key is not None and parent.key.merge

    def _order(self) -> Order:
        return self.stack[-1].child_order() if self.stack else ()

    def _in_key(self) -> bool:
        return bool(self.stack) and self.stack[-1].awaits_key()

    def _anchor(self, anchor: str | None, kind: str, line: int) -> None:
        if anchor is None:
            return
        if anchor in self.anchors:
            raise yaml.composer.ComposerError("found duplicate anchor; first occurrence",
                                              _mark(self.anchors[anchor].line), "second occurrence", _mark(line))
        self.anchors[anchor] = _Anchor(kind, line)

    def alias(self, event: AliasEvent) -> _Node:
        """The value its anchor built (the same object), or an error for an anchor still open."""
        anchor = self.anchors.get(event.anchor or "")
        if anchor is None:
            raise yaml.composer.ComposerError(None, None, "found undefined alias", _mark(_line(event)))
        node = anchor.node
        if node is None:
            self.fail(self._order(), "found unconstructable recursive node", anchor.line)
            return _Node(_Broken(), anchor.line, anchor.kind)
        if node.merge and not self._in_key():
            self.fail(self._order(), f"could not determine a constructor for the tag {_MERGE_TAG!r}", node.line)
            return _Node(_Broken(), node.line, node.kind)
        return node

    def scalar(self, event: ScalarEvent) -> _Node:
        """A scalar resolved and constructed exactly as SafeLoader does."""
        line = _line(event)
        self._anchor(event.anchor, "scalar", line)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        in_key = self._in_key()
        if in_key and tag == _MERGE_TAG:
            node = _Node(None, line, "scalar", merge=True)
        else:
            if in_key and tag == _VALUE_TAG:
                tag = _STR_TAG  # flatten_mapping reads a "=" key as a string
            node = _Node(self.construct(tag, event, line), line, "scalar", raw=event.value)
        if event.anchor is not None:
            self.anchors[event.anchor].node = node
        return node

    def construct(self, tag: str, event: ScalarEvent, line: int) -> Any:
        """SafeLoader's constructor for ``tag``, given the node it expects (made here, dropped after)."""
        if tag == _STR_TAG and self.plain_strings:
            return event.value  # what construct_yaml_str returns, without making its node
        constructors = self.loader.yaml_constructors
        constructor = constructors.get(tag, constructors[None])
        # No marks: a constructor's error without one is placed at ``line``, all that is shown.
        scalar = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            value = constructor(self.loader, scalar)
            if isinstance(value, types.GeneratorType):  # PyYAML's two-step constructors (maps, sets)
                first = next(value)
                for _ in value:
                    pass
                value = first
        except yaml.MarkedYAMLError as exc:
            self.fail(self._order(), exc.problem or str(exc), exc.problem_mark.line + 1 if exc.problem_mark else line)
            return _Broken()
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            # SafeLoader lets these escape (``!!int x``, ``!!bool maybe``): a traceback, not an error.
            excerpt = event.value if len(event.value) <= _EXCERPT else event.value[:_EXCERPT] + "..."
            self.fail(self._order(), f"'{excerpt}' is not a valid {tag.rsplit(':', 1)[-1]}", line)
            return _Broken()
        return value

    def open(self, event: SequenceStartEvent | MappingStartEvent) -> None:
        """Open a collection; a tag SafeLoader would not build as a plain list or mapping is refused."""
        line = _line(event)
        if len(self.stack) >= MAX_DEPTH:
            raise yaml.constructor.ConstructorError(None, None, f"nested too deeply (more than {MAX_DEPTH} levels)",
                                                    _mark(line))
        kind = "sequence" if isinstance(event, SequenceStartEvent) else "mapping"
        self._anchor(event.anchor, kind, line)
        order = self._order()
        default = _SEQ_TAG if kind == "sequence" else _MAP_TAG
        tag = event.tag
        if tag is None or tag == "!":
            tag = default
        frame: _SeqFrame | _MapFrame
        frame = (_SeqFrame if kind == "sequence" else _MapFrame)(line, event.anchor, order, kind)
        if isinstance(frame, _SeqFrame) and (event.anchor is not None or self._in_merge_value()):
            frame.nodes = []
        if tag != default:
            frame.rejected = True
            self.fail(order, _tag_problem(tag, kind), line)
        self.stack.append(frame)


def _tag_problem(tag: str, kind: str) -> str:
    """Why a collection with an explicit ``tag`` is not built (PyYAML's wording where it has one)."""
    scalar_tags = {"null", "bool", "int", "float", "binary", "timestamp", "str"}
    short = tag.removeprefix("tag:yaml.org,2002:")
    if short in scalar_tags:
        return f"expected a scalar node, but found {kind}"
    if short in {"map", "seq"}:
        return f"expected a {'mapping' if short == 'map' else 'sequence'} node, but found {kind}"
    if short in {"set", "omap", "pairs"}:
        return f"the tag {tag!r} is not supported; write a plain list or mapping"
    return f"could not determine a constructor for the tag {tag!r}"


def build(loader_class: type[yaml.SafeLoader], text: str) -> Any:
    """The single YAML document in ``text`` (None when there is none), built by ``loader_class``'s
    parser, resolver and scalar constructors; raises ``yaml.YAMLError`` as ``yaml.load`` would."""
    loader = loader_class(text)
    try:
        events: _Events = loader
        return _Builder(events).document()
    finally:
        loader.dispose()
