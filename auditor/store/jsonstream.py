"""Reading a large JSON document a member at a time, so a fleet's snapshot is never one object in memory.

The standard library parses whole documents only. ``JsonStream`` reads the top-level object's
members in order from a text file; a member's value is decoded whole (``value``), or an array's
items (``items``) or an object's entries (``entries``) one at a time, each with the standard
decoder over a window of the file. Memory is the largest single item, not the document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NoReturn, TextIO

from auditor.errors import SnapshotError

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_CHUNK = 1 << 16
_ROOM = 32  # characters kept after a decoded value unless the file ends


def _maybe_cut(error: json.JSONDecodeError, window: int) -> bool:
    """True when ``error`` may only mean that the value goes on past the window (an escape is at most 12 characters)."""
    return error.msg.startswith("Unterminated string") or error.pos >= window - 12


class JsonStream:
    """The members of a JSON document's top-level object, read in order from ``stream``.

    Each member's value must be read (``value``, ``items`` or ``entries``) before the next
    member is asked for. Malformed JSON raises SnapshotError naming ``name`` and the line.
    """

    def __init__(self, stream: TextIO, name: str, chunk: int = _CHUNK):
        """``name`` (the file) starts every error message; ``chunk``: characters read at a time."""
        self._stream = stream
        self._chunk = chunk
        self._name = name
        self._text = ""
        self._at = 0
        self._line = 1  # the line of ``self._text[0]``
        self._ended = False

    def members(self) -> Iterator[str]:
        """The top-level object's keys, in document order."""
        self._expect("{")
        if self._peek() == "}":
            self._at += 1
        else:
            while True:
                key = self._decode()
                if not isinstance(key, str):
                    self._fail("expected a member name")
                self._expect(":")
                yield key
                if self._separator("}"):
                    break
        if self._peek() != "":
            self._fail("extra data after the document")

    def value(self) -> Any:
        """The current member's whole value."""
        return self._decode()

    def items(self) -> Iterator[Any]:
        """The current member's array items, one at a time."""
        self._expect("[")
        if self._peek() == "]":
            self._at += 1
            return
        while True:
            yield self._decode()
            if self._separator("]"):
                return

    def entries(self) -> Iterator[tuple[str, Any]]:
        """The current member's object entries, one at a time."""
        self._expect("{")
        if self._peek() == "}":
            self._at += 1
            return
        while True:
            key = self._decode()
            if not isinstance(key, str):
                self._fail("expected a member name")
            self._expect(":")
            yield key, self._decode()
            if self._separator("}"):
                return

    def _separator(self, closing: str) -> bool:
        """After a value: True at ``closing`` (consumed), False after a comma."""
        found = self._peek()
        if found not in (",", closing):
            self._fail(f"expected ',' or '{closing}'")
        self._at += 1
        return found == closing

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            self._fail(f"expected '{char}'")
        self._at += 1

    def _peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the file)."""
        while True:
            self._at = _WHITESPACE.match(self._text, self._at).end()  # type: ignore[union-attr]  # always matches
            if self._at < len(self._text) or not self._read():
                return self._text[self._at:self._at + 1]

    def _decode(self) -> Any:
        """The JSON value at the cursor; reads more of the file until the value is whole."""
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError as exc:
                # Cut off by the window's end? Read more (doubling the window) and decode again.
                if _maybe_cut(exc, len(self._text)) and self._read(len(self._text)):
                    continue
                self._fail(exc.msg, exc.pos)
            except RecursionError:
                self._fail("nested too deeply")
            # A number (``1.5e3``) or literal cut by the window decodes short: leave room after any value.
            if end > len(self._text) - _ROOM and self._read():
                continue
            self._at = end
            return value

    def _read(self, at_least: int = 0) -> bool:
        """Append the next chunk of the file to the window (dropping what was read); False at its end."""
        if self._ended:
            return False
        chunk = self._stream.read(max(self._chunk, at_least))
        if not chunk:
            self._ended = True
            return False
        self._line += self._text.count("\n", 0, self._at)
        self._text = self._text[self._at:] + chunk
        self._at = 0
        return True

    def _fail(self, message: str, position: int | None = None) -> NoReturn:
        where = self._at if position is None else position
        line = self._line + self._text.count("\n", 0, where)
        raise SnapshotError(self._name, f"not valid JSON: {message}", line=line)
