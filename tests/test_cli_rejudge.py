"""Re-judging: last night's stored facts judged under another profile, without touching the network."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testkit import sshd_lab

pytestmark = pytest.mark.integration

WIRE_ONLY = "name: {name}\nextends: {base}\nselect: ['ssh-wire.*']\ncollectors:\n  discovery: {{enabled: false}}\n"


def auditor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def nist_kex_findings(snapshot: dict[str, object]) -> list[str]:
    findings = snapshot["findings"]
    assert isinstance(findings, list)
    return [f["resource"] for f in findings if f["resource"].endswith(":kex/ecdh-sha2-nistp256")]


@pytest.fixture
def legacy_snapshot(sshd_binary: str, tmp_path: Path) -> Path:
    """A baseline audit of a legacy SSH server, taken while it ran; the server is gone afterwards."""
    (tmp_path / "baseline-wire.yaml").write_text(WIRE_ONLY.format(name="baseline-wire", base="baseline"))
    server = sshd_lab.start_sshd(sshd_binary, tmp_path / "legacy", sshd_lab.WEAK)
    try:
        completed = auditor("run", f"127.0.0.1:{server.port}", "--profile", "baseline-wire.yaml", "--out", "night",
                            cwd=tmp_path)
    finally:
        server.stop()
    assert completed.returncode in (0, 1), completed.stdout + completed.stderr
    return tmp_path / "night" / "snapshot.json"


def test_a_baseline_snapshot_rejudged_under_strict_shows_the_nist_curve_kex(legacy_snapshot: Path) -> None:
    work = legacy_snapshot.parent.parent
    night = json.loads(legacy_snapshot.read_text())
    assert nist_kex_findings(night) == []  # baseline accepts the NIST curves
    # The server is stopped: a re-judge that touched the network would find nothing to audit.
    (work / "strict-wire.yaml").write_text(WIRE_ONLY.format(name="strict-wire", base="strict"))
    completed = auditor("report", str(legacy_snapshot), "--profile", "strict-wire.yaml", "--out", "rejudged",
                        cwd=work)
    assert completed.returncode == 1, completed.stdout + completed.stderr  # strict's findings, no errors
    rejudged = json.loads((work / "rejudged" / "snapshot.json").read_text())
    assert nist_kex_findings(rejudged), "strict rates ecdh-sha2-nistp256 a failure"
    assert rejudged["profile"]["name"] == "strict-wire"
    assert rejudged["rejudged"]["from_started_at"] == night["started_at"]
    assert rejudged["rejudged"]["from_profile"] == {"name": "baseline-wire", "version": night["profile"]["version"]}
    assert rejudged["facts"] == night["facts"]  # the same facts, carried over, so it can be re-judged again
    page = (work / "rejudged" / "index.html").read_text()
    assert "Re-judged on" in page and "baseline-wire" in page
    assert "Re-judged on" in completed.stdout


def test_the_whole_strict_profile_judges_what_was_collected_and_says_what_was_not(legacy_snapshot: Path) -> None:
    work = legacy_snapshot.parent.parent
    completed = auditor("report", str(legacy_snapshot), "--profile", "strict", "--out", "strict", cwd=work)
    rejudged = json.loads((work / "strict" / "snapshot.json").read_text())
    assert nist_kex_findings(rejudged)
    statuses = {result["check_id"]: result for result in rejudged["results"] if result["target"] != "site"}
    tls = statuses["tls.protocols"]
    assert tls["status"] == "not-assessable" and "did not collect 'tls' facts" in tls["reason"]
    assert completed.returncode in (1, 2)


def test_rejudging_a_rejudged_snapshot_keeps_the_original_run(legacy_snapshot: Path) -> None:
    work = legacy_snapshot.parent.parent
    (work / "strict-wire.yaml").write_text(WIRE_ONLY.format(name="strict-wire", base="strict"))
    assert auditor("report", str(legacy_snapshot), "--profile", "strict-wire.yaml", "--out", "once",
                   cwd=work).returncode == 1
    assert auditor("report", "once/snapshot.json", "--profile", "baseline", "--out", "twice", cwd=work).returncode \
        in (0, 1, 2)
    night = json.loads(legacy_snapshot.read_text())
    twice = json.loads((work / "twice" / "snapshot.json").read_text())
    assert twice["rejudged"]["from_started_at"] == night["started_at"]
    assert twice["rejudged"]["from_profile"]["name"] == "baseline-wire"
