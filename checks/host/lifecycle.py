"""The ``host-os-lifecycle`` policy: releases and the end of their security support (data in
profiles/policies/host-os-lifecycle-*.yaml, with its date and sources)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.checks.host.facts import OsRelease
from auditor.config.yamlfile import MapReader


def validate_lifecycle(reader: MapReader) -> dict[str, Any]:
    """The table as plain data: version, source, and releases with ISO dates."""
    reader.reject_unknown(frozenset({"version", "source", "releases"}))
    releases = []
    for item in reader.items("releases"):
        item.reject_unknown(frozenset({"id", "version", "name", "eol", "extended"}))
        extended = item.date("extended", None)
        releases.append({"id": item.string("id").lower(), "version": str(item.raw("version")),
                         "name": item.string("name"), "eol": item.date("eol").isoformat(),
                         "extended": extended.isoformat() if extended else None})
    if not releases:
        reader.fail("releases", "needs at least one release")
    return {"version": str(reader.raw("version")), "source": reader.string("source"), "releases": releases}


def release_entry(policy: Mapping[str, Any], os: OsRelease) -> Mapping[str, Any] | None:
    """The table's entry for this release: same id, and the same version (RHEL family: the major)."""
    for entry in policy["releases"]:
        if entry["id"] != os.id:
            continue
        if os.version_id == entry["version"] or os.version_id.startswith(entry["version"] + "."):
            return dict(entry)
    return None
