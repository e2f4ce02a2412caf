"""Checking snapshot documents against their JSON Schema, fast enough for fleet-sized runs."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

import fastjsonschema

from auditor import resources
from auditor.errors import SnapshotError

SCHEMA_VERSION = 2  # the version written; older ones are read and upgraded (see codec)
READABLE_VERSIONS = (1, 2)


@functools.cache
def schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The snapshot JSON Schema of ``version`` (the current one by default)."""
    path = resources.schema_path(None if version == SCHEMA_VERSION else version)
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _inline_refs(node: Any, root: Mapping[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its definition (ours never recurse).

    fastjsonschema formats an error name for every ``$ref`` call, even when nothing fails;
    inside arrays of 100,000 findings that alone took most of the validation time.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _inline_refs(target, root)
        return {key: _inline_refs(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, root) for item in node]
    return node


@functools.cache
def _validator(version: int) -> Callable[[Any], Any]:
    # Compiled once to Python code, which an interpreting validator cannot match on
    # fleet-sized snapshots (tens of seconds for 100,000 findings).
    validator: Callable[[Any], Any] = fastjsonschema.compile(_inline_refs(schema(version), schema(version)))
    return validator


def validate(document: Mapping[str, Any], name: str, version: int = SCHEMA_VERSION) -> None:
    """Raise SnapshotError naming the first place ``document`` departs from the schema of ``version``."""
    try:
        _validator(version)(document)
    except fastjsonschema.JsonSchemaValueException as exc:
        where = "/".join(str(part) for part in exc.path[1:]) or "(top level)"
        raise SnapshotError(name, f"does not match the snapshot schema at {where}: {exc.message}") from None
