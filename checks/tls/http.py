"""HTTP extras of a TLS endpoint: one bounded GET, and what its answer says (HSTS, security.txt, redirects).

Requests are minimal HTTP/1.1 with ``Connection: close``; a response head is read up to
``MAX_HEAD_BYTES`` and a body up to ``MAX_BODY_BYTES``, both within a deadline. The facts keep
status, the few headers the checks read, and security.txt's fields as raw text; parsing for
verdicts (max-age, Expires dates) happens in the checks.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field

from auditor.checks.tls.facts import HttpResponse, SecurityTxtAnswer
from auditor.net.connections import BoundedStream, Deadline

MAX_HEAD_BYTES = 16 * 1024
MAX_BODY_BYTES = 32 * 1024
USER_AGENT = "rifi-auditor (TLS settings audit)"
SECURITY_TXT = "/.well-known/security.txt"
KEPT_HEADERS = ("strict-transport-security", "location", "content-type", "server")
_STATUS_LINE = re.compile(r"^HTTP/(\d(?:\.\d)?) (\d{3})(?: (.*))?$")
_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*?)[ \t]*$")


class NotHttp(ValueError):
    """The peer's answer is not an HTTP response."""


@dataclass
class Response:
    """Status, headers (lower-case names, every value kept) and a bounded body."""

    status: int
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False

    def header(self, name: str) -> str | None:
        """The first value of a header (RFC 6797 says only the first HSTS header counts)."""
        values = self.headers.get(name)
        return values[0] if values else None


def host_header(name: str, port: int, default_port: int) -> str:
    """``Host`` value: the name (IPv6 in brackets), with the port unless it is the default."""
    host = f"[{name}]" if ":" in name else name
    return host if port == default_port else f"{host}:{port}"


def get(sock: socket.socket, host: str, path: str, deadline: Deadline, *, body: bool) -> Response:
    """Send one GET on a connected (TLS or plain) socket and read the answer within ``deadline``."""
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"
               "Accept: */*\r\nConnection: close\r\n\r\n")
    sock.settimeout(deadline.remaining())
    sock.sendall(request.encode("ascii"))
    stream = BoundedStream(sock, deadline)
    try:
        head = stream.read_until(b"\r\n\r\n", MAX_HEAD_BYTES)
    except ValueError:
        raise NotHttp(f"no HTTP response head within {MAX_HEAD_BYTES} bytes") from None
    response = parse_head(head)
    if body:
        response.body, response.truncated = _read_body(stream, response)
    return response


def parse_head(head: bytes) -> Response:
    """Status line and headers; NotHttp when the status line is not HTTP's."""
    lines = head.decode("latin-1").split("\r\n")
    match = _STATUS_LINE.match(lines[0])
    if not match:
        raise NotHttp(f"not an HTTP status line: {lines[0][:60]!r}")
    response = Response(status=int(match.group(2)))
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip():
            response.headers.setdefault(name.strip().lower(), []).append(value.strip())
    return response


def _read_body(stream: BoundedStream, response: Response) -> tuple[bytes, bool]:
    """The body, at most MAX_BODY_BYTES (and whether more was there)."""
    if (response.header("transfer-encoding") or "").lower() == "chunked":
        return _read_chunked(stream)
    length = response.header("content-length")
    if length is not None and length.isdigit():
        wanted = int(length)
        return stream.read_exactly(min(wanted, MAX_BODY_BYTES)), wanted > MAX_BODY_BYTES
    data = stream.read_to_end(MAX_BODY_BYTES + 1)
    return data[:MAX_BODY_BYTES], len(data) > MAX_BODY_BYTES


def _read_chunked(stream: BoundedStream) -> tuple[bytes, bool]:
    data = b""
    while len(data) < MAX_BODY_BYTES:
        size_line = stream.read_until(b"\r\n", 256).split(b";")[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise NotHttp("malformed chunk size") from None
        if size == 0:
            return data, False
        data += stream.read_exactly(min(size, MAX_BODY_BYTES - len(data) + 1))
        if len(data) > MAX_BODY_BYTES:
            break
        stream.read_exactly(2)  # CRLF after the chunk
    return data[:MAX_BODY_BYTES], True


def response_facts(response: Response) -> HttpResponse:
    """The facts of a response: status and the headers checks read, raw."""
    return HttpResponse(status=response.status, headers=_kept_headers(response))


def security_txt_facts(response: Response) -> SecurityTxtAnswer:
    """RFC 9116 fields of a security.txt answer, raw (lists: a field may repeat)."""
    fields: dict[str, list[str]] = {}
    if response.status == 200:
        for line in response.body.decode("utf-8", "replace").splitlines():
            match = _FIELD.match(line)
            if match:
                fields.setdefault(match.group(1).lower(), []).append(match.group(2))
    return SecurityTxtAnswer(status=response.status, headers=_kept_headers(response),
                       fields={name: tuple(values) for name, values in fields.items()}, truncated=response.truncated)


def _kept_headers(response: Response) -> dict[str, tuple[str, ...]]:
    return {name: tuple(response.headers[name]) for name in KEPT_HEADERS if name in response.headers}


def hsts_max_age(header: str) -> int | None:
    """``max-age`` of a Strict-Transport-Security value; None when missing or malformed."""
    for directive in header.split(";"):
        name, _, value = directive.strip().partition("=")
        if name.strip().lower() == "max-age":
            value = value.strip().strip('"')
            return int(value) if value.isdigit() else None
    return None
