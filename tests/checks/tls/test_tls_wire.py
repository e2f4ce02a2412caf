"""The raw TLS layer and the scanner against small hostile servers on loopback.

The servers here are a few lines each, run in threads of the test, and speak just enough of a
protocol (or of nonsense) to drive the scanner into each way an exchange can end: an SSLv3-only
server (which no local OpenSSL can play), a banner, garbage, a reset, silence, and floods.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

import testkit
from auditor.check import CheckContext, CollectEnv
from auditor.checks.tls import certificates as certs
from auditor.checks.tls.collector import TlsCollector
from auditor.checks.tls.facts import AcceptedVersion, EndpointFacts, ForeignEndpoint, TlsEndpoint, TlsFacts
from auditor.checks.tls.names import CIPHER_SUITES, SUITE_CODES, VERSIONS
from auditor.checks.tls.suites import suite
from auditor.checks.tls.wire import (
    HELLO_RETRY_RANDOM,
    MAX_FLIGHT_BYTES,
    Alert,
    ClientHello,
    NotTls,
    PeerClosed,
    ProtocolError,
    parse_server_hello,
    read_flight,
)
from auditor.config.policies import load_policy
from auditor.facts import facts_from_json, facts_to_json
from auditor.models import Finding, Target, TargetKind
from auditor.net.connections import BoundedStream, Deadline, HostLimiter
from auditor.registry import default_registry

FIXTURES = testkit.FIXTURES / "tls"
LEGACY_DER = certs.read_bundle(str(FIXTURES / "legacy.pem"))[0].public_bytes(serialization.Encoding.DER)


# --- building blocks ----------------------------------------------------------------------------


def record(kind: int, body: bytes, version: int = 0x0303) -> bytes:
    return struct.pack(">BHH", kind, version, len(body)) + body


def handshake(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


def server_hello(version: int, cipher: int, *, extensions: bytes = b"", random: bytes = b"\x11" * 32) -> bytes:
    body = struct.pack(">H", version) + random + b"\x00" + struct.pack(">HB", cipher, 0)
    if extensions:
        body += struct.pack(">H", len(extensions)) + extensions
    return handshake(2, body)


def certificate(*ders: bytes) -> bytes:
    entries = b"".join(len(der).to_bytes(3, "big") + der for der in ders)
    return handshake(11, len(entries).to_bytes(3, "big") + entries)


def client_hello_fields(data: bytes) -> tuple[int, int, list[int], bytes]:
    """(record version, client_version, suites, extensions block) of a ClientHello record."""
    record_version = int.from_bytes(data[1:3], "big")
    body = data[9:]
    client_version = int.from_bytes(body[:2], "big")
    position = 34 + 1 + body[34]
    count = int.from_bytes(body[position:position + 2], "big")
    suites = [int.from_bytes(body[position + 2 + i:position + 4 + i], "big") for i in range(0, count, 2)]
    position += 2 + count
    position += 1 + body[position]
    return record_version, client_version, suites, body[position:]


Peer = Callable[[bytes], BoundedStream]  # a stream whose peer sent the given bytes and closed


@pytest.fixture
def peer() -> Iterator[Peer]:
    """``peer(data)``: a BoundedStream whose peer sent ``data`` and closed."""
    kept: list[socket.socket] = []

    def send(sock: socket.socket, data: bytes) -> None:
        # In a thread: more than the socket buffer holds must not block the test. The reader
        # may give up first (an OSError here), as it should with a flood.
        with sock, contextlib.suppress(OSError):
            sock.sendall(data)

    def make(data: bytes) -> BoundedStream:
        ours, theirs = socket.socketpair()
        threading.Thread(target=send, args=(theirs, data), daemon=True).start()
        kept.append(ours)
        return BoundedStream(ours, Deadline(2))

    yield make
    for sock in kept:
        sock.close()


# --- ClientHello and parsing --------------------------------------------------------------------


def test_client_hello_layout_per_version() -> None:
    suites = tuple(SUITE_CODES[name] for name in ("TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"))
    record_version, client_version, offered, extensions = client_hello_fields(ClientHello(0x0300, suites).to_bytes())
    assert (record_version, client_version, extensions) == (0x0300, 0x0300, b"")  # SSLv3: no extensions
    assert offered == [*suites, 0x00FF]  # renegotiation signalled by SCSV instead
    data = ClientHello(0x0304, (0x1301,), (29, 23), "www.example.test", fallback=True).to_bytes()
    record_version, client_version, offered, extensions = client_hello_fields(data)
    assert (record_version, client_version, offered) == (0x0301, 0x0303, [0x1301, 0x5600])
    assert b"www.example.test" in extensions and b"\x00\x2b\x00\x03\x02\x03\x04" in extensions  # supported_versions


def test_hello_retry_request_and_tls13_versions_are_recognised() -> None:
    extensions = struct.pack(">HHH", 43, 2, 0x0304) + struct.pack(">HHH", 51, 2, 0x11EC)
    flight = parse_server_hello(server_hello(0x0303, 0x1301, extensions=extensions, random=HELLO_RETRY_RANDOM)[4:])
    assert (flight.version, flight.cipher, flight.group, flight.retry) == (0x0304, 0x1301, 0x11EC, True)


def test_a_tls12_flight_split_across_records(peer: Peer) -> None:
    curve = handshake(12, b"\x03\x00\x1d" + b"\x20" + b"\x00" * 32)
    messages = (server_hello(0x0303, SUITE_CODES["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
                             extensions=struct.pack(">HH", 0xFF01, 1) + b"\x00")
                + certificate(LEGACY_DER) + curve + handshake(14, b""))
    stream = peer(record(22, messages[:7]) + record(22, messages[7:300]) + record(22, messages[300:]))
    flight = read_flight(stream)
    assert flight.version == 0x0303 and flight.group == 29 and flight.certificates == [LEGACY_DER]
    assert 0xFF01 in flight.extensions


def test_dhe_prime_size_is_read_from_the_key_exchange(peer: Peer) -> None:
    prime = b"\xff" * 128  # 1024 bits
    dh = handshake(12, struct.pack(">H", len(prime)) + prime + b"\x00\x01\x02" + b"\x00\x01\x05")
    hello = server_hello(0x0303, SUITE_CODES["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"])
    stream = peer(record(22, hello + dh + handshake(14, b"")))
    assert read_flight(stream).dh_bits == 1024


@pytest.mark.parametrize("data, error, text", [
    (record(21, b"\x02\x46"), Alert, "alert 70"),
    (b"", PeerClosed, "without answering"),
    (b"HTTP/1.1 400 Bad Request\r\n\r\n", NotTls, "not TLS"),
    (record(22, b"\x02\x00\x00"), ProtocolError, "closed the connection in the middle"),
    (struct.pack(">BHH", 22, 0x0303, 0x5000), ProtocolError, "exceeds the TLS maximum"),
    (record(23, b"\x00" * 10), ProtocolError, "unexpected record type 23"),
    (record(22, handshake(2, server_hello(0x0303, 0x002F)[4:24])), ProtocolError, "truncated ServerHello"),
])
def test_every_bad_answer_is_a_clear_exception(peer: Peer, data: bytes, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text):
        read_flight(peer(data))


def test_a_non_tls_answer_keeps_its_first_bytes_as_evidence(peer: Peer) -> None:
    with pytest.raises(NotTls) as caught:
        read_flight(peer(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"))
    assert caught.value.sample == b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"


def test_a_flood_of_handshake_bytes_stops_at_the_limit(peer: Peer) -> None:
    endless = record(22, b"\x02\xff\xff\xff" + b"\x00" * 16000) + record(22, b"\x00" * 16384) * 20
    with pytest.raises(ProtocolError, match=f"more than {MAX_FLIGHT_BYTES} bytes"):
        read_flight(peer(endless))


def test_suite_table_is_consistent() -> None:
    assert len(CIPHER_SUITES) > 250 and len(set(CIPHER_SUITES.values())) == len(CIPHER_SUITES)
    assert suite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256").forward_secret
    assert suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA").bits == 112 and not suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA").insecure
    assert all(suite(name).insecure for name in ("TLS_RSA_WITH_NULL_SHA", "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
                                                 "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_RC4_128_SHA"))
    assert suite("TLS_DHE_PSK_WITH_AES_128_CCM").key_exchange == "DHE_PSK"


# --- hostile servers ----------------------------------------------------------------------------


class Server:
    """A loopback server running ``handler(connection)`` for every connection, in threads."""

    def __init__(self, handler: Callable[[socket.socket], None]):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handler = handler
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            with contextlib.suppress(OSError):
                self.handler(connection)

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()


Serve = Callable[[Callable[[socket.socket], None]], Server]  # starts a loopback server running a handler


@pytest.fixture
def serve() -> Iterator[Serve]:
    servers: list[Server] = []

    def start(handler: Callable[[socket.socket], None]) -> Server:
        servers.append(Server(handler))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def read_hello(connection: socket.socket) -> bytes:
    header = connection.recv(5, socket.MSG_WAITALL)
    return header + connection.recv(int.from_bytes(header[3:5], "big"), socket.MSG_WAITALL)


def sslv3_only(connection: socket.socket) -> None:
    """Answers SSLv3 hellos with RC4-SHA or 3DES (the first of them offered) and a certificate; refuses the rest."""
    _, client_version, offered, _ = client_hello_fields(read_hello(connection))
    choice = next((code for code in offered if code in (0x0005, 0x000A)), None)
    if client_version != 0x0300:
        connection.sendall(record(21, b"\x02\x46", 0x0300))  # protocol_version
    elif choice is None:
        connection.sendall(record(21, b"\x02\x28", 0x0300))  # handshake_failure
    else:
        flight = server_hello(0x0300, choice) + certificate(LEGACY_DER) + handshake(14, b"")
        connection.sendall(record(22, flight, 0x0300))
    connection.recv(1)


def scan(port: int, limiter: HostLimiter | None = None, **options: Any) -> EndpointFacts:
    """The endpoint facts of one port, collected as a run does; they survive a snapshot's JSON unchanged."""
    values = {**TlsCollector.options, "ports": [], "http_ports": [], "handshake_timeout": 1, "endpoint_timeout": 10,
              **options}
    target = Target(name=f"127.0.0.1:{port}", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(port,))
    env = CollectEnv(target=target, host=None, options=values, timeout=10, limiter=limiter or HostLimiter(2))
    facts = TlsCollector().collect(env)
    assert facts_from_json(TlsFacts, json.loads(json.dumps(facts_to_json(facts)))) == facts
    return facts.endpoints[0]


