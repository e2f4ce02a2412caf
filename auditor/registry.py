"""The check registry: built-in check modules plus third-party ones from an entry point group."""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

from auditor.area_index import AreaIndex, entry_of, import_definition, load_index
from auditor.check import Check, Collector
from auditor.checks import AREAS
from auditor.checks import load_area as builtin_area
from auditor.config.yamlfile import MapReader
from auditor.errors import PluginError

ENTRY_POINT_GROUP = "auditor.checks"
_STALE_INDEX = "regenerate it with `python -m auditor.area_index`"


Validator = Callable[[MapReader], dict[str, Any]]
V = TypeVar("V")


class _Table(Mapping[str, V]):
    """Registered parts of one kind by key; a built-in area's part is imported on first lookup.

    Keys, membership and iteration come from the area index without importing anything; reading a
    value (``table[key]``, ``.values()``, ``.items()``) imports the area that owns it, or, for a
    part the index says where to find (collectors, policy kinds), that part's own module.
    """

    def __init__(self, kind: str, owners: dict[str, str], load: Callable[[str], None],
                 definitions: Mapping[str, str] | None = None, build: Callable[[str, object], V] | None = None):
        self.kind = kind
        self.owners = owners  # key -> built-in area not imported yet
        self.loaded: dict[str, V] = {}  # key -> part registered (imported) already
        self._load = load
        self._definitions = dict(definitions or {})  # key -> "module:name", importable alone
        self._build = build  # (key, imported definition) -> the part
        self._alone: dict[str, str] = {}  # key -> area, for parts imported without their area

    def add(self, key: str, value: V, module: ModuleType, area: str | None) -> None:
        if key in self._alone and self._alone.pop(key) == area:
            return  # its area is imported now; the part imported alone before stays in use
        if key in self.loaded or (key in self.owners and self.owners[key] != area):
            raise PluginError(f"{self.kind} '{key}' registered twice ({module.__name__})")
        self.loaded[key] = value
        self.owners.pop(key, None)

    def __getitem__(self, key: str) -> V:
        if key not in self.loaded and key in self.owners:
            if key in self._definitions and self._build is not None:
                self.loaded[key] = self._build(key, self._import(key))
                self._alone[key] = self.owners.pop(key)
            else:
                self._load(self.owners[key])
        return self.loaded[key]

    def _import(self, key: str) -> object:
        try:
            return import_definition(self._definitions[key])
        except (ImportError, AttributeError):
            raise PluginError(f"the area index does not match {self.kind} '{key}': {_STALE_INDEX}") from None

    def __contains__(self, key: object) -> bool:
        return key in self.loaded or key in self.owners

    def __iter__(self) -> Iterator[str]:
        return iter(sorted({*self.loaded, *self.owners}))

    def __len__(self) -> int:
        return len({*self.loaded, *self.owners})


class Registry:
    """All known checks by id, collectors by name and policy kinds (validators) by kind.

    Modules given are registered at once; built-in areas listed in ``index`` are imported the
    first time one of their parts is read, so a run selecting one area imports only that one.
    """

    def __init__(self, modules: Iterable[ModuleType] = (), index: AreaIndex | None = None):
        self._index = index
        self.checks: _Table[type[Check]] = _Table("check id", index.owners("checks") if index else {}, self._load)
        self.collectors: _Table[Collector] = _Table(
            "collector", index.owners("collectors") if index else {}, self._load,
            index.definitions("collectors") if index else None, _collector)
        self.policies: _Table[Validator] = _Table(
            "policy kind", index.owners("policies") if index else {}, self._load,
            index.definitions("policies") if index else None, _validator)
        modules = list(modules)
        for module in modules:
            self._register(module, area=None)
        self._validate([check for module in modules for check in getattr(module, "CHECKS", ())])

    def matching(self, pattern: str) -> list[type[Check]]:
        """Checks selected by an exact id, a glob such as ``ssh.*``, or ``tag:NAME``."""
        if pattern.startswith("tag:"):
            return [self.checks[check_id] for check_id, tags in self._tags().items() if pattern[4:] in tags]
        return [self.checks[check_id] for check_id in self.checks if fnmatch.fnmatchcase(check_id, pattern)]

    def _tags(self) -> dict[str, tuple[str, ...]]:
        known = {check_id: tuple(check.tags) for check_id, check in self.checks.loaded.items()}
        if self._index is not None:
            for entry in self._index.areas.values():
                known.update({check_id: tags for check_id, tags in entry.checks.items()
                              if check_id in self.checks.owners})
        return dict(sorted(known.items()))

    def _load(self, area: str) -> None:
        module = builtin_area(area)
        if self._index is not None and entry_of(module) != self._index.areas[area]:
            raise PluginError(f"the area index does not match area '{area}': {_STALE_INDEX}")
        self._register(module, area=area)
        self._validate(list(getattr(module, "CHECKS", ())))

    def _register(self, module: ModuleType, area: str | None) -> None:
        for kind, validator in getattr(module, "POLICIES", {}).items():
            self.policies.add(kind, validator, module, area)
        for check in getattr(module, "CHECKS", ()):
            self.checks.add(check.id, check, module, area)
        for collector in getattr(module, "COLLECTORS", ()):
            produces = getattr(collector, "produces", None)
            if produces is None:
                raise PluginError(f"collector '{collector.name}' declares no facts class ({module.__name__})")
            if produces.name != collector.name:
                raise PluginError(f"collector '{collector.name}' produces '{produces.name}' facts")
            self.collectors.add(collector.name, collector, module, area)

    def _validate(self, checks: list[type[Check]]) -> None:
        """Every check's facts have a collector and its policy kinds a validator (by key: no imports)."""
        for check in checks:
            missing = [kind.name for kind in check.facts
                       if kind.name not in self.collectors and kind.name not in SEEDED_FACTS]
            if missing:
                raise PluginError(f"check '{check.id}' needs unknown facts: {', '.join(missing)}")
            unknown = [kind for kind in check.policies if kind not in self.policies]
            if unknown:
                raise PluginError(f"check '{check.id}' reads unregistered policy kinds: {', '.join(unknown)}")


