"""Shards: a segment's targets cut into bounded pieces, and the JSON that carries them.

Tasks take and return plain JSON; these frozen records are what both ends work with, decoded
at the boundary (a malformed message is a ShardError, never a KeyError deep in a worker).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.errors import AuditorError
from auditor.inventory.segments import DEFAULT_SEGMENT
from auditor.models import Target
from auditor.previous import PreviousRun
from auditor.store.decode import decode_target

PROTOCOL = 2  # the shard message format; a worker refuses others


class ShardError(AuditorError):
    """A shard message cannot be read, or its reply does not answer it."""


@dataclass(frozen=True)
class ProfileRef:
    """The profile a shard is judged with: a shipped name, or the user's profile files.

    ``files`` maps each file's path relative to the named profile's folder (``base.yaml``,
    ``../common/ssh.yaml``) to its text: the profile, the profiles it extends and the policies it
    names by path, so that relative references read on a worker what they read here.
    """

    name: str  # a shipped profile's name, or the profile's path among ``files``
    files: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ShardRequest:
    """One task: audit these targets of one segment with this profile."""

    run: str  # the coordinator's run id
    shard: str  # "SEGMENT/NNNN", unique in the run
    segment: str
    profile: ProfileRef
    targets: tuple[Target, ...]
    # The previous run's facts of these targets, for checks of change (host.setid-new).
    previous: PreviousRun | None = None

    def to_json(self) -> dict[str, Any]:
        """The task's argument."""
        profile: dict[str, Any] = {"name": self.profile.name}
        if self.profile.files:
            profile["files"] = dict(self.profile.files)
        message = {"protocol": PROTOCOL, "run": self.run, "shard": self.shard, "segment": self.segment,
                   "profile": profile, "targets": [target.to_dict() for target in self.targets]}
        if self.previous is not None:
            message["previous"] = self.previous.to_json()
        return message

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardRequest:
        """Decode a task's argument; ShardError on anything malformed."""
        try:
            if data["protocol"] != PROTOCOL:
                raise ShardError(f"shard message protocol {data['protocol']!r}, this worker reads {PROTOCOL}")
            profile = data["profile"]
            return cls(run=str(data["run"]), shard=str(data["shard"]), segment=str(data["segment"]),
                       profile=ProfileRef(str(profile["name"]), _profile_files(profile.get("files", {}))),
                       targets=tuple(decode_target(item) for item in data["targets"]),
                       previous=PreviousRun.from_json(data["previous"]) if "previous" in data else None)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ShardError(f"malformed shard message: {type(exc).__name__}: {exc}") from None


def _profile_files(files: Any) -> dict[str, str]:
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise TypeError("profile files must map paths to texts")
    return files


@dataclass(frozen=True)
class ShardReply:
    """A worker's answer: who audited the shard, and its partial snapshot document (signed)."""

    shard: str
    segment: str
    worker: str
    snapshot: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The task's return value."""
        return {"shard": self.shard, "segment": self.segment, "worker": self.worker, "snapshot": dict(self.snapshot)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ShardReply:
        """Decode a task's result; ShardError on anything malformed."""
        try:
            snapshot = data["snapshot"]
            if not isinstance(snapshot, dict):
                raise TypeError("snapshot is not an object")
            return cls(str(data["shard"]), str(data["segment"]), str(data["worker"]), snapshot)
        except (KeyError, TypeError) as exc:
            raise ShardError(f"malformed shard reply: {type(exc).__name__}: {exc}") from None


def segment_of(target: Target) -> str:
    """The segment whose workers audit ``target`` (``default`` unless the inventory says)."""
    return target.segment or DEFAULT_SEGMENT


def cut_shards(run: str, profile: ProfileRef, targets: Sequence[Target], size: int,
               previous: PreviousRun | None = None) -> list[ShardRequest]:
    """Targets grouped by segment (inventory order kept), each segment cut into shards of at most ``size``;
    each shard carries the ``previous`` run of its own targets."""
    if size < 1:
        raise ValueError("shard size must be at least 1")
    by_segment: dict[str, list[Target]] = {}
    for target in targets:
        by_segment.setdefault(segment_of(target), []).append(target)
    shards = []
    for segment, members in by_segment.items():
        for start in range(0, len(members), size):
            chosen = tuple(members[start:start + size])
            narrowed = previous.narrowed(target.name for target in chosen) if previous is not None else None
            shards.append(ShardRequest(run, f"{segment}/{start // size:04d}", segment, profile, chosen, narrowed))
    return shards
