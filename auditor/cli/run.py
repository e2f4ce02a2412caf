"""``auditor run``: validate everything, audit the targets, write the snapshot and the reports."""

from __future__ import annotations

import argparse
import contextlib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.cli.output import (
    HISTORY_PAGE,
    preload_in_background,
    print_format,
    print_summary,
    summary_stream,
    write_outputs,
)
from auditor.collection import HostOpener, open_host
from auditor.config.attestations import Attestation, load_attestations
from auditor.config.catalogue import Catalogue, load_catalogue
from auditor.config.profile import Profile, load_profile
from auditor.errors import InventoryError
from auditor.fileio import write_atomic
from auditor.hosts.ssh_client_config import SSHConfigFile
from auditor.inventory.targets import SITE, load_inventory, parse_target
from auditor.lock import run_lock
from auditor.models import Target, TargetKind
from auditor.outputs import claim_output_dir, new_run_dir, utc_stamp
from auditor.previous import compared_facts, load_previous, newest_previous
from auditor.progress import progress_printer
from auditor.registry import Registry, default_registry
from auditor.runner import Runner
from auditor.snapshots import build_snapshot
from auditor.store.spool import FactSpool

if TYPE_CHECKING:
    from auditor.store.model import Snapshot


@dataclass(frozen=True)
class Inputs:
    """Everything a run judges with and audits, read and validated before anything is touched."""

    registry: Registry
    profile: Profile
    catalogue: Catalogue
    targets: list[Target]
    attestations: list[Attestation]
    opener: HostOpener


def read_inputs(args: argparse.Namespace) -> Inputs:
    """The profile, catalogue, targets and attestations ``args`` name; InputError on anything wrong."""
    registry = default_registry()
    profile = load_profile(args.profile, registry)
    catalogue = load_catalogue()
    ssh_config = SSHConfigFile(args.ssh_config)
    targets = _targets(args, ssh_config)
    attestation_file = args.attestations or profile.attestations
    attestations = load_attestations(attestation_file, catalogue) if attestation_file else []
    opener = _opener(args, targets, ssh_config, profile)
    return Inputs(registry, profile, catalogue, targets, attestations, opener)


