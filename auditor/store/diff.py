"""Comparing two snapshots: what changed in the systems, and what changed in how they were judged.

Findings are matched by fingerprint (check id + target + resource), so a reworded message
or a moved line is not a "new" finding. Check results are matched by (check id, target).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.models import CheckResult, Finding
from auditor.store.model import CheckMeta, FactRecord, Snapshot, sorted_findings, waiver_state

# The name of the services area's discovery facts (DiscoveryFacts.name in
# checks/services/facts.py), written here because the store never imports check areas.
DISCOVERY_FACT = "discovery"


@dataclass(frozen=True)
class SeverityChange:
    """A finding present in both snapshots whose severity differs."""

    old: Finding
    new: Finding


@dataclass(frozen=True)
class StatusChange:
    """A check whose status on a target differs between the snapshots."""

    check_id: str
    target: str
    old: str  # status, or "absent"
    new: str
    reason: str = ""


@dataclass(frozen=True)
class WaiverChange:
    """A finding whose waiver state differs (waived, expired, or no longer waived)."""

    finding: Finding
    old: str
    new: str


@dataclass(frozen=True, order=True)
class PortChange:
    """An open port that discovery saw in only one of the snapshots."""

    target: str
    address: str
    port: int
    protocol: str
    service: str

    def label(self) -> str:
        """``address:protocol/port (service)`` for text reports."""
        return f"{self.address}:{self.protocol}/{self.port} ({self.service or 'unknown'})"


@dataclass
class SnapshotDiff:
    """The comparison of an older and a newer snapshot."""

    old_meta: dict[str, str]
    new_meta: dict[str, str]
    new: list[Finding] = field(default_factory=list)
    resolved: list[Finding] = field(default_factory=list)
    persisting: list[Finding] = field(default_factory=list)
    severity_changed: list[SeverityChange] = field(default_factory=list)
    status_changed: list[StatusChange] = field(default_factory=list)
    waiver_changed: list[WaiverChange] = field(default_factory=list)
    targets_added: list[str] = field(default_factory=list)
    targets_removed: list[str] = field(default_factory=list)
    ports_opened: list[PortChange] = field(default_factory=list)
    ports_closed: list[PortChange] = field(default_factory=list)
    version_changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    # check id -> why its results may differ because of the judging, not the systems
    judged_differently: dict[str, str] = field(default_factory=dict)
    # Notes on snapshots that were re-judged (shown, not part of the JSON change report)
    rejudged_notes: tuple[str, ...] = ()

    def caused_by_judging(self, check_id: str) -> str:
        """Why a change of ``check_id`` may come from the check or profile (empty: from the systems)."""
        return self.judged_differently.get(check_id, "")

    @property
    def has_changes(self) -> bool:
        """True when anything about the systems or their judgement changed."""
        return bool(
            self.new or self.resolved or self.severity_changed or self.status_changed
            or self.waiver_changed or self.targets_added or self.targets_removed
            or self.ports_opened or self.ports_closed
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON form (``auditor diff --json``)."""
        return {
            "old": self.old_meta,
            "new": self.new_meta,
            "version_changes": {key: {"old": old, "new": new} for key, (old, new) in self.version_changes.items()},
            "judged_differently": self.judged_differently,
            "targets_added": self.targets_added,
            "targets_removed": self.targets_removed,
            "ports_opened": [vars(change) for change in self.ports_opened],
            "ports_closed": [vars(change) for change in self.ports_closed],
            "findings": {
                "new": [finding.to_dict() for finding in self.new],
                "resolved": [finding.to_dict() for finding in self.resolved],
                "persisting": [finding.fingerprint for finding in self.persisting],
                "severity_changed": [
                    {"fingerprint": c.new.fingerprint, "old": c.old.severity.value, "new": c.new.severity.value}
                    for c in self.severity_changed
                ],
                "waiver_changed": [
                    {"fingerprint": c.finding.fingerprint, "old": c.old, "new": c.new} for c in self.waiver_changed
                ],
            },
            "status_changed": [vars(change) for change in self.status_changed],
        }


