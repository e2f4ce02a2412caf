"""``auditor schedule``: systemd units (or a cron line) that run the audit every night, as printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auditor.errors import InputError
from auditor.schedule import Schedule, absolute, install, read_environment_file, run_command


def cmd_schedule(args: argparse.Namespace) -> int:
    """``auditor schedule``: print the units (and the cron line), or install them when asked."""
    history = Path(args.history).resolve()
    # The Python that runs this command has the auditor installed: the unit needs no PATH.
    command = run_command((sys.executable, "-m", "auditor"), history, _scheduled_options(args))
    if args.environment_file and "\n" in args.environment_file:
        raise InputError("--environment-file", "a path with a line break cannot go into a unit file")
    environment = Path(absolute(args.environment_file)) if args.environment_file else None
    schedule = Schedule(command=command, history=history, on_calendar=args.on_calendar, user=args.user,
                        on_failure=args.on_failure, environment_file=environment)
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
    return [*options, *_distributed_options(args), "--keep", str(args.keep), "--quiet"]


def _distributed_options(args: argparse.Namespace) -> list[str]:
    """A scheduled coordinator's options, checked as ``run`` checks them; its password never goes
    into a unit file or cron line."""
    if not args.broker:
        return []
    from auditor.cli.fleet import distributed_options  # Celery: only for distributed schedules

    environment: dict[str, str] = {}
    if args.broker.startswith("env:"):
        if not args.environment_file:
            raise InputError("--broker", f"{args.broker} needs --environment-file FILE that sets {args.broker[4:]}: "
                                         "a service does not inherit this shell's environment")
        environment = read_environment_file(Path(args.environment_file))
    options = distributed_options(args, environment)
    if not args.broker.startswith("env:") and options.broker.has_secret:
        raise InputError("--broker", "the URL's password would be written into the unit file: put the URL in "
                                     "--environment-file and give --broker env:NAME")
    argv = ["--broker", args.broker, "--worker-keys", absolute(args.worker_keys)]
    if args.broker_ca:
        argv += ["--broker-ca", absolute(args.broker_ca)]
    for flag, value in (("--shard-size", args.shard_size), ("--shard-time-limit", args.shard_time_limit),
                        ("--worker-deadline", args.worker_deadline),
                        ("--visibility-timeout", args.visibility_timeout)):
        argv += [flag, str(value)]  # repr-exact: what the parser read is what the unit passes on
    return argv
