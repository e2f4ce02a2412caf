"""Profiles: extends, selection, options, severities, waivers, and errors that point at the mistake."""

from pathlib import Path

import pytest

from auditor.config.profile import load_profile, shipped_profiles
from auditor.errors import ProfileError
from auditor.models import Severity
from auditor.registry import default_registry

REGISTRY = default_registry()


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_shipped_profiles_load():
    assert {"baseline", "strict"} <= set(shipped_profiles())
    baseline = load_profile("baseline", REGISTRY)
    strict = load_profile("strict", REGISTRY)
    assert baseline.fail_on is Severity.HIGH and strict.fail_on is Severity.MEDIUM
    assert strict.chain == ("strict", "baseline")
    assert set(baseline.selected) == set(REGISTRY.checks)
    assert strict.options["ssh.permit-root-login"]["allowed"] == ["no"]
    assert baseline.options["ssh.permit-root-login"]["allowed"] != ["no"]
    assert strict.severity["ssh.x11-forwarding"] is Severity.MEDIUM
    assert baseline.severity["ssh.x11-forwarding"] is Severity.LOW
    assert strict.policies["ssh-algorithms"]["policy"] == "strict"
    assert baseline.policies["ssh-algorithms"]["policy"] == "nist-permitted"


def test_extends_by_path_merges_and_waivers_accumulate(tmp_path):
    write(tmp_path, "parent.yaml",
          "name: parent\nextends: baseline\nwaivers:\n"
          "  - {check: ssh.x11-forwarding, target: 'lab-*', justification: needed, owner: ana, expires: 2030-01-01}\n"
          "options:\n  ssh.max-auth-tries: {max: 5}\n")
    child = write(tmp_path, "child.yaml",
                  "extends: parent.yaml\nselect: ['ssh.*', 'tag:attestation']\nexclude: [ssh.banner]\n"
                  "severity: {ssh.max-auth-tries: critical}\n"
                  "waivers:\n  - {check: ssh.banner, target: '*', resource: 'sshd:*', justification: j, owner: o, expires: 2030-01-01}\n")
    profile = load_profile(str(child), REGISTRY)
    assert profile.chain == ("child", "parent", "baseline")
    assert profile.version == "unversioned"  # a version names one file; it is not inherited
    assert "ssh.banner" not in profile.selected and "attestation.review-overdue" in profile.selected
    assert profile.options["ssh.max-auth-tries"] == {"max": 5}
    assert profile.severity["ssh.max-auth-tries"] is Severity.CRITICAL
    assert [waiver.check for waiver in profile.waivers] == ["ssh.x11-forwarding", "ssh.banner"]


@pytest.mark.parametrize(
    "body, line, key, message",
    [
        ("name: x\nfail_on: severe\n", 2, "fail_on", "'severe' is not one of"),
        ("name: x\nselect: [ssh.nope]\n", 2, "select", "matches no check"),
        ("name: x\noptions:\n  ssh.nope: {max: 1}\n", 3, "options.ssh.nope", "unknown check id"),
        ("name: x\noptions:\n  ssh.max-auth-tries: {maximum: 1}\n", 3, "options.ssh.max-auth-tries.maximum", "unknown key"),
        ("name: x\noptions:\n  ssh.max-auth-tries:\n    max: lots\n", 4, "options.ssh.max-auth-tries.max", "expected a number"),
        ("name: x\nseverity:\n  ssh.banner: urgent\n", 3, "severity.ssh.banner", "is not one of"),
        ("name: x\nwaivers:\n  - check: ssh.banner\n    target: '*'\n    owner: o\n    expires: 2030-01-01\n", 3, "waivers[0]", "missing required key 'waivers[0].justification'"),
        ("name: x\nwaivers:\n  - {check: ssh.nope, target: '*', justification: j, owner: o, expires: 2030-01-01}\n", 3, "waivers[0].check", "unknown check id"),
        ("name: x\nwaivers:\n  - {check: ssh.banner, target: '*', justification: j, owner: o, expires: soon}\n", 3, "waivers[0].expires", "expected a date"),
        ("name: x\npolicies:\n  ssh-algorithms: lenient\n", 3, "policies.ssh-algorithms", "no shipped ssh-algorithms policy"),
        ("name: x\ncollectors:\n  sshd:\n    confg: /etc/ssh/sshd_config\n", 4, "collectors.sshd.confg", "unknown key"),
        ("name: x\ncollectors:\n  sshd:\n    match_contexts:\n      - {groups: [staff]}\n", 5, "collectors.sshd.match_contexts[0]", "needs at least one of user"),
        ("name: x\ntimeouts: {target: 0}\n", 2, "timeouts.target", "at least 1"),
        ("name: x\ncolour: blue\n", 2, "colour", "unknown key"),
    ],
)
def test_profile_errors_name_file_line_and_key(tmp_path, body, line, key, message):
    path = write(tmp_path, "bad.yaml", "extends: baseline\n" + body)
    with pytest.raises(ProfileError) as error:
        load_profile(str(path), REGISTRY)
    assert error.value.path == str(path)
    assert (error.value.line, error.value.key) == (line + 1, key)
    assert message in str(error.value)


def test_error_in_a_parent_names_the_parent(tmp_path):
    parent = write(tmp_path, "parent.yaml", "name: parent\nfail_on: nope\n")
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\n")
    with pytest.raises(ProfileError) as error:
        load_profile(str(child), REGISTRY)
    assert error.value.path == str(parent) and error.value.line == 2


def test_extends_loop_and_unknown_profile(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ProfileError, match="extends itself"):
        load_profile(str(tmp_path / "a.yaml"), REGISTRY)
    with pytest.raises(ProfileError, match="no such profile"):
        load_profile("no-such-profile", REGISTRY)


def test_a_selected_check_needs_its_policy(tmp_path):
    path = write(tmp_path, "p.yaml", "name: p\nselect: [ssh.ciphers]\n")
    with pytest.raises(ProfileError, match="needs a 'ssh-algorithms' policy"):
        load_profile(str(path), REGISTRY)
