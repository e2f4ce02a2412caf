"""The runner: collects facts once per target, runs the selected checks, isolates every failure.

Targets are audited concurrently (a global limit from the profile), and network collectors
share one per-host connection limiter. Within a target, facts
are collected lazily and cached, so ten SSH checks share one ``sshd -T``. Anything a collector
or check raises becomes that check's ``error`` (or ``skipped`` / ``not-assessable``) result;
the run always completes.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from auditor.check import Check, CheckContext, CheckSkipped, CollectEnv, FactSet, FactsKind, Scope, facts_name
from auditor.config.attestations import Attestation, AttestationFacts
from auditor.config.profile import Profile
from auditor.errors import CollectError, FactsUnavailable, NotAssessable, TransientError
from auditor.facts import Facts, FactsDecodeError, InventoryFacts, facts_from_json, facts_to_json
from auditor.hosts.base import Host
from auditor.hosts.local import LocalHost
from auditor.models import CheckResult, Finding, Status, Target, TargetKind
from auditor.net.connections import HostLimiter
from auditor.progress import Progress
from auditor.registry import Registry

if TYPE_CHECKING:  # the SSH backend (and paramiko) loads only when a run reaches an ssh:// target
    from auditor.hosts.ssh import SSHSettings

log = logging.getLogger(__name__)

HostOpener = Callable[[Target], "Host | None"]
_NEEDS_HOST_ACCESS = "needs host access: audit as 'local' or ssh://user@host"


@dataclass
class TargetAudit:
    """Everything learned about one target: its check results and the facts behind them."""

    target: Target
    results: list[CheckResult] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0


@dataclass
class AuditRun:
    """The raw outcome of a run, before it becomes a snapshot."""

    started_at: dt.datetime
    finished_at: dt.datetime
    audits: list[TargetAudit]

    @property
    def results(self) -> list[CheckResult]:
        """All check results, target by target."""
        return [result for audit in self.audits for result in audit.results]

    @property
    def findings(self) -> list[Finding]:
        """All findings, target by target."""
        return [finding for result in self.results for finding in result.findings]


def open_host(target: Target, ssh: SSHSettings | None = None) -> Host | None:
    """The host backend for a target; network-only and site targets have none.

    ``ssh`` carries known_hosts, the SSH configuration and timeouts (defaults when None);
    a failed SSH login raises a CollectError that the target's host checks report.
    """
    if target.kind is TargetKind.LOCAL:
        return LocalHost()
    if target.kind is TargetKind.SSH:
        from auditor.hosts.ssh import SSHSettings, connect_host  # paramiko loads only when needed

        return connect_host(target, ssh or SSHSettings())
    return None


class StoredFact(Protocol):
    """Facts as a snapshot recorded them: a value (with its format version) or why it is missing."""

    @property
    def status(self) -> str: ...
    @property
    def version(self) -> int | None: ...
    @property
    def value(self) -> Any: ...
    @property
    def reason(self) -> str: ...


_ERRORS_BY_STATUS: dict[str, type[CollectError]] = {
    Status.SKIPPED.value: FactsUnavailable,
    Status.NOT_ASSESSABLE.value: NotAssessable,
    Status.ERROR.value: CollectError,
}


def stored_values(
    registry: Registry, stored: Mapping[str, StoredFact]
) -> tuple[dict[str, Any], dict[str, CollectError]]:
    """Facts recorded by an earlier run, read back into their types, and the failures it recorded.

    Facts that cannot be read (a collector that no longer exists, a format this version cannot
    upgrade) become errors of their own, so the checks that need them say why.
    """
    values: dict[str, Any] = {}
    errors: dict[str, CollectError] = {}
    for name, record in stored.items():
        if record.status != "ok":
            errors[name] = _ERRORS_BY_STATUS.get(record.status, CollectError)(record.reason)
            continue
        collector = registry.collectors.get(name)
        produces = collector.produces if collector is not None else None
        if produces is None:
            values[name] = record.value  # facts of a collector that returns plain JSON
            continue
        try:
            values[name] = facts_from_json(produces, record.value, record.version or 1)
        except FactsDecodeError as exc:
            errors[name] = CollectError(f"stored '{name}' facts cannot be read: {exc}")
    return values, errors


class FactCache:
    """Facts of one target, each collected at most once; failures are cached too."""

    def __init__(self, target: Target, registry: Registry, profile: Profile, opener: HostOpener,
                 limiter: HostLimiter, seeded: Mapping[str, Any] | None = None,
                 stored: Mapping[str, StoredFact] | None = None, deadline: float | None = None):
        self.target = target
        self.deadline = deadline  # time.monotonic() after which nothing more is collected
        self.limiter = limiter
        self.registry = registry
        self.profile = profile
        self.opener = opener
        self._values: dict[str, Any] = dict(seeded or {})
        # Seeded facts (inventory, attestations) are stored once elsewhere in the snapshot.
        self._seeded = frozenset(self._values)
        self._errors: dict[str, CollectError] = {}
        # Re-judging: only what the earlier run recorded; nothing is collected, no host is touched.
        self._offline = stored is not None
        if stored is not None:
            values, errors = stored_values(registry, stored)
            self._values.update(values)
            self._errors.update(errors)
        self._host: Host | None = None
        self._host_error: CollectError | None = None
        self._host_opened = False

    def get(self, kind: FactsKind) -> Any:
        """The facts ``kind``; raises the (cached) CollectError if they could not be collected."""
        name = facts_name(kind)
        if name in self._values:
            return self._values[name]
        if name not in self._errors:
            try:
                self._values[name] = self._within_budget(name, lambda: _with_one_retry(lambda: self._collect(name)))
                return self._values[name]
            except CollectError as exc:
                self._errors[name] = exc
            except Exception as exc:  # a collector bug must not end the run
                log.exception("collector %s crashed on %s", name, self.target.name)
                self._errors[name] = CollectError(f"collector '{name}' crashed: {type(exc).__name__}: {exc}")
        raise self._errors[name]

    def _within_budget(self, name: str, collect: Callable[[], Any]) -> Any:
        """``collect()``, abandoned when the target's time budget runs out.

        The collection runs in a daemon thread and the target stops waiting for it at the
        deadline: a tarpit port cannot hold the target past its budget, and the facts already
        collected are still judged. An abandoned collection's result is never stored.
        """
        if self.deadline is None:
            return collect()
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise CollectError(f"{self._budget_note()} before '{name}' facts were collected")
        outcome: list[Any] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                outcome.append(collect())
            except BaseException as exc:  # handed to the waiting thread, which raises it there
                failure.append(exc)

        worker = threading.Thread(target=run, name=f"collect-{name}", daemon=True)
        worker.start()
        worker.join(remaining)
        if worker.is_alive():
            raise CollectError(f"{self._budget_note()} while collecting '{name}' facts")
        if failure:
            raise failure[0]
        return outcome[0]

    def _budget_note(self) -> str:
        return f"target time budget of {self.profile.timeouts['target']:g} s exhausted"

    def _collect(self, name: str) -> Any:
        if self._offline:
            raise NotAssessable(f"the run being re-judged did not collect '{name}' facts")
        if name not in self.registry.collectors:
            raise FactsUnavailable(f"no '{name}' facts for this target")
        collector = self.registry.collectors[name]
        env = CollectEnv(
            target=self.target,
            host=self._open_host() if collector.needs_host else None,
            options=self.profile.collectors.get(name, {}),
            timeout=self.profile.timeouts["command"],
            connect_timeout=self.profile.timeouts["connect"],
            limiter=self.limiter,
            fact=self.get,
            policies=self.profile.policies,
        )
        started = time.monotonic()
        value = collector.collect(env)
        log.debug("collected %s on %s in %.2fs", name, self.target.name, time.monotonic() - started)
        return value

    def _open_host(self) -> Host | None:
        if not self._host_opened:
            self._host_opened = True
            try:
                self._host = _with_one_retry(lambda: self.opener(self.target))
            except CollectError as exc:
                self._host_error = exc
        if self._host_error is not None:
            raise self._host_error
        return self._host

    def record(self) -> dict[str, Any]:
        """Facts for the snapshot: each value, or the reason it is missing."""
        recorded: dict[str, Any] = {
            # A copy: a collection abandoned at the budget may still be finishing in its thread.
            name: _recorded(value) for name, value in list(self._values.items()) if name not in self._seeded
        }
        for name, error in self._errors.items():
            recorded[name] = {"status": _status_of(error).value, "reason": str(error)}
        return recorded

    def close(self) -> None:
        """Close the host connection this cache opened (one SSH connection per target)."""
        if self._host is not None:
            try:
                self._host.close()
            except Exception:  # closing must never cost the target's results
                log.debug("closing the host of %s failed", self.target.name, exc_info=True)


def _recorded(value: Any) -> dict[str, Any]:
    """A collected value as the snapshot stores it: typed facts carry their format version."""
    if isinstance(value, Facts):
        return {"status": "ok", "version": value.version, "value": facts_to_json(value)}
    return {"status": "ok", "value": value}


RETRY_PAUSE = 1.0  # seconds before the one retry of a transient failure


def _with_one_retry(attempt: Callable[[], Any]) -> Any:
    """``attempt()``, tried once more after a transient network error (a timeout, a reset)."""
    try:
        return attempt()
    except TransientError as first:
        log.info("retrying after a transient error: %s", first)
        time.sleep(RETRY_PAUSE)
        try:
            return attempt()
        except TransientError as second:
            raise CollectError(f"{second} (also on a second try)") from None


def _status_of(error: CollectError) -> Status:
    if isinstance(error, FactsUnavailable):
        return Status.SKIPPED
    if isinstance(error, NotAssessable):
        return Status.NOT_ASSESSABLE
    return Status.ERROR


class Runner:
    """Runs a profile's checks on targets."""

    def __init__(self, registry: Registry, profile: Profile, *, opener: HostOpener = open_host,
                 attestations: Sequence[Attestation] = (), today: dt.date | None = None,
                 progress: Progress | None = None,
                 stored_facts: Mapping[str, Mapping[str, StoredFact]] | None = None):
        """``stored_facts`` (target name → collector name → recorded facts) re-judges an earlier
        run: checks read what it recorded and nothing is collected."""
        self.registry = registry
        self.stored_facts = stored_facts
        self.profile = profile
        self.progress = progress
        self.opener = opener
        self.attestations = AttestationFacts(tuple(attestations))
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.checks = [registry.checks[check_id] for check_id in profile.selected]
        self.limiter = HostLimiter(int(profile.concurrency["per_host"]))
        self.inventory = InventoryFacts()

    def run(self, targets: Sequence[Target]) -> AuditRun:
        """Audit every target (concurrently) and return all results in target order."""
        started = dt.datetime.now(dt.UTC)
        self.inventory = InventoryFacts(tuple(target for target in targets if target.kind is not TargetKind.SITE))
        workers = max(1, min(int(self.profile.concurrency["targets"]), len(targets) or 1))
        if self.progress:
            self.progress.start(len(targets))
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="audit") as pool:
                futures = [pool.submit(self.audit_target, target) for target in targets]
                for future in as_completed(futures):
                    if self.progress:
                        self.progress.target_done(future.result())
                audits = [future.result() for future in futures]
        finally:
            if self.progress:
                self.progress.finish()
        return AuditRun(started_at=started, finished_at=dt.datetime.now(dt.UTC), audits=audits)

    def audit_target(self, target: Target) -> TargetAudit:
        """Run every applicable check on one target within its time budget."""
        audit = TargetAudit(target=target, started=time.monotonic())
        seeded: dict[str, Facts] = {InventoryFacts.name: self.inventory}
        if target.kind is TargetKind.SITE:
            seeded[AttestationFacts.name] = self.attestations
        stored = None if self.stored_facts is None else self.stored_facts.get(target.name, {})
        deadline = audit.started + self.profile.timeouts["target"]
        cache = FactCache(target, self.registry, self.profile, self.opener, self.limiter, seeded, stored,
                          deadline=None if stored is not None else deadline)
        for check in self.checks:
            if not check.scope.applies_to(target.kind):
                if check.scope is Scope.HOST and target.kind is TargetKind.NETWORK:
                    # Say why, so "no SSH findings" is never mistaken for "SSH is fine".
                    audit.results.append(self._result(check, target, Status.SKIPPED, _NEEDS_HOST_ACCESS))
                continue
            # Past the deadline nothing more is collected, but facts in hand are still judged.
            audit.results.append(self.evaluate(check, target, cache))
        audit.facts = cache.record()
        cache.close()
        audit.finished = time.monotonic()
        return audit

    def evaluate(self, check: type[Check], target: Target, cache: FactCache) -> CheckResult:
        """One check on one target; every failure becomes a result, never an exception."""
        try:
            facts = FactSet({facts_name(kind): cache.get(kind) for kind in check.facts})
        except CollectError as exc:
            return self._result(check, target, _status_of(exc), str(exc))
        ctx = CheckContext(
            check=check,
            target=target,
            options=self.profile.options[check.id],
            severity=self.profile.severity[check.id],
            policies={kind: self.profile.policies[kind] for kind in check.policies},
            today=self.today,
        )
        try:
            findings = check().judge(facts, ctx)
        except CheckSkipped as exc:
            return self._result(check, target, Status.SKIPPED, str(exc), ctx.details)
        except NotAssessable as exc:
            return self._result(check, target, Status.NOT_ASSESSABLE, str(exc), ctx.details)
        except Exception as exc:  # a check bug must not end the run
            log.exception("check %s crashed on %s", check.id, target.name)
            return self._result(check, target, Status.ERROR, f"check crashed: {type(exc).__name__}: {exc}")
        findings = [self._apply_waiver(finding) for finding in findings]
        if ctx.problems:  # partly judged: an incomplete audit must not look clean
            return self._result(check, target, Status.ERROR, "; ".join(ctx.problems), ctx.details, tuple(findings))
        status = Status.FAIL if findings else Status.PASS
        return self._result(check, target, status, "", ctx.details, tuple(findings))

    def _apply_waiver(self, finding: Finding) -> Finding:
        waiver = self.profile.waiver_for(finding)
        if waiver is None:
            return finding
        expired = dt.date.fromisoformat(waiver.expires) < self.today
        return replace(finding, waiver=waiver, waiver_expired=expired)

    @staticmethod
    def _result(check: type[Check], target: Target, status: Status, reason: str,
                details: Mapping[str, str] | None = None, findings: tuple[Finding, ...] = ()) -> CheckResult:
        return CheckResult(check_id=check.id, target=target.name, status=status, measures=check.measures,
                           reason=reason, findings=findings, details=dict(details or {}))
