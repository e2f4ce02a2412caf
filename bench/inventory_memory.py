"""Loading a 10,000-host inventory: the streaming YAML construction against the node-based one.

Writes an inventory in bench/fleet_scale.py's format (one flow mapping a line,
``  - {name: host00000, address: 127.1.0.1, ports: [2222, 8443]}``), then loads it, best of
``--rounds``, each time in a fresh child process, with
  (a) the node-based construction the auditor used before issue #13 (PyYAML composes the whole
      document's node tree, then LineDict/LineList are built from it; kept in
      tests/lib/testkit/yaml_oracle.py), and
  (b) the streaming construction of auditor/config/yamlstream.py (values built as the events
      of the same libyaml parser arrive),
and prints for each the peak RSS (VmHWM) before and after loading, the growth, the time, and
the ratios new/old. Then it times both, in this process, on the largest YAML files of the
repository (profiles, policies, the toolkit catalogue, the web catalogue), best of many runs.

Goal: peak growth a fraction of the old one, time within ~1.3x of the old on every file.

    .venv/bin/python bench/inventory_memory.py [--hosts 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "lib"))


def vm_hwm_mb() -> float:
    """This process's peak resident set size so far, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def loader(kind: str):  # type: ignore[no-untyped-def]  # a bench script, run, not imported
    """The function that turns YAML text into LineDict/LineList, old or new."""
    if kind == "old":
        from testkit.yaml_oracle import old_load
        return old_load
    from auditor.config.yamlfile import _LineLoader
    from auditor.config.yamlstream import build
    return lambda text: build(_LineLoader, text)


def child(kind: str, path: str) -> None:
    """Load ``path`` once and print what it cost, as one JSON line."""
    loaders = {name: loader(name) for name in ("old", "new")}  # the same modules imported in both runs
    load = loaders[kind]
    text = Path(path).read_text()
    before = vm_hwm_mb()
    started = time.perf_counter()
    data = load(text)
    elapsed = time.perf_counter() - started
    peak = vm_hwm_mb()
    # Python allocations, in a second load (tracemalloc slows it): what is kept and the transient.
    del data
    tracemalloc.start()
    data = load(text)
    kept, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(json.dumps({"before": before, "peak": peak, "seconds": elapsed, "hosts": len(data["hosts"]),
                      "kept": kept / 2**20, "transient": (traced_peak - kept) / 2**20}))


def write_inventory(path: Path, hosts: int) -> None:
    path.write_text("hosts:\n" + "".join(
        f"  - {{name: host{n:05d}, address: 127.1.{n // 250}.{n % 250 + 1}, ports: [2222, 8443]}}\n"
        for n in range(hosts)))


def measure(kind: str, path: Path, rounds: int) -> dict[str, float]:
    runs = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out))
    return {"before": min(run["before"] for run in runs), "peak": min(run["peak"] for run in runs),
            "seconds": min(run["seconds"] for run in runs), "hosts": runs[0]["hosts"],
            "kept": runs[0]["kept"], "transient": runs[0]["transient"]}


def time_files(rounds: int) -> None:
    old, new = loader("old"), loader("new")
    files = sorted((path for path in ROOT.rglob("*.yaml") if ".venv" not in path.parts and "tests" not in path.parts),
                   key=lambda path: path.stat().st_size)[-6:]
    print(f"\n{'file':52} {'bytes':>7} {'old ms':>8} {'new ms':>8} {'new/old':>8}")
    for path in reversed(files):
        text = path.read_text()
        best = {"old": float("inf"), "new": float("inf")}
        for _ in range(rounds):  # interleaved, so that a busy moment of the machine hits both alike
            for name, load in (("old", old), ("new", new)):
                started = time.perf_counter()
                load(text)
                best[name] = min(best[name], time.perf_counter() - started)
        print(f"{path.relative_to(ROOT)!s:52} {len(text):7} {best['old'] * 1e3:8.2f} {best['new'] * 1e3:8.2f} "
              f"{best['new'] / best['old']:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / f"inventory-{args.hosts}.yaml"
        write_inventory(path, args.hosts)
        results = {kind: measure(kind, path, args.rounds) for kind in ("old", "new")}
    print(f"inventory of {args.hosts} hosts ({path.name}), best of {args.rounds} fresh processes")
    print(f"{'':6} {'RSS before MB':>14} {'peak MB':>8} {'growth MB':>10} {'seconds':>8} "
          f"{'kept MB':>8} {'transient MB':>13}")
    for kind, result in results.items():
        assert result["hosts"] == args.hosts
        print(f"{kind:6} {result['before']:14.1f} {result['peak']:8.1f} {result['peak'] - result['before']:10.1f} "
              f"{result['seconds']:8.3f} {result['kept']:8.1f} {result['transient']:13.1f}")
    print("(kept, transient: tracemalloc's Python allocations, retained by the result and gone after loading)")
    old, new = results["old"], results["new"]
    print(f"new/old: peak growth {(new['peak'] - new['before']) / (old['peak'] - old['before']):.2f}, "
          f"peak {new['peak'] / old['peak']:.2f}, time {new['seconds'] / old['seconds']:.2f}")
    time_files(rounds=max(50, args.rounds * 20))


if __name__ == "__main__":
    main()
