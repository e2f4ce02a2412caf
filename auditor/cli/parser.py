"""The command line's arguments: one parser for every subcommand, with exit code 3 on misuse."""

from __future__ import annotations

import argparse
import sys

from auditor import __version__
from auditor.config.profile import DEFAULT_PROFILE
from auditor.models import ExitCode


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors; ours is 3 (2 means an incomplete audit)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"auditor: error: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.USAGE)


def _format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("json", "jsonl"), dest="stdout_format",
                        help="print the snapshot document (json) or one finding per line (jsonl) on stdout; "
                             "the summary then goes to stderr")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = _Parser(prog="auditor", description="Cybersecurity posture auditor for research institutions.")
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log progress (-vv: debug)")
    parser.add_argument("--debug", action="store_true", help="on an internal error, print the traceback")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="audit targets and write a snapshot and HTML reports")
    _audit_inputs(run)
    run.add_argument("--out", metavar="DIR", help="output directory (default: ./audit-<UTC time>)")
    run.add_argument("--history", metavar="DIR",
                     help="write into DIR/<UTC time>/, holding DIR's lock, and refresh DIR/history.html")
    run.add_argument("--keep", type=int, metavar="N", help="with --history: keep only the N newest runs")
    run.add_argument("--sign", metavar="KEY", help="sign the snapshot with this Ed25519 private key")
    run.add_argument("--previous", metavar="SNAPSHOT.json",
                     help="the run that checks of change (host.setid-new) compare with "
                          "(default with --history: DIR's newest usable run; with --sign: signed by that key)")
    run.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    _format_argument(run)
    _fleet_arguments(run)

    worker = commands.add_parser("worker", help="run a worker for one network segment (connects out to the broker)")
    worker.add_argument("--broker", metavar="URL", required=True,
                        help="redis:// or rediss:// broker URL, or env:NAME to read it from that environment variable "
                             "(keeps the password out of process listings)")
    worker.add_argument("--segment", metavar="NAME", required=True, help="the segment (queue) this worker serves")
    worker.add_argument("--key", metavar="KEY", required=True,
                        help="this worker's Ed25519 private key (auditor keygen), enrolled on the coordinator")
    worker.add_argument("--concurrency", type=int, default=1, metavar="N", help="shards audited at once (default: 1)")
    _broker_arguments(worker)

    diff = commands.add_parser("diff", help="compare two snapshots (older first)")
    diff.add_argument("old", metavar="OLD.json")
    diff.add_argument("new", metavar="NEW.json")
    diff.add_argument("--html", metavar="FILE", help="also write the change report as HTML")
    diff.add_argument("--json", metavar="FILE", help="also write the change report as JSON")
    diff.add_argument("--key", metavar="PUB", help="refuse snapshots not signed with this public key")

    report = commands.add_parser("report", help="write a snapshot's reports again, or judge its facts again "
                                                "under another profile (--profile), without touching the network")
    report.add_argument("snapshot", metavar="SNAPSHOT.json")
    report.add_argument("--out", metavar="DIR", required=True)
    report.add_argument("--key", metavar="PUB", help="refuse the snapshot unless signed with this public key")
    report.add_argument("--profile", metavar="NAME|PATH",
                        help="judge the stored facts again under this profile (writes a new snapshot to DIR)")
    report.add_argument("--sign", metavar="KEY", help="with --profile: sign the new snapshot")
    report.add_argument("--previous", metavar="SNAPSHOT.json",
                        help="with --profile: the run that checks of change compare with (signed by --key if given)")
    _format_argument(report)

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
    schedule.add_argument("--environment-file", metavar="FILE",
                          help="the service's EnvironmentFile= (root-only): where --broker env:NAME finds the URL")
    _fleet_arguments(schedule)

    validate = commands.add_parser("validate", help="check a profile, inventories and attestations without "
                                                    "auditing anything (exit 0 when all are valid, 3 otherwise)")
    _audit_inputs(validate)
    validate.add_argument("--list-targets", action="store_true",
                          help="list every target a run would touch, as nmap -sL does")

    explain = commands.add_parser("explain", help="what a check looks at, why, its measures, options and fix")
    explain.add_argument("check_id", metavar="CHECK_ID")

    checks = commands.add_parser("checks", help="list the checks")
    checks.add_argument("--profile", metavar="NAME|PATH", help="mark which checks this profile selects")
    checks.add_argument("--json", action="store_true", help="machine-readable output")

    commands.add_parser("profiles", help="list the shipped profiles")

    measures = commands.add_parser("measures", help="list the toolkit measures")
    measures.add_argument("--phase", help="only this phase")
    measures.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _fleet_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a distributed run (``run``, and ``schedule``, which passes them on)."""
    fleet = parser.add_argument_group("distributed run (workers inside the segments)")
    fleet.add_argument("--broker", metavar="URL", help="redis:// or rediss:// broker (or env:NAME, read from that "
                                                      "environment variable): send the targets to the workers of "
                                                      "their segments instead of auditing them here")
    fleet.add_argument("--worker-keys", metavar="DIR", help="with --broker: enrolled worker public keys (*.pub); "
                                                           "shards signed by any other key are rejected")
    fleet.add_argument("--shard-size", type=int, default=50, metavar="N", help="targets per shard (default: 50)")
    fleet.add_argument("--shard-time-limit", type=float, default=1800, metavar="S",
                       help="a shard running longer is stopped, its targets become errors (default: 1800)")
    fleet.add_argument("--worker-deadline", type=float, default=120, metavar="S",
                       help="a segment whose workers take nothing this long: its targets become errors "
                            "(default: 120)")
    _broker_arguments(fleet)


def _broker_arguments(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument("--broker-ca", metavar="FILE", help="CA bundle for a rediss:// broker's certificate")
    parser.add_argument("--visibility-timeout", type=float, default=3600, metavar="S",
                        help="a shard not acknowledged this long (its worker died) is delivered again "
                             "(default: 3600; the same on coordinator and workers)")


def _audit_inputs(parser: argparse.ArgumentParser) -> None:
    """What ``run`` audits and judges with (``validate`` checks the same inputs)."""
    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help="local | HOST | ssh://[user@]HOST[:PORT] (default: local, unless --inventory)")
    parser.add_argument("--inventory", metavar="FILE", help="YAML inventory of hosts")
    parser.add_argument("--profile", default=DEFAULT_PROFILE, metavar="NAME|PATH",
                        help=f"shipped profile name or path to a YAML profile (default: {DEFAULT_PROFILE})")
    parser.add_argument("--attestations", metavar="FILE", help="attestation file (overrides the profile's)")
    parser.add_argument("--known-hosts", metavar="FILE", action="append",
                        help="known_hosts file for ssh:// targets, repeatable (default: ~/.ssh/known_hosts "
                             "and /etc/ssh/ssh_known_hosts)")
    parser.add_argument("--trust-on-first-use", metavar="FILE",
                        help="accept host keys not seen before and record them in FILE (changed keys are still "
                             "refused)")
    parser.add_argument("--ssh-config", metavar="FILE", help="SSH client configuration (default: ~/.ssh/config)")
    parser.add_argument("--ansible", metavar="FILE", action="append", default=[],
                        help="Ansible inventory (INI or YAML) whose hosts to audit over SSH, repeatable")