def cmd_validate(args: argparse.Namespace) -> int:
    """``auditor validate``: read every input a run would read, audit nothing, say what a run would touch."""
    inputs = read_inputs(args)
    profile = inputs.profile
    print(f"profile {profile.name} {profile.version}: {len(profile.selected)} checks, fail_on={profile.fail_on.value}")
    print(f"{len(inputs.targets)} targets, {len(inputs.attestations)} attestations: valid")
    if args.list_targets:
        for target in inputs.targets:
            where = target.address or "-"
            ports = (target.port,) if target.port else target.ports
            port = f":{','.join(map(str, ports))}" if ports else ""
            user = f" user={target.user}" if target.user else ""
            context = "".join(f" {key}={value}" for key, value in (("role", target.role), ("owner", target.owner),
                                                                      ("segment", target.segment))
                              if value)
            print(f"{target.name}\t{target.kind.value}\t{where}{port}{user}{context}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``auditor run``: everything is validated before the first target is touched."""
    inputs = read_inputs(args)
    signing_key = None
    if args.sign:
        from auditor.store.signing import load_private_key  # cryptography's key loading, only when signing

        signing_key = load_private_key(args.sign)
    if args.keep is not None and (not args.history or args.keep < 1):
        raise InventoryError("--keep", "needs --history and a number of at least 1")
    targets = inputs.targets
    verify_key = signing_key.public_key() if signing_key is not None else None
    # Only checks of change need the previous run before the audit, and only the facts they compare.
    needed = compared_facts(inputs.registry.checks[check_id] for check_id in inputs.profile.selected)
    previous = load_previous(Path(args.previous), verify_key, needed) if args.previous else None
    runner = Runner(inputs.registry, inputs.profile, attestations=inputs.attestations, opener=inputs.opener,
                    progress=None if args.quiet else progress_printer(), catalogue=inputs.catalogue,
                    previous=previous)

    fleet = None
    if args.broker:  # checked before anything is touched, as every other input
        from auditor.cli.fleet import coordinator

        fleet = coordinator(args, runner.context)

    def audit(out: Path, history: Path | None = None) -> int:
        preload_in_background(runner.preload_modules(targets))
        # Facts leave memory as each target finishes: spooled in the output folder, removed at the end.
        with contextlib.closing(FactSpool(out)) as spool:
            if fleet is None:
                return finish(out, history, build_snapshot(runner.run([*targets, SITE], spool)))
            from auditor.cli.fleet import print_problems

            # The site (attestations) and this machine ('local') are judged here; every other
            # target by a worker of its segment.
            here = [target for target in targets if target.kind is TargetKind.LOCAL]
            snapshot = fleet.run(targets, build_snapshot(runner.run([*here, SITE])), spool, runner.previous)
            print_problems(fleet)
            return finish(out, history, snapshot)

    def finish(out: Path, history: Path | None, snapshot: Snapshot) -> int:
        if signing_key is not None:
            from auditor.store.signing import sign_snapshot

            snapshot = sign_snapshot(snapshot, signing_key)
        with _previous_run(history, out) as previous:
            write_outputs(snapshot, out, previous)
        print_format(snapshot, args.stdout_format)
        print_summary(snapshot, out, args.quiet, file=summary_stream(args.stdout_format))
        return int(snapshot.summary.exit_code)

    if not args.history:
        return audit(claim_output_dir(Path(args.out or f"audit-{utc_stamp()}")))
    history = Path(args.history)
    with run_lock(history):
        if previous is None and needed:
            runner.previous = newest_previous(history, verify_key, needed)
        code = audit(new_run_dir(history), history)
        _refresh_history(history, args.keep)
    return code


def _previous_run(history: Path | None, out: Path) -> contextlib.AbstractContextManager[Snapshot | None]:
    """The run before this one in the history, read once the audit is done (not held during it),
    its records spooled in this run's output folder while the outputs are written."""
    if history is None:
        return contextlib.nullcontext()
    from auditor.store.history import latest_spooled  # the reports say what changed since the last run

    return latest_spooled(history, out)


def _opener(args: argparse.Namespace, targets: list[Target], ssh_config: SSHConfigFile,
            profile: Profile) -> HostOpener:
    """How the runner opens hosts: with verified host keys where a target is reached over SSH.

    The SSH client (paramiko) and the known_hosts files load only when some target needs them,
    or when the user named known_hosts files (which are then checked before anything runs).
    """
    if not any(target.kind is TargetKind.SSH for target in targets) and not args.known_hosts \
            and not args.trust_on_first_use:
        return open_host
    # Here rather than at the top: the SSH client loads only for runs that reach SSH targets.
    from auditor.hosts.known_hosts import KnownHosts
    from auditor.hosts.ssh import SSHSettings

    ssh = SSHSettings(known_hosts=KnownHosts(args.known_hosts, args.trust_on_first_use), ssh_config=ssh_config,
                      connect_timeout=profile.timeouts["connect"], command_timeout=profile.timeouts["command"])
    return functools.partial(open_host, ssh=ssh)


def _targets(args: argparse.Namespace, ssh_config: SSHConfigFile) -> list[Target]:
    targets = [parse_target(text, ssh_config) for text in args.targets]
    if args.inventory:
        targets.extend(load_inventory(args.inventory, ssh_config))
    if args.ansible:
        from auditor.inventory.ansible import ansible_targets

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


def _refresh_history(history: Path, keep: int | None) -> None:
    from auditor.reports.history import render_history
    from auditor.store.history import history_entries, prune

    if keep:
        prune(history, keep)
    # A run killed while writing the page leaves its temporary file; this run holds the lock.
    for stale in history.glob(f".{HISTORY_PAGE}.*.tmp"):
        stale.unlink(missing_ok=True)
    page = render_history(history_entries(history, None, history), history / HISTORY_PAGE)
    write_atomic(history / HISTORY_PAGE, page.html)
