"""Read-only probes of HTTP APIs and web servers, over a minimal bounded HTTP/1.0 client.

What each sends: a single ``GET`` (HTTP/1.0, ``Connection: close``, no credentials):
Jupyter ``/api/status`` (then ``/api/kernels``), Docker Engine ``/version``,
Elasticsearch/OpenSearch ``/``, etcd ``/version``. The web area (``checks/web``) sends its
catalogue's requests through ``http_request`` (GET or HEAD only).
HTTP/1.0 keeps replies simple (no chunked encoding); redirects are not followed.
A plain request that fails on a TLS port is retried once over TLS.
"""

from __future__ import annotations

import json
import re
import ssl
from dataclasses import dataclass
from typing import Any

from auditor.checks.services.facts import ProbeStatus
from auditor.checks.services.probe_base import (
    ABSENT,
    OPEN,
    PROTECTED,
    REACHABLE,
    Outcome,
    ProbeError,
    ProbeTarget,
    open_stream,
    printable,
    send,
)

_HEAD_BYTES = 16 * 1024
_BODY_BYTES = 64 * 1024
_STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3})")


@dataclass(frozen=True)
class HttpReply:
    """Status, lower-cased headers and (bounded) body of one reply."""

    status: int
    headers: dict[str, str]
    body: bytes
    tls: bool = False  # how it was fetched (a plain request may have been retried over TLS)

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8", errors="replace"))
        except ValueError:
            return None


def http_get(target: ProbeTarget, path: str, method: str = "GET", limit: int = _BODY_BYTES) -> HttpReply:
    """GET (or HEAD) ``path``, at most ``limit`` body bytes; over TLS when the port is TLS-wrapped,
    retried over TLS when plain HTTP fails (``reply.tls`` says which answered)."""
    try:
        return http_request(target, path, target.tls, method, limit)
    except (ProbeError, ConnectionError, ValueError) as first:
        if target.tls:
            raise
        try:
            return http_request(target, path, True, method, limit)
        except ssl.SSLError as exc:
            if _tls_client_certificate_required(exc):
                raise
            raise first from None
        except (ProbeError, OSError, ValueError):
            raise first from None


def http_request(target: ProbeTarget, path: str, tls: bool, method: str = "GET",
                 limit: int = _BODY_BYTES) -> HttpReply:
    """One HTTP/1.0 ``method`` (GET or HEAD only) of ``path``, plain or over TLS, body bounded by ``limit``."""
    if method not in ("GET", "HEAD") or not path.startswith("/") or any(c in path for c in " \r\n"):
        raise ValueError(f"refusing to send {method} {path!r}: read-only GET/HEAD of a path only")
    host = f"[{target.address}]" if ":" in target.address else target.address
    request = (f"{method} {path} HTTP/1.0\r\nHost: {host}:{target.port}\r\n"
               "User-Agent: rifi-auditor (read-only probe)\r\n"
               "Accept: application/json, text/html;q=0.9, */*;q=0.5\r\nConnection: close\r\n\r\n")
    with open_stream(target, tls) as stream:
        send(stream, request.encode("ascii"))
        head = stream.read_until(b"\r\n\r\n", _HEAD_BYTES)
        match = _STATUS_LINE.match(head)
        if match is None:
            raise ProbeError(f"not an HTTP reply: '{printable(head, 60)}'")
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length", "")
        limit = 0 if method == "HEAD" else min(int(length), limit) if length.isdigit() else limit
        body = stream.read_to_end(limit) if limit else b""
        if plain_on_tls_port(int(match.group(1)), body):
            raise ProbeError("plain HTTP sent to a TLS port")
    return HttpReply(int(match.group(1)), headers, body, tls)


def plain_on_tls_port(status: int, body: bytes) -> bool:
    """True for the reply nginx and others give to plain HTTP on an HTTPS port."""
    return status == 400 and b"HTTPS port" in body


def _denied(reply: HttpReply) -> bool:
    return reply.status in (401, 403)


def _tls_client_certificate_required(exc: ssl.SSLError) -> bool:
    return "CERTIFICATE_REQUIRED" in str(exc).upper() or "HANDSHAKE_FAILURE" in str(exc).upper()


def probe_jupyter(target: ProbeTarget) -> Outcome:
    """``/api/status`` (or ``/api/kernels``) answered without a token proves an open notebook server."""
    for path in ("/api/status", "/api/kernels"):
        reply = http_get(target, path)
        data = reply.json()
        if reply.status == 200 and isinstance(data, dict) and {"started", "last_activity"} & set(data):
            return Outcome(OPEN, "", {"path": path, "kernels": str(data.get("kernels", "?")),
                                      "connections": str(data.get("connections", "?"))})
        if reply.status == 200 and isinstance(data, list) and path == "/api/kernels":
            return Outcome(OPEN, "", {"path": path, "kernels": str(len(data))})
        if _denied(reply):
            return Outcome(PROTECTED, f"Jupyter API requires a token (HTTP {reply.status})", {"path": path})
    return Outcome(ABSENT, f"no Jupyter API here (HTTP {reply.status})")


def _json_api(target: ProbeTarget, path: str, keys: tuple[str, ...], service: str, verdict: ProbeStatus) -> Outcome:
    """GET ``path``: a JSON object with ``keys[0]`` proves the service answered without credentials."""
    try:
        reply = http_get(target, path)
    except ssl.SSLError as exc:
        if _tls_client_certificate_required(exc):
            return Outcome(PROTECTED, f"{service} requires a TLS client certificate")
        raise
    data = reply.json()
    if reply.status == 200 and isinstance(data, dict) and keys[0] in data:
        evidence = {"path": path, **{key: printable(_flatten(data.get(key)), 60) for key in keys if key in data}}
        return Outcome(verdict, "", evidence)
    if _denied(reply):
        return Outcome(PROTECTED, f"{service} requires authentication (HTTP {reply.status})", {"path": path})
    return Outcome(ABSENT, f"no {service} API here (HTTP {reply.status})")


def _flatten(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("number", "")) or json.dumps(value)[:60]
    return str(value)


def probe_docker(target: ProbeTarget) -> Outcome:
    """Docker Engine ``/version`` without TLS client authentication: the daemon obeys anyone."""
    return _json_api(target, "/version", ("ApiVersion", "Version", "Os"), "Docker Engine", OPEN)


def probe_elasticsearch(target: ProbeTarget) -> Outcome:
    """Elasticsearch/OpenSearch ``/`` with cluster details but no credentials: the indices are readable."""
    return _json_api(target, "/", ("version", "cluster_name", "tagline"), "Elasticsearch", OPEN)


def probe_etcd(target: ProbeTarget) -> Outcome:
    """etcd ``/version`` without a client certificate (keys are readable too unless RBAC is on)."""
    return _json_api(target, "/version", ("etcdserver", "etcdcluster"), "etcd", REACHABLE)
