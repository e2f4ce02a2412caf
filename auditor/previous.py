"""The previous run, for checks that judge what changed since (new set-id programs, ...).

``auditor run --history DIR`` compares with the newest usable run of DIR, ``--previous FILE``
with a snapshot named on the command line. The run seeds every target with ``PreviousRunFacts``:
that target's facts as the previous run recorded them, read back into their classes only by
the checks that ask. Without a previous run, or one that did not audit the target, the facts
say why, and the checks that need them are ``not-assessable`` with that reason.

Like the inventory, these facts are supplied by the run, not collected, and not stored again:
a check names the run it compared with in its result's details.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from auditor.errors import NotAssessable
from auditor.facts import Facts, FactsDecodeError, facts_from_json

if TYPE_CHECKING:  # the store (and cryptography) load only where a previous snapshot is read
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from auditor.check import Check
    from auditor.store.model import Snapshot

F = TypeVar("F", bound=Facts)
NO_PREVIOUS = "no previous snapshot to compare"


@dataclass(frozen=True)
class PreviousRunFacts(Facts):
    """One target's facts as the previous run recorded them (``records``: facts name -> record)."""

    name: ClassVar[str] = "previous_run"
    source: str = ""  # the run compared with: "2026-12-02T02:00:00+00:00 (history/…/snapshot.json)"
    records: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # status, version, value, reason
    missing: str = NO_PREVIOUS  # why there is nothing to compare ("" when ``records`` came from a run)

    def facts(self, kind: type[F]) -> F:
        """The previous run's facts of class ``kind``; NotAssessable saying why when there are none."""
        if self.missing:
            raise NotAssessable(self.missing)
        record = self.records.get(kind.name)
        if record is None:
            raise NotAssessable(f"the previous run ({self.source}) did not collect '{kind.name}' facts")
        if record.get("status") != "ok":
            raise NotAssessable(f"the previous run ({self.source}) has no '{kind.name}' facts: "
                                f"{record.get('reason') or record.get('status')}")
        try:
            return facts_from_json(kind, record.get("value"), record.get("version") or 1)
        except FactsDecodeError as exc:
            raise NotAssessable(f"the previous run's '{kind.name}' facts cannot be read: {exc}") from None


@dataclass(frozen=True)
class PreviousRun:
    """The previous snapshot's facts for every target it audited, and which snapshot it is."""

    source: str
    targets: Mapping[str, PreviousRunFacts]

    def for_target(self, target: str) -> PreviousRunFacts:
        """The seed for ``target``: its previous facts, or why there are none."""
        found = self.targets.get(target)
        if found is not None:
            return found
        return PreviousRunFacts(source=self.source,
                                missing=f"the previous run ({self.source}) recorded no facts of {target}")

    def narrowed(self, targets: Iterable[str]) -> PreviousRun:
        """The previous run of ``targets`` only (what one shard of a distributed run needs)."""
        return PreviousRun(self.source, {name: self.targets[name] for name in targets if name in self.targets})

    def to_json(self) -> dict[str, Any]:
        """As a shard message carries it (the records are JSON already)."""
        return {"source": self.source,
                "targets": {name: {"missing": facts.missing, "records": dict(facts.records)}
                            for name, facts in self.targets.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PreviousRun:
        """The inverse of ``to_json``; KeyError, TypeError or ValueError when malformed."""
        source = str(data["source"])
        targets = {}
        for name, item in data["targets"].items():
            records = item["records"]
            if not isinstance(records, dict) or not all(isinstance(record, dict) for record in records.values()):
                raise TypeError(f"previous facts of {name} are not records")
            targets[str(name)] = PreviousRunFacts(source=source, missing=str(item["missing"]), records=records)
        return cls(source, targets)


def compared_facts(checks: Iterable[type[Check]]) -> frozenset[str]:
    """The facts checks of change compare with the previous run: those they read now, then.

    Only these are kept from the previous snapshot, so a fleet's snapshot is not held in memory
    during the audit; empty when no selected check reads ``PreviousRunFacts``.
    """
    return frozenset(kind.name for check in checks if PreviousRunFacts in check.facts
                     for kind in check.facts if kind is not PreviousRunFacts)


def previous_run(snapshot: Snapshot, where: str, keep: frozenset[str] | None = None) -> PreviousRun:
    """What ``snapshot`` (read from ``where``) recorded, ready to seed a run's targets
    (only the facts named in ``keep``, when given)."""
    source = f"{snapshot.started_at} ({where})"
    targets = {
        target: PreviousRunFacts(source=source, missing="", records={
            name: {"status": record.status, "version": record.version, "value": record.value,
                   "reason": record.reason}
            for name, record in records.items() if keep is None or name in keep})
        for target, records in snapshot.facts.items()
    }
    return PreviousRun(source, targets)


def load_previous(path: Path, key: Ed25519PublicKey | None, keep: frozenset[str] | None = None) -> PreviousRun:
    """The snapshot named by ``--previous`` (signed by ``key`` when given), its facts narrowed to
    ``keep``; InputError when unusable."""
    if key is None:
        from auditor.store.codec import load_snapshot

        return previous_run(load_snapshot(path), str(path), keep)
    from auditor.store.signing import load_verified

    return previous_run(load_verified(path, key), str(path), keep)


def newest_previous(history: Path, key: Ed25519PublicKey | None,
                    keep: frozenset[str] | None = None) -> PreviousRun | None:
    """The newest run of ``history`` that can be read (and verifies with ``key``), or None.

    Found as the reports' pages find the run they compare with (``newest_snapshot``); unsigned
    runs are passed over when a key is given, since a forged baseline must not hide a new set-id
    program.
    """
    from auditor.store.history import newest_snapshot

    found = newest_snapshot(history, key)
    return None if found is None else previous_run(found[1], str(found[0]), keep)
