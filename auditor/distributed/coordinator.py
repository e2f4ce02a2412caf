"""The coordinator: cuts the run into shards per segment, sends them, verifies and merges the replies.

A reply is accepted only when it is signed by a key enrolled in the directory the coordinator
is given, answers exactly the shard's targets, and was judged with the run's profile; anything
else is rejected and reported, and its targets become ``error`` results saying why. A shard
that no worker takes, that runs past its time limit, or whose worker stops answering also
becomes ``error`` results after its deadline: the run always completes.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from auditor.config.policies import is_file_ref
from auditor.config.profile import Profile
from auditor.distributed.app import BrokerSettings, abandon, check_connection, forget, make_app, send_shard, shard_state
from auditor.distributed.shards import ProfileRef, ShardError, ShardReply, ShardRequest, cut_shards
from auditor.errors import InputError, ProfileError
from auditor.models import CheckResult, Status, Target
from auditor.previous import PreviousRun
from auditor.runner import RunContext
from auditor.store.codec import snapshot_from_json
from auditor.store.merge import merge_snapshots
from auditor.store.model import Snapshot, TargetRecord, by_target
from auditor.store.signing import SignatureError, key_fingerprint, load_public_key, verify
from auditor.store.spool import FactSpool, raw_record


@dataclass(frozen=True)
class DistributedOptions:
    """How a distributed run is cut and how long it waits."""

    broker: BrokerSettings
    worker_keys: Path  # directory of enrolled worker public keys (*.pub)
    shard_size: int = 50
    shard_time_limit: float = 1800.0  # a shard running longer is stopped; its targets are errors
    worker_deadline: float = 120.0  # a segment with no worker activity this long: its shards are errors
    poll_interval: float = 0.5


@dataclass(frozen=True)
class ShardProblem:
    """A shard whose targets could not be audited (or whose reply was refused), and why."""

    shard: str
    segment: str
    reason: str


@dataclass(frozen=True)
class ShardProgress:
    """Shards and targets done so far, for the coordinator's progress line."""

    shards_done: int
    shards: int
    targets_done: int
    targets: int


def enrolled_keys(folder: Path) -> dict[str, Ed25519PublicKey]:
    """The worker public keys enrolled in ``folder`` (``*.pub``), by fingerprint."""
    if not folder.is_dir():
        raise InputError("--worker-keys", f"{folder} is not a folder of enrolled worker keys (*.pub)")
    keys = {key_fingerprint(key): key for key in map(load_public_key, sorted(folder.glob("*.pub")))}
    if not keys:
        raise InputError("--worker-keys", f"{folder} holds no worker public key (*.pub)")
    return keys


def profile_ref(ref: str, profile: Profile) -> ProfileRef:
    """A profile as shards carry it: a shipped name, or the user's files ``profile`` was read from.

    Each file is keyed by its path relative to the profile's folder, so that ``extends:`` and
    policies named by a relative path find on a worker what they found here.
    """
    if not is_file_ref(ref):
        return ProfileRef(ref)
    folder = os.path.abspath(Path(profile.path).parent)
    files: dict[str, str] = {}
    for file in profile.files:
        try:
            files[os.path.relpath(os.path.abspath(file), folder)] = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ProfileError(file, f"cannot be read for the workers: {exc}") from None
    return ProfileRef(os.path.relpath(os.path.abspath(profile.path), folder), files)


def _spool(spool: FactSpool, snapshot: Snapshot) -> Snapshot:
    """Move a partial snapshot's facts and results to disk: the merged snapshot reads them from the spool.

    Returns the partial without them (its targets, profile and times are what merging needs).
    """
    for name, record in snapshot.facts.items():
        spool.add(name, {fact: raw_record(value) for fact, value in record.items()})
    answered = {record.name for record in snapshot.targets}
    for target, results in by_target(snapshot.results):
        if target in answered:  # as merging keeps only the results of the targets a partial audited
            spool.results.add(target, results)
    return dataclasses.replace(snapshot, results=(), findings=(), facts={})


