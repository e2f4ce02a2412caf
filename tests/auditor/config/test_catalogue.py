"""The measure catalogue is complete, and every check maps to measures that exist."""

import re

import pytest

from auditor.check import Scope
from auditor.config.catalogue import load_catalogue
from auditor.errors import CatalogueError
from auditor.registry import default_registry

CATALOGUE = load_catalogue()
EXPECTED_IDS = (
    [f"AWR-{n}" for n in range(1, 6)] + [f"PRV-{n}" for n in range(1, 11)]
    + [f"RSP-{n}" for n in range(1, 5)] + [f"RCV-{n}" for n in range(1, 5)]
)


def test_catalogue_has_every_toolkit_measure_in_its_phase():
    assert list(CATALOGUE.measures) == EXPECTED_IDS
    assert [phase.id for phase in CATALOGUE.phases] == ["awareness", "prevention", "response", "recovery"]
    prefixes = {"AWR": "awareness", "PRV": "prevention", "RSP": "response", "RCV": "recovery"}
    for measure in CATALOGUE.measures.values():
        assert measure.phase == prefixes[measure.id[:3]]
        assert measure.title and measure.summary
        assert all(re.fullmatch(r"(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}(-\d{2})?", ref) for ref in measure.nist_csf_2)
        assert all(re.fullmatch(r"\d{1,2}(\.\d{1,2})?", ref) for ref in measure.cis_v8)


def test_every_check_names_existing_measures():
    for check in default_registry().checks.values():
        unknown = set(check.measures) - set(CATALOGUE.measures)
        assert not unknown, f"{check.id} names unknown measures {unknown}"
        if check.scope is not Scope.SITE:  # site checks map each finding to the measure it concerns
            assert check.measures, f"{check.id} names no measure"


def test_every_check_is_documented():
    for check in default_registry().checks.values():
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", check.id)
        assert check.title and check.description() and check.remediation, check.id


def test_bad_catalogue_is_refused(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "framework: x\ntitle: x\nversion: '1'\nphases:\n  - {id: awareness, title: A}\n"
        "measures:\n  - {id: AWR-1, phase: recovery, title: t, summary: s, evidence: automated}\n"
    )
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert (error.value.line, error.value.key) == (7, "measures[0].phase")


def test_a_phase_id_that_could_name_a_path_is_refused(tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("framework: x\ntitle: x\nversion: '1'\nphases:\n  - {id: ../../etc/cron.d/x, title: A}\n"
                    "measures: []\n")
    with pytest.raises(CatalogueError) as error:
        load_catalogue(path)
    assert (error.value.line, error.value.key) == (5, "phases[0].id")
