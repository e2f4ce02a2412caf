"""Hostile text made safe for line- and markup-based formats.

Anything a target sent can hold line breaks, escape sequences or characters XML forbids.
Control characters are written as visible escapes (``\\r``, ``\\x1b``, ``\\u2028``), so the
data stays readable and nothing in it can break a row, a line or a document.
"""

from __future__ import annotations

import re

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
# C0 and C1 controls, DEL, the Unicode line and paragraph separators (str.splitlines breaks on
# them), lone surrogates, and the two non-characters XML 1.0 forbids.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# The same, but tab, line feed and carriage return stay: XML allows them in text (attributes
# are escaped by ElementTree as character references).
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Leading characters that make spreadsheets evaluate a cell (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with every control or line-breaking character as a visible escape."""
    return _UNSAFE.sub(_escape, text)


def xml_text(text: str) -> str:
    """``text`` holding only characters XML 1.0 allows (the rest as visible escapes)."""
    return _XML_UNSAFE.sub(_escape, text)


def csv_cell(value: object) -> str:
    """A spreadsheet cell that neither breaks its row nor runs as a formula.

    Line breaks and controls are escaped first; a cell that then starts with a formula
    character, also after leading spaces, is prefixed with ``'``.
    """
    text = one_line(str(value))
    return "'" + text if text.lstrip(" ").startswith(FORMULA_PREFIXES) else text
