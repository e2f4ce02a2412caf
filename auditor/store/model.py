"""The typed snapshot: the whole result of a run as frozen records.

Everything after a run (diff, merge, history, reporters, the command's summary and exit
code) reads these records, never the JSON document: ``auditor.store.codec`` converts between
the two. Facts stay JSON here (``FactRecord.value``): the store never imports check areas;
re-judging decodes facts with their classes elsewhere.

Two derivations live here and nowhere else: how findings sort (``finding_order``) and the
summary of a snapshot (``Snapshot.summary``). Whether a finding is waived is ``Finding.waived``.
"""

from __future__ import annotations

import abc
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeAlias, TypeVar

from auditor.config.attestations import Attestation
from auditor.config.catalogue import Catalogue
from auditor.models import CheckResult, ExitCode, Finding, Severity, Status, Target, Waiver

# A value as JSON holds it: facts, check options and profile policies stay in this form.
JSON: TypeAlias = "dict[str, JSON] | list[JSON] | str | int | float | bool | None"

TOOL_NAME = "rifi-auditor"


class FindingKey(Protocol):
    """What orders a finding: a ``Finding``, or a report's compact reference to one."""

    @property
    def check_id(self) -> str:
        """The check that found it."""

    @property
    def target(self) -> str:
        """The target it is on."""

    @property
    def resource(self) -> str:
        """The resource of the target."""

    @property
    def severity(self) -> Severity:
        """How bad it is."""


Key = TypeVar("Key", bound=FindingKey)
Item = TypeVar("Item", CheckResult, Finding)


def finding_order(finding: FindingKey) -> tuple[int, str, str, str]:
    """How findings sort everywhere: worst first, then target, check and resource."""
    return (-finding.severity.rank, finding.target, finding.check_id, finding.resource)


def sorted_findings(findings: Iterable[Key]) -> list[Key]:
    """``findings`` in the one report order (``finding_order``)."""
    return sorted(findings, key=finding_order)


class TargetStore(abc.ABC, Sequence[Item]):
    """Results or findings kept outside memory (a spooled run's): read one target at a time."""

    @abc.abstractmethod
    def by_target(self) -> Iterator[tuple[str, Sequence[Item]]]:
        """(target, its items) for every target with some, in the run's target order."""

    @abc.abstractmethod
    def of_target(self, target: str) -> Sequence[Item]:
        """One target's items (empty for a target with none)."""


class ResultStore(TargetStore[CheckResult]):
    """A spooled run's check results."""


class FindingStore(TargetStore[Finding]):
    """A spooled run's findings: also read in report order without loading them all."""

    @abc.abstractmethod
    def worst_first(self) -> Iterator[Finding]:
        """Every finding in ``finding_order``, holding few at a time."""

    @abc.abstractmethod
    def at(self, target: str, index: int) -> Finding:
        """The ``index``-th finding of ``target`` (in ``of_target``'s order), read alone."""


def worst_first(findings: Sequence[Finding]) -> Iterable[Finding]:
    """A snapshot's findings in ``finding_order``: sorted in memory, or streamed from a ``FindingStore``."""
    return findings.worst_first() if isinstance(findings, FindingStore) else sorted_findings(findings)


def by_target(items: Sequence[Item]) -> Iterator[tuple[str, Sequence[Item]]]:
    """(target, its results or findings) in the order targets first appear; a store reads one target at a time."""
    if isinstance(items, TargetStore):
        yield from items.by_target()
        return
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        grouped[item.target].append(item)
    yield from grouped.items()


def waiver_state(finding: Finding) -> str:
    """"none", "waived" or "expired": a finding's waiver as reports and diffs name it."""
    if finding.waiver is None:
        return "none"
    return "waived" if finding.waived else "expired"


@dataclass(frozen=True)
class NameVersion:
    """A named, versioned thing: the tool, or a profile as a re-judged run remembers it."""

    name: str
    version: str


@dataclass(frozen=True)
class ProfileInfo:
    """What a snapshot records of the profile it was judged with."""

    name: str
    version: str
    path: str
    chain: tuple[str, ...]
    fail_on: Severity
    selected: tuple[str, ...]
    policies: Mapping[str, JSON]  # policy kind -> {"name", "version"}
    waivers: tuple[Waiver, ...]


@dataclass(frozen=True)
class CheckMeta:
    """A selected check as the run knew it: reporters never consult the registry."""

    title: str
    severity: Severity  # as the profile set it
    measures: tuple[str, ...]
    scope: str
    description: str = ""
    default_severity: Severity | None = None
    tags: tuple[str, ...] = ()
    remediation: str = ""
    options: Mapping[str, JSON] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)  # slots: one per target of a fleet
