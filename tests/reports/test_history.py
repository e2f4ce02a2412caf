"""The history page: runs in order, scores with numerator and denominator, broken snapshots listed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from auditor.reports.history import render_history_html
from auditor.reports.html import write_run_reports
from auditor.store.codec import snapshot_to_json
from auditor.store.history import load_history
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
    html = render_history_html(load_history(tmp_path), page)
    assert html.index("2026-01-01") < html.index("2026-02-01")
    assert "c-broken/snapshot.json</code>: not valid JSON" in html
    assert 'href="a-first/index.html"' in html and "<polyline" in html
    rows = html.split("<tbody>")[1]
    second = rows.split("<tr>")[2]
    cells = [cell.split("</td>")[0] for cell in second.split('<td class="num">')[1:]]
    # targets; awareness, prevention (PRV-3 now passes), response (RSP-1 now fails), recovery;
    # one finding opened (log level) and one closed (password authentication)
    assert cells == ["2", "0 / 5", "1 / 10", "0 / 4", "0 / 4", "1", "1"]  # the kit declares two targets


def test_a_snapshot_signed_with_another_key_is_left_out_loudly(tmp_path: Path) -> None:
    ours, theirs = generate_keypair(tmp_path / "ours"), generate_keypair(tmp_path / "theirs")
    runs = tmp_path / "runs"
    good = sign_snapshot(run("2026-01-01T00:00:00+00:00", [], {"ssh.log-level": "pass"}), load_private_key(ours[0]))
    forged = sign_snapshot(run("2026-02-01T00:00:00+00:00", [], {"ssh.log-level": "pass"}),
                           load_private_key(theirs[0]))
    write_run(runs, "good", good)
    write_run(runs, "forged", forged)
    entries = load_history(runs, load_public_key(ours[1]))
    assert [(e.path.parent.name, e.usable) for e in entries] == [("good", True), ("forged", False)]
    html = render_history_html(entries, runs / "history.html")
    assert "forged/snapshot.json</code>: signature: signed by key SHA256:" in html
    assert "verified" in html
