"""``auditor worker`` and the distributed side of ``auditor run --broker``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import InputError

if TYPE_CHECKING:  # Celery loads only for distributed runs and workers
    from auditor.distributed.app import BrokerSettings
    from auditor.distributed.coordinator import Coordinator, DistributedOptions, ShardProgress
    from auditor.runner import RunContext


def broker_settings(args: argparse.Namespace, environment: Mapping[str, str] | None = None) -> BrokerSettings:
    """The broker ``args`` name; BrokerError (exit 3, password never shown) when malformed.

    ``--broker env:NAME`` reads the URL from the environment variable NAME (of ``environment``,
    this process's by default): a password on a command line is visible to every local user
    (``ps``) and would sit in unit files.
    """
    from auditor.distributed.app import BrokerSettings

    url = args.broker
    if url.startswith("env:"):
        url = (os.environ if environment is None else environment).get(url[4:], "")
        if not url:
            raise InputError("--broker", f"the environment variable {args.broker[4:]} is not set")
    if args.broker_ca and not Path(args.broker_ca).is_file():
        raise InputError("--broker-ca", f"{args.broker_ca}: file not found")
    return BrokerSettings(url, visibility_timeout=args.visibility_timeout, ca_file=args.broker_ca)


def distributed_options(args: argparse.Namespace, environment: Mapping[str, str] | None = None) -> DistributedOptions:
    """Every option of a distributed run checked (one line, exit 3), before anything is sent or written.

    ``environment``: where ``--broker env:NAME`` is looked up (``schedule`` reads the service's file).
    """
    from auditor.distributed.coordinator import DistributedOptions

    if not args.worker_keys:
        raise InputError("--broker", "needs --worker-keys DIR: shards are accepted only from enrolled workers")
    if not Path(args.worker_keys).is_dir():
        raise InputError("--worker-keys", f"{args.worker_keys}: no such folder")
    if args.shard_size < 1:
        raise InputError("--shard-size", "must be at least 1")
    if args.shard_time_limit <= 0 or args.worker_deadline <= 0:
        raise InputError("--shard-time-limit/--worker-deadline", "must be more than 0 seconds")
    if args.shard_time_limit >= args.visibility_timeout:
        # Celery's rule: a shard still running when its visibility timeout ends is delivered
        # again, to be audited twice, over and over.
        raise InputError("--shard-time-limit",
                         f"must be less than --visibility-timeout ({args.visibility_timeout:g} s)")
    return DistributedOptions(broker_settings(args, environment), Path(args.worker_keys), shard_size=args.shard_size,
                              shard_time_limit=args.shard_time_limit, worker_deadline=args.worker_deadline)


def coordinator(args: argparse.Namespace, context: RunContext) -> Coordinator:
    """The coordinator of ``run --broker``, with every option checked before anything is sent."""
    from auditor.distributed.coordinator import Coordinator, profile_ref

    return Coordinator(context, distributed_options(args), profile_ref(args.profile, context.profile),
                       on_progress=None if args.quiet else _print_progress)


def _print_progress(progress: ShardProgress) -> None:
    print(f"shards {progress.shards_done}/{progress.shards}, targets {progress.targets_done}/{progress.targets}",
          file=sys.stderr, flush=True)


def print_problems(coordinator: Coordinator) -> None:
    """Every rejected or lost shard, one line each, on stderr."""
    for problem in coordinator.problems:
        print(f"auditor: {problem.reason}", file=sys.stderr)


def cmd_worker(args: argparse.Namespace) -> int:
    """``auditor worker``: serve one segment's queue until stopped."""
    from auditor.distributed.app import check_connection, make_app
    from auditor.distributed.worker import WorkerIdentity, audit_shard, node_name, serve
    from auditor.inventory.segments import segment_name_error
    from auditor.store.signing import load_private_key

    problem = segment_name_error(args.segment)
    if problem:
        raise InputError("--segment", problem)
    if args.concurrency < 1:
        raise InputError("--concurrency", "must be at least 1")
    broker = broker_settings(args)
    identity = WorkerIdentity(args.segment, node_name(args.segment), load_private_key(args.key))
    app = make_app(broker, audit_shard)
    check_connection(app, broker)  # a wrong URL or password: exit 3 now; later outages Celery rides out
    print(f"worker {identity.node}: segment {args.segment}, broker {broker.shown}", file=sys.stderr, flush=True)
    serve(identity, app, args.concurrency)
    return 0
