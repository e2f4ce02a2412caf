"""The registry: check modules bring checks, collectors and policy kinds; clashes are bugs."""

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from auditor.registry import build_registry, default_registry


def module(name, **attributes):
    made = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(made, key, value)
    return made


def test_built_in_policy_kinds_are_registered_by_their_check_modules():
    assert set(default_registry().policies) == {"ssh-algorithms", "services", "tls", "host-os-lifecycle",
                                              "host-sysctl", "web-exposure"}


def test_a_policy_kind_registered_twice_is_refused():
    def validator(reader):
        return {}

    with pytest.raises(ValueError, match="policy kind 'x' registered twice"):
        build_registry([module("a", POLICIES={"x": validator}), module("b", POLICIES={"x": validator})])


def test_a_check_reading_an_unregistered_policy_kind_is_refused(check_factory):
    check = check_factory("t.needs-policy", (), lambda self, facts, ctx: [])
    check.policies = ("nowhere",)
    with pytest.raises(ValueError, match="reads unregistered policy kinds: nowhere"):
        build_registry([module("c", CHECKS=(check,))])


def _install_plugin(site: Path, source: str) -> None:
    """A plug-in package as pip would leave it: a module and its dist-info with the entry point."""
    (site / "lab_plugin.py").write_text(source)
    info = site / "lab_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lab-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[auditor.checks]\nlab = lab_plugin\n")


@pytest.mark.parametrize("source, message", [
    ("from auditor.checks.attestation.judges import ReviewOverdue\nCHECKS = (ReviewOverdue,)\n",
     "check id 'attestation.review-overdue' registered twice (lab_plugin)"),
    ("raise RuntimeError('broken on import')\n",
     "plug-in 'lab' (lab_plugin) cannot be loaded: RuntimeError: broken on import"),
])
def test_a_bad_plugin_is_a_one_line_error(tmp_path, source, message):
    _install_plugin(tmp_path, source)
    completed = subprocess.run([sys.executable, "-m", "auditor", "checks"], capture_output=True, text=True,
                               cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)}, timeout=60)
    assert completed.returncode == 3
    assert completed.stderr.strip().splitlines() == [f"auditor: error: {message}"]
