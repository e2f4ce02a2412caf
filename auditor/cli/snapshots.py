"""Commands on stored snapshots: report (and re-judge), diff, verify, merge, history, keygen.

None of them touches the network; none of them loads the SSH client.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from auditor.cli.output import HISTORY_PAGE, print_format, print_summary, summary_stream, write_outputs, write_reports
from auditor.errors import InventoryError
from auditor.fileio import write_atomic
from auditor.lock import run_lock
from auditor.outputs import claim_output_dir
from auditor.previous import PreviousRun, load_previous
from auditor.store.codec import load_snapshot
from auditor.store.model import NameVersion, Rejudged, Snapshot
from auditor.store.signing import generate_keypair, load_private_key, load_public_key, load_verified, sign_snapshot


def load(path: str, key_path: str | None) -> Snapshot:
    """A snapshot, refused (SignatureError) unless signed by ``key_path`` when one is given."""
    return load_verified(path, load_public_key(key_path)) if key_path else load_snapshot(path)


def cmd_report(args: argparse.Namespace) -> int:
    """``auditor report SNAPSHOT --out DIR [--profile P]``.

    Without ``--profile`` the snapshot's reports are written again (e.g. by a newer version).
    With it, the stored facts are judged again under that profile, with nothing collected and
    no host or port touched; the new snapshot and its reports say from which run they come.
    """
    snapshot = load(args.snapshot, args.key)
    out = Path(args.out)
    if args.profile is None:
        write_reports(snapshot, out)
        print_format(snapshot, args.stdout_format)
        print(f"Report: {out / 'index.html'}", file=summary_stream(args.stdout_format))
        return 0
    signing_key = load_private_key(args.sign) if args.sign else None
    previous = None
    if args.previous:
        previous = load_previous(Path(args.previous), load_public_key(args.key) if args.key else None)
    rejudged = rejudge(snapshot, args.profile, previous)
    if signing_key is not None:
        rejudged = sign_snapshot(rejudged, signing_key)
    out = claim_output_dir(out)
    write_outputs(rejudged, out)
    print_format(rejudged, args.stdout_format)
    print_summary(rejudged, out, file=summary_stream(args.stdout_format))
    return int(rejudged.summary.exit_code)


def rejudge(snapshot: Snapshot, profile_name: str, previous: PreviousRun | None = None) -> Snapshot:
    """``snapshot``'s facts judged again under ``profile_name``, by this version's checks
    (checks of change compare with ``previous``, or are not-assessable without it)."""
    from auditor.config.catalogue import load_catalogue  # the checks load only when judging
    from auditor.config.profile import load_profile
    from auditor.registry import default_registry
    from auditor.runner import Runner
    from auditor.snapshots import build_snapshot

    registry = default_registry()
    profile = load_profile(profile_name, registry)
    runner = Runner(registry, profile, attestations=snapshot.attestations, stored_facts=snapshot.facts,
                    catalogue=load_catalogue(), previous=previous)
    run = runner.run([record.target for record in snapshot.targets])
    # The facts come from the run that collected them, even when this snapshot was itself re-judged.
    source = snapshot.rejudged or Rejudged(
        from_started_at=snapshot.started_at,
        from_finished_at=snapshot.finished_at,
        from_profile=NameVersion(snapshot.profile.name, snapshot.profile.version),
        from_tool=snapshot.tool,
        rejudged_at="",
    )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return build_snapshot(run, Rejudged(source.from_started_at, source.from_finished_at, source.from_profile,
                                        source.from_tool, rejudged_at=now))


def cmd_diff(args: argparse.Namespace) -> int:
    """``auditor diff OLD NEW``."""
    from auditor.reports.html import render_diff_html
    from auditor.store.diff import compare, render_text

    diff = compare(load(args.old, args.key), load(args.new, args.key))
    print(render_text(diff))
    if args.json:
        write_atomic(args.json, json.dumps(diff.to_dict(), indent=1) + "\n")
    if args.html:
        write_atomic(args.html, render_diff_html(diff))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """``auditor verify SNAPSHOT --key PUB``: exit 0 when the signature verifies, 3 otherwise."""
    load(args.snapshot, args.key)
    print(f"{args.snapshot}: signature verified")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    """``auditor merge SNAPSHOT... --out DIR``."""
    from auditor.store.merge import merge_snapshots

    merged = merge_snapshots([(path, load(path, args.key)) for path in args.snapshots])
    if args.sign:
        merged = sign_snapshot(merged, load_private_key(args.sign))
    out = claim_output_dir(Path(args.out))
    write_outputs(merged, out)
    print_summary(merged, out)
    return int(merged.summary.exit_code)


def cmd_history(args: argparse.Namespace) -> int:
    """``auditor history DIR``: the page renders whatever is usable and lists the rest."""
    from auditor.reports.history import render_history
    from auditor.store.history import history_entries

    directory = Path(args.directory)
    if not directory.is_dir():
        raise InventoryError(str(directory), "not a directory")
    page = Path(args.out) if args.out else directory / HISTORY_PAGE
    with run_lock(directory):  # a scheduled run may be refreshing the same page
        # Each run is spooled beside the page while it is read: the page's folder is the output.
        entries = history_entries(directory, load_public_key(args.key) if args.key else None, page.parent)
        rendered = render_history(entries, page)
        write_atomic(page, rendered.html)
    for entry in rendered.left_out:
        print(f"left out: {entry.path}: {entry.problem}", file=sys.stderr)
    print(f"History: {page} ({rendered.runs} runs)")
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    """``auditor keygen PREFIX``."""
    private, public = generate_keypair(args.prefix)
    print(f"Private key: {private} (keep it secret; mode 0600)\nPublic key:  {public}")
    return 0
