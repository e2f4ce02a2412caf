"""The wire audit against hostile and broken servers: each ends as a clear error within the timeout.

The servers are small local socket servers (tests/conftest.py, ``hostile(behaviour)``) on
127.0.0.1; nothing else is contacted.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.check import CollectEnv
from auditor.checks.services.ports import PortCandidate
from auditor.checks.ssh_wire.client import (
    MSG_DISCONNECT,
    MSG_KEXINIT,
    encode_kexinit,
    encode_packet,
    ssh_string,
)
from auditor.checks.ssh_wire.collector import SshWireCollector, audit_port
from auditor.checks.ssh_wire.facts import KexInit, PortStatus, WirePort
from auditor.config.profile import load_profile
from auditor.errors import CollectError, FactsUnavailable
from auditor.models import Status, Target, TargetKind
from auditor.registry import default_registry
from auditor.runner import Runner

# What a hostile server does with a connection, and the fixture that starts one (tests/conftest.py).
Behaviour = Callable[[socket.socket, threading.Event], None]
Hostile = Callable[[Behaviour], Any]
BANNER = b"SSH-2.0-Hostile_1.0\r\n"
TIMEOUT, CONNECT_TIMEOUT = 2.0, 0.5
# A KEXINIT paramiko could negotiate with, so the second connection gets as far as the server lets it.
PLAUSIBLE_KEXINIT = encode_kexinit(KexInit(
    kex_algorithms=("curve25519-sha256@libssh.org",),
    server_host_key_algorithms=("ssh-ed25519",),
    encryption_client_to_server=("aes128-ctr",), encryption_server_to_client=("aes128-ctr",),
    mac_client_to_server=("hmac-sha2-256",), mac_server_to_client=("hmac-sha2-256",),
    compression_client_to_server=("none",), compression_server_to_client=("none",),
    languages_client_to_server=(), languages_server_to_client=(),
))


def env_for(port: int, ssh_target: bool = False, **options: object) -> CollectEnv:
    """A HOST:PORT target, or with ``ssh_target`` an ssh:// one (where SSH is what must answer)."""
    if ssh_target:
        target = Target(name=f"ssh://127.0.0.1:{port}", kind=TargetKind.SSH, address="127.0.0.1", port=port)
    else:
        target = Target(name=f"127.0.0.1:{port}", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(port,))
    return CollectEnv(target=target, host=None, options={**SshWireCollector.options, "ports": [], **options},
                      timeout=TIMEOUT, connect_timeout=CONNECT_TIMEOUT)


def probe(port: int, origin: str = "target") -> tuple[WirePort, float]:
    started = time.monotonic()
    facts = audit_port(env_for(port), PortCandidate(port, origin))
    return facts, time.monotonic() - started


