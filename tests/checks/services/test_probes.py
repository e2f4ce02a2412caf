"""Service probes against scripted peers on 127.0.0.1: recorded API answers, garbage, silence, floods.

The daemons themselves (redis, rsync, nginx) are probed in test_services_integration.py;
here the peers replay what Docker, Elasticsearch, etcd, Jupyter, memcached and FTP servers
answer (bodies as their documentation shows them) and misbehave on purpose.
"""

import contextlib
import json
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from auditor.check import CollectEnv
from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort, DiscoveryFacts, ProbeResult
from auditor.checks.services.probe_base import ProbeTools
from auditor.checks.services.probes import Job, ProbeCollector, run_probe
from auditor.models import Target, TargetKind

HOST = "127.0.0.1"
TOOLS = ProbeTools(rsync="rsync", showmount="showmount", max_modules=20)
DOCKER_VERSION = {"Platform": {"Name": "Docker Engine - Community"}, "Version": "24.0.7", "ApiVersion": "1.43",
                  "MinAPIVersion": "1.12", "Os": "linux", "Arch": "amd64", "KernelVersion": "6.1.0-13-amd64"}
ES_ROOT = {"name": "es01", "cluster_name": "research", "cluster_uuid": "Xq3-abc",
           "version": {"number": "8.11.1", "build_flavor": "default"}, "tagline": "You Know, for Search"}
ETCD_VERSION = {"etcdserver": "3.5.9", "etcdcluster": "3.5.0"}
JUPYTER_STATUS = {"connections": 0, "kernels": 1, "last_activity": "2026-11-23T22:00:00Z",
                  "started": "2026-11-23T21:00:00Z"}