def position_of(targets: Sequence[Target]) -> dict[str, int]:
    """Target name -> its place in ``targets``."""
    return {target.name: index for index, target in enumerate(targets)}


@dataclass
class _Sent:
    request: ShardRequest
    handle: Any
    started: float | None = None  # when the coordinator first saw a worker take it


class Coordinator:
    """One distributed run: sends the shards, waits for them within their deadlines, merges them."""

    def __init__(self, context: RunContext, options: DistributedOptions, profile: ProfileRef,
                 on_progress: Callable[[ShardProgress], None] | None = None):
        """``context``: what the run judges with (for the error results of lost shards)."""
        self.context = context
        self.options = options
        self.profile = profile
        self.keys = enrolled_keys(options.worker_keys)
        self.on_progress = on_progress
        self.problems: list[ShardProblem] = []
        self.app = make_app(options.broker)
        check_connection(self.app, options.broker)  # before anything is audited or written

    def run(self, targets: Sequence[Target], local: Snapshot, spool: FactSpool,
            previous: PreviousRun | None = None) -> Snapshot:
        """Audit ``targets`` on the workers, except those ``local`` holds (audited here: the site,
        this machine); merge the partial snapshots into one, in the order a local run writes.
        Each shard carries ``previous``'s facts of its targets, for checks of change.

        Accepted facts and results go to ``spool`` as each shard arrives; the merged snapshot reads them there.
        """
        here = {record.name for record in local.targets}
        remote = [target for target in targets if target.name not in here]
        shards = cut_shards(uuid.uuid4().hex, self.profile, remote, self.options.shard_size, previous)
        sent = {request.shard: _Sent(request, send_shard(self.app, request.to_json(), request.segment,
                                                         self.options.shard_time_limit))
                for request in shards}
        partials: list[tuple[str, Snapshot]] = [("coordinator", _spool(spool, local))]
        errors: list[tuple[Target, str]] = []
        done = ShardProgress(0, len(shards), 0, len(remote))
        self._report(done)
        for shard, outcome in self._outcomes(sent):
            if isinstance(outcome, str):
                errors += [(target, outcome) for target in shard.request.targets]
                self.problems.append(ShardProblem(shard.request.shard, shard.request.segment, outcome))
            else:
                # The catalogue and check texts are the coordinator's own (the profile matched),
                # so a thousand shards do not hold a thousand copies.
                partials.append((shard.request.shard, dataclasses.replace(
                    _spool(spool, outcome), catalogue=local.catalogue, checks=local.checks)))
            done = dataclasses.replace(done, shards_done=done.shards_done + 1,
                                       targets_done=done.targets_done + len(shard.request.targets))
            self._report(done)
        # The profile as the coordinator read it (a worker's copy has a temporary path).
        merged = dataclasses.replace(merge_snapshots(partials), facts=spool, profile=local.profile)
        inventory = position_of(targets)
        order = [*targets, *(record.target for record in local.targets if record.name not in inventory)]
        return self._in_inventory_order(merged, order, errors, spool)

    def _report(self, progress: ShardProgress) -> None:
        if self.on_progress is not None:
            self.on_progress(progress)

    def _outcomes(self, sent: dict[str, _Sent]) -> Iterator[tuple[_Sent, Snapshot | str]]:
        """(shard, partial snapshot or the reason it has none), as each shard ends."""
        activity = {shard.request.segment: time.monotonic() for shard in sent.values()}
        while sent:
            now = time.monotonic()
            for key, shard in list(sent.items()):
                state = shard_state(shard.handle)
                segment = shard.request.segment
                if state.state == "STARTED" and shard.started is None:
                    shard.started = activity[segment] = now
                if state.value is not None:
                    activity[segment] = now
                    del sent[key]
                    forget(shard.handle)
                    yield shard, self._accept(shard.request, state.value)
                elif state.state in ("FAILURE", "REVOKED"):
                    activity[segment] = now
                    del sent[key]
                    forget(shard.handle)
                    yield shard, self._failure_reason(shard.request, state.error, state.timed_out)
                elif (lost := self._lost(shard, sent.values(), activity[segment], now)) is not None:
                    del sent[key]
                    abandon(shard.handle)
                    yield shard, lost
            if sent:
                time.sleep(self.options.poll_interval)

    def _failure_reason(self, request: ShardRequest, error: str, timed_out: bool) -> str:
        if timed_out:
            return f"shard {request.shard} exceeded its time limit of {self.options.shard_time_limit:g} s"
        return f"shard {request.shard} failed on its worker: {error}"

    def _lost(self, shard: _Sent, waiting: Iterable[_Sent], last_activity: float, now: float) -> str | None:
        """Why the run stops waiting for ``shard``, or None while it still may come."""
        options = self.options
        segment = shard.request.segment
        if shard.started is not None:
            # Taken, and not back within its time limit plus the deadline: its worker is gone and
            # no other worker of the segment took it again.
            if now - shard.started > options.shard_time_limit + options.worker_deadline:
                return f"the worker of segment {segment} stopped answering (shard {shard.request.shard})"
            return None
        busy = any(other.request.segment == segment and other.started is not None
                   and now - other.started <= options.shard_time_limit for other in waiting)
        if busy or now - last_activity <= options.worker_deadline:
            return None
        return f"no worker for segment {segment} (no shard taken within {options.worker_deadline:g} s)"

    def _accept(self, request: ShardRequest, value: Mapping[str, Any]) -> Snapshot | str:
        """The reply's partial snapshot, or why it is refused."""
        try:
            reply = ShardReply.from_json(value)
            if reply.shard != request.shard:
                raise ShardError(f"answers shard {reply.shard}")
            document = reply.snapshot
            fingerprint = (document.get("signature") or {}).get("key")
            key = self.keys.get(fingerprint) if isinstance(fingerprint, str) else None
            if key is None:
                raise ShardError(f"signed by a key not enrolled ({fingerprint or 'unsigned'})")
            verify(document, key, f"shard {request.shard}")
            snapshot = snapshot_from_json(document, f"shard {request.shard}")
        except (ShardError, SignatureError, InputError) as exc:
            return f"shard {request.shard} rejected: {exc}"
        expected = {target.name for target in request.targets}
        if {record.name for record in snapshot.targets} != expected:
            return f"shard {request.shard} rejected: it does not answer exactly the targets it was given"
        profile = self.context.profile
        if (snapshot.profile.name, snapshot.profile.version) != (profile.name, profile.version):
            return f"shard {request.shard} rejected: judged with profile {snapshot.profile.name} " \
                   f"{snapshot.profile.version}"
        return snapshot

    def _in_inventory_order(self, merged: Snapshot, order: Sequence[Target],
                            errors: Sequence[tuple[Target, str]], spool: FactSpool) -> Snapshot:
        """The merged snapshot with lost targets as errors, everything in the order a local run writes.

        Results and findings are the spool's, read a target at a time in that order.
        """
        for target, reason in errors:
            spool.results.add(target.name, self._errors(target, reason))
        position = position_of(order)
        records = [*merged.targets, *(TargetRecord(target) for target, _ in errors)]
        names = [target.name for target in order]
        return dataclasses.replace(
            merged,
            targets=tuple(sorted(records, key=lambda record: position[record.name])),
            results=spool.results.results(names),
            findings=spool.results.findings(names),
        )

    def _errors(self, target: Target, reason: str) -> list[CheckResult]:
        """An ``error`` result for every selected check that applies to ``target``."""
        registry, profile = self.context.registry, self.context.profile
        checks = [registry.checks[check_id] for check_id in profile.selected]
        return [CheckResult(check_id=check.id, target=target.name, status=Status.ERROR, measures=check.measures,
                            reason=reason) for check in checks if check.scope.applies_to(target.kind)]