def sends(data: bytes, then_wait: bool = True) -> Behaviour:
    """A behaviour: send ``data``, then hold the connection open (or close it)."""
    def behaviour(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(data)
        if then_wait:
            stop.wait(10)
    return behaviour


def silent(connection: socket.socket, stop: threading.Event) -> None:
    stop.wait(10)


def closes(connection: socket.socket, stop: threading.Event) -> None:
    pass


def http(connection: socket.socket, stop: threading.Event) -> None:
    connection.recv(1024)  # our identification looks like a request line to it
    connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def truncated_kexinit() -> bytes:
    return encode_packet(bytes([MSG_KEXINIT]) + b"\x00" * 16 + struct.pack(">I", 1000) + b"curve25519")


HOSTILE = [
    ("megabyte line", sends(b"A" * 1_000_000), "a line longer than 255 bytes instead of an SSH identification"),
    ("endless short lines", sends(b"please wait\r\n" * 100_000), "no SSH identification within the first 8192 bytes"),
    ("never answers", silent, "no SSH identification within 1 s (not an SSH server, or a tarpit)"),
    ("closes at once", closes, "connection closed before an SSH identification"),
    ("HTTP on the port", http, "connection closed before an SSH identification; it sent 'HTTP/1.1 400 Bad Request'"),
    ("binary garbage", sends(b"\x16\x03\x01\x00\xa5\x01\x00\x00\n"), "binary data instead of an SSH identification"),
    ("garbage after banner", sends(BANNER + b"this is not a binary packet\r\n"),
     "packet length 1952999795 exceeds the 35000-byte limit"),
    ("huge packet length", sends(BANNER + b"\xff\xff\xff\xff\x04"),
     "packet length 4294967295 exceeds the 35000-byte limit"),
    ("silent after banner", sends(BANNER), "no KEXINIT within 1 s"),
    ("wrong first message", sends(BANNER + encode_packet(b"\x63hello")), "expected KEXINIT, got message type 99"),
    ("truncated KEXINIT", sends(BANNER + truncated_kexinit()), "malformed KEXINIT: truncated"),
    ("binary name-list", sends(BANNER + encode_packet(bytes([MSG_KEXINIT]) + b"\x00" * 16 + ssh_string(b"a\x00b"))),
     "malformed KEXINIT: a name-list holds non-printable or non-ASCII bytes"),
    ("a thousand names", sends(BANNER + encode_packet(bytes([MSG_KEXINIT]) + b"\x00" * 16
                                                      + ssh_string(",".join(f"k{n}" for n in range(1000))))),
     "malformed KEXINIT: a name-list with empty, over-long or over 128 names"),
    ("disconnects", sends(BANNER + encode_packet(bytes([MSG_DISCONNECT]) + struct.pack(">I", 2)
                                                 + ssh_string("too many\x1b[31m connections") + ssh_string(""))),
     "server disconnected: too many?[31m connections (code 2)"),
    ("future protocol", sends(b"SSH-3.0-Future\r\n"), "unsupported SSH protocol version '3.0'"),
]


@pytest.mark.parametrize("name, behaviour, reason", HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_server_is_an_error_with_a_clear_reason_within_the_timeout(hostile: Hostile, name: str,
                                                                            behaviour: Behaviour, reason: str) -> None:
    """Where SSH must answer (a port discovery saw as SSH, an ssh:// target), anything else is an error."""
    port = hostile(behaviour).port
    facts, elapsed = probe(port, origin="discovered")
    assert (facts.status, facts.reason) == (PortStatus.ERROR, reason)
    assert elapsed < TIMEOUT + 1.0
    with pytest.raises(CollectError, match=f"^tcp/{port}: ") as raised:
        SshWireCollector().collect(env_for(port, ssh_target=True))
    assert not isinstance(raised.value, FactsUnavailable)


def test_another_service_on_a_declared_port_is_not_an_ssh_error(hostile: Hostile) -> None:
    """An inventory's ports list every service of a host: HTTP on one of them is not a broken SSH server."""
    port = hostile(http).port
    facts, _ = probe(port, origin="target")
    assert (facts.status, facts.reason) == (
        PortStatus.OTHER, "connection closed before an SSH identification; it sent 'HTTP/1.1 400 Bad Request'")
    with pytest.raises(FactsUnavailable, match=f"no SSH server found \\(tcp/{port}: connection closed"):
        SshWireCollector().collect(env_for(port))
    tarpit = hostile(sends(b"please wait\r\n" * 100_000)).port  # text, but never a service's answer
    assert probe(tarpit, origin="target")[0].status is PortStatus.ERROR


def test_pre_banner_lines_are_kept_bounded_and_printable(hostile: Hostile) -> None:
    lines = b"".join(b"Welcome \x1b[1m%d\r\n" % number for number in range(20))
    port = hostile(sends(lines + b"SSH-1.5-Ancient\r\n")).port
    facts, _ = probe(port)
    assert facts.status is PortStatus.OK and facts.protocol_version == "1.5" and facts.kexinit is None
    assert facts.pre_banner_lines == tuple(f"Welcome ?[1m{number}" for number in range(5))


def test_refused_default_port_is_closed_and_no_server_means_no_facts(hostile: Hostile, unused_port: int) -> None:
    port = hostile(closes).port
    unused = unused_port
    closed, _ = probe(unused, origin="default")
    assert (closed.status, closed.reason) == (PortStatus.CLOSED, "connection refused")
    refused, _ = probe(unused, origin="target")
    assert (refused.status, refused.reason) == (PortStatus.ERROR, "connection refused")
    env = env_for(port)
    defaults_only = CollectEnv(target=Target(name="127.0.0.1", kind=TargetKind.NETWORK, address="127.0.0.1"),
                               host=None, options={**env.options, "ports": [unused]}, timeout=TIMEOUT)
    with pytest.raises(FactsUnavailable, match=f"no SSH server found \\(tcp/{unused}: connection refused\\)"):
        SshWireCollector().collect(defaults_only)


def test_a_server_that_stops_after_kexinit_keeps_its_offer_and_says_what_is_unknown(hostile: Hostile) -> None:
    port = hostile(sends(BANNER + encode_packet(PLAUSIBLE_KEXINIT), then_wait=False)).port
    facts = SshWireCollector().collect(env_for(port)).ports[0]
    assert facts.status is PortStatus.OK and facts.banner == "SSH-2.0-Hostile_1.0"
    assert facts.kexinit is not None and facts.kexinit.kex_algorithms == ("curve25519-sha256@libssh.org",)
    assert facts.strict_kex is False
    assert facts.host_keys == ()
    assert facts.host_key_errors == ("ssh-ed25519: connection closed by the server during the key exchange",)
    assert facts.auth_methods is None and facts.auth_error.startswith("authentication methods unknown: ")


def test_the_run_completes_with_every_hostile_port_reported(hostile: Hostile, tmp_path: Path) -> None:
    ports = {name: hostile(behaviour).port for name, behaviour, _ in HOSTILE[:4]}
    half_open = hostile(sends(BANNER + encode_packet(PLAUSIBLE_KEXINIT), then_wait=False)).port
    profile_path = Path(tmp_path / "quick.yaml")
    profile_path.write_text("name: quick\nextends: baseline\nselect: ['ssh-wire.*']\n"
                            "timeouts: {connect: 1, command: 3, target: 30}\n"
                            # only the ports this test opened: no default port 22, no nmap discovery
                            "collectors: {ssh_wire: {ports: []}, discovery: {enabled: false}}\n")
    registry = default_registry()
    targets = [Target(name=f"127.0.0.1:{port}", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(port,))
               for port in [*ports.values(), half_open]]
    started = time.monotonic()
    run = Runner(registry, load_profile(str(profile_path), registry)).run(targets)
    assert time.monotonic() - started < 4 * (TIMEOUT + 1.0)  # concurrent targets, each bounded
    by_target = {(r.target, r.check_id): r for r in run.results}
    for (name, _, reason), port in zip(HOSTILE[:4], ports.values(), strict=True):
        result = by_target[(f"127.0.0.1:{port}", "ssh-wire.kex-algorithms")]
        assert (result.status, result.reason) == (Status.ERROR, f"tcp/{port}: {reason.replace('1 s', '2 s')}"), name
    half = {check: by_target[(f"127.0.0.1:{half_open}", check)] for check in
            ("ssh-wire.kex-algorithms", "ssh-wire.host-key-size", "ssh-wire.password-login")}
    assert half["ssh-wire.kex-algorithms"].status is Status.PASS  # curve25519 is ok under baseline
    assert half["ssh-wire.host-key-size"].status is Status.ERROR
    assert half["ssh-wire.host-key-size"].reason == (
        f"tcp/{half_open}: host key not read: ssh-ed25519: connection closed by the server during the key exchange")
    assert half["ssh-wire.password-login"].status is Status.ERROR
    assert half["ssh-wire.password-login"].reason.startswith(f"tcp/{half_open}: authentication methods unknown: ")
