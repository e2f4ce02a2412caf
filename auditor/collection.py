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

from auditor.check import CollectEnv
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
        # Records this version cannot read are kept as they were, so a later version still can.
        self._offline = stored is not None
        self._unreadable: dict[str, StoredFact] = {}
        if stored is not None:
            values, errors = stored_values(registry, stored)
            self._values.update(values)
            self._errors.update(errors)
            self._unreadable = {name: stored[name] for name in errors if stored[name].status == "ok"}
        self._host: Host | None = None
        self._host_error: CollectError | None = None
        self._host_opened = False
        # A collection abandoned at the budget goes on in its thread: once the target is closed,
        # nothing it produces is stored and a host it opens is closed at once.
        self._lock = threading.Lock()
        self._closed = False

    def get(self, kind: type[Facts]) -> Any:
        """The facts ``kind``; raises the (cached) CollectError if they could not be collected."""
        name = kind.name
        with self._lock:
            if name in self._values:
                return self._values[name]
            cached = self._errors.get(name)
            if self._closed and cached is None:
                raise CollectError(f"the audit of {self.target.name} has ended")
        if cached is not None:
            raise cached
        try:
            value = self._within_budget(name, lambda: _with_one_retry(lambda: self._collect(name)))
        except CollectError as exc:
            error = exc
        except Exception as exc:  # a collector bug must not end the run
            log.exception("collector %s crashed on %s", name, self.target.name)
            error = CollectError(f"collector '{name}' crashed: {type(exc).__name__}: {exc}")
        else:
            self._store(name, value=value)
            return value
        self._store(name, error=error)
        raise error

    def _store(self, name: str, *, value: Any = None, error: CollectError | None = None) -> None:
        with self._lock:
            if self._closed:
                return  # an abandoned collection finishing late: the target's record is written
            if error is not None:
                self._errors.setdefault(name, error)
            else:
                self._values.setdefault(name, value)

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
            options=self.profile.collector_options(collector),
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
        with self._lock:
            first = not self._host_opened
            self._host_opened = True
        if first:
            try:
                host = _with_one_retry(lambda: self.opener(self.target))
            except CollectError as exc:
                self._host_error = exc
            else:
                with self._lock:
                    late = self._closed
                    self._host = None if late else host
                if late and host is not None:  # the target ended while this login was under way
                    _close_quietly(host, self.target.name)
        if self._host_error is not None:
            raise self._host_error
        return self._host

    def record(self) -> dict[str, Any]:
        """Facts for the snapshot: each value, or the reason it is missing.

        Facts that cannot be written (a plug-in's value the JSON form does not know) become an
        error record of their own: one bad collector never costs the target's other facts.
        """
        with self._lock:
            values = [(name, value) for name, value in self._values.items() if name not in self._seeded]
            errors = list(self._errors.items())
        recorded: dict[str, Any] = {}
        for name, value in values:
            try:
                recorded[name] = _recorded(value)
            except (TypeError, ValueError) as exc:
                recorded[name] = {"status": Status.ERROR.value, "reason": f"facts '{name}' cannot be stored: {exc}"}
        for name, error in errors:
            recorded[name] = {"status": status_of(error).value, "reason": str(error)}
        for name, raw in self._unreadable.items():
            kept = {"status": raw.status, "value": raw.value}
            recorded[name] = kept if raw.version is None else {**kept, "version": raw.version}
        return recorded

    def close(self) -> None:
        """Close the host connection this cache opened (one SSH connection per target).

        Collections still running past the budget store nothing from now on.
        """
        with self._lock:
            self._closed = True
            host, self._host = self._host, None
        if host is not None:
            _close_quietly(host, self.target.name)


def _close_quietly(host: Host, target: str) -> None:
    try:
        host.close()
    except Exception:  # closing must never cost the target's results
        log.debug("closing the host of %s failed", target, exc_info=True)


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