def problems(endpoint: EndpointFacts, check_id: str = "tls.protocols") -> tuple[list[Finding], list[str]]:
    check = default_registry().checks[check_id]
    ctx = CheckContext(check=check, target=Target(name="t", kind=TargetKind.NETWORK, address="127.0.0.1"),
                       options=dict(check.options), severity=check.severity, today=dt.date(2026, 11, 24),
                       policies={"tls": load_policy("tls", "mozilla-intermediate")})
    facts = TlsFacts(address="127.0.0.1", sni=None, ca_bundle=None, trust_store=None, endpoints=(endpoint,),
                     http_redirects=())
    findings = check().judge(testkit.fact_set(facts), ctx)
    return findings, ctx.problems


def test_sslv3_is_found_with_a_raw_hello_and_its_chain_read_from_the_wire(serve: Serve) -> None:
    endpoint = scan(serve(sslv3_only).port)
    assert isinstance(endpoint, TlsEndpoint) and endpoint.state == "tls"
    assert {name: fact.state for name, fact in endpoint.protocols.items()} == {
        "SSLv3": "accepted", "TLSv1.0": "rejected", "TLSv1.1": "rejected", "TLSv1.2": "rejected", "TLSv1.3": "rejected"}
    sslv3 = endpoint.protocols["SSLv3"]
    assert isinstance(sslv3, AcceptedVersion)
    assert sslv3.ciphers == ("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_RC4_128_SHA")
    assert endpoint.protocols["TLSv1.0"].detail == "alert protocol_version"
    assert endpoint.certificates[0].certificates[0].key == "RSA 1024"
    findings, issues = problems(endpoint)
    assert [(f.resource, f.severity.value) for f in findings] == [(f"tcp/{endpoint.port}:protocol/SSLv3", "high")]
    assert issues == []
    findings, _ = problems(endpoint, "tls.cipher-suites")
    assert {f.resource.split(":")[1]: f.severity.value for f in findings} == {
        "cipher/TLS_RSA_WITH_3DES_EDE_CBC_SHA": "medium", "cipher/TLS_RSA_WITH_RC4_128_SHA": "high"}


