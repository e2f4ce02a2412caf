"""Benchmark: the SSH wire audit against ssh-audit on the same local sshd daemons, in one run.

Starts the weak and the hardened test daemons (tests/lib/testkit/sshd_lab.py) on 127.0.0.1, audits
each with ``ssh-audit -j`` and with the wire audit under the strict profile, and prints per
server: the median wall time of each tool (over ``--repeat`` runs), the algorithms each flags
as fail or warn, and whether every ssh-audit fail/warn is also flagged by ours.

Whole process: ``ssh-audit HOST`` and ``auditor run HOST`` (an SSH-wire-only profile, writing
its snapshot and every report) are run as the commands a user types, interpreter start-up
included, in pairs whose order alternates so that neither always runs on a warmer machine;
the ratio printed is median(auditor) / median(ssh-audit), with the CPU time of each (user +
system, from the children's rusage). ``wire audit (in-process)`` is the collector plus the
checks alone. ssh-audit's default run includes its DHEat connection-rate test (dozens of
connections), so it is also timed with ``--skip-rate-test``.

Needs root (sshd on its own port), openssh-server and ``pip install '.[bench]'``. Usage:

    .venv/bin/python bench/ssh_wire_vs_ssh_audit.py [--repeat 5] [--sshd /usr/sbin/sshd]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "lib"))  # the daemons the tests use

from auditor.config.profile import load_profile  # noqa: E402
from auditor.models import Target, TargetKind  # noqa: E402
from auditor.registry import default_registry  # noqa: E402
from auditor.runner import Runner  # noqa: E402
from testkit import sshd_lab  # noqa: E402

LEVEL = {"warn": 1, "fail": 2}
RSA_ALGORITHMS = ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")
# Our finding resources name a category; ssh-audit's JSON sections do too.
OUR_CATEGORIES = ("kex", "hostkey", "cipher", "mac", "compression", "gex")
SSH_AUDIT_SECTIONS = ("kex", "key", "enc", "mac")
# What ssh-audit judges, and nothing else: the wire checks under ssh-audit's ratings (the
# `strict` algorithm policy) with strict's wire options, written out rather than inherited from
# `strict`, whose other areas' policies a user auditing SSH alone would not load either.
PROFILE = """name: bench-wire
select: ["ssh-wire.*"]
fail_on: medium
policies:
  ssh-algorithms: strict
collectors:
  discovery:
    enabled: false   # ssh-audit is told the port; so is the wire audit
  ssh_wire:
    ports: []
    host_key_types: all
    gex_probe: true
"""


def timed(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def child_cpu() -> float:
    """User + system seconds used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def paired(first: Callable[[], Any], second: Callable[[], Any], repeat: int) -> tuple[list[float], list[float],
                                                                                    list[float], list[float]]:
    """Wall and CPU seconds of ``first`` and ``second``, run in pairs whose order alternates."""
    walls: tuple[list[float], list[float]] = ([], [])
    cpus: tuple[list[float], list[float]] = ([], [])
    for index in range(repeat):
        order = (0, 1) if index % 2 == 0 else (1, 0)
        for which in order:
            action = (first, second)[which]
            cpu, started = child_cpu(), time.perf_counter()
            action()
            walls[which].append(time.perf_counter() - started)
            cpus[which].append(child_cpu() - cpu)
    return walls[0], walls[1], cpus[0], cpus[1]


def ssh_audit_plain(port: int) -> None:
    """``ssh-audit -p PORT 127.0.0.1`` as a user runs it (its text report, rate test included)."""
    command = shutil.which("ssh-audit", path=str(Path(sys.executable).parent)) or "ssh-audit"
    subprocess.run([command, "-p", str(port), "127.0.0.1"], capture_output=True, timeout=120)


def run_ssh_audit(port: int, *extra: str) -> dict[str, Any]:
    """ssh-audit's JSON report of 127.0.0.1:port."""
    command = shutil.which("ssh-audit", path=str(Path(sys.executable).parent)) or "ssh-audit"
    completed = subprocess.run([command, "-j", *extra, "-p", str(port), "127.0.0.1"],
                               capture_output=True, text=True, timeout=120)
    return json.loads(completed.stdout)


def ssh_audit_flags(report: dict[str, Any]) -> dict[str, str]:
    """algorithm -> fail|warn, as ssh-audit rates it (the worst of its notes)."""
    flags = {}
    for section in SSH_AUDIT_SECTIONS:
        for entry in report.get(section, []):
            notes = entry.get("notes", {})
            level = "fail" if notes.get("fail") else "warn" if notes.get("warn") else None
            if level:
                flags[entry["algorithm"]] = _worse(flags.get(entry["algorithm"]), level)
    return flags


def our_flags(findings: list[Any], offered_host_keys: list[str]) -> dict[str, str]:
    """algorithm -> fail|warn from our findings; a small RSA key flags every RSA signature algorithm."""
    flags: dict[str, str] = {}
    for finding in findings:
        verdict = finding.evidence.get("verdict")
        if verdict not in LEVEL:
            continue
        category, _, name = finding.resource.split(":", 1)[1].partition("/")
        if category in OUR_CATEGORIES:
            names = [name]
        elif category == "key":
            names = [a for a in offered_host_keys if a in RSA_ALGORITHMS] if name == "ssh-rsa" else [name]
        else:
            continue
        for algorithm in names:
            flags[algorithm] = _worse(flags.get(algorithm), verdict)
    return flags


def _worse(old: str | None, new: str) -> str:
    return new if old is None or LEVEL[new] > LEVEL[old] else old


