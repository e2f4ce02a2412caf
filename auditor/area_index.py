"""The index of the built-in check areas: which area registers which check, collector and policy kind.

A run that selects ``ssh-wire.*`` should not pay for importing the host, data and TLS areas.
The index, shipped as ``checks/index.json`` and built from the areas themselves, lets the
registry answer "which checks match", "which tags", "which area owns this collector" without
importing anything, and import an area the first time one of its parts is used.

In a source checkout the index is checked against a digest of the areas' sources: stale (a
check edited without regenerating), it is not used and every area is imported, which is slower
but never wrong. An installed package ships index and sources together, so the digest (a tenth
of start-up) is skipped there; the registry still compares each area it imports with its entry.
Regenerate with ``python -m auditor.area_index``; a test keeps the shipped copy in step.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from auditor import checks as builtin

INDEX_FILE = "index.json"


@dataclass(frozen=True)
class AreaEntry:
    """What one area registers: check ids with their tags; collectors by name and policy kinds, each
    with where it is defined (``module:name``).

    A profile names collectors and policies of areas it selects no check from (``discovery:
    enabled: false``); their definitions alone are imported to validate its options, not the area.
    """

    checks: dict[str, tuple[str, ...]]
    collectors: dict[str, str]
    policies: dict[str, str]


@dataclass(frozen=True)
class AreaIndex:
    """Every built-in area's entry, by area name."""

    areas: dict[str, AreaEntry]

    def owners(self, part: str) -> dict[str, str]:
        """Area name by check id (``part="checks"``), collector name or policy kind."""
        return {key: area for area, entry in self.areas.items() for key in getattr(entry, part)}

    def definitions(self, part: str) -> dict[str, str]:
        """Where each collector (``part="collectors"``) or policy kind is defined, by name."""
        return {key: where for entry in self.areas.values() for key, where in getattr(entry, part).items()}


def areas_dir() -> Path:
    """The folder of the built-in areas (``checks/``)."""
    return Path(builtin.__file__).parent


def sources_digest() -> str:
    """One SHA-256 over every area's Python source, by relative path."""
    digest = hashlib.sha256()
    root = areas_dir()
    for path in sorted(root.glob("*/**/*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def in_source_checkout() -> bool:
    """True when the areas are the repository's own files (an editable install), not a wheel's."""
    return (areas_dir().resolve().parent / "pyproject.toml").is_file()


def entry_of(module: ModuleType) -> AreaEntry:
    """The index entry of an imported area (or plug-in) module."""
    return AreaEntry(
        checks={check.id: tuple(sorted(check.tags)) for check in getattr(module, "CHECKS", ())},
        collectors={collector.name: definition(type(collector)) for collector in getattr(module, "COLLECTORS", ())},
        policies={kind: definition(validator) for kind, validator in getattr(module, "POLICIES", {}).items()},
    )


def definition(part: Callable[..., object]) -> str:
    """``module:qualified.name`` of a class or function: where to import it from alone."""
    return f"{part.__module__}:{part.__qualname__}"


def import_definition(where: str) -> object:
    """The class or function a ``definition`` names, imported with its module only."""
    module_name, _, name = where.partition(":")
    part: object = importlib.import_module(module_name)
    for attribute in name.split("."):
        part = getattr(part, attribute)
    return part


def build_index() -> dict[str, object]:
    """The index document, from importing every area."""
    areas = {name: entry_of(builtin.load_area(name)) for name in builtin.AREAS}
    return {
        "sources": sources_digest(),
        "areas": {
            name: {"checks": {k: list(v) for k, v in entry.checks.items()},
                   "collectors": entry.collectors, "policies": entry.policies}
            for name, entry in areas.items()
        },
    }


def load_index() -> AreaIndex | None:
    """The shipped index, or None when it is missing, unreadable or built from other sources."""
    try:
        document = json.loads((areas_dir() / INDEX_FILE).read_text(encoding="utf-8"))
        if set(document["areas"]) != set(builtin.AREAS):
            return None
        if in_source_checkout() and document.get("sources") != sources_digest():
            return None
        return AreaIndex(areas={
            name: AreaEntry(
                checks={check_id: tuple(tags) for check_id, tags in entry["checks"].items()},
                collectors={str(key): str(where) for key, where in entry["collectors"].items()},
                policies={str(key): str(where) for key, where in entry["policies"].items()},
            )
            for name, entry in document["areas"].items()
        })
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_index() -> Path:
    """Regenerate ``checks/index.json`` from the areas as they are now."""
    path = areas_dir() / INDEX_FILE
    path.write_text(json.dumps(build_index(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.stderr.write(f"wrote the area index {write_index()}\n")
