"""The runner: collects facts once per target, runs the selected checks, isolates every failure.

Targets are audited concurrently (a global limit from the profile), and network collectors
share one per-host connection limiter. Within a target, facts
are collected lazily and cached, so ten SSH checks share one ``sshd -T``. Anything a collector
or check raises becomes that check's ``error`` (or ``skipped`` / ``not-assessable``) result;
the run always completes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.collection import FactCache, HostOpener, StoredFact, open_host, status_of
from auditor.config.attestations import Attestation, AttestationFacts
from auditor.config.catalogue import Catalogue, load_catalogue
from auditor.config.profile import Profile
from auditor.errors import CollectError, NotAssessable
from auditor.facts import Facts, InventoryFacts
from auditor.models import CheckResult, Finding, Status, Target, TargetKind
from auditor.net.connections import HostLimiter
from auditor.previous import PreviousRun, PreviousRunFacts
from auditor.progress import Progress
from auditor.registry import Registry
from auditor.store.spool import FactSpool

log = logging.getLogger(__name__)
_NEEDS_HOST_ACCESS = "needs host access: audit as 'local' or ssh://user@host"


@dataclass(slots=True)  # slots: a fleet's run keeps one per target
class TargetAudit:
    """Everything learned about one target: its check results and the facts behind them.

    In a spooled run both went to the spool when the target finished: ``results`` and ``facts``
    are empty then, and ``checks`` and ``errors`` keep the counts progress lines show.
    """

    target: Target
    results: list[CheckResult] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0
    checks: int = 0  # results, spooled or not
    errors: int = 0  # of them, ``error`` results


@dataclass(frozen=True)
class RunContext:
    """What a run judges with: the registry, the profile, the measure catalogue and the attestations.

    The run carries it to the snapshot, so nothing has to hand these over a second time.
    """

    registry: Registry
    profile: Profile
    catalogue: Catalogue
    attestations: tuple[Attestation, ...] = ()


@dataclass
class AuditRun:
    """The raw outcome of a run, before it becomes a snapshot."""

    started_at: dt.datetime
    finished_at: dt.datetime
    audits: list[TargetAudit]
    context: RunContext
    spool: FactSpool | None = None  # the targets' facts, when the run spooled them to disk

    @property
    def results(self) -> Sequence[CheckResult]:
        """All check results, target by target (read from the spool, a target at a time, when spooled)."""
        if self.spool is not None:
            return self.spool.results.results(self._order)
        return [result for audit in self.audits for result in audit.results]

    @property
    def findings(self) -> Sequence[Finding]:
        """All findings, target by target (read from the spool, a target at a time, when spooled)."""
        if self.spool is not None:
            return self.spool.results.findings(self._order)
        return [finding for audit in self.audits for result in audit.results for finding in result.findings]

    @property
    def _order(self) -> list[str]:
        return [audit.target.name for audit in self.audits]


class Runner:
    """Runs a profile's checks on targets."""

    def __init__(self, registry: Registry, profile: Profile, *, opener: HostOpener = open_host,
                 attestations: Sequence[Attestation] = (), today: dt.date | None = None,
                 progress: Progress | None = None,
                 stored_facts: Mapping[str, Mapping[str, StoredFact]] | None = None,
                 catalogue: Catalogue | None = None, previous: PreviousRun | None = None):
        """``stored_facts`` (target name → collector name → recorded facts) re-judges an earlier
        run: checks read what it recorded and nothing is collected. ``catalogue`` defaults to
        the shipped measure catalogue. ``previous`` is the run that checks of change compare with."""
        self.context = RunContext(registry, profile, catalogue or load_catalogue(), tuple(attestations))
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
        self.previous = previous
        self.spool: FactSpool | None = None

    def preload_modules(self, targets: Sequence[Target]) -> list[str]:
        """The modules the collectors auditing ``targets`` import when they run (``Collector.preload``)."""
        kinds = {target.kind for target in targets}
        modules: dict[str, None] = {}
        for check in self.checks:
            if not any(check.scope.applies_to(kind) for kind in kinds):
                continue
            for facts in check.facts:
                collector = self.registry.collectors.get(facts.name)
                if collector is not None:
                    modules.update(dict.fromkeys(collector.preload))
        return list(modules)

    def run(self, targets: Sequence[Target], spool: FactSpool | None = None) -> AuditRun:
        """Audit every target (concurrently) and return all results in target order.

        With a ``spool``, each target's facts and results go to it (on disk) as soon as the
        target is done, so memory does not grow with the number of targets.
        """
        started = dt.datetime.now(dt.UTC)
        self.spool = spool
        self.inventory = InventoryFacts(tuple(target for target in targets if target.kind is not TargetKind.SITE))
        workers = max(1, min(int(self.profile.concurrency["targets"]), len(targets) or 1))
        if self.progress:
            self.progress.start(len(targets))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="audit")
        try:
            audits = self._audit_all(pool, targets, 2 * workers)
        except BaseException:
            # Ctrl-C (or a bug) stops the run now: targets not yet started are not audited.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        else:
            pool.shutdown()
        finally:
            if self.progress:
                self.progress.finish()
        return AuditRun(started_at=started, finished_at=dt.datetime.now(dt.UTC), audits=audits, context=self.context,
                        spool=spool)

    def _audit_all(self, pool: ThreadPoolExecutor, targets: Sequence[Target], window: int) -> list[TargetAudit]:
        """Every target's audit, in target order, with at most ``window`` targets handed to the pool at once.

        Handing them over as others finish, rather than all at the start, keeps a fleet's
        pending work (a future, its lock and condition per target) out of memory.
        """
        audits: list[TargetAudit | None] = [None] * len(targets)
        waiting = iter(enumerate(targets))
        pending: dict[Future[TargetAudit], int] = {}
        for index, target in itertools.islice(waiting, window):
            pending[pool.submit(self.audit_target, target)] = index
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                audit = audits[pending.pop(future)] = future.result()
                if self.progress:
                    self.progress.target_done(audit)
                for index, target in itertools.islice(waiting, 1):
                    pending[pool.submit(self.audit_target, target)] = index
        return [audit for audit in audits if audit is not None]

    def audit_target(self, target: Target) -> TargetAudit:
        """Run every applicable check on one target within its time budget."""
        audit = TargetAudit(target=target, started=time.monotonic())
        seeded: dict[str, Facts] = {InventoryFacts.name: self.inventory}
        if target.kind is TargetKind.SITE:
            seeded[AttestationFacts.name] = self.attestations
        seeded[PreviousRunFacts.name] = self.previous.for_target(target.name) if self.previous else PreviousRunFacts()
        stored = None if self.stored_facts is None else self.stored_facts.get(target.name, {})
        deadline = audit.started + self.profile.timeouts["target"]
        cache = FactCache(target, self.registry, self.profile, self.opener, self.limiter, seeded, stored,
                          deadline=None if stored is not None else deadline)
        try:
            for check in self.checks:
                if not check.scope.applies_to(target.kind):
                    if check.scope is Scope.HOST and target.kind is TargetKind.NETWORK:
                        # Say why, so "no SSH findings" is never mistaken for "SSH is fine".
                        audit.results.append(self._result(check, target, Status.SKIPPED, _NEEDS_HOST_ACCESS))
                    continue
                # Past the deadline nothing more is collected, but facts in hand are still judged.
                audit.results.append(self.evaluate(check, target, cache))
        finally:
            cache.close()  # first: a collection still running past the budget stores nothing more
        audit.checks = len(audit.results)
        audit.errors = sum(1 for result in audit.results if result.status is Status.ERROR)
        if self.spool is not None:
            self.spool.add(target.name, cache.record())
            self.spool.results.add(target.name, audit.results)
            audit.results = []  # on disk now: a fleet's results never all stay in memory
        else:
            audit.facts = cache.record()
        audit.finished = time.monotonic()
        return audit

    def evaluate(self, check: type[Check], target: Target, cache: FactCache) -> CheckResult:
        """One check on one target; every failure becomes a result, never an exception."""
        try:
            facts = FactSet({kind.name: cache.get(kind) for kind in check.facts})
        except CollectError as exc:
            return self._result(check, target, status_of(exc), str(exc))
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
