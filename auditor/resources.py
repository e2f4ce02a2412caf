"""Where installed data lives: profiles, the measure catalogue, policies, templates, schema.

Everything is looked up through the installed packages, so the auditor works from any
directory after a plain ``pip install .``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def profiles_dir() -> Path:
    """Directory of the shipped profiles (``profiles/`` in the repository)."""
    return Path(str(resources.files("auditor.profiles")))


def framework_path(name: str = "eu-rifi-cyber") -> Path:
    """Path of a shipped measure catalogue."""
    return profiles_dir() / "frameworks" / f"{name}.yaml"


def policy_path(kind: str, name: str) -> Path:
    """Path of a shipped policy, e.g. kind ``ssh-algorithms`` and name ``strict``."""
    return profiles_dir() / "policies" / f"{kind}-{name}.yaml"


def templates_dir() -> Path:
    """Directory of the report templates (``reports/templates`` in the repository)."""
    return Path(str(resources.files("auditor.reports"))) / "templates"


def schema_path(version: int | None = None) -> Path:
    """Path of the snapshot JSON Schema: the current one, or that of an older schema ``version``."""
    name = "snapshot.schema.json" if version is None else f"snapshot.v{version}.schema.json"
    return Path(str(resources.files("auditor.store.schema"))) / name
