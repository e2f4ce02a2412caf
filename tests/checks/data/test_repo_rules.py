"""The repository rules file: loading, validation errors naming file/line/key, and the profile hook."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks.data.accounts import parse_getent_line
from auditor.checks.data.rules import (
    RulesError,
    host_matches,
    load_rules,
    relation,
)
from auditor.config.profile import load_profile
from auditor.errors import ProfileError
from auditor.facts import facts_to_json
from auditor.models import Target, TargetKind
from auditor.registry import default_registry

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLE_RULES = REPO_ROOT / "profiles" / "examples" / "data-rules.yaml"
EXAMPLE_PROFILE = REPO_ROOT / "profiles" / "examples" / "data-profile.yaml"

GOOD = """\
version: 1
repositories:
  - name: raw
    path: /srv/data/raw/
    classification: restricted
    owner_group: lab
    read_groups: [analysts]
    write_groups: ingest
    backup: {path: /backup/raw, max_age_days: 2}
    max_files: 1000
  - name: legacy
    host: fs01
    path: /export/legacy
    owner_group: lab
"""


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_valid_file_loads_with_defaults_and_normalised_paths(tmp_path):
    rules = load_rules(write(tmp_path, GOOD))
    raw, legacy = rules.repositories
    assert raw.path == "/srv/data/raw" and raw.host == "local" and raw.write_groups == ("ingest",)
    assert raw.writer_groups == ("lab", "ingest") and raw.allowed_groups == ("lab", "ingest", "analysts")
    assert raw.backup.max_age_days == 2 and raw.max_files == 1000 and raw.sharing_allowed is False
    assert legacy.classification is None  # a finding, not an error
    assert raw.source == f"{tmp_path / 'rules.yaml'}:3"
    assert facts_to_json(raw)["backup"] == {"path": "/backup/raw", "max_age_days": 2}


def test_the_example_rules_file_loads():
    rules = load_rules(EXAMPLE_RULES)
    assert {repo.classification for repo in rules.repositories} == {"restricted", "confidential", "internal",
                                                                    "public", None}


@pytest.mark.parametrize("text, line, key, message", [
    (GOOD.replace("classification: restricted", "classification: secret"), 5,
     "repositories[0].classification", "'secret' is not one of: public, internal, confidential, restricted"),
    (GOOD.replace("path: /srv/data/raw/", "path: data/raw"), 4, "repositories[0].path", "not an absolute path"),
    (GOOD.replace("name: legacy", "name: raw").replace("host: fs01", "host: local"), 11, "repositories[1].name",
     "declared twice"),
    (GOOD.replace("    max_files: 1000\n", "    max_file: 1000\n"), 10, "repositories[0].max_file", "unknown key"),
    (GOOD.replace("write_groups: ingest", "write_groups: [in gest]"), 8, "repositories[0].write_groups",
     "not a valid group name"),
    (GOOD.replace("max_age_days: 2", "max_age_days: -1"), 9, "repositories[0].backup.max_age_days",
     "must be at least 0"),
    (GOOD.replace("    owner_group: lab\n    read", "    read"), 3, "repositories[0]", "missing required key 'repositories[0].owner_group'"),
    (GOOD.replace("version: 1", "version: 2"), 1, "version", "only version 1"),
    ("repositories: {}\n", 1, "repositories", "expected a list"),
])
def test_errors_name_file_line_and_key(tmp_path, text, line, key, message):
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as raised:
        load_rules(path)
    error = raised.value
    assert (error.path, error.line, error.key) == (str(path), line, key), str(error)
    assert message in error.detail


def test_invalid_yaml_names_the_line(tmp_path):
    with pytest.raises(RulesError, match=r"rules.yaml:3: invalid YAML"):
        load_rules(write(tmp_path, "repositories:\n  - name: x\n   path: [\n"))


def test_hosts_match_local_targets_names_and_addresses():
    local = Target(name="this-machine", kind=TargetKind.LOCAL)
    remote = Target(name="fs01", kind=TargetKind.SSH, address="192.0.2.5")
    assert host_matches("local", local) and not host_matches("local", remote)
    assert host_matches("fs01", remote) and host_matches("192.0.2.5", remote) and not host_matches("fs02", remote)


@pytest.mark.parametrize("path, repo, expected", [
    ("/srv/data", "/srv/data", "same"), ("/srv/data/x", "/srv/data", "inside"), ("/srv", "/srv/data", "contains"),
    ("/", "/srv/data", "contains"), ("/srv/database", "/srv/data", None), ("/srv/data/", "/srv/data", "same"),
])
def test_relation_of_paths(path, repo, expected):
    assert relation(path, repo) == expected


def test_getent_lines():
    assert parse_getent_line("group", "lab:x:1001:alice,bob") == {"name": "lab", "id": 1001, "members": ["alice", "bob"]}
    assert parse_getent_line("passwd", "bob:x:1002:1001:Bob:/home/bob:/bin/sh") == {"name": "bob", "id": 1002, "gid": 1001}
    assert parse_getent_line("group", "garbage") is None and parse_getent_line("passwd", "a:x:b:c") is None


def test_profile_resolves_rules_relative_to_itself_and_loads_them(tmp_path):
    (tmp_path / "conf").mkdir()
    write(tmp_path / "conf", GOOD, "data-rules.yaml")
    profile = write(tmp_path / "conf", "name: p\nextends: baseline\ncollectors:\n  repositories:\n    rules: data-rules.yaml\n"
                                       "    samples: 3\n    acls: false\n", "profile.yaml")
    loaded = load_profile(str(profile), default_registry())
    options = loaded.collector_options(default_registry().collectors["repositories"])
    assert options["rules"].path == str(tmp_path / "conf" / "data-rules.yaml")
    assert options["samples"] == 3 and options["acls"] is False and options["max_files"] == 5_000_000


def test_example_profile_loads():
    loaded = load_profile(str(EXAMPLE_PROFILE), default_registry())
    assert loaded.collector_options(default_registry().collectors["repositories"])["rules"].path == str(EXAMPLE_RULES)


def test_profile_errors_for_missing_or_broken_rules(tmp_path):
    profile = write(tmp_path, "name: p\nextends: baseline\ncollectors:\n  repositories:\n    rules: nope.yaml\n", "profile.yaml")
    with pytest.raises(ProfileError, match=r"profile.yaml:5: collectors.repositories.rules: rules file .*nope.yaml does not exist"):
        load_profile(str(profile), default_registry())
    write(tmp_path, GOOD.replace("classification: restricted", "classification: top"), "nope.yaml")
    with pytest.raises(RulesError, match=r"nope.yaml:5: repositories\[0\].classification"):
        load_profile(str(profile), default_registry())
    bad_budget = write(tmp_path, "name: p\nextends: baseline\ncollectors:\n  repositories:\n    max_files: 0\n", "budget.yaml")
    with pytest.raises(ProfileError, match=r"budget.yaml:5: collectors.repositories.max_files: must be at least 1"):
        load_profile(str(bad_budget), default_registry())
