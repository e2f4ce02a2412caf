"""Policies kept as data (SSH algorithm ratings, TLS profiles, service catalogues), chosen by name or path.

Each policy kind is registered by the check module that uses it (``POLICIES`` beside ``CHECKS``),
with a validator that turns the YAML into plain data or raises an error naming file, line and key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from auditor import resources
from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import ProfileError


def port_numbers(items: Any) -> list[int]:
    """Sorted port numbers from ints and ``N-M`` ranges; ValueError naming the bad item."""
    if not isinstance(items, list):
        raise ValueError("expected a list of ports and port ranges such as 6817-6819")
    ports: set[int] = set()
    for item in items:
        first, _, last = str(item).strip().partition("-")
        if isinstance(item, bool) or not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"'{item}' is not a port or a port range N-M")
        low, high = int(first), int(last or first)
        if not 0 < low <= high < 65536:
            raise ValueError(f"'{item}' is not within 1-65535 (or its range is reversed)")
        ports.update(range(low, high + 1))
    return sorted(ports)


def policy_kinds() -> list[str]:
    """Policy kinds a profile may choose (registered by check modules)."""
    return sorted(_validators())


def _validators() -> Mapping[str, Callable[[MapReader], dict[str, Any]]]:
    from auditor.registry import default_registry  # the registry imports check modules: late

    return default_registry().policies


def load_policy(kind: str, ref: str, base: Path | None = None,
                validators: Mapping[str, Callable[[MapReader], dict[str, Any]]] | None = None) -> dict[str, Any]:
    """Load policy ``ref`` (a shipped name or a path) of ``kind``; KeyError for an unknown kind.

    ``validators`` are the registry's policy kinds (the default registry when not given).
    """
    validator = (validators if validators is not None else _validators())[kind]
    path = policy_path(kind, ref, base)
    reader = MapReader(load_yaml(path, ProfileError), str(path), ProfileError)
    return validator(reader)


def is_file_ref(ref: str) -> bool:
    """Whether a profile's or policy's reference names a file (a path) rather than a shipped one."""
    return ref.endswith((".yaml", ".yml")) or "/" in ref


def policy_path(kind: str, ref: str, base: Path | None = None) -> Path:
    """The file of policy ``ref``: a path (relative to ``base``), or a shipped policy's file.

    FileNotFoundError names the shipped policies when ``ref`` is none of them.
    """
    if is_file_ref(ref):
        return Path(ref) if base is None or Path(ref).is_absolute() else base / ref
    path = resources.policy_path(kind, ref)
    if not path.exists():
        shipped = sorted(p.stem.removeprefix(f"{kind}-") for p in path.parent.glob(f"{kind}-*.yaml"))
        raise FileNotFoundError(f"no shipped {kind} policy '{ref}' (shipped: {', '.join(shipped)})")
    return path


def plain(value: Any) -> Any:
    """Strip line-tracking containers so policies are ordinary dicts and lists."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
