"""The host audit against Lynis on this machine: wall time, and which of Lynis's themes we cover.

Runs ``lynis audit system --quick`` (the Debian package) and ``auditor run local --profile host``
on the same machine, prints the wall time of each and the ratio, then every Lynis warning and
suggestion with its theme and the auditor check(s) that cover it, and a per-theme summary.
Goal: every Lynis warning theme covered, the host audit in under a tenth of Lynis's time.

    .venv/bin/python bench/host_vs_lynis.py [--rounds 1]

Run as root (both tools read what only root may). Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Lynis test id prefix -> the themes (anything else is "other").
THEMES = {
    "PKGS": "patching", "DEB": "patching", "LOGG": "logging", "ACCT": "logging", "TIME": "logging",
    "AUTH": "accounts", "HOME": "accounts", "FIRE": "firewall", "KRNL": "kernel", "NETW": "kernel",
    "FILE": "file permissions", "SSH": "SSH", "BANN": "banners", "USB": "kernel", "STRG": "kernel",
}
# Lynis test ids (or id|detail prefixes) the auditor has a check for, and which.
COVERED = {
    "PKGS-7392": "host.security-updates, host.pending-updates",
    "PKGS-7420": "host.automatic-updates",
    "DEB-0831": "host.deleted-libraries",  # needrestart's job: processes on replaced libraries
    "DEB-0880": "host.ssh-bruteforce-protection",  # fail2ban
    "KRNL-5788": "host.reboot-required",  # the installed kernel vs the running one
    "KRNL-5830": "host.reboot-required",
    "KRNL-6000": "host.sysctl",
    "KRNL-5820": "host.sysctl (fs.suid_dumpable)",
    "LOGG-2130": "host.persistent-logs",
    "LOGG-2154": "host.remote-logging",
    "LOGG-2138": "host.kernel-logging",  # klogd: kernel messages read by some logger
    "FINT-4350": "host.setid-new (partial: set-id programs only, against the previous run)",
    "LOGG-2190": "host.deleted-libraries",
    "ACCT-9628": "host.auditd",
    "ACCT-9630": "host.auditd",
    "TIME-3104": "host.time-sync",
    "TIME-3185": "host.time-sync",
    "AUTH-9204": "host.uid0-accounts",
    "AUTH-9208": "host.uid0-accounts",
    "AUTH-9283": "host.empty-passwords",
    "AUTH-9284": "host.locked-accounts-with-keys",
    "AUTH-9252": "host.sudo-nopasswd-all",
    "FIRE-4512": "host.firewall",
    "FIRE-4590": "host.firewall",
    "FILE-6374": "host.world-writable",
    "FILE-7524": "host.world-writable (system paths)",
    "SSH-7408|AllowTcpForwarding": "ssh.tcp-forwarding",
    "SSH-7408|ClientAliveCountMax": "ssh.client-alive",
    "SSH-7408|LogLevel": "ssh.log-level",
    "SSH-7408|MaxAuthTries": "ssh.max-auth-tries",
    "SSH-7408|X11Forwarding": "ssh.x11-forwarding",
    "SSH-7408|AllowAgentForwarding": "ssh.agent-forwarding",
    "SSH-7408|PermitRootLogin": "ssh.permit-root-login",
    "SSH-7408|AllowUsers": "ssh.allow-users-groups",
    "BANN-7130": "ssh.banner (sshd's own banner)",
}


def run_lynis(workdir: Path) -> tuple[float, list[tuple[str, str, str]]]:
    """Seconds Lynis took, and its (kind, test id, text) warnings and suggestions."""
    report = workdir / "lynis-report.dat"
    started = time.perf_counter()
    subprocess.run(["lynis", "audit", "system", "--quick", "--no-colors", "--log-file", str(workdir / "lynis.log"),
                    "--report-file", str(report)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False, timeout=900)
    elapsed = time.perf_counter() - started
    items = []
    for line in report.read_text(errors="replace").splitlines():
        match = re.match(r"^(warning|suggestion)\[\]=([^|]+)\|([^|]*)\|([^|]*)", line)
        if match:
            detail = match[4] if match[4] not in ("-", "") else ""
            items.append((match[1], match[2], f"{match[3]}{' ' + detail if detail else ''}"))
    return elapsed, items


def run_auditor(workdir: Path, index: int) -> tuple[float, int, str]:
    """Seconds ``auditor run local --profile host`` took, its exit code and a summary of its results."""
    out = workdir / f"auditor-{index}"
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "auditor", "run", "local", "--profile", "host", "--out",
                                str(out), "-q"], capture_output=True, text=True, check=False, timeout=900)
    elapsed = time.perf_counter() - started
    try:
        snapshot = json.loads((out / "snapshot.json").read_text())
    except (OSError, ValueError):
        return elapsed, completed.returncode, completed.stderr.strip()[:200]
    statuses: dict[str, int] = {}
    for result in snapshot["results"]:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1
    summary = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    return elapsed, completed.returncode, f"{len(snapshot['findings'])} findings; checks: {summary}"


def coverage(test_id: str, text: str) -> str:
    """The auditor checks covering one Lynis item, or ""."""
    for key, checks in COVERED.items():
        wanted, _, detail = key.partition("|")
        if wanted == test_id and (not detail or text.startswith("Consider hardening SSH configuration " + detail)
                                  or detail in text):
            return checks
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1, help="auditor runs to take the median of (default 1)")
    args = parser.parse_args()
    if shutil.which("lynis") is None:
        print("lynis is not installed (apt-get install lynis)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="host-vs-lynis-") as tmp:
        workdir = Path(tmp)
        lynis_time, items = run_lynis(workdir)
        runs = [run_auditor(workdir, index) for index in range(max(1, args.rounds))]
    auditor_time = statistics.median(run[0] for run in runs)
    print(f"Lynis 'audit system --quick':        {lynis_time:7.1f} s")
    print(f"auditor run local --profile host:    {auditor_time:7.1f} s  (exit {runs[0][1]}; {runs[0][2]})")
    print(f"ratio auditor/Lynis:                 {auditor_time / lynis_time:7.3f}  (goal < 0.100)")
    print()
    print(f"{'kind':<10} {'Lynis test':<10} {'theme':<16} {'auditor check':<44} text")
    themes: dict[str, list[bool]] = {}
    for kind, test_id, text in items:
        theme = THEMES.get(test_id.split("-")[0], "other")
        checks = coverage(test_id, text)
        themes.setdefault(theme, []).append(bool(checks))
        print(f"{kind:<10} {test_id:<10} {theme:<16} {checks or '-':<44} {text[:70]}")
    print()
    print(f"{'theme':<16} {'auditor has checks':<19} {'Lynis items':>11} {'covered':>8} {'warnings':>9} {'covered':>8}")
    for theme, covered in sorted(themes.items()):
        warnings = [(t, x) for k, t, x in items if k == "warning" and THEMES.get(t.split("-")[0], "other") == theme]
        has = "yes" if sum(covered) else "no"
        print(f"{theme:<16} {has:<19} {len(covered):>11} {sum(covered):>8} {len(warnings):>9} "
              f"{sum(1 for t, x in warnings if coverage(t, x)):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
