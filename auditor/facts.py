"""Typed, versioned facts and their JSON form.

Every collector returns one ``Facts`` subclass: a frozen dataclass whose fields are plain
values (``str``, ``int``, ``float``, ``bool``, ``None``), enums, tuples, string-keyed mappings
and other frozen dataclasses. Snapshots store facts as JSON (``facts_to_json``) with the
class's ``version``, and ``facts_from_json`` reads them back into the same types, so a stored
snapshot can be judged again under another profile without touching the network.

A facts class whose shape changes bumps ``version`` and, where older snapshots should still be
judged, overrides ``upgrade`` to turn the older JSON into the current shape.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from auditor.errors import AuditorError
from auditor.models import Target

JSON = Any  # a JSON value as the standard library reads and writes it

F = TypeVar("F", bound="Facts")
T = TypeVar("T")


class FactsDecodeError(AuditorError):
    """Stored facts do not have the shape their class expects."""


@dataclasses.dataclass(frozen=True)
class Facts:
    """Base of every collector's facts: a frozen dataclass with a format version."""

    name: ClassVar[str]  # the collector's name, which keys these facts in caches and snapshots
    version: ClassVar[int] = 1

    @classmethod
    def upgrade(cls, data: Mapping[str, JSON], version: int) -> Mapping[str, JSON]:
        """Turn the JSON of an older ``version`` into the current shape (override when it changes)."""
        if version != cls.version:
            raise FactsDecodeError(
                f"{cls.__name__} version {version} cannot be read (this auditor reads {cls.version})"
            )
        return data


def omitted_when_default(default: Any = None) -> Any:
    """A field left out of the JSON while it holds ``default`` (read back as ``default``).

    For facts whose collectors never wrote the key when it had no value: their JSON, and so the
    snapshots they are stored in, keep the shape earlier versions wrote.
    """
    return dataclasses.field(default=default, metadata={"omit_default": True})


def _omitted(field: dataclasses.Field[Any], value: object) -> bool:
    return bool(field.metadata.get("omit_default")) and value == field.default


def facts_to_json(value: object) -> JSON:
    """The JSON form of facts (or of any value a facts field may hold)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: facts_to_json(getattr(value, field.name))
            for field in _fields(type(value))
            if not _omitted(field, getattr(value, field.name))
        }
    if isinstance(value, Mapping):
        return {str(key): facts_to_json(item) for key, item in value.items()}
    if isinstance(value, (tuple, list, frozenset)):
        return [facts_to_json(item) for item in value]
    raise TypeError(f"{type(value).__name__} cannot be stored in facts")


def facts_from_json(cls: type[F], data: JSON, version: int | None = None) -> F:
    """Facts of class ``cls`` from their JSON form, upgraded from ``version`` when older."""
    if not isinstance(data, Mapping):
        raise FactsDecodeError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    data = cls.upgrade(data, cls.version if version is None else version)
    facts: F = _decode(cls, data, cls.__name__)
    return facts


def decode(kind: type[T], data: JSON) -> T:
    """A value of type ``kind`` (a dataclass, enum, or plain type) from its JSON form."""
    result: T = _decode(kind, data, getattr(kind, "__name__", str(kind)))
    return result


@functools.cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(field for field in dataclasses.fields(cls) if field.init)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(kind: Any, data: JSON, where: str) -> Any:
    """``data`` read as ``kind``; ``where`` names the place for error messages."""
    if kind is Any or kind is object:
        return data
    origin = typing.get_origin(kind)
    if origin is typing.Union or origin is types.UnionType:
        return _decode_union(typing.get_args(kind), data, where)
    if origin is typing.Literal:
        if data not in typing.get_args(kind):
            raise FactsDecodeError(f"{where}: {data!r} is not one of {typing.get_args(kind)}")
        return data
    if origin in (tuple, list, frozenset) or origin is typing.get_origin(typing.Sequence[int]):
        return _decode_sequence(kind, origin, data, where)
    if origin in (dict, Mapping) or origin is typing.get_origin(typing.Mapping[str, int]):
        _, value_type = typing.get_args(kind)
        if not isinstance(data, Mapping):
            raise FactsDecodeError(f"{where}: expected an object")
        return {key: _decode(value_type, item, f"{where}.{key}") for key, item in data.items()}
    if isinstance(kind, type):
        return _decode_type(kind, data, where)
    raise FactsDecodeError(f"{where}: cannot read values of type {kind!r}")


def _decode_union(options: tuple[Any, ...], data: JSON, where: str) -> Any:
    if data is None and type(None) in options:
        return None
    errors = []
    for option in options:
        if option is type(None):
            continue
        try:
            return _decode(option, data, where)
        except FactsDecodeError as exc:
            errors.append(str(exc))
    raise FactsDecodeError(errors[0] if len(errors) == 1 else f"{where}: matches none of {options}")


def _decode_sequence(kind: Any, origin: Any, data: JSON, where: str) -> Any:
    if not isinstance(data, list):
        raise FactsDecodeError(f"{where}: expected a list")
    args = typing.get_args(kind)
    if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
        if len(args) != len(data):
            raise FactsDecodeError(f"{where}: expected {len(args)} items")
        pairs = enumerate(zip(args, data, strict=True))
        return tuple(_decode(arg, item, f"{where}[{index}]") for index, (arg, item) in pairs)
    item_type = args[0] if args else Any
    items = [_decode(item_type, item, f"{where}[{index}]") for index, item in enumerate(data)]
    if origin is list:
        return items
    return frozenset(items) if origin is frozenset else tuple(items)


def _decode_type(kind: type, data: JSON, where: str) -> Any:
    if issubclass(kind, enum.Enum):
        try:
            return kind(data)
        except ValueError:
            raise FactsDecodeError(f"{where}: {data!r} is not a {kind.__name__}") from None
    if dataclasses.is_dataclass(kind):
        return _decode_dataclass(kind, data, where)
    if kind is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if kind in (str, int, float, bool, type(None)):
        if type(data) is not kind:
            raise FactsDecodeError(f"{where}: expected {kind.__name__}, got {type(data).__name__}")
        return data
    raise FactsDecodeError(f"{where}: cannot read values of type {kind.__name__}")


def _decode_dataclass(kind: type, data: JSON, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise FactsDecodeError(f"{where}: expected an object")
    fields = _fields(kind)
    unknown = set(data) - {field.name for field in fields}
    if unknown:
        raise FactsDecodeError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    hints = _hints(kind)
    values = {}
    for field in fields:
        if field.name in data:
            values[field.name] = _decode(hints[field.name], data[field.name], f"{where}.{field.name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise FactsDecodeError(f"{where}: missing key {field.name}")
    return kind(**values)


@dataclasses.dataclass(frozen=True)
class InventoryFacts(Facts):
    """Every machine target of the run, given to each target (drift checks compare with it).

    Supplied by the run, not collected: snapshots keep the targets once, at the top level.
    """

    name: ClassVar[str] = "inventory"
    targets: tuple[Target, ...] = ()
