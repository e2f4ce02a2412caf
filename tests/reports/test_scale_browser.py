"""The report of a generated 10,000-finding fleet audit in a real browser (Debian's Chromium via Playwright).

Page sizes, load times (the issue's limit: under a second), the filter's counts against the
snapshot, grouping by the fix, per-host links, the printed executive summary, and hostile text
(a banner, a certificate subject, an owner name) that stays text and runs nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from auditor.models import Severity
from auditor.reports.html import write_run_reports
from auditor.reports.site import host_file, owner_file
from auditor.store.model import Snapshot
from testkit.browser import open_page
from testkit.large import HOSTILE_BANNER, HOSTILE_OWNER, LEGACY, host_name, large_snapshot
from testkit.snapshots import XSS_SCRIPT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.integration
MAX_PAGE_BYTES = 2_000_000
# What makes a page slow to open is how much it holds. The load times themselves (the issue's
# limit: under a second) are measured and printed by bench/reports_worst_first.py, not asserted
# here, where the machine's other work would decide the verdict.
MAX_ELEMENTS = 25_000


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return large_snapshot(10_000)


@pytest.fixture(scope="module")
def site(snapshot: Snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fleet") / "report"
    previous = large_snapshot(10_000, started_at="2026-02-01T10:00:00+00:00", skip_every=7)
    write_run_reports(snapshot, out, previous)
    return out


def test_every_page_stays_under_2_mb_and_every_host_has_its_page(snapshot: Snapshot, site: Path) -> None:
    pages = list(site.glob("*.html"))
    assert pages and max(p.stat().st_size for p in pages) < MAX_PAGE_BYTES
    hosts = {p.name for p in pages if p.name.startswith("host-")}
    assert hosts == {host_file(record.name) for record in snapshot.targets}
    sample = (site / host_file(host_name(3))).read_text(encoding="utf-8")
    assert f"<h1>{host_name(3)}</h1>" in sample


def largest(site: Path, prefix: str) -> Path:
    return max(site.glob(f"{prefix}-*.html"), key=lambda p: p.stat().st_size)


@pytest.mark.parametrize("name", ["index.html", "summary.html", "prevention.html", "hosts.html", "legacy", "host",
                                  "owner", "hostile-owner"])
def test_pages_stay_small_enough_to_open_fast_and_run_nothing_from_collected_text(browser: Browser, site: Path,
                                                                                 name: str) -> None:
    path = {"legacy": site / host_file(LEGACY), "host": largest(site, "host"), "owner": largest(site, "owner"),
            "hostile-owner": site / owner_file(HOSTILE_OWNER)}.get(name, site / name)
    page, seen = open_page(browser, path)
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    assert page.evaluate("document.querySelectorAll('main script, main img, main svg[onload]').length") == 0
    elements = page.evaluate("document.getElementsByTagName('*').length")
    assert elements < MAX_ELEMENTS, f"{path.name} holds {elements} elements"
    page.close()


def test_hostile_banner_subject_and_owner_show_as_text(browser: Browser, site: Path) -> None:
    page, seen = open_page(browser, site / host_file(LEGACY))
    page.click("text=The 26 findings")  # open the fix: its members carry the certificate subject
    text = page.inner_text("main")
    assert HOSTILE_BANNER in text and "O=<svg onload=alert(2)>" in text and f"lab-{XSS_SCRIPT}" in text
    assert seen["dialogs"] == [] and seen["errors"] == []
    page.close()


def test_one_ssl_ciphers_fix_is_one_row_with_its_count(browser: Browser, snapshot: Snapshot, site: Path) -> None:
    expected = sum(1 for f in snapshot.findings if f.target == LEGACY and f.resource.startswith("tcp/8443:cipher/"))
    assert expected == 26
    for path in (site / host_file(LEGACY), site / "prevention.html"):
        page, _ = open_page(browser, path)
        rows = page.evaluate("""Array.from(document.querySelectorAll('#measure-PRV-4 .fix, #open .fix'))
            .filter(row => row.textContent.includes('tcp/8443:cipher/'))
            .map(row => [row.dataset.count, row.querySelectorAll('[data-severity]').length])""")
        assert rows == [[str(expected), expected]], path.name
        page.close()


def in_prevention(snapshot: Snapshot) -> list[Any]:
    ids = {m.id for m in snapshot.catalogue.measures.values() if m.phase == "prevention"}
    return [f for f in snapshot.findings if ids.intersection(f.measures)]


def count_text(page: Page) -> tuple[int, int, int]:
    match = re.fullmatch(r"(\d+) of (\d+) findings match; (\d+) listed on this page", page.inner_text("#filter-count"))
    assert match is not None, page.inner_text("#filter-count")
    matched, total, listed = (int(group) for group in match.groups())
    return matched, total, listed


def test_filters_count_what_the_run_has_not_what_the_page_lists(browser: Browser, snapshot: Snapshot,
                                                                site: Path) -> None:
    findings = in_prevention(snapshot)
    page, seen = open_page(browser, site / "prevention.html")
    matched, total, listed = count_text(page)
    assert matched == total == len(findings) and listed < total  # the page lists the worst fixes only
    page.select_option("#filters select[name=severity]", "high")
    assert count_text(page)[0] == sum(1 for f in findings if f.severity >= Severity.HIGH)
    page.select_option("#filters select[name=severity]", "info")
    target = host_name(3)
    page.select_option("#filters select[name=target]", target)
    matched, _, listed = count_text(page)
    assert matched == sum(1 for f in findings if f.target == target) and 0 < listed <= matched
    shown = page.evaluate("""Array.from(document.querySelectorAll('[data-severity]')).filter(e => !e.hidden)
        .map(e => e.dataset.target)""")
    assert set(shown) == {target}
    owner = next(r.target.owner for r in snapshot.targets if r.name == target)
    page.select_option("#filters select[name=owner]", "lab-11" if owner != "lab-11" else "lab-10")
    assert count_text(page)[0] == 0  # that host is not that owner's
    assert seen["errors"] == []
    page.close()


def test_host_links_lead_to_the_host(browser: Browser, site: Path) -> None:
    page, _ = open_page(browser, site / "index.html")
    link = page.locator("#worst-hosts ~ .table-wrap a").first
    name = link.inner_text()
    link.click()
    page.wait_for_load_state("load")
    assert page.inner_text("h1") == name and page.url.endswith(host_file(name))
    page.close()
    for listing in site.glob("hosts*.html"):
        for href in re.findall(r'href="([^"#]+)"', listing.read_text(encoding="utf-8")):
            assert (site / href).is_file(), href


def test_executive_summary_prints_on_at_most_two_a4_pages(browser: Browser, site: Path) -> None:
    page, _ = open_page(browser, site / "summary.html")
    text = page.inner_text("main")
    assert "Posture per phase" in text and "Top risks" in text and "Since the run of 2026-02-01" in text
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 1 <= pages <= 2
    page.close()
