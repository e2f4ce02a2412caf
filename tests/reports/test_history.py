"""The history page: runs in order, scores with numerator and denominator, broken snapshots listed."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from auditor.reports.history import render_history
from auditor.reports.html import write_run_reports
from auditor.store.codec import snapshot_to_json
from auditor.store.history import history_entries, latest_spooled
from auditor.store.model import Snapshot
from auditor.store.signing import (
    generate_keypair,
    load_private_key,
    load_public_key,
    sign_snapshot,
)
from testkit.snapshots import finding, make_snapshot, result


def run(started: str, findings: list[dict[str, Any]], statuses: dict[str, str]) -> Snapshot:
    results = [result(check_id, "web01", status, [f for f in findings if f["check_id"] == check_id])
               for check_id, status in statuses.items()]
    snapshot = make_snapshot(results, findings)
    return dataclasses.replace(snapshot, started_at=started, finished_at=started)


def write_run(directory: Path, name: str, snapshot: Snapshot) -> None:
    out = directory / name
    out.mkdir(parents=True)
    (out / "snapshot.json").write_text(json.dumps(snapshot_to_json(snapshot)))
    write_run_reports(snapshot, out)


def test_history_orders_runs_counts_changes_and_lists_broken_ones(tmp_path: Path) -> None:
    password = finding("ssh.password-authentication", "web01", "sshd:PasswordAuthentication", "high")
    logging = finding("ssh.log-level", "web01", "sshd:LogLevel", "medium")
    write_run(tmp_path, "b-second", run("2026-02-01T00:00:00+00:00", [logging],
                                        {"ssh.password-authentication": "pass", "ssh.log-level": "fail"}))
    write_run(tmp_path, "a-first", run("2026-01-01T00:00:00+00:00", [password],
                                       {"ssh.password-authentication": "fail", "ssh.log-level": "pass"}))
    (tmp_path / "c-broken").mkdir()
    (tmp_path / "c-broken" / "snapshot.json").write_text('{"schema_version": 1, "tool": ')
    page = tmp_path / "history.html"
    html = render_history(history_entries(tmp_path, None, tmp_path), page).html
    assert html.index("2026-01-01") < html.index("2026-02-01")
    assert "c-broken/snapshot.json</code>: not valid JSON" in html
    assert 'href="a-first/index.html"' in html and "<polyline" in html
    rows = html.split("<tbody>")[1]

    def cells(index: int) -> list[str]:
        row = rows.split("<tr>")[index]
        return [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]

    # targets; per phase evidenced / measures (measures with open findings): awareness, prevention
    # (PRV-3 fails, then passes), response (RSP-1 passes, then fails), recovery; open findings
    # critical · high · medium · low · info; one finding opened (log level), one closed (password)
    assert cells(1)[:6] == ["2", "0 / 5 (0)", "0 / 10 (1)", "1 / 4 (0)", "0 / 4 (0)", "0 · 1 · 0 · 0 · 0"]
    assert cells(2) == ["2", "0 / 5 (0)", "1 / 10 (0)", "0 / 4 (1)", "0 / 4 (0)", "0 · 0 · 1 · 0 · 0", "1", "1"]


def test_history_charts_move_when_findings_close_although_no_measure_is_fully_evidenced(tmp_path: Path) -> None:
    hosts = ("web01", "web02", "web03")
    found = [finding("ssh.password-authentication", host, "sshd:PasswordAuthentication", "high") for host in hosts]
    for day, still_open in (("01", found), ("02", found[:1])):  # two of three hosts fixed
        results = [result("ssh.password-authentication", f["target"], "fail", [f]) for f in still_open]
        snapshot = make_snapshot(results, still_open, targets=hosts)
        write_run(tmp_path, day, dataclasses.replace(snapshot, started_at=f"2026-01-{day}T00:00:00+00:00"))
    html = render_history(history_entries(tmp_path, None, tmp_path), tmp_path / "history.html").html

    def points(chart: str, line: str) -> list[float]:
        section = html[html.index(f'id="chart-{chart}"'):]
        polyline = section[:section.index(f"<title>{line}</title>")].rsplit("<polyline", 1)[1]
        return [float(pair.split(",")[1]) for pair in polyline.split('points="')[1].split('"')[0].split()]

    evidenced = points("evidenced", "Prevention")
    assert evidenced[0] == evidenced[1]  # nothing fully evidenced either time: this line cannot move
    high = points("open-findings", "high")
    assert high[1] > high[0]  # 3 -> 1 open high findings: the line goes down (SVG y grows downwards)
    assert points("open-findings", "critical")[0] == points("open-findings", "critical")[1]


def test_a_snapshot_signed_with_another_key_is_left_out_loudly(tmp_path: Path) -> None:
    ours, theirs = generate_keypair(tmp_path / "ours"), generate_keypair(tmp_path / "theirs")
    runs = tmp_path / "runs"
    good = sign_snapshot(run("2026-01-01T00:00:00+00:00", [], {"ssh.log-level": "pass"}), load_private_key(ours[0]))
    forged = sign_snapshot(run("2026-02-01T00:00:00+00:00", [], {"ssh.log-level": "pass"}),
                           load_private_key(theirs[0]))
    write_run(runs, "good", good)
    write_run(runs, "forged", forged)
    entries = list(history_entries(runs, load_public_key(ours[1]), runs))  # verified: read whole
    assert [(e.path.parent.name, e.usable) for e in entries] == [("good", True), ("forged", False)]
    html = render_history(entries, runs / "history.html").html
    assert "forged/snapshot.json</code>: signature: signed by key SHA256:" in html
    assert "verified" in html


def test_a_new_run_compares_with_the_newest_readable_snapshot(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with latest_spooled(tmp_path, scratch) as nothing:
        assert nothing is None
    for day in ("01", "02", "03"):
        write_run(tmp_path, day, run(f"2026-01-{day}T00:00:00+00:00", [], {"ssh.log-level": "pass"}))
    (tmp_path / "03" / "snapshot.json").write_text("{")  # the newest is broken
    for age, day in enumerate(("03", "02", "01")):
        os.utime(tmp_path / day / "snapshot.json", (1_700_000_000 - age, 1_700_000_000 - age))
    with latest_spooled(tmp_path, scratch) as newest:
        assert newest is not None and newest.started_at == "2026-01-02T00:00:00+00:00"
        assert len(list(scratch.iterdir())) == 1  # the used run's spool; the broken one's is gone already
    assert list(scratch.iterdir()) == []  # the broken run's spool and the used one's are gone


def test_the_history_is_read_one_run_at_a_time(tmp_path: Path) -> None:
    runs, scratch = tmp_path / "runs", tmp_path / "scratch"
    scratch.mkdir()
    found = finding("ssh.log-level", "web01", "sshd:LogLevel", "medium")
    for day in ("03", "01", "02"):  # names out of run order
        write_run(runs, f"run-{day}", run(f"2026-01-{day}T00:00:00+00:00", [found] if day != "02" else [],
                                          {"ssh.log-level": "fail" if day != "02" else "pass"}))
    (runs / "broken.json").write_text("{")
    seen = []
    for entry in history_entries(runs, None, scratch):
        # Only the current run is read, spooled in the scratch folder; the one before it is gone.
        seen.append((entry.path.parent.name if entry.usable else entry.path.name, len(list(scratch.iterdir()))))
    assert seen == [("run-01", 1), ("run-02", 1), ("run-03", 1), ("broken.json", 0)]
    assert list(scratch.iterdir()) == []
    page = render_history(history_entries(runs, None, scratch), runs / "history.html")
    assert page.runs == 3 and [entry.path.name for entry in page.left_out] == ["broken.json"]
