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
- an ``!!set`` named by a merge is an error (SafeLoader merged its keys, with null values);
- SafeLoader's tracebacks (``!!int x``, ``!!bool maybe``, ``!!map`` on a list) are errors at their
  line; nesting deeper than ``MAX_DEPTH`` is an error at its line, not a RecursionError.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

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

from auditor.config.yamlframes import Broken, LineDict, LineList, MapFrame, Node, Order, SeqFrame

__all__ = ["MAX_DEPTH", "LineDict", "LineList", "build"]

# Deeper nesting is refused at its line: the node-based loader hit Python's recursion limit
# around 250 nested lists, so nothing it accepted is refused, and a hostile file cannot grow
# the stack of open collections without bound.
MAX_DEPTH = 1000

_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_SET_TAG = "tag:yaml.org,2002:set"
_PAIRS_TAGS = ("tag:yaml.org,2002:omap", "tag:yaml.org,2002:pairs")
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_EXCERPT = 60  # characters of a rejected scalar quoted in an error message


@dataclass
class _Anchor:
    kind: str
    line: int
    node: Node | None = None  # None while the anchored collection is still open


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
        self.stack: list[SeqFrame | MapFrame] = []
        self.error: tuple[Order, yaml.MarkedYAMLError] | None = None
        plain = yaml.constructor.SafeConstructor.construct_yaml_str
        self.plain_strings = loader.yaml_constructors.get(_STR_TAG) is plain
        # libyaml's composer words two errors without the anchor's name; PyYAML's own names it.
        c_parser = getattr(getattr(yaml, "cyaml", None), "CParser", None)
        self.named_anchors = c_parser is None or not isinstance(loader, c_parser)

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

    def value(self) -> Node:
        """Read events until one complete value (the document's root) has been built."""
        while True:
            node = self.event(self.loader.get_event())
            if node is None:
                continue
            if not self.stack:
                return node
            self.stack[-1].add(node, self.fail)

    def event(self, event: Event) -> Node | None:
        """The value ``event`` completes, if it completes one (a scalar, an alias, a collection's end)."""
        if isinstance(event, ScalarEvent):  # the most frequent event first
            return self.scalar(event)
        if isinstance(event, AliasEvent):
            return self.alias(event)
        if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            self.open(event)
            return None
        assert isinstance(event, (SequenceEndEvent, MappingEndEvent)), event
        frame = self.stack.pop()
        value = Broken() if frame.rejected else frame.finish(self.fail)
        raws = tuple(frame.raws) if isinstance(frame, MapFrame) else ()
        parts = tuple(frame.nodes) if isinstance(frame, SeqFrame) and frame.nodes is not None else ()
        node = Node(value, frame.line, frame.kind, raw=value, raws=raws, parts=parts)
        if frame.anchor is not None:
            self.anchors[frame.anchor].node = node
        return node

    def _in_merge_value(self) -> bool:
        parent = self.stack[-1] if self.stack else None
        return isinstance(parent, MapFrame) and parent.key is not None and parent.key.merge

    def _order(self) -> Order:
        return self.stack[-1].child_order() if self.stack else ()

    def _in_key(self) -> bool:
        """Whether the next value is a key whose ``<<``/``=`` flatten_mapping would read."""
        frame = self.stack[-1] if self.stack else None
        return isinstance(frame, MapFrame) and frame.awaits_key() and frame.merges_keys()

    def _anchor(self, anchor: str | None, kind: str, line: int) -> None:
        if anchor is None:
            return
        if anchor in self.anchors:
            name = f" {anchor!r}" if self.named_anchors else ""
            raise yaml.composer.ComposerError(f"found duplicate anchor{name}; first occurrence",
                                              _mark(self.anchors[anchor].line), "second occurrence", _mark(line))
        self.anchors[anchor] = _Anchor(kind, line)

    def alias(self, event: AliasEvent) -> Node:
        """The value its anchor built (the same object), or an error for an anchor still open."""
        anchor = self.anchors.get(event.anchor or "")
        if anchor is None:
            name = f" {event.anchor!r}" if self.named_anchors else ""
            raise yaml.composer.ComposerError(None, None, f"found undefined alias{name}", _mark(_line(event)))
        node = anchor.node
        if node is None:
            self.fail(self._order(), "found unconstructable recursive node", anchor.line)
            return Node(Broken(), anchor.line, anchor.kind)
        if node.merge and not self._in_key():
            self.fail(self._order(), f"could not determine a constructor for the tag {_MERGE_TAG!r}", node.line)
            return Node(Broken(), node.line, node.kind)
        return node

    def scalar(self, event: ScalarEvent) -> Node:
        """A scalar resolved and constructed exactly as SafeLoader does."""
        line = _line(event)
        self._anchor(event.anchor, "scalar", line)
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        in_key = self._in_key()
        if in_key and tag == _MERGE_TAG:
            node = Node(None, line, "scalar", merge=True)
        else:
            if in_key and tag == _VALUE_TAG:
                tag = _STR_TAG  # flatten_mapping reads a "=" key as a string
            node = Node(self.construct(tag, event, line), line, "scalar", raw=event.value)
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
            return Broken()
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            # SafeLoader lets these escape (``!!int x``, ``!!bool maybe``): a traceback, not an error.
            excerpt = event.value if len(event.value) <= _EXCERPT else event.value[:_EXCERPT] + "..."
            self.fail(self._order(), f"'{excerpt}' is not a valid {tag.rsplit(':', 1)[-1]}", line)
            return Broken()
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
        parent = self.stack[-1] if self.stack else None
        frame: SeqFrame | MapFrame
        if kind == "sequence":
            frame = SeqFrame(line, event.anchor, order, kind, pairs=tag in _PAIRS_TAGS)
            if frame.pairs or event.anchor is not None or self._in_merge_value():
                frame.nodes = []
            known = tag == default or frame.pairs
        else:
            in_pairs = isinstance(parent, SeqFrame) and parent.pairs and tag == default
            mode = "set" if tag == _SET_TAG else "pair" if in_pairs else "map"
            frame = MapFrame(line, event.anchor, order, kind, mode=mode)
            known = tag in (default, _SET_TAG)
        if not known:
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
    if short == "set":
        return f"expected a mapping node, but found {kind}"
    if short in {"omap", "pairs"}:
        return f"expected a sequence, but found {kind}"
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