def banner(connection: socket.socket) -> None:
    connection.sendall(b"SSH-2.0-OpenSSH_9.2p1 <script>x</script>\r\n")
    connection.recv(1024)


def garbage(connection: socket.socket) -> None:
    connection.recv(1024)
    connection.sendall(bytes(range(256)))


def reset(connection: socket.socket) -> None:
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def silent(connection: socket.socket) -> None:
    connection.recv(65536)
    connection.recv(1)  # never answers; the client gives up first


def tls_flood(connection: socket.socket) -> None:
    connection.recv(65536)
    connection.sendall(record(22, b"\x02\xff\xff\xff" + b"\x00" * 16000))
    for _ in range(40):
        connection.sendall(record(22, b"\x00" * 16384))


@pytest.mark.parametrize("handler, state, problem", [
    (banner, "other-service", None),
    (garbage, "not-tls", "does not speak TLS (answered '\\x00\\x01\\x02"),
    (reset, "reset", "reset: connection reset"),
    (silent, "timeout", "timed out (no answer within 1 s)"),
    (tls_flood, "error", "error: the server sent more than"),
])
def test_hostile_ports_end_in_a_clear_state_within_the_timeout(
    serve: Serve, handler: Callable[[socket.socket], None], state: str, problem: str | None
) -> None:
    endpoint = scan(serve(handler).port)
    assert endpoint.state == state
    assert endpoint.connections == 1  # one attempt told enough: no further probing of a broken port
    if problem is None:  # another service: noted, not an error
        assert isinstance(endpoint, ForeignEndpoint)
        assert endpoint.sample.startswith("SSH-2.0-OpenSSH_9.2p1 <script>x</script>")
        with pytest.raises(Exception, match="no TLS endpoint"):
            problems(endpoint)
    else:
        assert problems(endpoint)[1][0].startswith(f"tcp/{endpoint.port} {problem}")


def test_a_closed_port_named_for_the_target_is_an_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        endpoint = scan(port)
    assert endpoint.state == "closed"
    assert problems(endpoint)[1] == [f"tcp/{port} closed"]


class CountingLimiter(HostLimiter):
    """The real per-host limiter, also recording the most connections held at once."""

    def __init__(self, per_host: int):
        super().__init__(per_host)
        self.active = self.peak = 0
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def slot(self, address: str) -> Iterator[None]:
        with super().slot(address):
            with self.lock:
                self.active += 1
                self.peak = max(self.peak, self.active)
            try:
                yield
            finally:
                with self.lock:
                    self.active -= 1


@pytest.mark.parametrize("per_endpoint, per_host, most", [(1, 4, 1), (3, 2, 2), (3, 4, 3)])
def test_connections_stay_within_both_limits(serve: Serve, per_endpoint: int, per_host: int, most: int) -> None:
    limiter = CountingLimiter(per_host)
    endpoint = scan(serve(sslv3_only).port, per_endpoint_connections=per_endpoint, limiter=limiter)
    assert isinstance(endpoint, TlsEndpoint)
    assert 1 <= limiter.peak <= most and endpoint.connections >= 6
    assert VERSIONS.keys() == endpoint.protocols.keys()
