"""Agent mode: hosts audit themselves; ``merge`` combines their snapshots into one fleet snapshot.

Only snapshots judged alike can be merged: the same profile (name and version) and catalogue
version, otherwise a fleet report would mix verdicts from different rules. A host that appears
in several inputs keeps its newest run. Site-level results (attestations) come from the
newest input that has them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from auditor.errors import SnapshotError
from auditor.store.model import Snapshot

SITE = "site"


def _judged_by(snapshot: Snapshot) -> tuple[str, str, str]:
    return (snapshot.profile.name, snapshot.profile.version, snapshot.catalogue.version)


def merge_snapshots(named: Sequence[tuple[str, Snapshot]]) -> Snapshot:
    """One snapshot from (name, snapshot) pairs; SnapshotError names the input that does not fit."""
    if not named:
        raise SnapshotError("merge", "no snapshots to merge")
    ordered = sorted(named, key=lambda item: item[1].started_at)
    reference_name, reference = ordered[-1]
    for name, snapshot in ordered:
        if _judged_by(snapshot) != _judged_by(reference):
            raise SnapshotError(name, "judged with profile {} {} / catalogue {}, but {} used {} {} / catalogue {}"
                                .format(*_judged_by(snapshot), reference_name, *_judged_by(reference)))
    owner: dict[str, Snapshot] = {}  # target name -> the newest snapshot that audited it
    for _, snapshot in ordered:
        for record in snapshot.targets:
            owner[record.name] = snapshot
    snapshots = [snapshot for _, snapshot in ordered]
    # The merged snapshot is new: it carries no signature or re-judging record of any input.
    return dataclasses.replace(
        reference,
        checks={k: v for s in snapshots for k, v in s.checks.items()},
        started_at=snapshots[0].started_at,
        finished_at=max(snapshot.finished_at for snapshot in snapshots),
        targets=tuple(r for name, s in owner.items() for r in s.targets if r.name == name),
        results=tuple(r for s in snapshots for r in s.results if owner[r.target] is s),
        findings=tuple(f for s in snapshots for f in s.findings if owner[f.target] is s),
        facts={name: snapshot.facts[name] for name, snapshot in owner.items() if name in snapshot.facts},
        attestations=owner[SITE].attestations if SITE in owner else (),
        signature=None,
        rejudged=None,
    )
