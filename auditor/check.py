"""What a check and a collector are.

A *collector* talks to the world once per target and returns plain, JSON-able facts.
A *check* is pure: it reads facts and its options and returns findings. It never opens a
socket, prints or exits, so every verdict can be tested from recorded facts and a stored
snapshot can be judged again under a newer profile.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from auditor.errors import FactsUnavailable
from auditor.facts import Facts
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.net.connections import HostLimiter

if TYPE_CHECKING:
    from auditor.config.yamlfile import MapReader
    from auditor.hosts.base import Host


class Scope(enum.Enum):
    """What a check needs from a target."""

    HOST = "host"  # commands and files on the machine (local or over SSH)
    NETWORK = "network"  # only what one host's open ports answer
    DISCOVERY = "discovery"  # what a scan of a host or a whole range finds
    SITE = "site"  # the organisation: attestations, not a machine

    def applies_to(self, kind: TargetKind) -> bool:
        """True when a target of ``kind`` offers what this scope needs."""
        return kind in _SCOPE_KINDS[self]


_SCOPE_KINDS = {
    Scope.HOST: {TargetKind.LOCAL, TargetKind.SSH},
    Scope.NETWORK: {TargetKind.NETWORK, TargetKind.SSH},
    Scope.DISCOVERY: {TargetKind.NETWORK, TargetKind.SSH, TargetKind.RANGE},
    Scope.SITE: {TargetKind.SITE},
}


F = TypeVar("F", bound=Facts)


class FactSet:
    """The facts one check asked for, looked up by their class: ``facts.get(SshdFacts)``."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = values

    def get(self, kind: type[F]) -> F:
        """The facts of class ``kind`` (the check must list ``kind`` in its ``facts``)."""
        value = self._values[kind.name]
        if not isinstance(value, kind):
            raise TypeError(f"facts '{kind.name}' are {type(value).__name__}, not {kind.__name__}")
        return value



class CheckSkipped(Exception):
    """Raised by a check when it does not apply to what the facts show (status ``skipped``)."""


@dataclass
class CheckContext:
    """Everything a check may use besides facts: its options, policies, and a finding factory."""

    check: type[Check]
    target: Target
    options: Mapping[str, Any]
    severity: Severity
    policies: Mapping[str, Any] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)  # the run's date, for expiry judgements
    details: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def incomplete(self, reason: str) -> None:
        """Record that part of the target could not be judged (e.g. one of its ports did not answer).

        The result becomes ``error`` with these reasons, and keeps the findings made elsewhere.
        """
        self.problems.append(reason)

    def finding(
        self,
        resource: str,
        message: str,
        *,
        evidence: Mapping[str, Any] | None = None,
        severity: Severity | None = None,
        measures: tuple[str, ...] | None = None,
    ) -> Finding:
        """A finding of this check on this target; evidence values are stored as text."""
        return Finding(
            check_id=self.check.id,
            target=self.target.name,
            resource=resource,
            severity=severity or self.severity,
            message=message,
            measures=measures if measures is not None else self.check.measures,
            remediation=self.check.remediation,
            evidence={key: _as_text(value) for key, value in (evidence or {}).items()},
        )

    def policy(self, kind: str) -> Any:
        """The loaded policy data the profile chose for ``kind`` (e.g. ``ssh-algorithms``)."""
        return self.policies[kind]


def _as_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


class Check:
    """Base class of every check. The subclass docstring is its documentation.

    Class attributes declare everything the registry, profiles and reports need; ``judge``
    returns the findings (none means ``pass``). Raise ``CheckSkipped`` when the check does not
    apply to what the facts show, ``auditor.errors.NotAssessable`` when the facts cannot
    support a verdict (for example, they were gathered without the privileges needed).
    """

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    measures: ClassVar[tuple[str, ...]]
    facts: ClassVar[tuple[type[Facts], ...]]  # the facts classes it reads (their ``name`` keys the snapshot)
    scope: ClassVar[Scope] = Scope.HOST
    tags: ClassVar[tuple[str, ...]] = ()
    options: ClassVar[Mapping[str, Any]] = {}
    policies: ClassVar[tuple[str, ...]] = ()  # policy kinds it reads, e.g. ("ssh-algorithms",)
    remediation: ClassVar[str] = ""

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Judge ``facts`` (those named in ``facts``) and return findings."""
        raise NotImplementedError

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """Validate this check's profile options when the profile loads; override for constrained values."""
        return read_options(reader, cls.options)

    @classmethod
    def description(cls) -> str:
        """The first paragraph of the docstring, for listings and reports."""
        doc = (cls.__doc__ or "").strip()
        return " ".join(doc.split("\n\n", 1)[0].split())


def _no_other_facts(kind: type[Facts]) -> Any:
    raise FactsUnavailable(f"no '{kind.name}' facts in this context")


@dataclass(frozen=True)
class CollectEnv:
    """What a collector gets: where to look, its options, how long it may take, and shared limits.

    ``fact(kind)`` returns another collector's facts for the same target (collected once and
    cached, failures raised as their CollectError), so e.g. the SSH wire audit can use the
    ports that discovery found. ``limiter`` bounds concurrent connections per host.
    ``policies`` are the profile's loaded policies (discovery scans the services policy's ports).
    """

    target: Target
    host: Host | None
    options: Mapping[str, Any]
    timeout: float
    connect_timeout: float = 5.0
    limiter: HostLimiter = field(default_factory=lambda: HostLimiter(2))
    fact: Callable[[type[Facts]], Any] = _no_other_facts
    policies: Mapping[str, Any] = field(default_factory=dict)  # the profile's loaded policies, by kind


class Collector:
    """Base class of a fact collector: ``collect`` returns JSON-able facts or raises a CollectError.

    ``options`` declares the profile options (under ``collectors: NAME:``) with their defaults.
    """

    name: ClassVar[str]  # equals ``produces.name``: the key of its facts in caches and snapshots
    produces: ClassVar[type[Facts]]
    options: ClassVar[Mapping[str, Any]] = {}
    # Network collectors set this False: they must work when logging in to the host fails.
    needs_host: ClassVar[bool] = True
    # Modules ``collect`` imports only when it runs (a protocol client such as paramiko): ``auditor
    # run`` imports them in the background as the audit starts, not in the middle of it.
    preload: ClassVar[tuple[str, ...]] = ()

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Validate this collector's profile options; override for structured options."""
        return read_options(reader, self.options)

    def collect(self, env: CollectEnv) -> Any:
        """Gather the facts; raise NotAssessable / FactsUnavailable / CollectError on failure."""
        raise NotImplementedError


def read_options(reader: MapReader, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Options typed by their defaults: unknown keys and wrongly typed values are errors."""
    reader.reject_unknown(frozenset(defaults))
    values = dict(defaults)
    for key, default in defaults.items():
        if not reader.has(key):
            continue
        if isinstance(default, bool):
            values[key] = reader.boolean(key)
        elif isinstance(default, (int, float)):
            values[key] = reader.number(key, minimum=0)
        elif isinstance(default, str) or default is None:
            values[key] = reader.string(key)
        elif isinstance(default, (list, tuple)):
            values[key] = reader.strings(key)
        else:
            values[key] = reader.raw(key)
    return values
