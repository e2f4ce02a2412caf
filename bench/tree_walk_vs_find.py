"""The repository walk against plain ``find`` on a generated tree of 10^6 files.

Generates the tree in a temporary directory (1000 files per directory, a mix of modes, a few
symlinks), warms the page cache, then times, best of ``--rounds``:

- ``find``: plain ``find ROOT -xdev``, names only (no lstat: readdir's file types suffice),
  output discarded;
- ``find -printf``: the audit's own find command, output discarded: ``find`` reading the
  metadata any permission audit needs (an lstat per entry, which dominates the time);
- the audit walk: ``walk_tree`` (find streamed and parsed into tallies) in a fresh process,
  which also reports its peak RSS — for a tenth of the tree and for all of it, to show that
  memory stays flat in the tree size;
- the ACL walk (``find -exec getfacl``), for information.

Goal: the audit walk within 1.5x of find reading the same metadata, memory flat; the ratio
to names-only find is printed too.

    .venv/bin/python bench/tree_walk_vs_find.py [--files 1000000] [--rounds 3] [--dir PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from auditor.checks.data.tree_walk import WalkLimits, find_argv

PER_DIR = 1000
MODES = (0o640, 0o644, 0o660, 0o600, 0o664)

CHILD = """
import json, resource, sys, time
from auditor.checks.data.tree_walk import WalkLimits, walk_tree
from auditor.checks.data.acl import read_acls
from auditor.hosts.local import LocalHost
path, what = sys.argv[1], sys.argv[2]
limits = WalkLimits(max_files=10**9, samples=5, timeout=3600)
started = time.perf_counter()
if what == "walk":
    facts = walk_tree(LocalHost(), path, limits)
    entries = facts["entries"]
else:
    facts = read_acls(LocalHost(), path, limits, "getfacl")
    entries = facts["files"]
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "entries": entries, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "facts_bytes": len(json.dumps(facts))}))
"""


def generate(root: Path, files: int) -> None:
    """``files`` files: a tenth under ``root/tenth``, the rest under ``root/rest``."""
    tenth = max(1, files // 10)
    for part, count in (("tenth", tenth), ("rest", files - tenth)):
        for index in range(count):
            directory = root / part / f"d{index // PER_DIR:05d}"
            if index % PER_DIR == 0:
                directory.mkdir(parents=True)
            path = directory / f"f{index % PER_DIR:04d}.dat"
            handle = os.open(path, os.O_CREAT | os.O_WRONLY, MODES[index % len(MODES)])
            os.close(handle)
            if index % 5000 == 0:
                os.symlink("/etc/hostname" if index % 10000 == 0 else f"f{index % PER_DIR:04d}.dat",
                           directory / f"link{index}")


def best_of(rounds: int, argv: list[str]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return min(times)


def audit(path: Path, what: str, rounds: int) -> dict:
    """Best-of-``rounds`` run of the audit walk in a fresh interpreter (so RSS is its own)."""
    runs = []
    for _ in range(rounds):
        completed = subprocess.run([sys.executable, "-c", CHILD, str(path), what], capture_output=True, text=True,
                                   check=True)
        runs.append(json.loads(completed.stdout))
    best = min(runs, key=lambda run: run["seconds"])
    best["rss_mib"] = max(run["rss_mib"] for run in runs)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1_000_000, help="files in the generated tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", help="use (and keep) this directory; generated there if it is empty")
    parser.add_argument("--no-acl", action="store_true", help="skip the ACL walk")
    args = parser.parse_args()
    root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="auditor-bench-tree-"))
    try:
        if not any(root.glob("*")):
            started = time.perf_counter()
            generate(root, args.files)
            print(f"generated {args.files} files in {time.perf_counter() - started:.1f} s under {root}")
        subprocess.run(["find", str(root)], stdout=subprocess.DEVNULL, check=False)  # warm the cache
        plain = best_of(args.rounds, ["find", str(root), "-xdev"])
        printf = best_of(args.rounds, find_argv(str(root), WalkLimits(max_files=10**9)))
        whole = audit(root, "walk", args.rounds)
        tenth = audit(root / "tenth", "walk", args.rounds)
        print(f"\nentries walked: {whole['entries']} (tenth: {tenth['entries']})")
        print(f"{'':28}{'seconds':>10}{'x find':>10}")
        print(f"{'find (names only)':28}{plain:10.2f}{1:10.2f}")
        print(f"{'find -printf (audit format)':28}{printf:10.2f}{printf / plain:10.2f}")
        print(f"{'audit walk':28}{whole['seconds']:10.2f}{whole['seconds'] / plain:10.2f}")
        if not args.no_acl:
            acl = audit(root, "acl", 1)
            print(f"{'ACL walk (find + getfacl)':28}{acl['seconds']:10.2f}{acl['seconds'] / plain:10.2f}")
        print(f"\naudit walk vs find reading the same metadata (-printf): {whole['seconds'] / printf:.2f}x "
              f"(goal: at most 1.5x); vs names-only find: {whole['seconds'] / plain:.2f}x")
        print(f"peak RSS of the audit walk: {tenth['rss_mib']:.1f} MiB at {tenth['entries']} entries, "
              f"{whole['rss_mib']:.1f} MiB at {whole['entries']} entries; facts {whole['facts_bytes']} bytes")
    finally:
        if not args.dir:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
