"""Nightly-audit commands end to end: history runs with lock and retention, signing, merge, schedule."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.inventory.ansible import ansible_targets
from auditor.models import TargetKind

pytestmark = pytest.mark.integration


def auditor(*args: str, cwd: Path, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


@pytest.fixture
def profile(tmp_path, host_key, sshd_binary) -> Path:
    """SSH configuration checks only, on a test sshd configuration: quick and deterministic."""
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\nPasswordAuthentication yes\n")
    path = tmp_path / "profile.yaml"
    path.write_text(f"name: nightly\nversion: '1'\nextends: baseline\nselect: ['ssh.*']\n"
                    f"collectors:\n  sshd: {{config: {config}, binary: {sshd_binary}}}\n")
    return path


def test_signed_history_runs_with_retention_verify_and_diff(tmp_path, profile):
    assert auditor("keygen", "audit", cwd=tmp_path).returncode == 0
    for _ in range(3):
        completed = auditor("run", "local", "--profile", str(profile), "--history", "hist", "--keep", "2",
                            "--sign", "audit.key", cwd=tmp_path)
        assert completed.returncode == 1, completed.stderr
        assert "[1/2] " in completed.stderr and "ETA" in completed.stderr  # plain progress lines off a terminal
    runs = sorted(p.parent for p in (tmp_path / "hist").glob("*/snapshot.json"))
    assert len(runs) == 2
    for name in ("index.html", "prevention.html", "findings.csv", "junit.xml", "results.sarif"):
        assert (runs[-1] / name).is_file(), name
    assert 'id="changes"' in (runs[-1] / "index.html").read_text()  # compared with the run before it
    assert not list((tmp_path / "hist").glob("*/.auditor-spool-*"))  # the runs' spools, the previous run's too
    page = (tmp_path / "hist" / "history.html").read_text()
    assert page.count('href="') >= 2 and "verified" not in page  # no key given: signatures not checked
    verified = auditor("verify", str(runs[-1] / "snapshot.json"), "--key", "audit.pub", cwd=tmp_path)
    assert verified.returncode == 0 and "signature verified" in verified.stdout
    diff = auditor("diff", str(runs[0] / "snapshot.json"), str(runs[1] / "snapshot.json"), "--key", "audit.pub",
                   cwd=tmp_path)
    assert diff.returncode == 0 and "new findings: 0" in diff.stdout

    tampered = json.loads((runs[0] / "snapshot.json").read_text())
    tampered["findings"] = []
    (runs[0] / "snapshot.json").write_text(json.dumps(tampered))
    refused = auditor("verify", str(runs[0] / "snapshot.json"), "--key", "audit.pub", cwd=tmp_path)
    assert refused.returncode == 3 and "altered after signing" in refused.stderr
    history = auditor("history", "hist", "--key", "audit.pub", cwd=tmp_path)
    assert history.returncode == 0 and "left out:" in history.stderr and "(1 runs)" in history.stdout
    assert "altered after signing" in (tmp_path / "hist" / "history.html").read_text()


def test_a_second_run_is_refused_while_one_holds_the_lock(tmp_path, profile):
    hold = ("import sys, time; from pathlib import Path; from auditor.lock import run_lock\n"
            "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(tmp_path / "hist")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        completed = auditor("run", "--profile", str(profile), "--history", "hist", cwd=tmp_path)
        assert completed.returncode == 5  # its own code: a held lock is not malformed input
        assert f"another audit is running (pid {holder.pid}" in completed.stderr
        assert not list((tmp_path / "hist").glob("*/snapshot.json"))
    finally:
        holder.kill()
        holder.wait()


def test_agent_snapshots_merge_into_a_fleet_snapshot(tmp_path, profile):
    for name in ("a", "b"):
        assert auditor("run", "--profile", str(profile), "--out", name, "--quiet", cwd=tmp_path).returncode == 1
    # Two agents audit 'local' each; the merged snapshot keeps one 'local' (the newer run).
    merged = auditor("merge", "a/snapshot.json", "b/snapshot.json", "--out", "fleet", cwd=tmp_path)
    assert merged.returncode == 1, merged.stderr
    snapshot = json.loads((tmp_path / "fleet" / "snapshot.json").read_text())
    assert [t["name"] for t in snapshot["targets"]] == ["local", "site"]
    assert (tmp_path / "fleet" / "index.html").is_file()


def test_schedule_prints_units_and_cron(tmp_path):
    completed = auditor("schedule", "--history", "/var/lib/rifi-auditor", "--inventory", "/etc/rifi/hosts.yaml",
                        cwd=tmp_path)
    assert completed.returncode == 0
    assert "OnCalendar=*-*-* 02:30:00" in completed.stdout and "NoNewPrivileges=yes" in completed.stdout
    assert "run --history /var/lib/rifi-auditor --profile baseline --inventory /etc/rifi/hosts.yaml --keep 90 --quiet" \
        in completed.stdout
    assert f"ExecStart={sys.executable} -m auditor run" in completed.stdout  # absolute: no PATH needed


def test_the_scheduled_command_runs_as_printed_from_root_with_every_option(tmp_path):
    """Relative paths given to `schedule` become absolute, and the printed command runs from /."""
    (tmp_path / "profile.yaml").write_text("name: nightly\nextends: baseline\nselect: ['attestation.*']\n")
    (tmp_path / "attest.yaml").write_text(
        "attestations:\n  - {measure: AWR-1, statement: s, by: b, date: 2026-01-01, next_review: 2030-01-01}\n")
    assert auditor("keygen", "nightly", cwd=tmp_path).returncode == 0
    completed = auditor("schedule", "--history", "runs", "--profile", "profile.yaml", "--attestations", "attest.yaml",
                        "--sign", "nightly.key", "--on-calendar", "*-*-* 04:15:00", "--keep", "3", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    exec_start = next(line for line in completed.stdout.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start.removeprefix("ExecStart=").replace("%%", "%"))
    assert str(tmp_path / "profile.yaml") in argv and str(tmp_path / "nightly.key") in argv
    cron = completed.stdout.strip().splitlines()[-1]
    assert cron.startswith("15 4 * * * root cd / && ")
    ran = subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    (run_dir,) = [path for path in (tmp_path / "runs").iterdir() if path.is_dir()]
    assert (run_dir / "snapshot.json").is_file() and (tmp_path / "runs" / "history.html").is_file()


def test_ansible_hosts_become_ssh_targets(tmp_path):
    path = tmp_path / "hosts.ini"
    path.write_text("[storage]\nnas01 ansible_host=127.0.0.5 ansible_user=audit ansible_become=true\n"
                    "[storage:vars]\nrole=data-server\nowner=genomics\n")
    (target,) = ansible_targets(path)
    assert (target.kind, target.address, target.user, target.role, target.owner) == (
        TargetKind.SSH, "127.0.0.5", "audit", "data-server", "genomics")
    assert target.ssh.sudo and "storage" in target.tags


def test_a_scheduled_coordinator_reads_its_broker_url_from_an_environment_file(tmp_path):
    from auditor.cli.parser import build_parser

    (tmp_path / "broker.env").write_text("AUDITOR_BROKER_URL=rediss://:s3cret@broker.example:6380/0\n")
    (tmp_path / "enrolled").mkdir()
    completed = auditor("schedule", "--history", "runs", "--broker", "env:AUDITOR_BROKER_URL",
                        "--environment-file", "broker.env", "--worker-keys", "enrolled", "--shard-size", "2000000",
                        cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert f"EnvironmentFile={tmp_path / 'broker.env'}" in completed.stdout and "s3cret" not in completed.stdout
    exec_start = next(line for line in completed.stdout.splitlines() if line.startswith("ExecStart="))
    argv = shlex.split(exec_start.removeprefix("ExecStart=").replace("%%", "%"))
    parsed = build_parser().parse_args(argv[3:])  # the printed command is one `auditor run` accepts
    assert (parsed.broker, parsed.worker_keys, parsed.shard_size) == (
        "env:AUDITOR_BROKER_URL", str(tmp_path / "enrolled"), 2000000)
    assert completed.stdout.strip().splitlines()[-1].startswith("# none: cron has no EnvironmentFile=")


@pytest.mark.parametrize(("extra", "message"), [
    (["--broker", "redis://:s3cret@broker.example:6379/0", "--worker-keys", "."], "password would be written"),
    (["--broker", "redis://broker.example:6379/0?password=s3cret", "--worker-keys", "."], "password would be written"),
    (["--broker", "env:AUDITOR_BROKER_URL", "--worker-keys", "."], "needs --environment-file"),
    (["--broker", "env:OTHER", "--environment-file", "broker.env", "--worker-keys", "."], "OTHER is not set"),
    (["--broker", "redis://broker.example:6379/0"], "needs --worker-keys"),
    (["--broker", "redis://[::1", "--worker-keys", "."], "malformed URL"),
    (["--broker", "http://broker.example/", "--worker-keys", "."], "is not redis://"),
    (["--broker", "redis://broker.example/0", "--worker-keys", "missing"], "missing: no such folder"),
    (["--broker", "redis://broker.example/0", "--worker-keys", ".", "--shard-size", "0"], "at least 1"),
    (["--broker", "redis://broker.example/0", "--worker-keys", ".", "--shard-time-limit", "99999"],
     "less than --visibility-timeout"),
])
def test_a_schedule_that_would_leak_or_lack_broker_settings_is_one_line(tmp_path, extra, message):
    (tmp_path / "broker.env").write_text("# the coordinator's broker\nAUDITOR_BROKER_URL='redis://:s3cret@h/0'\n")
    completed = auditor("schedule", "--history", "runs", *extra, cwd=tmp_path)
    assert completed.returncode == 3 and message in completed.stderr and "s3cret" not in completed.stderr
    assert completed.stderr.count("\n") == 1 and not completed.stdout
