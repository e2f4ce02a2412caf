"""Built-in checks, one package per area.

Each area registers its ``CHECKS``, ``COLLECTORS`` and ``POLICIES`` in its ``area`` module and
keeps its package ``__init__`` empty, so that importing one area's facts or parser does not
import every other area. List new areas here and regenerate the index
(``python -m auditor.area_index``), which lets a run import only the areas it selects.
"""

import importlib
from types import ModuleType

AREAS = ("ssh", "ssh_wire", "services", "web", "tls", "data", "host", "attestation")


def load_area(name: str) -> ModuleType:
    """The registration module of built-in area ``name``."""
    return importlib.import_module(f"auditor.checks.{name}.area")
