"""The node-based YAML construction that ``auditor.config.yamlstream`` replaced (issue #13), kept
as the oracle of the differential tests and of bench/inventory_memory.py.

It lets PyYAML compose the whole document into a node tree first, then builds LineDict/LineList
from the nodes: the code of ``auditor/config/yamlfile.py`` before the streaming construction.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

from auditor.config.yamlfile import LineDict, LineList, _construct_timestamp, _SafeLoader


class OldLineLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # chosen at import time, as PyYAML documents
    """Safe loader that builds LineDict/LineList from composed nodes and refuses duplicate keys."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "a list or a mapping cannot be a key", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


class PyOldLineLoader(yaml.SafeLoader):
    """The same on PyYAML's pure-Python parser and composer (where libyaml is missing)."""


class PyLineLoader(yaml.SafeLoader):
    """The auditor's loader on PyYAML's pure-Python parser, for ``yamlstream.build``."""


for _loader in (OldLineLoader, PyOldLineLoader):
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
PyLineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def old_load(text: str, pure_python: bool = False) -> Any:
    """The document as the node-based construction built it (``yaml.load`` semantics)."""
    return yaml.load(text, Loader=PyOldLineLoader if pure_python else OldLineLoader)
