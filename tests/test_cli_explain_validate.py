"""`auditor explain` documents a check; `auditor validate` reads every input and audits nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def auditor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60)


def test_explain_names_what_why_measures_options_and_fix(tmp_path: Path) -> None:
    completed = auditor("explain", "ssh.permit-root-login", cwd=tmp_path)
    assert completed.returncode == 0
    out = completed.stdout
    assert out.startswith("ssh.permit-root-login — Root cannot log in with a password")
    assert "Direct root login hides who acted" in out  # the docstring: why
    assert "PRV-2 (prevention): Need-to-know access and least privilege" in out
    assert 'allowed: ["no", "prohibit-password", "forced-commands-only"]' in out
    assert "Selected by the shipped profiles: baseline, host, strict" in out
    assert "Remediation: Set 'PermitRootLogin no'" in out


def test_explain_an_unknown_check_suggests_its_area(tmp_path: Path) -> None:
    completed = auditor("explain", "tls.nope", cwd=tmp_path)
    assert completed.returncode == 3
    assert completed.stderr.startswith("auditor: error: tls.nope: unknown check id (did you mean: tls.")


def test_validate_lists_what_a_run_would_touch_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "hosts.yaml").write_text(
        "hosts:\n  - name: node[1:3]\n    address: 127.0.0.[11:13]\n    role: compute\n    owner: hpc\n")
    before = set(tmp_path.rglob("*"))
    completed = auditor("validate", "--inventory", "hosts.yaml", "127.0.0.1:2222", "--list-targets", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[1] == "4 targets, 0 attestations: valid"
    assert lines[2:] == ["127.0.0.1:2222\tnetwork\t127.0.0.1:2222",
                         "node1\tnetwork\t127.0.0.11 role=compute owner=hpc",
                         "node2\tnetwork\t127.0.0.12 role=compute owner=hpc",
                         "node3\tnetwork\t127.0.0.13 role=compute owner=hpc"]
    assert set(tmp_path.rglob("*")) == before


def test_validate_fails_like_run_on_bad_input(tmp_path: Path) -> None:
    (tmp_path / "hosts.yaml").write_text("hosts:\n  - name: n\n    address: 999.1.1.1\n")
    completed = auditor("validate", "--inventory", "hosts.yaml", cwd=tmp_path)
    assert completed.returncode == 3
    assert completed.stderr.startswith("auditor: error: hosts.yaml:3: hosts[0].address")
