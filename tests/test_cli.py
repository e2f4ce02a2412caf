"""The `auditor` command end to end, as installed: real sshd -T, real files, real exit codes."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from auditor import resources
from auditor.cli.output import print_summary
from auditor.store.model import NameVersion, Rejudged
from testkit.snapshots import sample_snapshot

PAGES = ("index.html", "awareness.html", "prevention.html", "response.html", "recovery.html")
MARKUP = "<img src=x onerror=alert(1)>"
WEAK = "PasswordAuthentication yes\nPermitRootLogin yes\nX11Forwarding yes\nMaxAuthTries 10\n"
HARDENED = (
    "PasswordAuthentication no\nPermitRootLogin no\nX11Forwarding no\nMaxAuthTries 3\n"
    "KbdInteractiveAuthentication no\nDisableForwarding yes\nAllowAgentForwarding no\nAllowTcpForwarding no\n"
    "LoginGraceTime 30\nClientAliveInterval 300\nClientAliveCountMax 2\nLogLevel VERBOSE\nAllowGroups ssh-users\n"
)


def auditor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command through `python -m auditor`, from a directory of the test's."""
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def make_profile(directory: Path, sshd_settings: str, host_key: Path, sshd: str) -> Path:
    """A profile auditing a test sshd configuration whose banner path carries markup."""
    config = directory / "sshd_config"
    config.write_text(f"HostKey {host_key}\nBanner \"{directory}/{MARKUP}\"\n{sshd_settings}")
    profile = directory / "profile.yaml"
    profile.write_text(
        f"name: test\nversion: '1'\nextends: baseline\nfail_on: high\n"
        # The host area judges this machine itself (its pending updates, accounts, firewall),
        # which these sshd tests neither control nor are about.
        "exclude: ['host.*']\n"
        f"collectors:\n  sshd:\n    config: {config}\n    binary: {sshd}\n"
    )
    return profile


@pytest.fixture
def weak_profile(tmp_path, host_key, sshd_binary):
    (tmp_path / "weak").mkdir()
    return make_profile(tmp_path / "weak", WEAK, host_key, sshd_binary)


@pytest.fixture
def hardened_profile(tmp_path, host_key, sshd_binary):
    (tmp_path / "hardened").mkdir()
    return make_profile(tmp_path / "hardened", HARDENED, host_key, sshd_binary)


