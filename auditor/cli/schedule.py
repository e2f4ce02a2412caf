"""``auditor schedule``: systemd units (or a cron line) that run the audit every night, as printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auditor.schedule import Schedule, absolute, install, run_command


def cmd_schedule(args: argparse.Namespace) -> int:
    """``auditor schedule``: print the units (and the cron line), or install them when asked."""
    history = Path(args.history).resolve()
    # The Python that runs this command has the auditor installed: the unit needs no PATH.
    command = run_command((sys.executable, "-m", "auditor"), history, _scheduled_options(args))
    schedule = Schedule(command=command, history=history, on_calendar=args.on_calendar, user=args.user,
                        on_failure=args.on_failure)
    cron = schedule.cron_line()  # refuses a calendar cron cannot express, before anything is written
    if args.install:
        for path in install(schedule):
            print(f"wrote {path}")
        print("enable with: systemctl daemon-reload && systemctl enable --now rifi-auditor.timer")
        return 0
    print(f"# /etc/systemd/system/rifi-auditor.service\n{schedule.service()}")
    print(f"# /etc/systemd/system/rifi-auditor.timer\n{schedule.timer()}")
    print(f"# or, with cron (/etc/cron.d/rifi-auditor):\n{cron}")
    return 0


def _scheduled_options(args: argparse.Namespace) -> list[str]:
    """Every run option of ``auditor schedule``, with the files it names made absolute."""
    profile = absolute(args.profile) if Path(args.profile).is_file() else args.profile  # a file, or a shipped name
    options = ["--profile", profile]
    for flag, value in (("--inventory", args.inventory), ("--attestations", args.attestations),
                        ("--ssh-config", args.ssh_config), ("--sign", args.sign)):
        if value:
            options += [flag, absolute(value)]
    for flag, values in (("--ansible", args.ansible), ("--known-hosts", args.known_hosts)):
        for value in values:
            options += [flag, absolute(value)]
    return [*options, "--keep", str(args.keep), "--quiet"]