class TargetRecord:
    """An audited target and how long its audit took (None where not recorded, e.g. merged)."""

    target: Target
    duration_s: float | None = None

    @property
    def name(self) -> str:
        """The target's name."""
        return self.target.name


@dataclass(frozen=True)
class FactRecord:
    """Facts of one kind on one target, as collected: JSON, with their format version."""

    status: str  # "ok" | "error" | "skipped" | "not-assessable"
    version: int | None = None
    value: JSON = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the facts were collected."""
        return self.status == "ok"


@dataclass(frozen=True)
class Signature:
    """An Ed25519 signature over the snapshot's canonical JSON (see ``auditor.store.signing``)."""

    algorithm: str
    key: str  # SHA256:... fingerprint of the public key
    value: str  # base64


@dataclass(frozen=True)
class Rejudged:
    """Where a re-judged snapshot's facts come from: the run that collected them."""

    from_started_at: str
    from_finished_at: str
    from_profile: NameVersion
    from_tool: NameVersion
    rejudged_at: str


@dataclass(frozen=True)
class Summary:
    """Counts and the exit code of a snapshot (derived, never stored separately)."""

    results: Mapping[Status, int]  # every status, in Status order
    findings: Mapping[Severity, int]  # open findings per severity, info first
    waived: int
    expired_waivers: int
    blocking: int
    exit_code: ExitCode

    @property
    def errors(self) -> int:
        """Check results that ended in error."""
        return self.results[Status.ERROR]


def summarize(results: Iterable[CheckResult], findings: Iterable[Finding], fail_on: Severity) -> Summary:
    """The one derivation of counts, blocking findings and the exit code (one pass over each: they may be spooled)."""
    statuses = Counter(result.status for result in results)
    severities: Counter[Severity] = Counter()
    waived = expired = 0
    for finding in findings:
        if finding.waived:
            waived += 1
        else:
            severities[finding.severity] += 1
        expired += finding.waiver_expired
    blocking = sum(count for severity, count in severities.items() if severity >= fail_on)
    errors = statuses[Status.ERROR]
    # An incomplete audit is reported first: its clean parts prove nothing about the rest.
    exit_code = ExitCode.INCOMPLETE if errors else ExitCode.FINDINGS if blocking else ExitCode.OK
    return Summary(
        results={status: statuses[status] for status in Status},
        findings={severity: severities[severity] for severity in Severity},
        waived=waived,
        expired_waivers=expired,
        blocking=blocking,
        exit_code=exit_code,
    )


@dataclass(frozen=True)
class Snapshot:
    """Everything a run produced and everything needed to report it later."""

    tool: NameVersion
    profile: ProfileInfo
    catalogue: Catalogue
    checks: Mapping[str, CheckMeta]
    started_at: str  # ISO 8601, kept as text so snapshots round-trip exactly
    finished_at: str
    targets: tuple[TargetRecord, ...]
    # Tuples, or for a run spooled to disk the ``ResultStore`` / ``FindingStore`` sequences reading it
    # a target at a time: read them by iterating (or through ``worst_first`` / ``by_target``).
    results: Sequence[CheckResult]
    findings: Sequence[Finding]
    facts: Mapping[str, Mapping[str, FactRecord]]  # target name -> facts name -> record
    attestations: tuple[Attestation, ...] = ()
    signature: Signature | None = None
    rejudged: Rejudged | None = None

    @functools.cached_property
    def summary(self) -> Summary:
        """Counts and exit code, derived from results, findings and the profile's ``fail_on``."""
        return summarize(self.results, self.findings, self.profile.fail_on)

    @property
    def target_names(self) -> list[str]:
        """Names of the audited targets, in run order."""
        return [record.name for record in self.targets]

    def check_title(self, check_id: str) -> str:
        """The check's title, or its id when the snapshot has no metadata for it."""
        meta = self.checks.get(check_id)
        return meta.title if meta is not None else check_id

    @property
    def rejudged_note(self) -> str:
        """The sentence every page and the text summary show for a re-judged snapshot ("" otherwise)."""
        if self.rejudged is None:
            return ""
        origin = self.rejudged
        return (f"Re-judged on {origin.rejudged_at} under profile {self.profile.name} {self.profile.version} "
                f"from the run of {origin.from_started_at} (profile {origin.from_profile.name} "
                f"{origin.from_profile.version}, tool {origin.from_tool.version})")