def run_meta(snapshot: Snapshot) -> dict[str, str]:
    """When the run started and what judged it: tool, profile and catalogue versions."""
    return {
        "started_at": snapshot.started_at,
        "tool_version": snapshot.tool.version,
        "profile": f"{snapshot.profile.name} {snapshot.profile.version}",
        "catalogue_version": snapshot.catalogue.version,
    }


def version_changes(old: Mapping[str, str], new: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """What judged two runs differently (of ``run_meta``): tool, profile or catalogue version -> (old, new)."""
    return {key: (old[key], new[key]) for key in ("tool_version", "profile", "catalogue_version")
            if old[key] != new[key]}


def compare(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    """Compare two snapshots (older first)."""
    diff = SnapshotDiff(old_meta=run_meta(old), new_meta=run_meta(new),
                        rejudged_notes=tuple(s.rejudged_note for s in (old, new) if s.rejudged_note))
    old_findings = {finding.fingerprint: finding for finding in old.findings}
    new_findings = {finding.fingerprint: finding for finding in new.findings}
    diff.new = sorted_findings(f for fp, f in new_findings.items() if fp not in old_findings)
    diff.resolved = sorted_findings(f for fp, f in old_findings.items() if fp not in new_findings)
    for finding in sorted_findings(new_findings.values()):
        before = old_findings.get(finding.fingerprint)
        if before is None:
            continue
        diff.persisting.append(finding)
        if before.severity != finding.severity:
            diff.severity_changed.append(SeverityChange(before, finding))
        if waiver_state(before) != waiver_state(finding):
            diff.waiver_changed.append(WaiverChange(finding, waiver_state(before), waiver_state(finding)))
    diff.status_changed = _status_changes(old.results, new.results)
    old_targets, new_targets = old.target_names, new.target_names
    diff.ports_opened, diff.ports_closed = _port_changes(old, new)
    diff.targets_added = [name for name in new_targets if name not in old_targets]
    diff.targets_removed = [name for name in old_targets if name not in new_targets]
    diff.version_changes = version_changes(diff.old_meta, diff.new_meta)
    diff.judged_differently = _judging_changes(old.checks, new.checks)
    return diff


def _judging_changes(old: Mapping[str, CheckMeta], new: Mapping[str, CheckMeta]) -> dict[str, str]:
    """Checks added, dropped, or run with other options or severity between the snapshots."""
    changes = {}
    for check_id in sorted(old.keys() | new.keys()):
        if check_id not in old:
            changes[check_id] = "new check: not run in the older snapshot"
        elif check_id not in new:
            changes[check_id] = "check not run in the newer snapshot"
        elif old[check_id].options != new[check_id].options:
            changes[check_id] = "check options changed in the profile"
        elif old[check_id].severity != new[check_id].severity:
            changes[check_id] = "check severity changed in the profile"
    return changes


def _discovery(facts: Mapping[str, FactRecord]) -> FactRecord | None:
    """The record of a successful discovery scan, or None (no scan, or a failed one)."""
    record = facts.get(DISCOVERY_FACT)
    return record if record is not None and record.ok else None


def _entries(value: object, key: str) -> list[Mapping[str, Any]]:
    """The mappings listed under ``key`` of a JSON object (none when it is not one)."""
    items = value.get(key, []) if isinstance(value, dict) else []
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _open_ports(snapshot: Snapshot) -> set[PortChange]:
    """Open ports in a snapshot's discovery facts, for targets where discovery ran."""
    ports = set()
    for target, facts in snapshot.facts.items():
        discovery = _discovery(facts)
        if discovery is None:
            continue  # no scan, or a failed one: nothing can be said to have opened or closed
        for host in _entries(discovery.value, "hosts"):
            for entry in _entries(host, "ports"):
                ports.add(PortChange(target, host.get("address", ""), int(entry["port"]),
                                     entry.get("protocol", "tcp"), entry.get("service", "")))
    return ports


def _port_changes(old: Snapshot, new: Snapshot) -> tuple[list[PortChange], list[PortChange]]:
    """Ports opened and closed, compared only on targets scanned in both snapshots."""
    def key(change: PortChange) -> tuple[str, str, int, str]:
        return (change.target, change.address, change.port, change.protocol)

    before, after = _open_ports(old), _open_ports(new)
    scanned_both = _scanned(old) & _scanned(new)
    before_keys, after_keys = {key(c) for c in before}, {key(c) for c in after}
    opened = sorted(c for c in after if c.target in scanned_both and key(c) not in before_keys)
    closed = sorted(c for c in before if c.target in scanned_both and key(c) not in after_keys)
    return opened, closed


def _scanned(snapshot: Snapshot) -> set[str]:
    return {target for target, facts in snapshot.facts.items() if _discovery(facts) is not None}


def _status_changes(old: Iterable[CheckResult], new: Iterable[CheckResult]) -> list[StatusChange]:
    before = {(result.check_id, result.target): result for result in old}
    after = {(result.check_id, result.target): result for result in new}
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old_status = before[key].status.value if key in before else "absent"
        new_status = after[key].status.value if key in after else "absent"
        if old_status != new_status:
            reason = after[key].reason if key in after else ""
            changes.append(StatusChange(key[0], key[1], old_status, new_status, reason))
    return changes


def render_text(diff: SnapshotDiff) -> str:
    """The plain-text change report ``auditor diff`` prints."""
    lines = [f"Comparing {diff.old_meta['started_at']} -> {diff.new_meta['started_at']}"]
    lines.extend(f"  note: {note}" for note in diff.rejudged_notes)
    for key, (old, new) in diff.version_changes.items():
        lines.append(f"  note: {key.replace('_', ' ')} changed {old} -> {new}; some differences may come from it")
    for label, names in (("hosts added", diff.targets_added), ("hosts removed", diff.targets_removed)):
        if names:
            lines.append(f"{label}: {', '.join(names)}")
    for label, changes in (("ports opened", diff.ports_opened), ("ports closed", diff.ports_closed)):
        if changes:
            lines.append(f"{label}: {len(changes)}")
            lines.extend(f"  {change.target}: {change.label()}" for change in changes)
    sections = (("new", diff.new), ("resolved", diff.resolved))
    for label, findings in sections:
        lines.append(f"{label} findings: {len(findings)}")
        lines.extend(f"  {_finding_line(finding)}" for finding in findings)
    lines.extend(_judging_note(diff, [*diff.new, *diff.resolved, *(c.new for c in diff.severity_changed)]))
    lines.append(f"persisting findings: {len(diff.persisting)}")
    lines.append(f"severity changed: {len(diff.severity_changed)}")
    lines.extend(
        f"  {c.old.severity.value} -> {c.new.severity.value}  {_finding_line(c.new)}" for c in diff.severity_changed
    )
    if diff.waiver_changed:
        lines.append(f"waiver changed: {len(diff.waiver_changed)}")
        lines.extend(f"  {c.old} -> {c.new}  {_finding_line(c.finding)}" for c in diff.waiver_changed)
    lines.append(f"check status changed: {len(diff.status_changed)}")
    lines.extend(f"  {c.check_id} on {c.target}: {c.old} -> {c.new}" for c in diff.status_changed)
    return "\n".join(lines)


def _judging_note(diff: SnapshotDiff, findings: Iterable[Finding]) -> list[str]:
    """Lines naming the checks whose changes may come from the judging rather than the systems."""
    affected = sorted({finding.check_id for finding in findings} & diff.judged_differently.keys())
    return [f"  from the judging, not the systems: {check_id}: {diff.judged_differently[check_id]}"
            for check_id in affected]


def _finding_line(finding: Finding) -> str:
    return f"[{finding.severity.value}] {finding.target} {finding.check_id} {finding.resource}: {finding.message}"
