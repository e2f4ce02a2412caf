"""The fleet key page (keys.html): built from two hosts' recorded key inventories sharing a key,
then opened in Debian's Chromium."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from auditor.checks.host.facts import Account, AccountsFacts, AuthorizedKey
from auditor.facts import facts_to_json
from auditor.models import Finding, Severity
from auditor.reports.html import write_run_reports
from auditor.reports.keys import HostNote, keys_view
from auditor.store.model import CheckMeta, FactRecord, Snapshot
from testkit.browser import open_page
from testkit.snapshots import XSS_ATTR, XSS_SCRIPT, make_snapshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser

SHARED = "SHA256:" + "S" * 43
STOLEN = "SHA256:" + "R" * 43
LONE = "SHA256:" + "L" * 43
NOWHERE = "SHA256:" + "N" * 43


def key(account: str, fingerprint: str, line: int, *options: str) -> AuthorizedKey:
    return AuthorizedKey(account, f"/home/{account}/.ssh/authorized_keys", line, "ssh-ed25519", 256, fingerprint,
                         options)


def accounts(*keys: AuthorizedKey, unreadable: tuple[str, ...] = ()) -> FactRecord:
    facts = AccountsFacts(accounts=(Account("alice", 1000, 1000, "/home/alice", "/bin/bash", True, "locked"),),
                          keys=keys, keys_unreadable=unreadable)
    return FactRecord("ok", AccountsFacts.version, facts_to_json(facts))


def fleet() -> Snapshot:
    """web1 and db1 share a key; a stolen key opens one account on db1; hpc1's keys were not read."""
    snapshot = make_snapshot([], [], targets=("web1", "db1", "hpc1", "printer"))
    revoked = CheckMeta("Revoked access", Severity.HIGH, ("RCV-2",), "host", options={"keys": [STOLEN, NOWHERE]})
    facts = {
        "web1": {"host_accounts": accounts(key("alice", SHARED, 1), key("bob", SHARED, 2, 'from="10.0.0.0/8"'),
                                           key("carol", LONE, 1))},
        "db1": {"host_accounts": accounts(key("alice", SHARED, 3), key(XSS_SCRIPT, STOLEN, 1, XSS_ATTR),
                                          unreadable=("/home/dave/.ssh/authorized_keys",))},
        "hpc1": {"host_accounts": FactRecord("not-assessable", reason="needs root to read /etc/shadow")},
        "printer": {},  # a network target: no accounts at all, not a host of this page
    }
    return dataclasses.replace(snapshot, facts=facts, checks={**snapshot.checks, "host.revoked-access": revoked})


def test_keys_sorted_worst_first_with_every_host_and_account_they_open() -> None:
    view = keys_view(fleet())
    assert [(row.fingerprint, row.revoked, row.hosts, row.accounts) for row in view.keys] == [
        (STOLEN, True, 1, 1), (SHARED, False, 2, 3), (LONE, False, 1, 1)]
    shared = view.keys[1]
    assert [(g.target, g.account, g.location, g.options) for g in shared.grants] == [
        ("db1", "alice", "/home/alice/.ssh/authorized_keys:3", ""),
        ("web1", "alice", "/home/alice/.ssh/authorized_keys:1", ""),
        ("web1", "bob", "/home/bob/.ssh/authorized_keys:2", 'from="10.0.0.0/8"')]
    assert view.hosts_read == ("db1", "web1")
    assert [(note.target, note.note.split(":")[0]) for note in view.notes] == [
        ("db1", "key files not readable (run as root)"), ("hpc1", "keys not read (not-assessable)")]
    assert view.revoked_not_found == (NOWHERE,)


def test_a_revoked_access_finding_marks_its_key_even_without_the_options() -> None:
    snapshot = fleet()
    checks = {name: meta for name, meta in snapshot.checks.items() if name != "host.revoked-access"}
    assert [row.revoked for row in keys_view(dataclasses.replace(snapshot, checks=checks)).keys] == [False] * 3
    finding = Finding(check_id="host.revoked-access", target="web1", resource=f"key:carol:{LONE}",
                      severity=Severity.HIGH, message="revoked key opens carol", measures=("RCV-2",))
    view = keys_view(dataclasses.replace(snapshot, checks=checks, findings=(finding,)))
    assert [(row.fingerprint, row.revoked) for row in view.keys] == [(LONE, True), (SHARED, False), (STOLEN, False)]


def test_the_page_is_written_and_linked_only_where_hosts_keys_were_read(tmp_path: Path) -> None:
    written = [path.name for path in write_run_reports(fleet(), tmp_path / "fleet")]
    assert written.count("keys.html") == 1
    assert 'href="keys.html"' in (tmp_path / "fleet" / "index.html").read_text()
    plain = [path.name for path in write_run_reports(make_snapshot([], []), tmp_path / "plain")]
    assert "keys.html" not in plain
    assert 'href="keys.html"' not in (tmp_path / "plain" / "index.html").read_text()




@pytest.mark.integration
def test_the_key_page_in_chromium(browser: Browser, tmp_path: Path) -> None:
    write_run_reports(fleet(), tmp_path)
    page, seen = open_page(browser, tmp_path / "index.html")
    page.click("text=SSH keys across the fleet")
    page.wait_for_load_state("load")
    assert page.url.endswith("/keys.html")
    rows = page.eval_on_selector_all("table.keys tbody tr", "rows => rows.map(r => r.dataset.fingerprint)")
    assert rows == [STOLEN, SHARED, LONE]
    assert page.inner_text("tr.revoked code") == STOLEN and "REVOKED" in page.inner_text("tr.revoked").upper()
    assert XSS_SCRIPT in page.inner_text("tr.revoked") and XSS_ATTR in page.inner_text("tr.revoked")
    assert page.evaluate("document.querySelectorAll('main script, main img').length") == 0
    assert "hpc1" in page.inner_text(".host-notes") and NOWHERE in page.inner_text("main")
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    page.close()


def test_facts_of_an_unexpected_shape_are_named_not_guessed() -> None:
    snapshot = fleet()
    odd = {**snapshot.facts, "odd1": {"host_accounts": FactRecord("ok", 1, {"keys": [{"account": "x"}]})}}
    view = keys_view(dataclasses.replace(snapshot, facts=odd))
    assert HostNote("odd1", "keys cannot be read from this snapshot (unexpected shape)") in view.notes
    assert "odd1" not in view.hosts_read
