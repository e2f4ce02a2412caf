"""A worker inside one network segment: takes that segment's shards, audits them, signs the result.

The worker runs the same runner a single machine runs, on the shard's targets only, with its
facts spooled to disk per target; its reply is the partial snapshot in the usual format,
signed with the worker's own Ed25519 key, which the coordinator must have enrolled.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from auditor.config.profile import Profile, load_profile
from auditor.distributed.shards import ProfileRef, ShardError, ShardReply, ShardRequest
from auditor.registry import Registry, default_registry
from auditor.runner import Runner
from auditor.snapshots import build_snapshot
from auditor.store.codec import snapshot_to_json
from auditor.store.signing import sign_snapshot
from auditor.store.spool import FactSpool

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerIdentity:
    """Who this worker is: its segment, its node name and its signing key."""

    segment: str
    node: str
    key: Ed25519PrivateKey


# Set once by ``serve`` before Celery forks its pool: every pool process inherits it.
_IDENTITY: list[WorkerIdentity] = []


def node_name(segment: str) -> str:
    """The worker's Celery node name: unique per process on a machine."""
    return f"auditor-{segment}-{os.getpid()}@{socket.gethostname()}"


def audit_shard(message: Mapping[str, Any]) -> dict[str, Any]:
    """The task: audit one shard of this worker's segment and return the signed partial snapshot."""
    identity = _IDENTITY[0]
    request = ShardRequest.from_json(message)
    if request.segment != identity.segment:
        # A shard routed to the wrong queue: auditing it could reach hosts this segment must not.
        raise ShardError(f"shard {request.shard} is for segment {request.segment}, this worker serves "
                         f"{identity.segment}")
    log.info("shard %s (segment %s): %d targets: %s", request.shard, request.segment, len(request.targets),
             " ".join(target.name for target in request.targets))
    registry = default_registry()
    with tempfile.TemporaryDirectory(prefix="auditor-shard-") as scratch:
        profile = _profile(request.profile, registry, Path(scratch))
        runner = Runner(registry, profile, previous=request.previous)
        with contextlib.closing(FactSpool(Path(scratch))) as spool:
            snapshot = sign_snapshot(build_snapshot(runner.run(list(request.targets), spool)), identity.key)
            document = snapshot_to_json(snapshot)
    return ShardReply(request.shard, request.segment, identity.node, document).to_json()


def _profile(ref: ProfileRef, registry: Registry, scratch: Path) -> Profile:
    """The shard's profile: shipped by name, or the coordinator's profile files written here first.

    The files keep their places relative to each other (``../common/base.yaml`` included), under
    a folder deep enough that none lands outside ``scratch``; a path that would, too many or too
    large files, or names that collide are refused (the shard message is not trusted).
    """
    if not ref.files:
        return load_profile(ref.name, registry)
    if len(ref.files) > _MAX_PROFILE_FILES or any(len(text) > _MAX_PROFILE_BYTES for text in ref.files.values()):
        raise ShardError(f"the shard's profile has more than {_MAX_PROFILE_FILES} files or one over "
                         f"{_MAX_PROFILE_BYTES} bytes")
    ups = max(_leading_ups(relative) for relative in ref.files)
    if ups > _MAX_UPS:
        raise ShardError(f"the shard's profile files climb more than {_MAX_UPS} folders")
    root = scratch.joinpath("profile", *["up"] * ups)
    try:
        for relative, text in ref.files.items():
            path = _inside(scratch, root, relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as exc:  # a name that is also a folder, too long, ...
        raise ShardError(f"the shard's profile files cannot be laid out: {exc.strerror or exc}") from None
    if ref.name not in ref.files:
        raise ShardError(f"the shard's profile {ref.name!r} is not among its files")
    return load_profile(str(_inside(scratch, root, ref.name)), registry)


# Bounds on what a shard message may make a worker write (a profile, its ancestors, policies, rules).
_MAX_PROFILE_FILES = 64
_MAX_PROFILE_BYTES = 4 * 1024 * 1024
_MAX_UPS = 32


def _leading_ups(relative: str) -> int:
    parts = Path(os.path.normpath(relative)).parts
    return next((index for index, part in enumerate(parts) if part != ".."), len(parts))


def _inside(scratch: Path, root: Path, relative: str) -> Path:
    """``root / relative`` when it stays inside ``scratch``; ShardError otherwise (or for an absolute path)."""
    path = Path(os.path.normpath(root / relative))
    if "\0" in relative or Path(relative).is_absolute() or not path.is_relative_to(scratch) \
            or root.is_relative_to(path):
        raise ShardError(f"the shard's profile file {relative!r} would be written outside its folder")
    return path


def serve(identity: WorkerIdentity, app: Any, concurrency: int) -> None:
    """Run the worker for ``identity.segment`` until it is stopped."""
    from auditor.distributed.app import run_worker

    _IDENTITY[:] = [identity]
    # Celery logs each task's return value at INFO: a whole partial snapshot per shard.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    run_worker(app, identity.segment, concurrency, identity.node)
