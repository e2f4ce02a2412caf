"""The plain, frozen records every layer shares: severities, statuses, findings, results."""

from __future__ import annotations

import enum
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@functools.total_ordering
class Severity(enum.Enum):
    """How bad a finding is; ordered so that ``fail_on`` thresholds compare naturally."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the ordering, ``info`` lowest."""
        return _SEVERITY_RANKS[self]  # a lookup: sorting 100,000s of findings asks this millions of times

    def __lt__(self, other: Severity) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


_SEVERITY_RANKS = {severity: index for index, severity in enumerate(Severity)}


class Status(enum.Enum):
    """Outcome of one check on one target."""

    PASS = "pass"  # noqa: S105 - a check status, not a password
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"
    NOT_ASSESSABLE = "not-assessable"


class ExitCode(enum.IntEnum):
    """What the ``auditor`` command's exit status says about the run."""

    OK = 0  # nothing open at or above the profile's fail_on
    FINDINGS = 1  # findings at or above fail_on
    INCOMPLETE = 2  # the audit ran, but some checks or targets ended in error (takes precedence over 1)
    USAGE = 3  # bad arguments, profile, inventory, attestations or snapshot
    INTERNAL = 4  # a bug in the auditor (the traceback is shown with --debug)
    LOCKED = 5  # another audit holds the history folder's lock


class TargetKind(enum.Enum):
    """How the auditor reaches a target, which decides the checks that apply to it."""

    LOCAL = "local"  # this machine: host checks run here
    NETWORK = "network"  # a bare HOST: only what can be seen from outside
    SSH = "ssh"  # ssh://user@host: host checks over SSH plus network checks
    RANGE = "range"  # a CIDR range: discovery finds its hosts and services
    SITE = "site"  # the organisation itself: attestations, not a machine


@dataclass(frozen=True)
class SSHAccess:
    """How to log in to an ``ssh`` target beyond user and port; never holds a secret.

    ``key`` is the *path* of a private key file (its contents are read only when connecting),
    ``sudo`` allows ``sudo -n`` for privileged commands, ``known_hosts`` adds a known_hosts file.
    """

    key: str | None = None
    sudo: bool = False
    known_hosts: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form for snapshots."""
        data: dict[str, Any] = {"sudo": self.sudo}
        if self.key is not None:
            data["key"] = self.key
        if self.known_hosts is not None:
            data["known_hosts"] = self.known_hosts
        return data


@dataclass(frozen=True, slots=True)  # slots: a fleet holds thousands
class Target:
    """Something audited: ``name`` is the stable label used in findings and fingerprints."""

    name: str
    kind: TargetKind
    address: str | None = None
    port: int | None = None
    user: str | None = None
    role: str | None = None
    owner: str | None = None
    ports: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    ssh: SSHAccess | None = None  # inventory ``ssh:`` settings of an ``ssh`` target
    aliases: tuple[str, ...] = ()  # inventory ``aliases:``: other host names clients use for it (TLS names)
    segment: str | None = None  # network segment whose workers audit it (inventory ``segment:``)

    @property
    def has_host_access(self) -> bool:
        """True where commands can be run and files read on the target."""
        return self.kind in (TargetKind.LOCAL, TargetKind.SSH)

    def to_dict(self) -> dict[str, Any]:
        """JSON form for snapshots."""
        data: dict[str, Any] = {"name": self.name, "kind": self.kind.value}
        for key in ("address", "port", "user", "role", "owner"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.ports:
            data["ports"] = list(self.ports)
        if self.tags:
            data["tags"] = list(self.tags)
        if self.ssh is not None:
            data["ssh"] = self.ssh.to_dict()
        if self.aliases:
            data["aliases"] = list(self.aliases)
        if self.segment is not None:
            data["segment"] = self.segment
        return data


@dataclass(frozen=True)
class Waiver:
    """An accepted risk: hides matching findings from ``fail_on`` until it expires."""

    check: str
    target: str
    resource: str
    justification: str
    owner: str
    expires: str  # ISO date, kept as text so snapshots round-trip exactly
    source: str = ""  # "file:line" it was declared at

    def to_dict(self) -> dict[str, str]:
        """JSON form for snapshots."""
        return {
            "check": self.check,
            "target": self.target,
            "resource": self.resource,
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires,
        }


def fingerprint(check_id: str, target: str, resource: str) -> str:
    """Identity of a finding across runs: deliberately excludes message, severity and evidence."""
    digest = hashlib.sha256(f"{check_id}\x00{target}\x00{resource}".encode())
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Finding:
    """One thing wrong with one resource of one target."""

    check_id: str
    target: str
    resource: str
    severity: Severity
    message: str
    measures: tuple[str, ...]
    remediation: str = ""
    evidence: Mapping[str, str] = field(default_factory=dict)
    waiver: Waiver | None = None
    waiver_expired: bool = False

    @functools.cached_property
    def fingerprint(self) -> str:
        """Stable identity used by snapshot comparison (computed once: fleets compare 100,000s)."""
        return fingerprint(self.check_id, self.target, self.resource)

    @property
    def waived(self) -> bool:
        """True when a current (unexpired) waiver hides this finding."""
        return self.waiver is not None and not self.waiver_expired

    def to_dict(self) -> dict[str, Any]:
        """JSON form for snapshots."""
        data: dict[str, Any] = {
            "fingerprint": self.fingerprint,
            "check_id": self.check_id,
            "target": self.target,
            "resource": self.resource,
            "severity": self.severity.value,
            "message": self.message,
            "measures": list(self.measures),
            "remediation": self.remediation,
            "evidence": dict(self.evidence),
        }
        if self.waiver is not None:
            data["waiver"] = self.waiver.to_dict()
            data["waiver_expired"] = self.waiver_expired
        return data


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check on one target, with its findings (empty unless ``fail``)."""

    check_id: str
    target: str
    status: Status
    measures: tuple[str, ...]
    reason: str = ""  # why error/skipped/not-assessable, or a short note on pass
    findings: tuple[Finding, ...] = ()
    details: Mapping[str, str] = field(default_factory=dict)  # e.g. {"source": "sshd -T"}

    def to_dict(self) -> dict[str, Any]:
        """JSON form for snapshots."""
        return {
            "check_id": self.check_id,
            "target": self.target,
            "status": self.status.value,
            "measures": list(self.measures),
            "reason": self.reason,
            "details": dict(self.details),
            "findings": [finding.fingerprint for finding in self.findings],
        }
