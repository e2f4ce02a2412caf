"""Collecting one target's facts: each at most once, within the target's budget, or read back
from a snapshot when a run is judged again.

Failures are cached as well as values, so ten checks that need the same missing facts get the
same reason; the host connection (one per target) opens on the first collector that needs it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from auditor.check import CollectEnv, FactsKind, facts_name
from auditor.config.profile import Profile
from auditor.errors import CollectError, FactsUnavailable, NotAssessable, TransientError
from auditor.facts import Facts, FactsDecodeError, facts_from_json, facts_to_json
from auditor.hosts.base import Host
from auditor.hosts.local import LocalHost
from auditor.models import Status, Target, TargetKind
from auditor.net.connections import HostLimiter
from auditor.registry import Registry

if TYPE_CHECKING:  # the SSH backend (and paramiko) loads only when a run reaches an ssh:// target
    from auditor.hosts.ssh import SSHSettings

log = logging.getLogger(__name__)

HostOpener = Callable[[Target], "Host | None"]


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
        if collector is None:
            errors[name] = CollectError(f"stored '{name}' facts: no collector of that name in this version")
            continue
        try:
            values[name] = facts_from_json(collector.produces, record.value, record.version or 1)
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

    def _collect(self, name: str) -> Facts:
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
        value: object = collector.collect(env)
        log.debug("collected %s on %s in %.2fs", name, self.target.name, time.monotonic() - started)
        if not isinstance(value, collector.produces):  # a plug-in's bug: its checks say so, the run goes on
            raise CollectError(f"collector '{name}' returned {type(value).__name__}, not {collector.produces.__name__}")
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
            recorded[name] = {"status": status_of(error).value, "reason": str(error)}
        return recorded

    def close(self) -> None:
        """Close the host connection this cache opened (one SSH connection per target)."""
        if self._host is not None:
            try:
                self._host.close()
            except Exception:  # closing must never cost the target's results
                log.debug("closing the host of %s failed", self.target.name, exc_info=True)


def _recorded(value: Facts) -> dict[str, Any]:
    """Collected facts as the snapshot stores them, with their format version."""
    return {"status": "ok", "version": value.version, "value": facts_to_json(value)}


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


def status_of(error: CollectError) -> Status:
    """The check status a collection failure gives the checks that needed the facts."""
    if isinstance(error, FactsUnavailable):
        return Status.SKIPPED
    if isinstance(error, NotAssessable):
        return Status.NOT_ASSESSABLE
    return Status.ERROR
