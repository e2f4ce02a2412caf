"""The host area as the registry, the profiles and the measure catalogue see it."""

from __future__ import annotations

import subprocess
import sys

from auditor.config.catalogue import load_catalogue
from auditor.config.profile import load_profile
from testkit.hostkit import REGISTRY

HOST = {check_id: check for check_id, check in REGISTRY.checks.items() if check_id.startswith("host.")}


def by_measure(measure: str) -> list[str]:
    return [check_id for check_id, check in HOST.items() if measure in check.measures]


def test_measures_have_the_checks_issue_11_asks_for() -> None:
    assert len(by_measure("PRV-6")) >= 5
    assert len(by_measure("RSP-1")) >= 4
    assert len(by_measure("RSP-4")) >= 3
    catalogue = set(load_catalogue().measures)
    for check in HOST.values():
        assert check.measures and set(check.measures) <= catalogue, check.id
        assert check.__doc__ and check.remediation and check.title, check.id


def test_profiles_select_the_host_area() -> None:
    baseline = load_profile("baseline", REGISTRY)
    assert set(HOST) <= set(baseline.selected)
    host = load_profile("host", REGISTRY)
    assert set(host.selected) == set(HOST) | {c for c in REGISTRY.checks if c.startswith("ssh.")}
    strict = load_profile("strict", REGISTRY)
    assert strict.options["host.os-end-of-life"]["accept_extended"] is False
    assert strict.options["host.weak-authorized-keys"]["min_rsa_bits"] == 3072


def test_checks_command_lists_the_host_checks() -> None:
    listing = subprocess.run([sys.executable, "-m", "auditor", "checks"], capture_output=True, text=True,
                             check=True, timeout=120).stdout
    for check_id in HOST:
        assert check_id in listing
