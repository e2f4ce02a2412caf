"""The reports in a real browser (Debian's Chromium driven by Playwright).

No console errors, no request leaves the page's own files, the findings filter works, and
hostile text in a finding is shown as text and runs nothing.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from auditor.reports.history import render_history
from auditor.reports.html import render_diff_html, write_run_reports
from auditor.store.codec import snapshot_to_json
from auditor.store.diff import compare
from auditor.store.history import history_entries
from testkit.browser import open_page
from testkit.snapshots import XSS_SCRIPT, sample_snapshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run report, a diff page and a history page, from snapshots with hostile text and owners."""
    root = tmp_path_factory.mktemp("site")
    old = sample_snapshot()
    owned = tuple(dataclasses.replace(record, target=dataclasses.replace(record.target, owner=f"lab-{record.name}"))
                  for record in old.targets)
    new = dataclasses.replace(old, targets=owned, started_at="2025-04-01T10:00:00+00:00")
    for name, snapshot in (("run-1", old), ("run-2", new)):
        (root / name).mkdir()
        (root / name / "snapshot.json").write_text(json.dumps(snapshot_to_json(snapshot)))
        write_run_reports(snapshot, root / name)
    (root / "diff.html").write_text(render_diff_html(compare(old, new)))
    (root / "history.html").write_text(render_history(history_entries(root, None, root), root / "history.html").html)
    return root


@pytest.mark.parametrize("relative", ["run-2/index.html", "run-2/prevention.html", "run-2/awareness.html",
                                      "diff.html", "history.html"])
def test_pages_load_cleanly_and_request_nothing_outside(browser: Browser, site: Path, relative: str) -> None:
    page, seen = open_page(browser, site / relative)
    assert seen["errors"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    assert seen["dialogs"] == []
    page.close()


def test_hostile_text_shows_as_text_and_runs_nothing(browser: Browser, site: Path) -> None:
    page, seen = open_page(browser, site / "run-2" / "prevention.html")
    assert XSS_SCRIPT in page.inner_text("main")
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert page.evaluate("document.querySelectorAll('main script, main img').length") == 0
    page.close()


def visible_findings(page: Page) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = page.evaluate("""Array.from(document.querySelectorAll('[data-severity]'))
        .filter(e => !e.hidden).map(e => [e.dataset.severity, e.dataset.target, e.dataset.owner])""")
    return found


def test_filters_by_severity_target_and_owner(browser: Browser, site: Path) -> None:
    page, seen = open_page(browser, site / "run-2" / "prevention.html")
    everything = visible_findings(page)
    assert len(everything) >= 3 and len({f[1] for f in everything}) >= 2
    page.select_option("#filters select[name=severity]", "high")
    high = visible_findings(page)
    assert high and all(f[0] in ("high", "critical") for f in high) and len(high) < len(everything)
    page.select_option("#filters select[name=severity]", "info")
    target = everything[0][1]
    page.select_option("#filters select[name=target]", target)
    assert {f[1] for f in visible_findings(page)} == {target}
    page.select_option("#filters select[name=target]", "")
    owner = f"lab-{everything[-1][1]}"
    page.select_option("#filters select[name=owner]", owner)
    assert {f[2] for f in visible_findings(page)} == {owner}
    shown = page.inner_text("#filter-count")
    # The sample lists every finding of the phase, so what matches is what is listed.
    listed = len(visible_findings(page))
    assert shown == f"{listed} of {len(everything)} findings match; {listed} listed on this page"
    assert seen["errors"] == []
    page.close()