# A peer's side of one connection: (socket, the test's stop event).
Script = Callable[[socket.socket, threading.Event], object]
TcpPeer = Callable[[Script], int]
Routes = Mapping[str, tuple[int, object]]
HttpPeer = Callable[..., int]  # (routes, tls_dir=None) -> port


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def tcp_peer(stop: threading.Event) -> Iterator[TcpPeer]:
    """``tcp_peer(script)`` -> port; ``script(sock, stop)`` plays the server's side of each connection."""
    servers: list[socketserver.ThreadingTCPServer] = []

    def start(script: Script) -> int:
        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError):
                    script(self.request, stop)

        server = socketserver.ThreadingTCPServer((HOST, 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    stop.set()
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http_peer() -> Iterator[HttpPeer]:
    """``http_peer({path: (status, body)}, tls_dir=None)`` -> port of an HTTP(S) server replaying them."""
    servers: list[ThreadingHTTPServer] = []

    def start(routes: Routes, tls_dir: Path | None = None) -> int:
        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = routes.get(self.path, (404, {"message": "page not found"}))
                data = json.dumps(body).encode() if isinstance(body, (dict, list)) else str(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer((HOST, 0), Handler)
        if tls_dir is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls_dir / "cert.pem", tls_dir / "key.pem")
            server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def run(probe_name: str, port: int, service: str = "", tunnel: str = "", timeout: float = 2.0,
        tools: ProbeTools = TOOLS) -> ProbeResult:
    entry = DiscoveredPort(port, service=service, tunnel=tunnel)
    return run_probe(Job(probe_name, HOST, HOST, entry), timeout, tools)


def answer(data: bytes) -> Script:
    """A script that reads the client's request, then sends ``data``."""
    def script(sock: socket.socket, stop: threading.Event) -> None:
        sock.recv(64)
        sock.sendall(data)
    return script


def replies(*lines: bytes) -> Script:
    """A script that sends the greeting, then one reply per line the client sends."""
    def script(sock: socket.socket, stop: threading.Event) -> None:
        stream = sock.makefile("rb")
        sock.sendall(lines[0])
        for reply in lines[1:]:
            if not stream.readline():
                return
            sock.sendall(reply)
    return script


def test_docker_elasticsearch_etcd_and_jupyter_answers(http_peer: HttpPeer) -> None:
    port = http_peer({"/version": (200, DOCKER_VERSION)})
    result = run("docker", port, "docker")
    assert result.status == "open" and result.texts()["ApiVersion"] == "1.43" and result.texts()["Version"] == "24.0.7"
    result = run("elasticsearch", http_peer({"/": (200, ES_ROOT)}))
    assert result.status == "open" and result.texts()["version"] == "8.11.1"
    result = run("etcd", http_peer({"/version": (200, ETCD_VERSION)}))
    assert (result.status, result.texts()["etcdserver"]) == ("reachable", "3.5.9")
    result = run("jupyter", http_peer({"/api/status": (200, JUPYTER_STATUS)}))
    assert result.status == "open" and result.texts()["kernels"] == "1"


def test_credentials_demanded_or_another_service_are_not_findings(http_peer: HttpPeer) -> None:
    assert run("jupyter", http_peer({"/api/status": (403, {"message": "Forbidden"})})).status == "protected"
    assert run("elasticsearch", http_peer({"/": (401, {"error": "security_exception"})})).status == "protected"
    other = run("docker", http_peer({"/version": (200, {"hello": "world"})}))
    assert other.status == "absent" and other.reason == "no Docker Engine API here (HTTP 200)"
    kernels = run("jupyter", http_peer({"/api/kernels": (200, [{"id": "k1"}])}))
    assert kernels.status == "open" and kernels.evidence == {"path": "/api/kernels", "kernels": "1"}


def test_plain_http_that_fails_is_retried_over_tls(http_peer: HttpPeer, tmp_path: Path) -> None:
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", "/CN=lab.invalid", "-days", "2", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True)
    port = http_peer({"/version": (200, DOCKER_VERSION)}, tls_dir=tmp_path)
    assert run("docker", port, "docker").status == "open"  # nmap's table says docker; it is docker-s
    assert run("docker", port, "http", tunnel="ssl").status == "open"


def test_memcached_stats_and_ftp_logins(tcp_peer: TcpPeer) -> None:
    stats = b"STAT pid 7\r\nSTAT uptime 99\r\nSTAT version 1.6.21\r\nSTAT curr_items 3\r\nEND\r\n"
    result = run("memcached", tcp_peer(answer(stats)))
    assert result.status == "open" and result.evidence == {"version": "1.6.21", "curr_items": "3", "uptime": "99"}
    anonymous = tcp_peer(replies(b"220-Welcome to the data archive\r\n220 ready\r\n",
                                 b"331 Please specify the password.\r\n",
                                 b"230 Login successful.\r\n", b"221 Goodbye.\r\n"))
    result = run("ftp", anonymous)
    assert result.status == "open"
    assert result.evidence == {"banner": "220-Welcome to the data archive", "reply": "230 Login successful."}
    refused = tcp_peer(replies(b"220 (vsFTPd 3.0.3)\r\n", b"530 This FTP server does not allow anonymous logins.\r\n",
                               b"221 Goodbye.\r\n"))
    assert run("ftp", refused).status == "protected"


def test_garbage_silence_and_floods_end_in_errors_with_reasons(tcp_peer: TcpPeer) -> None:
    garbage = tcp_peer(answer(b"HTTP/1.1 400 Bad Request\r\n\r\n"))
    result = run("redis", garbage)
    assert (result.status, result.reason) == ("error", "not a Redis reply to PING: 'HTTP/1.1 400 Bad Request'")
    silent = tcp_peer(lambda sock, stop: stop.wait(10))
    started = time.monotonic()
    result = run("memcached", silent, timeout=0.5)
    assert (result.status, result.reason) == ("error", "no complete answer within 0.5 s")
    assert time.monotonic() - started < 2
    flood = tcp_peer(lambda sock, stop: sock.sendall(b"\x00" * 200_000))
    result = run("rsync", flood)
    assert result.status == "error" and "within 256 bytes" in result.reason
    binary = tcp_peer(lambda sock, stop: sock.sendall(b"\x1b[31m\x07evil\r\n"))
    result = run("ftp", binary)
    assert result.status == "error" and result.reason == "not an FTP reply: '[31m evil'"


def test_closed_port_and_missing_tools(tcp_peer: TcpPeer) -> None:
    port = tcp_peer(lambda sock, stop: None)
    result = run("nfs", port, tools=replace(TOOLS, showmount="no-such-showmount"))
    assert (result.status, result.reason) == (
        "not-assessable", "showmount not installed here (Debian package nfs-common)")
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        free = sock.getsockname()[1]
    assert run("redis", free).reason == "connection refused"


def test_the_collector_plans_from_discovery_and_one_bad_service_spoils_nothing(
        tcp_peer: TcpPeer, http_peer: HttpPeer) -> None:
    silent = tcp_peer(lambda sock, stop: stop.wait(10))
    docker = http_peer({"/version": (200, DOCKER_VERSION)})
    website = http_peer({"/": (200, "<html><head><title>Index of /</title></head><body></body></html>")})
    discovery = DiscoveryFacts(hosts=(DiscoveredHost(address="lab-host", ip=HOST, ports=(
        DiscoveredPort(silent, service="redis", method="probed"),
        DiscoveredPort(docker, service="docker", method="probed"),
        DiscoveredPort(website, service="http", method="table"),  # web content: the web area's
        DiscoveredPort(40000),
    )),))
    env = CollectEnv(target=Target("lab-host", TargetKind.NETWORK, "lab-host"), host=None,
                     options={**ProbeCollector.options, "timeout": 0.5}, timeout=5, fact=lambda name: discovery)
    results = {(r.probe, r.port): r for r in ProbeCollector().collect(env).results}
    assert set(results) == {("redis", silent), ("docker", docker)}
    assert results[("redis", silent)].status == "error"
    assert results[("docker", docker)].status == "open" and results[("docker", docker)].address == "lab-host"


def test_bodies_are_read_to_the_close_or_the_limit() -> None:
    from auditor.net.connections import BoundedStream, Deadline

    ours, theirs = socket.socketpair()
    theirs.sendall(b"x" * 10_000)
    theirs.close()
    stream = BoundedStream(ours, Deadline(2))
    assert stream.read_to_end(4096) == b"x" * 4096  # the limit, however much more there is
    assert len(stream.read_to_end(100_000)) == 10_000 - 4096  # then up to the close
    ours.close()
