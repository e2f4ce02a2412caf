"""``--format json|jsonl``: machine output on stdout, the human summary on stderr (issue 14 item 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.store.codec import write_snapshot
from testkit.snapshots import sample_snapshot

WEAK = "PasswordAuthentication yes\nPermitRootLogin yes\nX11Forwarding yes\nMaxAuthTries 10\n"
OUTPUTS = ("findings.csv", "junit.xml", "results.sarif", "findings.jsonl", "findings.ocsf.json")


@pytest.fixture
def stored_snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "snapshot.json"
    write_snapshot(sample_snapshot(), path)
    return path


def test_report_format_jsonl_prints_one_finding_per_line_and_the_summary_on_stderr(
        tmp_path: Path, stored_snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", str(stored_snapshot), "--out", str(tmp_path / "out"), "--format", "jsonl"])
    captured = capsys.readouterr()
    assert code == 0
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert len(records) == len(sample_snapshot().findings)
    assert "Report:" in captured.err and "Report:" not in captured.out
    assert (tmp_path / "out" / "findings.jsonl").read_text() == captured.out
    assert all((tmp_path / "out" / name).is_file() for name in OUTPUTS)


def test_report_format_json_prints_the_snapshot_document(
        tmp_path: Path, stored_snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(stored_snapshot), "--out", str(tmp_path / "out"), "--format", "json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document == json.loads(stored_snapshot.read_text())
    assert captured.out.isascii()


def test_report_without_format_keeps_its_summary_on_stdout(
        tmp_path: Path, stored_snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(stored_snapshot), "--out", str(tmp_path / "out")]) == 0
    assert "Report:" in capsys.readouterr().out


def test_an_unknown_format_is_a_usage_error(tmp_path: Path, stored_snapshot: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report", str(stored_snapshot), "--out", str(tmp_path / "out"), "--format", "xml"])
    assert exit_info.value.code == 3


@pytest.mark.integration
def test_run_format_jsonl_streams_findings_and_keeps_the_exit_code(tmp_path: Path, host_key: Path,
                                                                    sshd_binary: str) -> None:
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\n{WEAK}")
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"name: test\nversion: '1'\nextends: baseline\nfail_on: high\n"
                       f"collectors:\n  sshd:\n    config: {config}\n    binary: {sshd_binary}\n")
    completed = subprocess.run([sys.executable, "-m", "auditor", "run", "local", "--profile", str(profile),
                                "--out", "out", "--format", "jsonl"],
                               capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert completed.returncode == 1, completed.stderr  # high findings, as without --format
    snapshot = json.loads((tmp_path / "out" / "snapshot.json").read_text())
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert sorted(r["fingerprint"] for r in records) == sorted(f["fingerprint"] for f in snapshot["findings"])
    assert "Snapshot:" in completed.stderr and "Snapshot:" not in completed.stdout
    assert all((tmp_path / "out" / name).is_file() for name in OUTPUTS)
