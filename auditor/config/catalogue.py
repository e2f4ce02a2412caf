"""The toolkit's measure catalogue (IDs, phases, crosswalks), loaded from versioned data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor import resources
from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import CatalogueError

EVIDENCE_KINDS = ("automated", "partial", "attestation")

# A phase id names its report page file, so it can never be a path (see the snapshot schema's phaseId).
PHASE_ID = re.compile(r"[a-z][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class Phase:
    """One of the toolkit's four phases."""

    id: str
    title: str
    summary: str


@dataclass(frozen=True)
class Measure:
    """One cybersecurity measure of the toolkit, as this project labels it."""

    id: str
    phase: str
    title: str
    summary: str
    evidence: str
    machine_evidence: str
    nist_csf_2: tuple[str, ...]
    cis_v8: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form for snapshots (reports read measures from the snapshot)."""
        return {
            "id": self.id,
            "phase": self.phase,
            "title": self.title,
            "summary": self.summary,
            "evidence": self.evidence,
            "machine_evidence": self.machine_evidence,
            "crosswalk": {"nist_csf_2": list(self.nist_csf_2), "cis_v8": list(self.cis_v8)},
        }


@dataclass(frozen=True)
class Catalogue:
    """The framework: its phases in order and its measures by id."""

    framework: str
    title: str
    version: str
    source: str
    phases: tuple[Phase, ...]
    measures: dict[str, Measure]

    def in_phase(self, phase: str) -> list[Measure]:
        """Measures of one phase, in catalogue order."""
        return [measure for measure in self.measures.values() if measure.phase == phase]

    def to_dict(self) -> dict[str, Any]:
        """JSON form embedded in every snapshot, so old snapshots report with their own catalogue."""
        return {
            "framework": self.framework,
            "title": self.title,
            "version": self.version,
            "source": self.source,
            "phases": [vars(phase) for phase in self.phases],
            "measures": [measure.to_dict() for measure in self.measures.values()],
        }


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue file (the shipped one by default)."""
    path = Path(path) if path else resources.framework_path()
    root = MapReader(load_yaml(path, CatalogueError), str(path), CatalogueError)
    root.reject_unknown({"framework", "title", "version", "source", "phases", "measures"})
    phases = tuple(_phase(item) for item in root.items("phases"))
    phase_ids = [phase.id for phase in phases]
    measures: dict[str, Measure] = {}
    for item in root.items("measures"):
        measure = _measure(item, phase_ids)
        if measure.id in measures:
            item.fail("id", f"duplicate measure id '{measure.id}'")
        measures[measure.id] = measure
    return Catalogue(
        framework=root.string("framework"),
        title=root.string("title"),
        version=root.string("version"),
        source=root.string("source", ""),
        phases=phases,
        measures=measures,
    )


def _phase(item: MapReader) -> Phase:
    item.reject_unknown({"id", "title", "summary"})
    phase_id = item.string("id")
    if not PHASE_ID.fullmatch(phase_id):
        item.fail("id", f"'{phase_id}' is not a phase id (lowercase letters, digits and '-'; it names a report page)")
    return Phase(phase_id, item.string("title"), item.string("summary", ""))


def _measure(item: MapReader, phase_ids: list[str]) -> Measure:
    item.reject_unknown({"id", "phase", "title", "summary", "evidence", "machine_evidence", "crosswalk"})
    crosswalk = item.mapping("crosswalk", None)
    if crosswalk is not None:
        crosswalk.reject_unknown({"nist_csf_2", "cis_v8"})
    return Measure(
        id=item.string("id"),
        phase=item.choice("phase", phase_ids),
        title=item.string("title"),
        summary=item.string("summary"),
        evidence=item.choice("evidence", list(EVIDENCE_KINDS)),
        machine_evidence=item.string("machine_evidence", ""),
        nist_csf_2=tuple(crosswalk.strings("nist_csf_2", [])) if crosswalk else (),
        cis_v8=tuple(crosswalk.strings("cis_v8", [])) if crosswalk else (),  # quoted: 5.10 is not 5.1
    )
