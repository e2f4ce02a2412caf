"""YAML input keeps line numbers and turns every mistake into an error naming file, line and key."""

from pathlib import Path

import pytest

from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import ProfileError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "input.yaml"
    path.write_text(text)
    return path


def reader(tmp_path: Path, text: str) -> MapReader:
    path = write(tmp_path, text)
    return MapReader(load_yaml(path, ProfileError), str(path), ProfileError)


def test_unknown_key_names_file_line_and_key(tmp_path):
    root = reader(tmp_path, "name: x\n\nfial_on: high\n")
    with pytest.raises(ProfileError) as error:
        root.reject_unknown({"name", "fail_on"})
    assert error.value.line == 3
    assert error.value.key == "fial_on"
    assert str(error.value).startswith(f"{tmp_path / 'input.yaml'}:3: fial_on: unknown key")


def test_duplicate_keys_are_refused(tmp_path):
    path = write(tmp_path, "a: 1\nb: 2\na: 3\n")
    with pytest.raises(ProfileError, match="duplicate key 'a'") as error:
        load_yaml(path, ProfileError)
    assert error.value.line == 3


def test_syntax_error_has_a_line(tmp_path):
    path = write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(ProfileError, match="invalid YAML") as error:
        load_yaml(path, ProfileError)
    assert error.value.line is not None


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ProfileError, match="file not found"):
        load_yaml(tmp_path / "absent.yaml", ProfileError)
    with pytest.raises(ProfileError, match="file is empty"):
        load_yaml(write(tmp_path, "# only a comment\n"), ProfileError)


def test_nested_keys_report_their_path_and_line(tmp_path):
    root = reader(tmp_path, "options:\n  check.x:\n    max: high\n")
    nested = root.mapping("options").mapping("check.x")
    with pytest.raises(ProfileError) as error:
        nested.number("max")
    assert error.value.key == "options.check.x.max"
    assert error.value.line == 3
    assert "expected a number, got 'high'" in str(error.value)


def test_list_items_are_located(tmp_path):
    root = reader(tmp_path, "waivers:\n  - check: a\n  - 7\n")
    with pytest.raises(ProfileError) as error:
        root.items("waivers")
    assert (error.value.key, error.value.line) == ("waivers[1]", 3)


def test_booleans_are_not_numbers(tmp_path):
    root = reader(tmp_path, "max: true\n")
    with pytest.raises(ProfileError, match="expected a number, got a boolean"):
        root.number("max")


def test_dates_and_choices(tmp_path):
    root = reader(tmp_path, "when: 2027-01-31\nbad: 31/01/2027\nlevel: severe\n")
    assert root.date("when").isoformat() == "2027-01-31"
    with pytest.raises(ProfileError, match="expected a date YYYY-MM-DD"):
        root.date("bad")
    with pytest.raises(ProfileError, match="'severe' is not one of: low, high"):
        root.choice("level", ["low", "high"])
