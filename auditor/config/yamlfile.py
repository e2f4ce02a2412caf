"""YAML input with line numbers, so every error in a user's file names file, line and key.

PyYAML's safe loader forgets where values came from; this loader keeps the line of every
mapping key and list item, rejects duplicate keys (a silent "last one wins" hides mistakes),
and ``MapReader`` turns the loaded data into typed values or an ``InputError`` subclass.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import yaml

from auditor.config.yamlstream import LineDict, LineList, build
from auditor.errors import InputError
from auditor.fileio import read_input

__all__ = ["LineDict", "LineList", "MapReader", "load_yaml"]

T = TypeVar("T")
_MISSING: Any = object()


# libyaml's parser (when PyYAML was built with it) reads the policies and catalogue several
# times faster than the pure-Python one; both are safe loaders and report the same marks.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # chosen at import time, as PyYAML documents
    """Safe loader whose events ``yamlstream.build`` turns into LineDict/LineList, keeping SafeLoader's
    scalars except that an impossible date is an error at its line."""


def _construct_timestamp(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    """A date or time; an impossible one (2027-02-30, month 13) is an error at its line, not a crash."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a valid date ({exc})", node.start_mark
        ) from None


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: str | Path, error: type[InputError] = InputError) -> Any:
    """Read one YAML document; syntax errors, unreadable files and empty files raise ``error``."""
    name = str(path)
    text = read_input(path, error)
    try:
        # Built from the event stream: no node tree of the whole document (issue #13).
        data = build(_LineLoader, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise error(name, f"invalid YAML: {exc.problem or exc}", line=line) from None
    except yaml.YAMLError as exc:
        raise error(name, f"invalid YAML: {exc}") from None
    if data is None:
        raise error(name, "file is empty")
    return data


class MapReader:
    """Typed access to one YAML mapping; every failure names file, line and the key's path."""

    def __init__(self, data: Any, path: str, error: type[InputError], prefix: str = "", line: int = 0,
                 files: list[str] | None = None):
        """``files``: where the document's ``file()`` references are recorded (shared with nested readers)."""
        self.path = path
        self.error = error
        self.prefix = prefix
        self.files: list[str] = [] if files is None else files
        if not isinstance(data, dict):
            raise error(path, "expected a mapping", line=getattr(data, "line", line) or None, key=prefix or None)
        self.data = data

    def keypath(self, key: str) -> str:
        """The dotted path of ``key`` as shown in error messages."""
        return f"{self.prefix}.{key}" if self.prefix else key

    def line(self, key: str | None = None) -> int | None:
        """Line of ``key`` (or of the mapping itself) in the file."""
        key_lines: dict[Any, int] = getattr(self.data, "key_lines", {})
        if key is not None and key in key_lines:
            return key_lines[key]
        line: int | None = getattr(self.data, "line", None)
        return line or None

    def fail(self, key: str | None, message: str) -> NoReturn:
        """Raise this reader's error at ``key``."""
        raise self.error(self.path, message, line=self.line(key), key=self.keypath(key) if key else self.prefix or None)

    def reject_unknown(self, allowed: set[str] | frozenset[str]) -> None:
        """Unknown keys are errors: a typo must not silently disable a setting."""
        for key in self.data:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.fail(str(key), f"unknown key (expected one of: {hint})")

    def has(self, key: str) -> bool:
        """True when ``key`` is present."""
        return key in self.data

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        """The value as loaded, or ``default``; missing without default is an error."""
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self.fail(None, f"missing required key '{self.keypath(key)}'")
        return default

    def _typed(self, key: str, default: Any, kinds: tuple[type, ...], label: str) -> Any:
        value = self.raw(key, default)
        if value is default and key not in self.data:
            return value
        # bool is an int subclass; never accept it where a number is meant.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            self.fail(key, f"expected {label}, got {_describe(value)}")
        return value

    def string(self, key: str, default: Any = _MISSING) -> Any:
        """A string value."""
        value = self._typed(key, default, (str,), "a string")
        if isinstance(value, str) and not value.strip() and key in self.data:
            self.fail(key, "must not be empty")
        return value

    def boolean(self, key: str, default: Any = _MISSING) -> Any:
        """A boolean value (YAML true/false)."""
        return self._typed(key, default, (bool,), "true or false")

    def number(self, key: str, default: Any = _MISSING, minimum: float | None = None) -> Any:
        """An int or float, optionally bounded below."""
        value = self._typed(key, default, (int, float), "a number")
        if key in self.data and not math.isfinite(value):
            self.fail(key, f"must be a finite number, got {value}")
        if minimum is not None and key in self.data and value < minimum:
            self.fail(key, f"must be at least {minimum}, got {value}")
        return value

    def integer(self, key: str, default: Any = _MISSING, minimum: int | None = None,
                maximum: int | None = None) -> Any:
        """A whole number within ``minimum``..``maximum`` (``2.0`` is read as 2, ``2.5`` is an error)."""
        value = self.number(key, default, minimum=minimum)
        if key not in self.data:
            return value
        if value != int(value):
            self.fail(key, f"must be a whole number, got {value}")
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum}, got {value}")
        return int(value)

    def date(self, key: str, default: Any = _MISSING) -> Any:
        """A date written as YYYY-MM-DD."""
        value = self.raw(key, default)
        if key not in self.data:
            return value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        return self.fail(key, f"expected a date YYYY-MM-DD, got {_describe(value)}")

    def strings(self, key: str, default: Any = _MISSING) -> Any:
        """A list of strings; a single string is accepted as a one-item list."""
        value = self.raw(key, default)
        if key not in self.data:
            return value
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(key, f"expected a list of strings, got {_describe(value)}")
        return list(value)

    def mapping(self, key: str, default: Any = _MISSING) -> Any:
        """A nested mapping as a MapReader (or ``default`` when absent)."""
        value = self.raw(key, default)
        if key not in self.data:
            return value
        if not isinstance(value, dict):
            self.fail(key, f"expected a mapping, got {_describe(value)}")
        return MapReader(value, self.path, self.error, self.keypath(key), files=self.files)

    def items(self, key: str) -> list[MapReader]:
        """A list of mappings, each as a MapReader keyed ``key[i]``."""
        value = self.raw(key, [])
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {_describe(value)}")
        lines = getattr(value, "item_lines", [None] * len(value))
        readers = []
        for index, item in enumerate(value):
            prefix = f"{self.keypath(key)}[{index}]"
            if not isinstance(item, dict):
                raise self.error(self.path, f"expected a mapping, got {_describe(item)}", line=lines[index], key=prefix)
            readers.append(MapReader(item, self.path, self.error, prefix, files=self.files))
        return readers

    def file(self, key: str) -> Path:
        """A file the document names at ``key``: ``~`` expanded, a relative path taken from the document's
        folder. Recorded in ``files``, so that whatever copies the document (a shard to a worker) copies
        the file too; whether it exists is the caller's to check."""
        path = Path(self.string(key)).expanduser()
        if not path.is_absolute():
            path = Path(self.path).parent / path
        self.files.append(str(path))
        return path

    def choice(self, key: str, choices: dict[str, T] | list[str], default: Any = _MISSING) -> Any:
        """A string that must be one of ``choices`` (a list, or a mapping to converted values)."""
        value = self.string(key, default)
        if key not in self.data:
            return value
        if value not in choices:
            self.fail(key, f"'{value}' is not one of: {', '.join(choices)}")
        return choices[value] if isinstance(choices, dict) else value

    def convert(self, key: str, function: Callable[[Any], T], default: Any = _MISSING) -> T:
        """Apply ``function`` to the value; its ValueError becomes an error at ``key``."""
        value = self.raw(key, default)
        if key not in self.data:
            unchanged: T = value  # the default, returned as given
            return unchanged
        try:
            return function(value)
        except (ValueError, TypeError) as exc:
            self.fail(key, str(exc))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
