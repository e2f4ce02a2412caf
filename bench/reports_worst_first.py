"""Report pages of a 10,000-finding fleet audit: their sizes and their load times in Chromium.

Goal (issue #15): no page grows with the whole run; every page of a 10,000-finding run stays
under 2 MB and opens in a browser in under a second. Prints figures; asserts nothing.

    .venv/bin/python bench/reports_worst_first.py [--findings N] [--hosts N] [--baseline DIR] [--screenshots DIR]

``--screenshots DIR`` saves the overview and the legacy server's page as PNGs (the README's).
``--baseline DIR`` is a checkout of the previous report writer (``git worktree add /tmp/base
f854a7f``); its pages for the same snapshot are measured the same way, side by side.
Load time is Chromium's navigation timing (navigation start to the end of the load event) of
a local file, the median of three loads; host and owner pages: the three largest of each.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "lib"))

from auditor.reports.html import write_run_reports
from auditor.reports.run_views import INDEX_FILE
from auditor.reports.site import host_file
from auditor.store.codec import write_snapshot
from testkit.large import LEGACY, large_snapshot

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
_BASELINE = ("import sys; from pathlib import Path; from auditor.store.codec import load_snapshot; "
             "from auditor.reports.html import write_run_reports; "
             "write_run_reports(load_snapshot(Path(sys.argv[1])), Path(sys.argv[2]))")


def pages_to_measure(out: Path) -> list[Path]:
    """Every fleet-wide page, and the three largest host pages and owner pages."""
    pages = sorted(out.glob("*.html"))

    def largest(prefix: str) -> list[Path]:
        return sorted((p for p in pages if p.name.startswith(prefix)), key=lambda p: p.stat().st_size)[-3:]

    return [p for p in pages if not p.name.startswith(("host-", "owner-"))] + largest("host-") + largest("owner-")


def load_times(pages: list[Path]) -> dict[Path, tuple[float, int]]:
    """Median navigation-to-load time of each page in Debian's Chromium (s), and its height (px)."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    times: dict[Path, tuple[float, int]] = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        for path in pages:
            samples, height = [], 0
            for _ in range(3):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(path.as_uri(), wait_until="load")
                samples.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000)
                height = page.evaluate("document.documentElement.scrollHeight")
                page.close()
            times[path] = (statistics.median(samples), height)
        browser.close()
    return times


def screenshots(out: Path, target: Path) -> None:
    """The top of the overview and of the legacy server's page, as small PNGs."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    target.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        for name, png in ((INDEX_FILE, "report-overview.png"), (host_file(LEGACY), "report-host.png")):
            page.goto((out / name).as_uri(), wait_until="load")
            page.screenshot(path=str(target / png))
        browser.close()


def report(label: str, out: Path, seconds: float) -> None:
    pages = list(out.glob("*.html"))
    total = sum(p.stat().st_size for p in pages)
    print(f"\n{label}: {len(pages)} pages, {total / 1e6:.1f} MB in all, written in {seconds:.2f} s")
    measured = pages_to_measure(out)
    times = load_times(measured)
    print(f"  {'page':<44} {'size':>10} {'load':>8} {'height':>10}")
    for path in measured:
        load, height = times[path]
        print(f"  {path.name:<44} {path.stat().st_size / 1e6:8.2f} MB {load:6.2f} s {height:8d} px")
    largest = max(pages, key=lambda p: p.stat().st_size)
    print(f"  largest page {largest.name}: {largest.stat().st_size / 1e6:.2f} MB; "
          f"slowest measured load {max(load for load, _ in times.values()):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=500)
    parser.add_argument("--baseline", type=Path, help="a checkout of the previous report writer")
    parser.add_argument("--screenshots", type=Path, help="save the overview and a host page as PNGs here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        snapshot = large_snapshot(args.findings, args.hosts)
        previous = large_snapshot(args.findings, args.hosts, started_at="2026-02-01T10:00:00+00:00", skip_every=7)
        print(f"{len(snapshot.findings)} findings, {len(snapshot.results)} results, {len(snapshot.targets)} targets")
        started = time.perf_counter()
        write_run_reports(snapshot, root / "new", previous)
        report("this writer", root / "new", time.perf_counter() - started)
        if args.screenshots:
            screenshots(root / "new", args.screenshots)
        if args.baseline:
            write_snapshot(snapshot, root / "snapshot.json")
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", _BASELINE, str(root / "snapshot.json"), str(root / "old")],
                           cwd=args.baseline, env={"PYTHONPATH": str(args.baseline)}, check=True)
            report(f"previous writer ({args.baseline}, including its start-up)", root / "old",
                   time.perf_counter() - started)


if __name__ == "__main__":
    main()
