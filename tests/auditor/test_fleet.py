"""Fleet operation: merging host snapshots, the run lock, retention and schedules."""

from __future__ import annotations

import configparser
import dataclasses
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.errors import SnapshotError
from auditor.lock import LockHeld, run_lock
from auditor.models import Severity
from auditor.schedule import Schedule, install, run_command
from auditor.store.codec import snapshot_to_json
from auditor.store.history import prune
from auditor.store.merge import merge_snapshots
from auditor.store.validation import validate
from testkit.snapshots import finding, make_snapshot, result


def host_snapshot(host: str, started: str, status: str = "fail"):
    findings = [finding("ssh.log-level", host, "sshd:LogLevel", "medium")] if status == "fail" else []
    snapshot = make_snapshot([result("ssh.log-level", host, status, findings)], findings,
                             started_at=started, targets=(host,))
    return dataclasses.replace(snapshot, finished_at=started)


def test_merge_combines_hosts_and_keeps_each_hosts_newest_run():
    merged = merge_snapshots([
        ("a-old", host_snapshot("a", "2026-01-01T01:00:00+00:00", "fail")),
        ("b", host_snapshot("b", "2026-01-01T01:05:00+00:00", "fail")),
        ("a-new", host_snapshot("a", "2026-01-01T01:10:00+00:00", "pass")),
    ])
    validate(snapshot_to_json(merged), "merged")
    assert sorted(t.name for t in merged.targets) == ["a", "b"]
    assert {(r.target, r.status.value) for r in merged.results} == {("a", "pass"), ("b", "fail")}
    assert [f.target for f in merged.findings] == ["b"]
    assert merged.started_at == "2026-01-01T01:00:00+00:00"
    assert merged.summary.findings[Severity.MEDIUM] == 1


def test_merge_refuses_snapshots_judged_differently():
    other = host_snapshot("b", "2026-01-01T01:05:00+00:00")
    other = dataclasses.replace(other, profile=dataclasses.replace(other.profile, version="9.9.9"))
    # The newest snapshot sets the rules; the older one is named as the one that does not fit.
    with pytest.raises(SnapshotError, match=r"^a-host: judged with profile .* 1.2.0 .*, but b-host used .* 9.9.9"):
        merge_snapshots([("a-host", host_snapshot("a", "2026-01-01T01:00:00+00:00")), ("b-host", other)])


HOLD = "import sys, time; from pathlib import Path; from auditor.lock import run_lock\n" \
       "with run_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)\n"


def test_second_run_is_refused_while_the_lock_is_held_and_a_dead_holder_frees_it(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld, match=rf"another audit is running \(pid {holder.pid} since "):
            with run_lock(tmp_path):
                pass
    finally:
        holder.kill()
        holder.wait()
    with run_lock(tmp_path):  # the kernel released the dead holder's lock: no stale lock
        pass


def test_prune_keeps_the_newest_runs_and_nothing_else_is_touched(tmp_path):
    for index in range(5):
        run = tmp_path / f"run-{index}"
        run.mkdir()
        (run / "snapshot.json").write_text("{}")
        os.utime(run / "snapshot.json", (1_700_000_000 + index, 1_700_000_000 + index))
    (tmp_path / "notes").mkdir()
    (tmp_path / "history.html").write_text("x")
    removed = prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == ["run-0", "run-1", "run-2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.html", "notes", "run-3", "run-4"]


def test_schedule_units_run_the_command_hardened(tmp_path):
    command = run_command("/opt/auditor/bin/auditor", Path("/var/lib/auditor"), "strict", "/etc/auditor/hosts yaml.yaml")
    schedule = Schedule(command=command, history=Path("/var/lib/auditor"), on_calendar="*-*-* 03:00:00")
    paths = install(schedule, tmp_path)
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.read_string(paths[0].read_text())
    assert tuple(shlex.split(service["Service"]["ExecStart"])) == command
    assert service["Service"]["NoNewPrivileges"] == "yes" and service["Service"]["SuccessExitStatus"] == "1 2"
    assert service["Service"]["ReadWritePaths"] == "/var/lib/auditor"
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read_string(paths[1].read_text())
    assert timer["Timer"]["OnCalendar"] == "*-*-* 03:00:00" and timer["Timer"]["Persistent"] == "true"
    assert schedule.cron_line().startswith("30 2 * * * root /opt/auditor/bin/auditor run --history")
