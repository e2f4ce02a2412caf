"""The check registry: built-in check modules plus third-party ones from an entry point group."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from auditor.check import Check, Collector
from auditor.config.yamlfile import MapReader
from auditor.errors import PluginError

ENTRY_POINT_GROUP = "auditor.checks"


@dataclass(frozen=True)
class Registry:
    """All known checks by id and collectors by name."""

    checks: dict[str, type[Check]]
    collectors: dict[str, Collector]
    policies: dict[str, Callable[[MapReader], dict[str, Any]]]  # policy kind -> validator

    def matching(self, pattern: str) -> list[type[Check]]:
        """Checks selected by an exact id, a glob such as ``ssh.*``, or ``tag:NAME``."""
        if pattern.startswith("tag:"):
            tag = pattern[4:]
            return [check for check in self.checks.values() if tag in check.tags]
        return [check for check_id, check in self.checks.items() if fnmatch.fnmatchcase(check_id, pattern)]


def build_registry(modules: Iterable[ModuleType]) -> Registry:
    """Collect ``CHECKS``, ``COLLECTORS`` and ``POLICIES`` from check modules; duplicates are a bug."""
    checks: dict[str, type[Check]] = {}
    collectors: dict[str, Collector] = {}
    policies: dict[str, Callable[[MapReader], dict[str, Any]]] = {}
    for module in modules:
        for kind, validator in getattr(module, "POLICIES", {}).items():
            if kind in policies:
                raise PluginError(f"policy kind '{kind}' registered twice ({module.__name__})")
            policies[kind] = validator
        for check in getattr(module, "CHECKS", ()):
            if check.id in checks:
                raise PluginError(f"check id '{check.id}' registered twice ({module.__name__})")
            checks[check.id] = check
        for collector in getattr(module, "COLLECTORS", ()):
            produces = getattr(collector, "produces", None)
            if produces is None:
                raise PluginError(f"collector '{collector.name}' declares no facts class ({module.__name__})")
            if produces.name != collector.name:
                raise PluginError(f"collector '{collector.name}' produces '{produces.name}' facts")
            if collector.name in collectors:
                raise PluginError(f"collector '{collector.name}' registered twice ({module.__name__})")
            collectors[collector.name] = collector
    for check in checks.values():
        names = [kind.name for kind in check.facts]
        missing = [name for name in names if name not in collectors and name not in SEEDED_FACTS]
        if missing:
            raise PluginError(f"check '{check.id}' needs unknown facts: {', '.join(missing)}")
    for check in checks.values():
        unknown = [kind for kind in check.policies if kind not in policies]
        if unknown:
            raise PluginError(f"check '{check.id}' reads unregistered policy kinds: {', '.join(unknown)}")
    return Registry(checks=dict(sorted(checks.items())), collectors=collectors, policies=policies)


# Facts supplied by the audit itself rather than collected from a target: the attestations
# (site target), the inventory of every target in the run (for drift checks) and the previous
# run's facts of the target (for checks of what changed, see auditor.previous).
SEEDED_FACTS = frozenset({"attestations", "inventory", "previous_run"})


_default: Registry | None = None


def default_registry() -> Registry:
    """The built-in checks plus every installed plugin module (loaded once)."""
    global _default
    if _default is None:
        from auditor import checks as builtin

        _default = build_registry([*builtin.MODULES, *_plugins()])
    return _default


def _plugins() -> list[ModuleType]:
    """The check modules installed packages register; one that cannot load is named, not a traceback."""
    modules = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            modules.append(entry.load())
        except Exception as exc:  # any import-time failure of someone else's package
            raise PluginError(f"plug-in '{entry.name}' ({entry.value}) cannot be loaded: "
                              f"{type(exc).__name__}: {exc}") from None
    return modules
