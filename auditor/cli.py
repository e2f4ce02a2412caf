"""Command line: the only module that prints or exits.

Exit codes: 0 nothing at or above the profile's ``fail_on``; 1 findings at or above it;
2 the audit ran but some checks or targets errored; 3 usage, profile, inventory or input error.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.collection import open_host
from auditor.config.attestations import Attestation, load_attestations
from auditor.config.catalogue import load_catalogue
from auditor.config.profile import DEFAULT_PROFILE, load_profile, shipped_profiles
from auditor.errors import AuditorError, InventoryError
from auditor.fileio import write_atomic
from auditor.hosts.known_hosts import KnownHosts
from auditor.hosts.ssh import SSHSettings
from auditor.hosts.ssh_client_config import SSHConfigFile
from auditor.inventory.ansible import ansible_targets
from auditor.inventory.targets import SITE, load_inventory, parse_target
from auditor.lock import run_lock
from auditor.models import Status, Target
from auditor.outputs import claim_output_dir, new_run_dir, utc_stamp
from auditor.progress import progress_printer
from auditor.registry import default_registry
from auditor.reports.history import render_history_html
from auditor.reports.html import render_diff_html, write_run_reports
from auditor.reports.machine import machine_outputs
from auditor.runner import Runner
from auditor.schedule import Schedule, absolute, install, run_command
from auditor.snapshots import build_snapshot
from auditor.store.codec import load_snapshot, write_snapshot
from auditor.store.diff import compare, render_text
from auditor.store.history import load_history, prune
from auditor.store.merge import merge_snapshots
from auditor.store.model import Snapshot
from auditor.store.signing import generate_keypair, load_private_key, load_public_key, load_verified, sign_snapshot

EXIT_USAGE = 3
SNAPSHOT_NAME = "snapshot.json"
HISTORY_PAGE = "history.html"


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors; ours is 3 (2 means an incomplete audit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"auditor: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = _Parser(prog="auditor", description="Cybersecurity posture auditor for research institutions.")
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log progress (-vv: debug)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="audit targets and write a snapshot and HTML reports")
    run.add_argument("targets", nargs="*", metavar="TARGET",
                     help="local | HOST | ssh://[user@]HOST[:PORT] (default: local, unless --inventory)")
    run.add_argument("--inventory", metavar="FILE", help="YAML inventory of hosts")
    run.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME|PATH",
                     help=f"shipped profile name or path to a YAML profile (default: {DEFAULT_PROFILE})")
    run.add_argument("--out", metavar="DIR", help="output directory (default: ./audit-<UTC time>)")
    run.add_argument("--attestations", metavar="FILE", help="attestation file (overrides the profile's)")
    run.add_argument("--known-hosts", metavar="FILE", action="append",
                     help="known_hosts file for ssh:// targets, repeatable (default: ~/.ssh/known_hosts "
                          "and /etc/ssh/ssh_known_hosts)")
    run.add_argument("--trust-on-first-use", metavar="FILE",
                     help="accept host keys not seen before and record them in FILE (changed keys are still refused)")
    run.add_argument("--ssh-config", metavar="FILE", help="SSH client configuration (default: ~/.ssh/config)")
    run.add_argument("--ansible", metavar="FILE", action="append", default=[],
                     help="Ansible inventory (INI or YAML) whose hosts to audit over SSH, repeatable")
    run.add_argument("--history", metavar="DIR",
                     help="write into DIR/<UTC time>/, holding DIR's lock, and refresh DIR/history.html")
    run.add_argument("--keep", type=int, metavar="N", help="with --history: keep only the N newest runs")
    run.add_argument("--sign", metavar="KEY", help="sign the snapshot with this Ed25519 private key")
    run.add_argument("-q", "--quiet", action="store_true", help="print only errors")

    diff = commands.add_parser("diff", help="compare two snapshots (older first)")
    diff.add_argument("old", metavar="OLD.json")
    diff.add_argument("new", metavar="NEW.json")
    diff.add_argument("--html", metavar="FILE", help="also write the change report as HTML")
    diff.add_argument("--json", metavar="FILE", help="also write the change report as JSON")
    diff.add_argument("--key", metavar="PUB", help="refuse snapshots not signed with this public key")

    report = commands.add_parser("report", help="write the reports of a snapshot again (e.g. with a newer version)")
    report.add_argument("snapshot", metavar="SNAPSHOT.json")
    report.add_argument("--out", metavar="DIR", required=True)
    report.add_argument("--key", metavar="PUB", help="refuse the snapshot unless signed with this public key")

    keygen = commands.add_parser("keygen", help="create an Ed25519 key pair for signing snapshots")
    keygen.add_argument("prefix", metavar="PREFIX", help="writes PREFIX.key (private, 0600) and PREFIX.pub")

    verify = commands.add_parser("verify", help="check a snapshot's signature")
    verify.add_argument("snapshot", metavar="SNAPSHOT.json")
    verify.add_argument("--key", metavar="PUB", required=True)

    merge = commands.add_parser("merge", help="combine host snapshots (agent mode) into one fleet snapshot")
    merge.add_argument("snapshots", nargs="+", metavar="SNAPSHOT.json")
    merge.add_argument("--out", metavar="DIR", required=True, help="writes DIR/snapshot.json and the reports")
    merge.add_argument("--key", metavar="PUB", help="refuse inputs not signed with this public key")
    merge.add_argument("--sign", metavar="KEY", help="sign the merged snapshot")

    history = commands.add_parser("history", help="write the history page of a directory of runs")
    history.add_argument("directory", metavar="DIR")
    history.add_argument("--key", metavar="PUB", help="leave out (and flag) snapshots not signed with this key")
    history.add_argument("--out", metavar="FILE", help="default: DIR/history.html")

    schedule = commands.add_parser("schedule", help="print (or install) a systemd service and timer for nightly runs")
    schedule.add_argument("--history", metavar="DIR", required=True)
    schedule.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME|PATH")
    schedule.add_argument("--inventory", metavar="FILE")
    schedule.add_argument("--ansible", metavar="FILE", action="append", default=[], help="repeatable")
    schedule.add_argument("--attestations", metavar="FILE")
    schedule.add_argument("--known-hosts", metavar="FILE", action="append", default=[], help="repeatable")
    schedule.add_argument("--ssh-config", metavar="FILE")
    schedule.add_argument("--sign", metavar="KEY", help="sign each night's snapshot with this private key")
    schedule.add_argument("--on-calendar", default="*-*-* 02:30:00", metavar="SPEC", help="systemd OnCalendar")
    schedule.add_argument("--on-failure", metavar="UNIT", help="systemd unit to start when a run fails (OnFailure=)")
    schedule.add_argument("--user", help="run as this user (default: root)")
    schedule.add_argument("--keep", type=int, default=90, metavar="N", help="runs to keep (default: 90)")
    schedule.add_argument("--install", action="store_true", help="write the units to /etc/systemd/system")

    checks = commands.add_parser("checks", help="list the checks")
    checks.add_argument("--profile", metavar="NAME|PATH", help="mark which checks this profile selects")
    checks.add_argument("--json", action="store_true", help="machine-readable output")

    commands.add_parser("profiles", help="list the shipped profiles")

    measures = commands.add_parser("measures", help="list the toolkit measures")
    measures.add_argument("--phase", help="only this phase")
    measures.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``auditor`` command."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose > 1 else logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler = {"run": cmd_run, "diff": cmd_diff, "checks": cmd_checks, "profiles": cmd_profiles,
               "measures": cmd_measures, "report": cmd_report, "keygen": cmd_keygen, "verify": cmd_verify,
               "merge": cmd_merge, "history": cmd_history, "schedule": cmd_schedule}[args.command]
    try:
        return handler(args)
    except AuditorError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return 130


def _targets(args: argparse.Namespace, ssh_config: SSHConfigFile) -> list[Target]:
    targets = [parse_target(text, ssh_config) for text in args.targets]
    if args.inventory:
        targets.extend(load_inventory(args.inventory, ssh_config))
    for path in args.ansible:
        targets.extend(ansible_targets(path))
    if not targets:
        targets = [parse_target("local")]
    seen: set[str] = set()
    for target in targets:
        if target.name in seen:
            raise InventoryError(target.name, "given twice (on the command line or in the inventory)")
        seen.add(target.name)
    return targets


def cmd_run(args: argparse.Namespace) -> int:
    """``auditor run``: everything is validated before the first target is touched."""
    registry = default_registry()
    profile = load_profile(args.profile, registry)
    catalogue = load_catalogue()
    ssh_config = SSHConfigFile(args.ssh_config)
    targets = _targets(args, ssh_config)
    ssh = SSHSettings(known_hosts=KnownHosts(args.known_hosts, args.trust_on_first_use), ssh_config=ssh_config,
                      connect_timeout=profile.timeouts["connect"], command_timeout=profile.timeouts["command"])
    attestation_file = args.attestations or profile.attestations
    attestations = load_attestations(attestation_file, catalogue) if attestation_file else []
    signing_key = load_private_key(args.sign) if args.sign else None
    if args.keep is not None and (not args.history or args.keep < 1):
        raise InventoryError("--keep", "needs --history and a number of at least 1")
    runner = Runner(registry, profile, attestations=attestations, opener=functools.partial(open_host, ssh=ssh),
                    progress=None if args.quiet else progress_printer())
    if not args.history:
        out = claim_output_dir(Path(args.out or f"audit-{utc_stamp()}"))
        return _run_and_write(runner, targets, profile, catalogue, registry, attestations, signing_key, out, args.quiet)
    history = Path(args.history)
    with run_lock(history):
        code = _run_and_write(runner, targets, profile, catalogue, registry, attestations, signing_key,
                              new_run_dir(history), args.quiet)
        if args.keep:
            prune(history, args.keep)
        write_atomic(history / HISTORY_PAGE, render_history_html(load_history(history), history / HISTORY_PAGE))
    return code


def _run_and_write(runner: Runner, targets: list[Target], profile: Any, catalogue: Any, registry: Any,
                   attestations: list[Attestation], signing_key: Any, out: Path, quiet: bool) -> int:
    run = runner.run([*targets, SITE])
    snapshot = build_snapshot(run, profile, catalogue, registry, attestations)
    if signing_key is not None:
        snapshot = sign_snapshot(snapshot, signing_key)
    write_outputs(snapshot, out)
    _print_summary(snapshot, out, quiet)
    return int(snapshot.summary.exit_code)


def write_outputs(snapshot: Snapshot, out: Path) -> None:
    """The snapshot, the HTML reports and the machine-readable outputs of one run."""
    write_snapshot(snapshot, out / SNAPSHOT_NAME)
    write_run_reports(snapshot, out)
    for name, text in machine_outputs(snapshot):
        write_atomic(out / name, text)


def _print_summary(snapshot: Snapshot, out: Path, quiet: bool = False) -> None:
    errors = [result for result in snapshot.results if result.status is Status.ERROR]
    if quiet:
        for result in errors:
            print(f"error: {result.check_id} on {result.target}: {result.reason}", file=sys.stderr)
        return
    summary, profile = snapshot.summary, snapshot.profile
    results = ", ".join(f"{count} {status.value}" for status, count in summary.results.items() if count)
    findings = ", ".join(f"{count} {severity.value}" for severity, count in reversed(list(summary.findings.items()))
                         if count)
    if snapshot.rejudged_note:
        print(f"{snapshot.rejudged_note}.")
    targets = len(snapshot.targets)
    print(f"Profile {profile.name} {profile.version}: {targets} targets, {results or 'no checks'}")
    print(f"Open findings: {findings or 'none'}"
          + (f" ({summary.waived} waived)" if summary.waived else "")
          + (f"; {summary.expired_waivers} with an EXPIRED waiver" if summary.expired_waivers else ""))
    for result in errors:
        print(f"error: {result.check_id} on {result.target}: {result.reason}")
    print(f"Snapshot: {out / SNAPSHOT_NAME}")
    print(f"Report:   {out / 'index.html'}")


def _load_verified(path: str, key_path: str | None) -> Snapshot:
    """A snapshot, refused (SignatureError) unless signed by ``key_path`` when one is given."""
    return load_verified(path, load_public_key(key_path)) if key_path else load_snapshot(path)


def cmd_diff(args: argparse.Namespace) -> int:
    """``auditor diff OLD NEW``."""
    diff = compare(_load_verified(args.old, args.key), _load_verified(args.new, args.key))
    print(render_text(diff))
    if args.json:
        write_atomic(args.json, json.dumps(diff.to_dict(), indent=1) + "\n")
    if args.html:
        write_atomic(args.html, render_diff_html(diff))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``auditor report SNAPSHOT --out DIR``: reporters only read snapshots, so any run can be re-rendered."""
    snapshot = _load_verified(args.snapshot, args.key)
    write_run_reports(snapshot, Path(args.out))
    for name, text in machine_outputs(snapshot):
        write_atomic(Path(args.out) / name, text)
    print(f"Report: {Path(args.out) / 'index.html'}")
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    """``auditor keygen PREFIX``."""
    private, public = generate_keypair(args.prefix)
    print(f"Private key: {private} (keep it secret; mode 0600)\nPublic key:  {public}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """``auditor verify SNAPSHOT --key PUB``: exit 0 when the signature verifies, 3 otherwise."""
    _load_verified(args.snapshot, args.key)
    print(f"{args.snapshot}: signature verified")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """``auditor merge SNAPSHOT... --out DIR``."""
    merged = merge_snapshots([(path, _load_verified(path, args.key)) for path in args.snapshots])
    if args.sign:
        merged = sign_snapshot(merged, load_private_key(args.sign))
    out = claim_output_dir(Path(args.out))
    write_outputs(merged, out)
    _print_summary(merged, out)
    return int(merged.summary.exit_code)


def cmd_history(args: argparse.Namespace) -> int:
    """``auditor history DIR``: the page renders whatever is usable and lists the rest."""
    directory = Path(args.directory)
    if not directory.is_dir():
        raise InventoryError(str(directory), "not a directory")
    page = Path(args.out) if args.out else directory / HISTORY_PAGE
    entries = load_history(directory, load_public_key(args.key) if args.key else None)
    write_atomic(page, render_history_html(entries, page))
    for entry in entries:
        if not entry.usable:
            print(f"left out: {entry.path}: {entry.problem}", file=sys.stderr)
    print(f"History: {page} ({sum(entry.usable for entry in entries)} runs)")
    return 0


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


def cmd_checks(args: argparse.Namespace) -> int:
    """``auditor checks``: id, severity, measures and title of every check."""
    registry = default_registry()
    selected = set(load_profile(args.profile, registry).selected) if args.profile else None
    rows = [
        {
            "id": check.id,
            "title": check.title,
            "severity": check.severity.value,
            "measures": list(check.measures),
            "scope": check.scope.value,
            "tags": list(check.tags),
            **({"selected": check.id in selected} if selected is not None else {}),
        }
        for check in registry.checks.values()
    ]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    width = max(len(row["id"]) for row in rows)
    for row in rows:
        mark = "" if selected is None else ("* " if row["selected"] else "  ")
        measures = ",".join(row["measures"]) or "-"
        print(f"{mark}{row['id']:<{width}}  {row['severity']:<8}  {measures:<13}  {row['title']}")
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    """``auditor profiles``: shipped profiles with version and description."""
    registry = default_registry()
    for name in shipped_profiles():
        profile = load_profile(name, registry)
        extends = f" (extends {profile.chain[1]})" if len(profile.chain) > 1 else ""
        print(f"{name:<12} {profile.version:<8} fail_on={profile.fail_on.value:<8} "
              f"{len(profile.selected)} checks{extends}  {profile.description}")
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    """``auditor measures``: the toolkit catalogue."""
    catalogue = load_catalogue()
    phases = [phase.id for phase in catalogue.phases]
    if args.phase and args.phase not in phases:
        raise InventoryError(args.phase, f"unknown phase (one of: {', '.join(phases)})")
    measures = [m for m in catalogue.measures.values() if not args.phase or m.phase == args.phase]
    if args.json:
        print(json.dumps([measure.to_dict() for measure in measures], indent=1))
        return 0
    print(f"{catalogue.title} (catalogue {catalogue.version})")
    for measure in measures:
        print(f"{measure.id:<7} {measure.phase:<11} {measure.evidence:<12} {measure.title}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