@pytest.mark.integration
def test_run_local_writes_a_valid_snapshot_and_escaped_reports(tmp_path, weak_profile):
    completed = auditor("run", "local", "--profile", str(weak_profile), "--out", "out", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr  # high findings, no errors
    out = tmp_path / "out"
    snapshot = json.loads((out / "snapshot.json").read_text())
    jsonschema.validate(snapshot, json.loads(resources.schema_path().read_text()))
    results = {(r["check_id"], r["target"]): r for r in snapshot["results"]}
    assert results[("ssh.password-authentication", "local")]["status"] == "fail"
    assert results[("ssh.password-authentication", "local")]["details"] == {"source": "sshd -T"}
    assert results[("attestation.review-overdue", "site")]["status"] == "skipped"
    assert snapshot["facts"]["local"]["sshd"]["value"]["source"] == "sshd -T"
    assert all((out / page).is_file() for page in PAGES)
    banner = next(f for f in snapshot["findings"] if f["check_id"] == "ssh.banner")
    assert MARKUP in banner["message"]
    html = "".join((out / page).read_text() for page in PAGES)
    assert MARKUP not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Snapshot:" in completed.stdout and "1 critical" not in completed.stdout


@pytest.mark.integration
def test_diff_of_two_differently_configured_daemons(tmp_path, weak_profile, hardened_profile):
    assert auditor("run", "--profile", str(weak_profile), "--out", "old", cwd=tmp_path).returncode == 1
    assert auditor("run", "local", "--profile", str(hardened_profile), "--out", "new", cwd=tmp_path).returncode == 0
    completed = auditor("diff", "old/snapshot.json", "new/snapshot.json", "--html", "diff.html", "--json", "diff.json",
                        cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "resolved findings: " in completed.stdout
    resolved = {f["check_id"] for f in json.loads((tmp_path / "diff.json").read_text())["findings"]["resolved"]}
    assert {"ssh.password-authentication", "ssh.permit-root-login", "ssh.x11-forwarding", "ssh.max-auth-tries"} <= resolved
    page_text = " ".join(re.sub(r"<[^>]+>", " ", (tmp_path / "diff.html").read_text()).split())
    assert "ssh.password-authentication local fail pass" in page_text  # the status-change row
    assert "ssh.password-authentication on local: fail -> pass" in completed.stdout


def test_listing_commands_work_from_any_directory(tmp_path):
    checks = auditor("checks", "--json", cwd=tmp_path)
    rows = json.loads(checks.stdout)
    ssh_rows = [row for row in rows if row["id"].startswith("ssh.")]
    assert len(ssh_rows) >= 18 and all(row["measures"] for row in ssh_rows)
    profiles = auditor("profiles", cwd=tmp_path).stdout
    assert profiles.startswith("baseline") and "strict" in profiles
    measures = auditor("measures", "--phase", "recovery", cwd=tmp_path).stdout
    assert "RCV-1" in measures and "PRV-1" not in measures


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "local", "--profile", "bad.yaml"], "bad.yaml:2: fail_on: 'sometimes' is not one of"),
        (["run", "-oProxyCommand=x"], "unrecognized arguments"),
        (["run", "ftp://host"], "ftp://host: unknown scheme"),
        (["run", "local", "--inventory", "missing.yaml"], "missing.yaml: file not found"),
        (["run", "local", "--attestations", "bad-attestations.yaml"], "bad-attestations.yaml:2: attestations[0].measure: unknown measure id"),
        (["diff", "future.json", "future.json"], "future.json: schema version 7 is not supported"),
        (["measures", "--phase", "someday"], "someday: unknown phase"),
    ],
)
def test_bad_input_is_one_line_exit_3_and_writes_nothing(tmp_path, args, message):
    (tmp_path / "bad.yaml").write_text("name: bad\nfail_on: sometimes\n")
    (tmp_path / "bad-attestations.yaml").write_text(
        "attestations:\n  - {measure: AWR-99, statement: s, by: b, date: 2026-01-01, next_review: 2027-01-01}\n")
    (tmp_path / "future.json").write_text('{"schema_version": 7}')
    before = set(tmp_path.iterdir())
    completed = auditor(*args, "--out", "out", cwd=tmp_path) if args[0] == "run" else auditor(*args, cwd=tmp_path)
    assert completed.returncode == 3
    assert message in completed.stderr
    assert "Traceback" not in completed.stderr
    assert set(tmp_path.iterdir()) == before  # no output directory, no half-written file


@pytest.mark.integration
def test_unsupported_target_kinds_become_errors_and_the_run_completes(tmp_path, hardened_profile):
    completed = auditor("run", "local", "ssh://audit@127.0.0.1:2222", "127.0.0.1", "--profile", str(hardened_profile),
                        "--out", "out", cwd=tmp_path)
    assert completed.returncode == 2
    snapshot = json.loads((tmp_path / "out" / "snapshot.json").read_text())
    by_target: dict[str, set[str]] = {}
    for result in snapshot["results"]:
        by_target.setdefault(result["target"], set()).add(result["status"])
    assert "error" not in by_target["local"] and "pass" in by_target["local"]
    # Nothing listens on that port: every sshd configuration check of the target is an error.
    assert {r["status"] for r in snapshot["results"]
            if r["target"] == "ssh://audit@127.0.0.1:2222" and r["check_id"].startswith("ssh.")} == {"error"}
    assert {r["status"] for r in snapshot["results"]
            if r["target"] == "127.0.0.1" and r["check_id"].startswith("ssh.")} == {"skipped"}
    assert "error: ssh.banner on ssh://audit@127.0.0.1:2222: cannot connect to 127.0.0.1 port 2222" in completed.stdout


def test_summary_of_a_rejudged_snapshot_says_so_first(tmp_path, capsys):
    rejudged = Rejudged(from_started_at="2025-02-01T09:00:00+00:00", from_finished_at="2025-02-01T09:04:00+00:00",
                        from_profile=NameVersion("university-baseline", "1.1.0"),
                        from_tool=NameVersion("rifi-auditor", "0.0.9"), rejudged_at="2025-03-02T08:00:00+00:00")
    print_summary(dataclasses.replace(sample_snapshot(), rejudged=rejudged), tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("Re-judged on 2025-03-02T08:00:00+00:00 under profile university-baseline 1.2.0 from the "
                        "run of 2025-02-01T09:00:00+00:00 (profile university-baseline 1.1.0, tool 0.0.9).")
    assert lines[1].startswith("Profile university-baseline 1.2.0: 2 targets")
    print_summary(sample_snapshot(), tmp_path)
    assert "Re-judged" not in capsys.readouterr().out
