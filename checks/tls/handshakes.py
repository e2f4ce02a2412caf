"""Full handshakes with Python's ssl: the chain of a TLS 1.3-only server, and the HTTP extras.

Raw first flights (``wire``) carry the chain only up to TLS 1.2; a TLS 1.3 server encrypts it,
so a real handshake fetches it. The HTTP requests (GET /, security.txt) need one too, and plain
HTTP ports are asked for their redirect without TLS.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from auditor.checks.tls import http
from auditor.checks.tls.facts import (
    AliasLeaf,
    HttpsFacts,
    NotHttpFacts,
    PlainHttpAnswer,
    PlainHttpFacts,
    PlainHttpFailure,
    RequestFailed,
    SecurityTxtAnswer,
)
from auditor.checks.tls.probe import Endpoint
from auditor.net.connections import Deadline, HostLimiter, connect, unverified_tls_context

# TLS ports that speak something other than HTTP: no HTTP request is sent there.
NON_HTTP_PORTS = frozenset({465, 563, 585, 614, 636, 989, 990, 992, 993, 994, 995, 5061, 5223, 6697, 8883})


@contextlib.contextmanager
def tls_connection(endpoint: Endpoint, deadline: Deadline, server_name: str | None = None) -> Iterator[ssl.SSLSocket]:
    """A completed TLS connection to the endpoint (within both connection limits), SNI ``server_name`` if given."""
    with endpoint.slot():
        raw = connect(endpoint.address, endpoint.port, deadline.remaining())
        try:
            tls = unverified_tls_context().wrap_socket(raw, server_hostname=server_name or endpoint.server_name,
                                               do_handshake_on_connect=False)
        except (ssl.SSLError, ValueError):
            raw.close()
            raise
        with tls:
            tls.settimeout(deadline.remaining())
            tls.do_handshake()
            yield tls


def peer_chain(tls: ssl.SSLSocket) -> list[bytes]:
    """The chain the server sent (DER), leaf first; the leaf alone where Python cannot tell more."""
    getter = (getattr(tls, "get_unverified_chain", None)
              or getattr(getattr(tls, "_sslobj", None), "get_unverified_chain", None))
    if getter is not None:
        chain = getter() or []
        return [item if isinstance(item, bytes) else item.public_bytes(2) for item in chain]  # 2 = DER
    leaf = tls.getpeercert(binary_form=True)
    return [leaf] if leaf else []


def http_extras(endpoint: Endpoint, want_chain: bool,
                want_http: bool) -> tuple[list[bytes], HttpsFacts | NotHttpFacts | None, str]:
    """The chain and the HTTP facts of the endpoint, each if wanted; the third item says what failed."""
    host = http.host_header(endpoint.server_name or endpoint.address, endpoint.port, 443)
    chain: list[bytes] = []
    try:
        deadline = Deadline(endpoint.timeout() * 2)
        with tls_connection(endpoint, deadline) as tls:
            if want_chain:
                chain = peer_chain(tls)
            if not want_http or endpoint.port in NON_HTTP_PORTS:
                return chain, None, ""
            response = http.get(tls, host, "/", deadline, body=False)
    except http.NotHttp as exc:
        return chain, NotHttpFacts(speaks_http=False, detail=str(exc)), ""
    except (OSError, ValueError) as exc:  # ssl.SSLError and timeouts are OSErrors
        return chain, None, f"full handshake or HTTP request failed: {exc}"
    facts = HttpsFacts(speaks_http=True, root=http.response_facts(response), security_txt=_security_txt(endpoint, host))
    return chain, facts, ""


def _security_txt(endpoint: Endpoint, host: str) -> SecurityTxtAnswer | RequestFailed:
    """The answer to the security.txt request, on a connection of its own."""
    try:
        deadline = Deadline(endpoint.timeout() * 2)
        with tls_connection(endpoint, deadline) as tls:
            return http.security_txt_facts(http.get(tls, host, http.SECURITY_TXT, deadline, body=True))
    except (OSError, ValueError) as exc:
        return RequestFailed(error=str(exc))


def alias_leaf(endpoint: Endpoint, name: str) -> AliasLeaf:
    """The leaf the endpoint sends when asked for ``name`` (one full handshake with that SNI)."""
    try:
        with tls_connection(endpoint, Deadline(endpoint.timeout()), name) as tls:
            leaf = tls.getpeercert(binary_form=True)
    except (OSError, ValueError) as exc:  # ssl.SSLError and timeouts are OSErrors
        return AliasLeaf(name=name, certificate=None, error=f"handshake with SNI {name} failed: {exc}")
    if not leaf:
        return AliasLeaf(name=name, certificate=None, error=f"no certificate with SNI {name}")
    return AliasLeaf(name=name, certificate=ssl.DER_cert_to_PEM_cert(leaf), error="")


@dataclass(frozen=True)
class PlainHttpPort:
    """A plain-HTTP port to ask: where, why (its origin), the Host to send, and the limits."""

    address: str
    port: int
    origin: str
    host: str
    limiter: HostLimiter
    timeout: float


def plain_http(where: PlainHttpPort) -> PlainHttpFacts:
    """What plain HTTP on a port answers to GET / (status and Location), or why nothing."""
    deadline = Deadline(where.timeout)

    def failed(state: Literal["closed", "timeout", "not-http", "error"], detail: str) -> PlainHttpFailure:
        return PlainHttpFailure(port=where.port, origin=where.origin, state=state, detail=detail)

    try:
        with where.limiter.slot(where.address), connect(where.address, where.port, deadline.remaining()) as sock:
            response = http.get(sock, http.host_header(where.host, where.port, 80), "/", deadline, body=False)
    except ConnectionRefusedError:
        return failed("closed", "connection refused")
    except TimeoutError:
        return failed("timeout", f"no answer within {where.timeout:g} s")
    except http.NotHttp as exc:
        return failed("not-http", str(exc))
    except (OSError, ValueError) as exc:
        return failed("error", str(exc))
    answer = http.response_facts(response)
    return PlainHttpAnswer(status=answer.status, headers=answer.headers, port=where.port, origin=where.origin,
                           state="http")