def audit_in_process(port: int, profile: Any) -> Any:
    """The wire audit through the runner: collector plus the ssh-wire checks (profile loaded before)."""
    target = Target(name=f"127.0.0.1:{port}", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(port,))
    return Runner(default_registry(), profile).run([target])


def audit_cli(port: int, profile_path: Path, out: Path) -> int:
    command = shutil.which("auditor", path=str(Path(sys.executable).parent)) or "auditor"
    shutil.rmtree(out, ignore_errors=True)
    completed = subprocess.run([command, "run", f"127.0.0.1:{port}", "--profile", str(profile_path),
                                "--out", str(out), "--quiet"], capture_output=True, text=True, timeout=120,
                               cwd=out.parent)
    return completed.returncode


def compile_bytecode() -> str:
    """Compile the auditor's bytecode as ``pip install`` does for an installed package.

    ssh-audit, installed by pip, starts from compiled bytecode; an editable install has none,
    and with PYTHONDONTWRITEBYTECODE set (or a read-only tree) every run would compile our
    modules from source again (~0.3 s), which no installed copy does.
    """
    import auditor

    package = Path(auditor.__file__).parent
    ok = all(compileall.compile_dir(package / sub, quiet=1) for sub in ("", "checks", "reports"))
    flag = " (PYTHONDONTWRITEBYTECODE is set)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return f"bytecode of {package} compiled before timing{flag}" + ("" if ok else ": SOME FILES FAILED")


def compare(name: str, port: int, repeat: int, work: Path) -> bool:
    """Print the figures for one server; True when ours flags everything ssh-audit flags."""
    profile_path = work / "bench-wire.yaml"
    ours_wall, theirs_wall, ours_cpu, theirs_cpu = paired(
        lambda: audit_cli(port, profile_path, work / f"out-{name}"), lambda: ssh_audit_plain(port), repeat)
    ssh_audit_time, report = timed(lambda: run_ssh_audit(port), repeat)
    ssh_audit_fast, _ = timed(lambda: run_ssh_audit(port, "--skip-rate-test"), repeat)
    profile = load_profile(str(profile_path), default_registry())
    ours_time, run = timed(lambda: audit_in_process(port, profile), repeat)
    facts = run.audits[0].facts["ssh_wire"]["value"]["ports"][0]
    theirs = ssh_audit_flags(report)
    ours = our_flags(run.findings, facts["kexinit"]["server_host_key_algorithms"])
    missed = sorted(a for a in theirs if a not in ours)
    weaker = sorted(a for a in theirs if a in ours and LEVEL[ours[a]] < LEVEL[theirs[a]])
    print(f"\n== {name} sshd (127.0.0.1:{port}, {facts['banner']})")
    median = statistics.median
    print(f"whole process, {repeat} paired runs (median wall / median CPU):")
    print(f"  ssh-audit HOST:                    {median(theirs_wall):7.3f} s / {median(theirs_cpu):6.3f} s CPU")
    print(f"  auditor run HOST (snapshot+reports): {median(ours_wall):5.3f} s / {median(ours_cpu):6.3f} s CPU")
    print(f"  ratio auditor / ssh-audit:         {median(ours_wall) / median(theirs_wall):7.2f} (wall)"
          f"  {median(ours_cpu) / max(median(theirs_cpu), 1e-9):5.2f} (CPU)")
    print(f"time  ssh-audit -j:                  {ssh_audit_time:7.3f} s")
    print(f"time  ssh-audit -j --skip-rate-test: {ssh_audit_fast:7.3f} s")
    print(f"time  wire audit (in-process):       {ours_time:7.3f} s")
    print(f"ssh-audit fail/warn ({len(theirs)}): " + _listing(theirs))
    print(f"ours      fail/warn ({len(ours)}): " + _listing(ours))
    print(f"only ours: {', '.join(sorted(set(ours) - set(theirs))) or '-'}")
    notes = [note if len(note) <= 90 else note[:87] + "..." for note in report.get("additional_notes", [])]
    print(f"ssh-audit notes not compared ({len(notes)}): {'; '.join(notes) or '-'}")
    print(f"ssh-audit CVEs (version-based, deliberately not guessed by ours): {len(report.get('cves', []))}")
    agreed = not missed and not weaker
    print(f"every ssh-audit fail/warn flagged by ours: {'YES' if agreed else 'NO'}"
          + (f" (missed: {', '.join(missed)})" if missed else "")
          + (f" (rated lower: {', '.join(weaker)})" if weaker else ""))
    return agreed


def _listing(flags: dict[str, str]) -> str:
    return ", ".join(f"{name}={level}" for name, level in sorted(flags.items())) or "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs per tool and server (median is shown)")
    parser.add_argument("--sshd", default="/usr/sbin/sshd", help="the sshd binary")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not compile the auditor's bytecode first (time whatever is there)")
    args = parser.parse_args()
    print("bytecode not compiled by the benchmark" if args.no_compile else compile_bytecode())
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation directory
    with tempfile.TemporaryDirectory(prefix="bench-ssh-wire-") as tmp:
        work = Path(tmp)
        (work / "bench-wire.yaml").write_text(PROFILE)
        servers = {}
        try:
            for name, spec in (("weak", sshd_lab.WEAK), ("hardened", sshd_lab.HARDENED)):
                servers[name] = sshd_lab.start_sshd(args.sshd, work / name, spec)
            results = [compare(name, server.port, args.repeat, work) for name, server in servers.items()]
        finally:
            for server in servers.values():
                server.stop()
    print(f"\nagreement on every ssh-audit fail/warn: {'YES' if all(results) else 'NO'}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
