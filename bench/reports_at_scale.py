"""How long report generation and snapshot comparison take on very large snapshots.

Goal (fleet issue): HTML reports for, and a diff of, two 100,000-finding snapshots, each
under 5 s. Run: .venv/bin/python bench/reports_at_scale.py [--findings N]
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "lib"))

from auditor.reports.html import write_run_reports
from auditor.store.codec import load_snapshot, write_snapshot
from auditor.store.diff import compare, render_text
from auditor.store.model import Snapshot
from testkit.snapshots import CHECKS, finding, make_snapshot, result

SEVERITIES = ("info", "low", "medium", "high", "critical")


def big_snapshot(findings: int, first: int, started: str) -> Snapshot:
    """Findings number ``first`` .. ``first + findings`` over 1,000 hosts (each a function of its number)."""
    check_ids = list(CHECKS)
    hosts = [f"host{n:04d}.example.org" for n in range(1000)]
    items = [
        finding(check_ids[n % len(check_ids)], hosts[n % len(hosts)], f"resource/{n}",
                SEVERITIES[(n // 1000 + (first > 0 and n % 97 == 0)) % len(SEVERITIES)])
        for n in range(first, first + findings)
    ]
    per_result: dict[tuple[str, str], list] = {}
    for item in items:
        per_result.setdefault((item["check_id"], item["target"]), []).append(item)
    results = [result(check_id, host, "fail", found) for (check_id, host), found in per_result.items()]
    return make_snapshot(results, items, started_at=started, targets=tuple(hosts))


def timed(label: str, function):
    started = time.perf_counter()
    value = function()
    print(f"{label:<38} {time.perf_counter() - started:7.2f} s")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        old = timed("build old snapshot (not timed goal)", lambda: big_snapshot(args.findings, 0, "2026-01-01T00:00:00+00:00"))
        # 10 % resolved, 10 % new, 1 in 97 of the rest with a changed severity.
        new = timed("build new snapshot (not timed goal)", lambda: big_snapshot(args.findings, args.findings // 10, "2026-02-01T00:00:00+00:00"))
        timed("write + validate snapshot", lambda: write_snapshot(new, root / "new.json"))
        write_snapshot(old, root / "old.json")
        print(f"{'snapshot size':<38} {(root / 'new.json').stat().st_size / 1e6:7.1f} MB")
        loaded_old = timed("load + validate snapshot", lambda: load_snapshot(root / "old.json"))
        loaded_new = load_snapshot(root / "new.json")
        timed("HTML reports (every page)", lambda: write_run_reports(loaded_new, root / "report"))
        timed("HTML reports, with the previous run", lambda: write_run_reports(loaded_new, root / "again", loaded_old))
        pages = sum(p.stat().st_size for p in (root / "report").glob("*.html"))
        print(f"{'report size':<38} {pages / 1e6:7.1f} MB")
        diff = timed("diff (compare)", lambda: compare(loaded_old, loaded_new))
        timed("diff text", lambda: render_text(diff))
        print(f"new {len(diff.new)}, resolved {len(diff.resolved)}, persisting {len(diff.persisting)}, "
              f"severity changed {len(diff.severity_changed)}")
        print(f"{'peak RSS':<38} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.0f} MB")


if __name__ == "__main__":
    main()
