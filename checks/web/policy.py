"""The ``web-exposure`` policy kind: the shipped catalogue, extended or trimmed by a profile.

A profile chooses it like any policy (``policies: {web-exposure: default}``, or the path of its
own file). A policy file may add probes (``probes:``, validated like the shipped ones; a probe
with a shipped probe's id replaces it), disable shipped probes by id (``disable:``), or start
from nothing (``builtin: false``). The loaded policy is plain keys plus the typed probes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from auditor.checks.web.catalogue import WebProbe, read_probes
from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import CatalogueError

KIND = "web-exposure"


def catalogue_path() -> Path:
    """The shipped catalogue (``checks/web/catalogue.yaml``, installed as package data)."""
    return Path(str(resources.files("auditor.checks.web"))) / "catalogue.yaml"


@functools.cache
def shipped() -> tuple[str, tuple[WebProbe, ...]]:
    """The shipped catalogue's version and probes (read once)."""
    path = catalogue_path()
    root = MapReader(load_yaml(path, CatalogueError), str(path), CatalogueError)
    root.reject_unknown({"catalogue", "version", "description", "probes"})
    return str(root.string("version")), tuple(read_probes(root))


def validate_web_exposure(root: MapReader) -> dict[str, Any]:
    """A ``web-exposure`` policy: the shipped probes, minus ``disable``, plus (or replaced by) ``probes``."""
    root.reject_unknown({"policy", "version", "title", "description", "builtin", "disable", "probes"})
    version, builtin = shipped()
    probes = {probe.id: probe for probe in builtin} if root.boolean("builtin", True) else {}
    for probe_id in root.strings("disable", []):
        if probe_id not in probes:
            root.fail("disable", f"no shipped probe '{probe_id}' to disable")
        del probes[probe_id]
    for probe in read_probes(root):
        probes[probe.id] = probe
    return {
        "policy": root.string("policy"),
        "version": f"{root.string('version', 'unversioned')} (catalogue {version})",
        "probes": tuple(probes.values()),
    }


def probes_of(policy: Mapping[str, Any]) -> tuple[WebProbe, ...]:
    """The typed probes of a loaded ``web-exposure`` policy."""
    probes: tuple[WebProbe, ...] = policy["probes"]
    return probes


def web_policy(loaded: Mapping[str, Any]) -> Mapping[str, Any]:
    """The profile's ``web-exposure`` policy, or the shipped default when the profile chose none."""
    from auditor.config import policies  # the policy loader imports the registry: late

    return loaded.get(KIND) or policies.load_policy(KIND, "default")
