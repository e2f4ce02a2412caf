"""Fleet operation: merging host snapshots, the run lock, retention and schedules."""

from __future__ import annotations

import configparser
import dataclasses
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.errors import InputError, SnapshotError
from auditor.lock import LockHeld, run_lock
from auditor.models import Severity
from auditor.outputs import OutputError, claim_output_dir, new_run_dir
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
        with pytest.raises(LockHeld, match=rf"another audit is running \(pid {holder.pid} since "), run_lock(tmp_path):
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
    history = tmp_path / "lib" / "auditor runs"
    command = run_command(("/opt/auditor/bin/python", "-m", "auditor"), history,
                          ["--profile", "strict", "--inventory", "/etc/auditor/hosts yaml.yaml", "--sign", "/k/$HOME%.key"])
    schedule = Schedule(command=command, history=history, on_calendar="*-*-* 03:05:00",
                        on_failure="notify-admins@%n.service")
    paths = install(schedule, tmp_path)
    assert history.is_dir() and stat.S_IMODE(history.stat().st_mode) & 0o027 == 0  # systemd needs it to exist
    service = configparser.ConfigParser(strict=False, interpolation=None)
    service.read_string(paths[0].read_text())
    assert tuple(shlex.split(service["Service"]["ExecStart"].replace("%%", "%").replace("$$", "$"))) == command
    assert service["Service"]["WorkingDirectory"] == "/"
    assert service["Service"]["NoNewPrivileges"] == "yes"
    # Findings (1) are a result; an incomplete audit (2), bad input (3) or a crash fail the unit.
    assert service["Service"]["SuccessExitStatus"] == "1"
    assert service["Unit"]["OnFailure"] == "notify-admins@%n.service"
    assert shlex.split(service["Service"]["ReadWritePaths"]) == [str(history)]
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read_string(paths[1].read_text())
    assert timer["Timer"]["OnCalendar"] == "*-*-* 03:05:00" and timer["Timer"]["Persistent"] == "true"
    cron = schedule.cron_line()
    assert cron.startswith("5 3 * * * root cd / && /opt/auditor/bin/python -m auditor run --history")
    assert "\\%" in cron and "%.key" not in cron.replace("\\%", "")  # cron would read a bare % as a newline


def test_a_calendar_cron_cannot_express_is_refused_for_the_cron_line():
    schedule = Schedule(command=("auditor",), history=Path("/var/lib/auditor"), on_calendar="Mon *-*-* 02:00:00")
    with pytest.raises(InputError, match="has no cron equivalent"):
        schedule.cron_line()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
@pytest.mark.parametrize("environment", [False, True])
def test_the_printed_units_pass_systemd_analyze_verify(tmp_path, environment):
    command = run_command((sys.executable, "-m", "auditor"), tmp_path / "history", ["--profile", "baseline"])
    env_file = tmp_path / "broker env" if environment else None  # a space: quoted as systemd wants
    if env_file is not None:
        env_file.write_text("AUDITOR_BROKER_URL=redis://127.0.0.1:6379/0\n")
    paths = install(Schedule(command=command, history=tmp_path / "history", environment_file=env_file), tmp_path)
    completed = subprocess.run(["systemd-analyze", "verify", *map(str, paths)], capture_output=True, text=True,
                               timeout=60)
    problems = [line for line in completed.stderr.splitlines() if "rifi-auditor" in line]
    assert completed.returncode == 0 and not problems, completed.stderr


def test_runs_started_within_one_second_each_get_their_own_folder(tmp_path):
    folders = [new_run_dir(tmp_path / "history") for _ in range(3)]
    assert len(set(folders)) == 3 and all(folder.is_dir() for folder in folders)
    assert stat.S_IMODE((tmp_path / "history").stat().st_mode) & 0o007 == 0  # not readable by others
    assert all(stat.S_IMODE(folder.stat().st_mode) & 0o007 == 0 for folder in folders)


def test_an_output_folder_is_new_or_empty(tmp_path):
    assert claim_output_dir(tmp_path / "new").is_dir()
    assert claim_output_dir(tmp_path / "new") == tmp_path / "new"  # still empty: fine
    (tmp_path / "new" / "index.html").write_text("an earlier run")
    with pytest.raises(OutputError, match="already holds files"):
        claim_output_dir(tmp_path / "new")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        claim_output_dir(tmp_path / "file")
