"""HTML reports: every measure on its phase page, statuses, escaping, no external resources, diff page."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from auditor.reports.history import render_history
from auditor.reports.html import render_diff_html, write_run_reports
from auditor.reports.page import content_security_policy, filter_script
from auditor.reports.site import host_file
from auditor.store.codec import snapshot_to_json
from auditor.store.diff import compare, render_text
from auditor.store.history import history_entries
from auditor.store.model import NameVersion, Rejudged, Snapshot
from testkit.snapshots import (
    ATTESTATION_URL,
    PLAIN_URL_TEXT,
    XSS_SCRIPT,
    finding,
    make_snapshot,
    result,
    sample_snapshot,
    waiver,
)


@pytest.fixture
def snapshot() -> Snapshot:
    return sample_snapshot()


class Checker(HTMLParser):
    """Tracks tag balance and records every tag that could load something from outside."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if "id" in dict(attrs):
            self.ids.append(dict(attrs)["id"] or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    return checker


def scripts(html: str) -> list[str]:
    """Bodies of the page's script elements."""
    return re.findall(r"<script>(.*?)</script>", html, flags=re.S)


def assert_self_contained(html: str, data_urls: frozenset[str] = frozenset()) -> None:
    checker = parse(html)
    # At most one script, ours, and the page's CSP allows exactly that script by its hash.
    assert scripts(html) in ([], [filter_script()])
    policy = content_security_policy(scripts(html)[0] if scripts(html) else None)
    assert f'http-equiv="Content-Security-Policy" content="{escape(policy)}"' in html
    for tag, attrs in checker.tags:
        assert not (tag == "link" and "href" in attrs), f"external stylesheet/link: {attrs}"
        assert tag != "img", f"image tag rendered: {attrs}"
        assert "src" not in attrs, f"{tag} loads {attrs['src']}"
        href = attrs.get("href") or ""
        assert not href or href.startswith(("#", "https://")) or re.fullmatch(r"[a-z0-9-]+\.html", href), href
    for url in re.findall(r"https?://[^\s\"'<>&]*", html):
        assert url in data_urls, f"URL {url!r} does not come from the data"
    assert "@import" not in html and "url(" not in html


def write(snapshot: Snapshot, tmp_path: Path) -> dict[str, str]:
    paths = write_run_reports(snapshot, tmp_path / "report")
    return {path.name: path.read_text(encoding="utf-8") for path in paths}


def must(match: re.Match[str] | None) -> re.Match[str]:
    """The match of a pattern the page must contain."""
    assert match is not None
    return match


def measure_section(html: str, measure_id: str) -> str:
    start = html.index(f'<section class="measure" id="measure-{measure_id}">')
    return html[start:html.index("</section>", start)]


def test_writes_index_and_one_page_per_phase(snapshot: Snapshot, tmp_path: Path) -> None:
    paths = write_run_reports(snapshot, tmp_path / "out")
    assert [path.name for path in paths] == [
        "index.html", "summary.html", "awareness.html", "prevention.html", "response.html", "recovery.html",
        "hosts.html", host_file("web1"), host_file("db1")]
    assert all(path.parent == tmp_path / "out" and path.is_file() for path in paths)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_every_measure_appears_on_its_own_phase_page_only(snapshot: Snapshot, tmp_path: Path) -> None:
    pages = write(snapshot, tmp_path)
    measures = list(snapshot.catalogue.measures.values())
    assert len(measures) >= 20
    for phase in snapshot.catalogue.phases:
        ids = parse(pages[f"{phase.id}.html"]).ids
        expected = [f"measure-{m.id}" for m in measures if m.phase == phase.id]
        assert [i for i in ids if i.startswith("measure-")] == expected
        for measure in measures:
            if measure.phase == phase.id:
                assert measure.title in pages[f"{phase.id}.html"]


def test_measure_statuses(snapshot: Snapshot, tmp_path: Path) -> None:
    pages = write(snapshot, tmp_path)
    prevention, awareness = pages["prevention.html"], pages["awareness.html"]
    assert 'st-findings">findings<' in measure_section(prevention, "PRV-3")  # open critical
    assert 'st-findings">findings<' in measure_section(prevention, "PRV-2")  # expired waiver counts as open
    assert 'st-none">not evidenced<' in measure_section(prevention, "PRV-9")  # nothing maps to it
    assert "No check and no attestation evidences this measure" in measure_section(prevention, "PRV-9")
    assert 'st-none">not evidenced<' in measure_section(prevention, "PRV-4")  # only error/skipped
    assert 'st-evidenced">evidenced<' in measure_section(pages["response.html"], "RSP-1")  # a pass
    assert 'st-evidenced">evidenced<' in measure_section(awareness, "AWR-1")  # current attestation
    assert 'st-overdue">attestation overdue<' in measure_section(awareness, "AWR-2")
    assert "2024-06-01 — overdue" in measure_section(awareness, "AWR-2")
    assert 'st-none">not evidenced<' in measure_section(awareness, "AWR-5")


def test_passed_checks_show_targets_and_details(snapshot: Snapshot, tmp_path: Path) -> None:
    response = measure_section(write(snapshot, tmp_path)["response.html"], "RSP-1")
    assert "SSH log level" in response and "parsed config" in response and "web1" in response
    assert "not-assessable" in response and "needs root" in response
    prv3 = measure_section(write(snapshot, tmp_path)["prevention.html"], "PRV-3")
    assert "sshd -T" in prv3


def test_hostile_text_is_escaped(snapshot: Snapshot, tmp_path: Path) -> None:
    pages = write(snapshot, tmp_path)
    for html in pages.values():
        assert html.count("<script") == len(scripts(html)) <= 1 and scripts(html) in ([], [filter_script()])
        assert "<img" not in html
    prevention = pages["prevention.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in prevention
    assert "&lt;img src=x onerror=alert(1)&gt;" in prevention
    assert "&#34;&gt;&lt;img" in prevention  # the quote cannot close an attribute either
    assert XSS_SCRIPT in "".join(parse(prevention).text)  # and the reader sees the text as written


def test_no_external_resources_and_only_data_urls(snapshot: Snapshot, tmp_path: Path) -> None:
    for html in write(snapshot, tmp_path).values():
        assert_self_contained(html, frozenset({ATTESTATION_URL, PLAIN_URL_TEXT}))


def test_attestation_evidence_is_a_link_only_for_https(snapshot: Snapshot, tmp_path: Path) -> None:
    awareness = write(snapshot, tmp_path)["awareness.html"]
    hrefs = [attrs["href"] for tag, attrs in parse(awareness).tags if tag == "a"]
    assert ATTESTATION_URL in hrefs
    assert PLAIN_URL_TEXT not in hrefs and "javascript:alert(1)" not in hrefs
    assert PLAIN_URL_TEXT in awareness and "javascript:alert(1)" in awareness


def test_waived_and_expired_waivers(snapshot: Snapshot, tmp_path: Path) -> None:
    prv2 = measure_section(write(snapshot, tmp_path)["prevention.html"], "PRV-2")
    open_part, waived_part = prv2.split("Waived findings (1)")
    assert "Open findings (1)" in open_part
    assert "Waiver expired on 2024-06-30" in open_part and "Carol Ops" in open_part
    assert "Waived by Bob Admin until 2099-12-31: Console-only lab machine" in waived_part


def test_index_overview(snapshot: Snapshot, tmp_path: Path) -> None:
    index = write(snapshot, tmp_path)["index.html"]
    text = " ".join(" ".join(parse(index).text).split())
    assert "Exit code 2." in text and "Incomplete audit: 2 check result(s) ended in error" in text
    assert "Errors (2)" in text
    assert "TLS handshake timed out after 10s" in text and "backup path unreadable" in text
    assert "TLS protocol versions" in text and "Backups" in text
    assert f"2 of {len(snapshot.catalogue.measures)} measures evidenced" in text
    for phase in snapshot.catalogue.phases:
        assert f'href="{phase.id}.html"' in index
    assert "university-baseline 1.2.0" in text and f"version {snapshot.catalogue.version}" in text


def test_index_counts(snapshot: Snapshot, tmp_path: Path) -> None:
    index = write(snapshot, tmp_path)["index.html"]
    # severity table: critical 1, high 0 (waived), medium 1 (expired waiver), low 1, info 0; waived 1; expired 1
    table = index[index.index('<table id="severity-counts">'):]
    row = must(re.search(r"<tbody><tr>(.*?)</tr></tbody>", table, re.S)).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["1", "0", "1", "1", "0", "1", "1"]
    # coverage: AWR-1 (attestation) and RSP-1 (pass) only
    assert f"<strong>2 of {len(snapshot.catalogue.measures)}</strong>" in index
    # per-target (hosts page): db1 has open low 1 (its high is waived); pass 1, fail 2, error 1, skipped 1,
    # not-assessable 1; 1 open finding
    hosts = write(snapshot, tmp_path / "again")["hosts.html"]
    db1 = must(re.search(r"<strong>db1</strong>.*?</tr>", hosts, re.S)).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', db1) == ["0", "0", "0", "1", "0", "1", "2", "1", "1", "1", "1"]


def test_clean_run_says_so(tmp_path: Path) -> None:
    doc = make_snapshot([result("ssh.log-level", "web1", "pass")], [], targets=("web1",))
    index = write(doc, tmp_path)["index.html"]
    assert "Exit code 0." in index and "No check ended in error." in index


def diff_pair() -> tuple[Snapshot, Snapshot]:
    gone = finding("services.exposed", "db1", "tcp/6379", "low", message="Redis reachable")
    stays = finding("ssh.root-login", "db1", "sshd:PermitRootLogin", "medium")
    waived = finding("ssh.root-login", "web1", "sshd:PermitRootLogin", "medium")
    old = make_snapshot(
        [result("services.exposed", "db1", "fail", [gone]), result("ssh.root-login", "db1", "fail", [stays]),
         result("ssh.root-login", "web1", "fail", [waived]), result("tls.protocols", "web1", "pass")],
        [gone, stays, waived], targets=("web1", "db1"), tool_version="0.0.9",
    )
    fresh = finding("ssh.password-authentication", "web1", "sshd:PasswordAuthentication", "critical",
                    message=XSS_SCRIPT)
    worse = dict(stays, severity="high")
    now_waived = dict(waived, waiver=waiver("ssh.root-login", "web1", "sshd:PermitRootLogin", "Bob", "2099-01-01",
                                            "ok"), waiver_expired=False)
    new = make_snapshot(
        [result("ssh.password-authentication", "web1", "fail", [fresh]),
         result("ssh.root-login", "db1", "fail", [worse]), result("ssh.root-login", "web1", "fail", [now_waived]),
         result("tls.protocols", "web1", "error", reason="timed out")],
        [fresh, worse, now_waived], started_at="2025-04-01T10:00:00+00:00", targets=("web1", "lab3"),
    )
    return old, new


def test_diff_page(tmp_path: Path) -> None:
    old, new = diff_pair()
    html = render_diff_html(compare(old, new))
    assert_self_contained(html)
    text = " ".join(" ".join(parse(html).text).split())
    for heading in ("New findings (1)", "Resolved findings (1)", "Severity changed (1)", "Waiver changed (1)",
                    "Check status changed (3)", "Persisting findings (2)"):
        assert heading in text
    assert "2025-03-01T10:00:00+00:00" in text and "2025-04-01T10:00:00+00:00" in text
    assert "tool version: 0.0.9 →" in text and "may come from the judging" in text
    assert "Added lab3" in text and "Removed db1" in text
    assert "Redis reachable" in text
    assert "&lt;script&gt;" in html and "<script" not in html
    persisting = html[html.index('<section id="persisting">'):]
    assert "<details>" in persisting


def test_diff_without_version_change_has_no_note() -> None:
    old, new = diff_pair()
    old = dataclasses.replace(old, tool=new.tool)
    html = render_diff_html(compare(old, new))
    assert "may come from the judging" not in html


def test_finding_without_catalogue_measure_is_listed_on_index(tmp_path: Path) -> None:
    stray = finding("services.exposed", "web1", "tcp/23", "high", message="telnet open", measures=[])
    doc = make_snapshot([result("services.exposed", "web1", "fail", [stray])], [stray], targets=("web1",))
    index = write(doc, tmp_path)["index.html"]
    assert "Findings not mapped to a catalogue measure (1)" in index and "telnet open" in index


REJUDGED_FROM = Rejudged(
    from_started_at="2025-02-01T09:00:00+00:00", from_finished_at="2025-02-01T09:04:00+00:00",
    from_profile=NameVersion(f"old-{XSS_SCRIPT}", "1.1.0"), from_tool=NameVersion("rifi-auditor", "0.0.9"),
    rejudged_at="2025-03-02T08:00:00+00:00")
REJUDGED_TEXT = (f"Re-judged on 2025-03-02T08:00:00+00:00 under profile university-baseline 1.2.0 from the run of "
                 f"2025-02-01T09:00:00+00:00 (profile old-{XSS_SCRIPT} 1.1.0, tool 0.0.9)")


def test_every_page_of_a_rejudged_snapshot_says_so(snapshot: Snapshot, tmp_path: Path) -> None:
    rejudged = dataclasses.replace(snapshot, rejudged=REJUDGED_FROM)
    pages = write(rejudged, tmp_path)
    assert len(pages) == 9
    for html in pages.values():
        assert REJUDGED_TEXT in " ".join(" ".join(parse(html).text).split())
        assert "<script>alert" not in html  # the remembered profile name is data too
    assert not any("Re-judged" in html for html in write(snapshot, tmp_path / "plain").values())


def test_diff_and_history_pages_say_which_run_was_rejudged(snapshot: Snapshot, tmp_path: Path) -> None:
    rejudged = dataclasses.replace(snapshot, rejudged=REJUDGED_FROM, started_at="2025-03-02T08:00:00+00:00")
    diff = compare(snapshot, rejudged)
    assert diff.rejudged_notes == (REJUDGED_TEXT,)
    assert f"\n  note: {REJUDGED_TEXT}\n" in render_text(diff)
    assert REJUDGED_TEXT in " ".join(" ".join(parse(render_diff_html(diff)).text).split())
    assert "Re-judged" not in render_diff_html(compare(snapshot, snapshot))
    for name, run in (("a", snapshot), ("b", rejudged)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "snapshot.json").write_text(json.dumps(snapshot_to_json(run)))
    history = render_history(history_entries(tmp_path, None, tmp_path), tmp_path / "history.html").html
    assert " ".join(" ".join(parse(history).text).split()).count(REJUDGED_TEXT) == 1
