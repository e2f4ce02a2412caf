"""Agent mode: hosts audit themselves; ``merge`` combines their snapshots into one fleet snapshot.

Only snapshots judged alike can be merged: the same profile (name and version) and catalogue
version, otherwise a fleet report would mix verdicts from different rules. A host that appears
in several inputs keeps its newest run. Site-level results (attestations) come from the
newest input that has them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from auditor.errors import SnapshotError
from auditor.store.snapshot import summarize

SITE = "site"


def _judged_by(snapshot: Mapping[str, Any]) -> tuple[str, str, str]:
    return (snapshot["profile"]["name"], snapshot["profile"]["version"], snapshot["catalogue"]["version"])


def merge_snapshots(named: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """One snapshot from (name, snapshot) pairs; SnapshotError names the input that does not fit."""
    if not named:
        raise SnapshotError("merge", "no snapshots to merge")
    ordered = sorted(named, key=lambda item: item[1]["started_at"])
    reference_name, reference = ordered[-1]
    for name, snapshot in ordered:
        if _judged_by(snapshot) != _judged_by(reference):
            raise SnapshotError(name, "judged with profile {} {} / catalogue {}, but {} used {} {} / catalogue {}".format(
                *_judged_by(snapshot), reference_name, *_judged_by(reference)))
    owner: dict[str, Mapping[str, Any]] = {}  # target name -> the newest snapshot that audited it
    for _, snapshot in ordered:
        for target in snapshot["targets"]:
            owner[target["name"]] = snapshot
    merged: dict[str, Any] = {
        **{key: reference[key] for key in ("schema_version", "tool", "profile", "catalogue")},
        "checks": {k: v for _, s in ordered for k, v in s["checks"].items()},
        "started_at": ordered[0][1]["started_at"],
        "finished_at": max(snapshot["finished_at"] for _, snapshot in ordered),
        "targets": [target for name, snapshot in owner.items() for target in snapshot["targets"] if target["name"] == name],
        "results": [r for _, s in ordered for r in s["results"] if owner[r["target"]] is s],
        "findings": [f for _, s in ordered for f in s["findings"] if owner[f["target"]] is s],
        "facts": {name: snapshot["facts"][name] for name, snapshot in owner.items() if name in snapshot["facts"]},
        "attestations": owner[SITE]["attestations"] if SITE in owner else [],
    }
    merged["summary"] = summarize(merged)
    return merged