def _collector(name: str, definition: object) -> Collector:
    """The collector ``name`` from its class, imported alone; a mismatch means the index is stale."""
    collector = definition() if isinstance(definition, type) and issubclass(definition, Collector) else None
    produces = getattr(collector, "produces", None)
    if collector is None or collector.name != name or produces is None or produces.name != name:
        raise PluginError(f"the area index does not match collector '{name}': {_STALE_INDEX}")
    return collector


def _validator(kind: str, definition: object) -> Validator:
    """The validator of policy kind ``kind``, imported alone."""
    if not callable(definition):
        raise PluginError(f"the area index does not match policy kind '{kind}': {_STALE_INDEX}")
    return cast(Validator, definition)


def build_registry(modules: Iterable[ModuleType]) -> Registry:
    """A registry of exactly these modules, all imported now; duplicates are a bug."""
    return Registry(modules)


# Facts supplied by the audit itself rather than collected from a target: the attestations
# (site target), the inventory of every target in the run (for drift checks) and the previous
# run's facts of the target (for checks of what changed, see auditor.previous).
SEEDED_FACTS = frozenset({"attestations", "inventory", "previous_run"})


_default: Registry | None = None


def default_registry() -> Registry:
    """The built-in checks plus every installed plugin module (loaded once)."""
    global _default
    if _default is None:
        index = load_index()
        areas = [] if index is not None else [builtin_area(name) for name in AREAS]
        _default = Registry([*areas, *_plugins()], index)
    return _default


def _plugins() -> list[ModuleType]:
    """The check modules installed packages register; one that cannot load is named, not a traceback."""
    if not _may_declare_plugins():
        return []
    from importlib.metadata import entry_points  # a twentieth of a second: only when a plug-in may exist

    modules = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            modules.append(entry.load())
        except Exception as exc:  # any import-time failure of someone else's package
            raise PluginError(f"plug-in '{entry.name}' ({entry.value}) cannot be loaded: "
                              f"{type(exc).__name__}: {exc}") from None
    return modules


def _may_declare_plugins() -> bool:
    """Whether an installed distribution may declare ``ENTRY_POINT_GROUP``, decided without importlib.metadata.

    Installed packages declare entry points in ``*.dist-info/entry_points.txt`` (``*.egg-info``
    for some source installs, ``EGG-INFO`` inside an ``.egg`` folder on ``sys.path``); a glance at
    those files tells whether importing importlib.metadata (email, zipfile, csv...) is needed at
    all. Whatever cannot be read plainly (an archive on ``sys.path``, an unreadable folder or file)
    counts as a maybe.
    """
    section = f"[{ENTRY_POINT_GROUP}]"
    for entry in sys.path:
        folder = Path(entry or ".")
        if folder.is_file():
            return True
        try:
            infos = [info.path for info in os.scandir(folder)
                     if info.name.lower().endswith(("dist-info", "egg-info")) or info.name == "EGG-INFO"]
        except FileNotFoundError:
            continue  # a folder that is not there holds no distribution
        except OSError:
            return True
        for info in infos:
            try:
                declared = Path(info, "entry_points.txt").read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:
                continue
            except OSError:
                return True
            if section in declared:
                return True
    return False
