"""The Celery application: the one module that touches Celery and kombu (both untyped).

Messages are JSON only. Celery can also carry pickle, and a pickle message is code that the
worker runs when it reads it: anyone who reaches the broker would own every worker. So pickle
(and every other serializer that can build objects) is disabled in kombu's registry here, in
code, and the app accepts only ``application/json`` for tasks and results alike: a pickle
message is refused before it is read, whatever a configuration file or a default says.

Workers only ever connect outward (to Redis); acknowledgement is late, so a shard whose worker
dies is delivered again once the broker's visibility timeout has passed.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from celery import Celery
from kombu.serialization import disable_insecure_serializers

from auditor.errors import InputError

TASK_NAME = "auditor.audit_shard"
JSON_ONLY = ["json"]
SCHEMES = ("redis", "rediss")


class BrokerError(InputError):
    """A broker URL is malformed, or the broker cannot be reached."""


@dataclass(frozen=True)
class BrokerSettings:
    """Where the broker is and how long an unacknowledged shard waits before it is delivered again."""

    url: str  # redis://[:password@]host:port/db or rediss:// (TLS); holds the password: never print it
    visibility_timeout: float = 3600.0
    ca_file: str | None = None  # CA bundle that signs a rediss:// broker's certificate

    def __post_init__(self) -> None:
        try:
            parts = urlsplit(self.url)
        except ValueError:  # an unclosed IPv6 bracket, ...
            raise BrokerError("--broker", f"malformed URL {redacted(self.url)}") from None
        if parts.scheme not in SCHEMES:
            raise BrokerError("--broker", f"scheme '{parts.scheme}' is not redis:// or rediss:// "
                                          f"(got {redacted(self.url)})")
        try:
            port = parts.port
        except ValueError:
            raise BrokerError("--broker", f"bad port in {redacted(self.url)}") from None
        if not parts.hostname or (port is not None and not 0 < port < 65536):
            raise BrokerError("--broker", f"no host in {redacted(self.url)}")
        if self.visibility_timeout <= 0:
            raise BrokerError("--visibility-timeout", "must be more than 0 seconds")

    @property
    def shown(self) -> str:
        """The URL as it may be printed or logged: without its password."""
        return redacted(self.url)

    @property
    def has_secret(self) -> bool:
        """Whether the URL carries a password (in its user part or as a ``password=`` parameter)."""
        return redacted(self.url) != self.url


def redacted(url: str) -> str:
    """``url`` without its password (``redis://:***@host:6379/0``, ``...?password=***``)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<a malformed URL>"  # not echoed: where its password starts cannot be told
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = parts.query
    if any(key.lower() == "password" for key, _ in pairs):
        query = urlencode([(key, "***" if key.lower() == "password" else value) for key, value in pairs], safe="*")
    netloc = parts.netloc
    if parts.password is not None:
        user = parts.username or ""
        host = parts.hostname or ""
        netloc = f"{user}:***@{host}" + (f":{parts.port}" if _port_or_none(url) is not None else "")
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _port_or_none(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:
        return None


def make_app(broker: BrokerSettings, task: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None) -> Any:
    """The Celery app for ``broker``; ``task`` (a worker's shard handler) is registered when given."""
    # Refused in code: kombu forgets how to decode pickle, YAML and msgpack in this process.
    disable_insecure_serializers(allowed=JSON_ONLY)  # type: ignore[no-untyped-call]  # kombu is untyped
    app = Celery("auditor", broker=broker.url, backend=broker.url, set_as_current=False)
    # Abandoned shards are looked for every quarter of the visibility timeout (kombu's default
    # sweep is 10 × 10 s), so a short timeout really redelivers soon after it expires.
    sweep = max(1, min(10, int(broker.visibility_timeout / 4)))
    transport = {"visibility_timeout": broker.visibility_timeout, "unacked_restore_interval": sweep,
                 "unacked_restore_throttle": 1}
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=JSON_ONLY,
        result_accept_content=JSON_ONLY,
        event_serializer="json",
        # A shard is acknowledged when done: a worker killed mid-shard leaves it for another.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a worker holds one shard per process, never a backlog
        task_track_started=True,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        broker_connection_retry_on_startup=True,
        result_expires=7 * 24 * 3600,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    if urlsplit(broker.url).scheme == "rediss":
        tls = {"ssl_cert_reqs": ssl.CERT_REQUIRED, **({"ssl_ca_certs": broker.ca_file} if broker.ca_file else {})}
        app.conf.update(broker_use_ssl=tls, redis_backend_use_ssl=tls)
    assert app.conf.accept_content == JSON_ONLY and app.conf.task_serializer == "json"
    if task is not None:
        app.task(name=TASK_NAME, acks_late=True)(task)
    return app


def check_connection(app: Any, broker: BrokerSettings, timeout: float = 5.0) -> None:
    """Raise BrokerError (naming the broker without its password) unless it answers within ``timeout``."""
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # kombu wraps every socket, TLS and auth failure differently
        raise BrokerError("--broker", f"cannot connect to {broker.shown}: {type(exc).__name__}") from None


def send_shard(app: Any, payload: Mapping[str, Any], queue: str, time_limit: float) -> Any:
    """Queue one shard on its segment's queue; the worker stops it at ``time_limit`` seconds."""
    return app.send_task(TASK_NAME, args=[dict(payload)], queue=queue, soft_time_limit=time_limit,
                         time_limit=time_limit + 30, serializer="json")


@dataclass(frozen=True)
class ShardState:
    """Where a queued shard is: Celery's state, its JSON result when done, or why it failed."""

    state: str  # PENDING, STARTED, RETRY, SUCCESS, FAILURE, REVOKED
    value: Mapping[str, Any] | None = None
    error: str = ""
    timed_out: bool = False


_TIME_LIMITS = ("SoftTimeLimitExceeded", "TimeLimitExceeded")


def shard_state(handle: Any) -> ShardState:
    """The state of a shard sent with ``send_shard``, without waiting."""
    state = str(handle.state)
    if state == "SUCCESS":
        value = handle.get(timeout=10, propagate=False)
        if not isinstance(value, dict):
            return ShardState("FAILURE", error="the worker returned no shard")
        return ShardState(state, value=value)
    if state in ("FAILURE", "REVOKED"):
        failure = handle.result
        name = type(failure).__name__
        return ShardState(state, error=f"{name}: {failure}", timed_out=name in _TIME_LIMITS)
    return ShardState(state)


def forget(handle: Any) -> None:
    """Drop a shard's stored result once read: the broker need not keep a snapshot for days."""
    handle.forget()


def abandon(handle: Any) -> None:
    """Stop a shard the run no longer waits for (if a worker takes it later, it is discarded) and forget it."""
    handle.revoke()
    handle.forget()


def run_worker(app: Any, queue: str, concurrency: int, node: str) -> None:
    """Run a Celery worker consuming ``queue`` until it is stopped (SIGTERM: warm shutdown)."""
    app.worker_main(argv=["worker", "--queues", queue, "--concurrency", str(concurrency), "--hostname", node,
                          "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"])
