"""The registry: check modules bring checks, collectors and policy kinds; clashes are bugs."""

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from auditor import area_index
from auditor.registry import Registry, build_registry, default_registry


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


def test_the_shipped_area_index_is_built_from_the_areas_as_they_are():
    # Stale, it would be ignored (every area imported): correct but slow. Regenerate with
    # `python -m auditor.area_index`.
    shipped = json.loads((area_index.areas_dir() / area_index.INDEX_FILE).read_text())
    assert shipped == json.loads(json.dumps(area_index.build_index()))
    assert area_index.load_index() is not None


def test_in_a_source_checkout_an_index_built_from_other_sources_is_not_used(tmp_path, monkeypatch):
    copy = tmp_path / "checks"
    shutil.copytree(area_index.areas_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(area_index, "areas_dir", lambda: copy)
    judges = copy / "ssh_wire" / "judges.py"
    judges.write_text(judges.read_text() + "\n# edited without regenerating the index\n")
    assert area_index.load_index() is not None  # installed: index and sources ship together
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'checkout'\n")
    assert area_index.load_index() is None  # a checkout: the edit makes the index stale


def test_an_area_that_does_not_match_its_index_entry_is_a_one_line_error():
    index = area_index.load_index()
    entry = index.areas["attestation"]
    moved = area_index.AreaEntry(checks={"attestation.renamed": ("attestation",)}, collectors=entry.collectors,
                                 policies=entry.policies)
    registry = Registry(index=area_index.AreaIndex(areas={**index.areas, "attestation": moved}))
    with pytest.raises(ValueError, match=re.escape("regenerate it with `python -m auditor.area_index`")):
        registry.checks["attestation.renamed"]


def test_selecting_one_area_imports_only_that_area_and_what_it_uses():
    probe = ("import sys\n"
             "from auditor.registry import default_registry\n"
             "registry = default_registry()\n"
             "assert len(registry.checks) > 100, len(registry.checks)\n"
             "selected = registry.matching('ssh-wire.*')\n"
             "print(len(selected), len(registry.matching('tag:data-tree')))\n"
             "print(sorted(m for m in sys.modules if m.endswith('.area')))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    counts, areas = out.stdout.splitlines()
    assert int(counts.split()[0]) >= 10
    # Tags come from the index, but matching loads the areas whose checks it returns.
    assert areas == str(["auditor.checks.data.area", "auditor.checks.ssh_wire.area"])


def test_the_lazy_registry_holds_what_importing_every_area_holds():
    from auditor.checks import AREAS, load_area

    eager = build_registry([load_area(name) for name in AREAS])
    lazy = default_registry()
    assert list(lazy.checks) == list(eager.checks)
    assert set(lazy.collectors) == set(eager.collectors)
    assert [check.tags for check in lazy.checks.values()] == [check.tags for check in eager.checks.values()]


def test_a_profile_naming_other_areas_collectors_and_policies_imports_only_their_definitions(tmp_path):
    profile = tmp_path / "wire.yaml"
    profile.write_text('name: wire\nselect: ["ssh-wire.*"]\npolicies:\n  ssh-algorithms: strict\n'
                       'collectors:\n  discovery:\n    enabled: false\n')
    probe = ("import sys\n"
             "from auditor.config.profile import load_profile\n"
             "from auditor.registry import default_registry\n"
             f"profile = load_profile({str(profile)!r}, default_registry())\n"
             "print(profile.collectors['discovery']['enabled'], sorted(profile.policies))\n"
             "print(sorted(m for m in sys.modules if m.endswith('.area')))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    options, areas = out.stdout.splitlines()
    assert options.startswith("False") and "ssh-algorithms" in options
    assert areas == str(["auditor.checks.ssh_wire.area"])  # not services' nor ssh's


def test_a_part_imported_alone_stays_in_use_when_its_area_is_imported():
    registry = Registry(index=area_index.load_index())
    alone = registry.collectors["discovery"]
    registry.checks["services.risky-service"]  # imports the whole services area
    assert registry.collectors["discovery"] is alone
    assert registry.policies["services"] is sys.modules["auditor.checks.services.area"].POLICIES["services"]


def test_every_part_imported_alone_is_what_its_area_registers():
    from auditor.checks import AREAS, load_area

    alone = Registry(index=area_index.load_index())
    eager = build_registry([load_area(name) for name in AREAS])
    assert {name: type(alone.collectors[name]) for name in alone.collectors} == \
        {name: type(collector) for name, collector in eager.collectors.items()}
    assert {kind: alone.policies[kind] for kind in alone.policies} == dict(eager.policies.items())


@pytest.mark.parametrize(("part", "where"), [("collectors", "auditor.checks.services.discovery:Missing"),
                                             ("collectors", "auditor.checks.services.probes:ProbeCollector"),
                                             ("policies", "auditor.checks.ssh.algorithms:NOT_THERE")])
def test_a_part_not_where_the_index_says_is_a_one_line_error(part, where):
    index = area_index.load_index()
    entry = index.areas["services"] if part == "collectors" else index.areas["ssh"]
    key = "discovery" if part == "collectors" else "ssh-algorithms"
    moved = dataclasses.replace(entry, **{part: {**getattr(entry, part), key: where}})
    area = "services" if part == "collectors" else "ssh"
    registry = Registry(index=area_index.AreaIndex(areas={**index.areas, area: moved}))
    with pytest.raises(ValueError, match=re.escape("regenerate it with `python -m auditor.area_index`")):
        getattr(registry, part)[key]


def test_without_a_declared_plugin_importlib_metadata_is_not_imported(tmp_path):
    probe = ("import sys\nfrom auditor.registry import default_registry\n"
             "default_registry()\nprint('importlib.metadata' in sys.modules)\n")
    plain = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True,
                           cwd=tmp_path)
    assert plain.stdout.strip() == "False"
    _install_plugin(tmp_path, "CHECKS = ()\n")  # a declared plug-in is found, through importlib.metadata
    found = subprocess.run([sys.executable, "-c", probe + "print(len(default_registry().checks))\n"],
                           capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path,
                           env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert found.stdout.split()[0] == "True"


def test_a_plugin_installed_as_an_egg_folder_is_found(tmp_path):
    egg = tmp_path / "lab_plugin-1.0-py3.11.egg"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "lab_plugin.py").write_text("CHECKS = ()\n")
    (egg / "EGG-INFO" / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: lab-plugin\nVersion: 1.0\n")
    (egg / "EGG-INFO" / "entry_points.txt").write_text("[auditor.checks]\nlab = lab_plugin\n")
    probe = "import sys\nfrom auditor.registry import default_registry\ndefault_registry()\n" \
            "print('lab_plugin' in sys.modules)\n"
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True,
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(egg)})
    assert found.stdout.strip() == "True", found.stderr
