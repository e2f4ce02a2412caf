"""The TLS vulnerability probes over real sockets: vulnerable answers from the replay server, sound ones from openssl.

Heartbleed, CCS injection and ROBOT cannot be shown by Debian's OpenSSL 3, so testkit's
``tls_replay`` answers as a vulnerable server would; the not-vulnerable cases are real
``openssl s_server`` processes. Client-initiated renegotiation is real on both sides:
``s_server -client_renegotiation`` honours it, the default refuses it.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from auditor.checks.tls.enumeration import VersionScan
from auditor.checks.tls.facts import VulnerabilityProbe
from auditor.checks.tls.names import SUITE_CODES
from auditor.checks.tls.probe import Endpoint
from auditor.checks.tls.renegotiation import client_renegotiation
from auditor.checks.tls.scan import scan_endpoint
from auditor.checks.tls.tls12 import prf
from auditor.checks.tls.vulns import ccs_injection, heartbleed, robot, scan_vulnerabilities
from auditor.checks.tls.wire import TLS12
from auditor.facts import facts_to_json
from auditor.net.connections import HostLimiter
from testkit.services_lab import OPENSSL
from testkit.tls_lab import NAME, Pki, TlsLab, new_key
from testkit.tls_replay import SECRET_MARKER, ReplayServer

pytestmark = pytest.mark.integration
ADDRESS = "127.0.0.1"
RSA_AES128_SHA = SUITE_CODES["TLS_RSA_WITH_AES_128_CBC_SHA"]
ECDHE_RSA_GCM = SUITE_CODES["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]


def endpoint(port: int, timeout: float = 5) -> Endpoint:
    return Endpoint(ADDRESS, port, NAME, HostLimiter(4), 3, timeout, 60)


@pytest.fixture(scope="module")
def openssl_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if OPENSSL is None:
        pytest.skip("openssl is needed")
    root = tmp_path_factory.mktemp("tls-vulns")
    pki = Pki(root / "pki")
    lab = TlsLab(root / "daemons")
    rsa = pki.leaf("rsa", key=new_key("rsa", 2048))
    ciphers = "AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256"
    try:
        yield {"pki": pki,
               "refuses": lab.s_server(ADDRESS, *rsa, "-cipher", ciphers).port,
               "honours": lab.s_server(ADDRESS, *rsa, "-cipher", ciphers, "-client_renegotiation").port,
               "rsa_cbc_honours": lab.s_server(ADDRESS, *rsa, "-cipher", "AES128-SHA", "-client_renegotiation").port,
               "rsa_cbc_refuses": lab.s_server(ADDRESS, *rsa, "-cipher", "AES256-SHA").port,
               "chacha_honours": lab.s_server(ADDRESS, *rsa, "-cipher", "ECDHE-RSA-CHACHA20-POLY1305",
                                              "-client_renegotiation").port,
               "chacha_refuses": lab.s_server(ADDRESS, *rsa, "-cipher", "ECDHE-RSA-CHACHA20-POLY1305").port}
    finally:
        lab.stop()


@pytest.fixture()
def replay(request: pytest.FixtureRequest) -> Iterator[ReplayServer]:
    server = ReplayServer(request.param).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("replay", ["heartbleed"], indirect=True)
def test_heartbleed_is_found_and_the_leaked_bytes_are_not_kept(replay: ReplayServer) -> None:
    probe = heartbleed(endpoint(replay.port), TLS12, [RSA_AES128_SHA])
    assert probe.state == "vulnerable" and "discarded" in probe.detail
    assert SECRET_MARKER.decode() not in json.dumps(facts_to_json(probe))


@pytest.mark.parametrize("replay", ["heartbleed-patched"], indirect=True)
def test_a_server_that_drops_the_overlong_heartbeat_is_not_vulnerable(replay: ReplayServer) -> None:
    started = time.monotonic()
    probe = heartbleed(endpoint(replay.port), TLS12, [RSA_AES128_SHA])
    assert probe == VulnerabilityProbe("not-vulnerable", "a heartbeat request longer than its record got closed the "
                                                         "connection, no heartbeat answer")
    assert time.monotonic() - started < 2  # the close_notify behind it: no waiting for a timeout


@pytest.mark.parametrize("replay", ["silent"], indirect=True)
def test_a_silent_server_is_inconclusive_never_not_vulnerable(replay: ReplayServer) -> None:
    for probe in (ccs_injection(endpoint(replay.port, timeout=1), TLS12, [RSA_AES128_SHA]),
                  robot(endpoint(replay.port, timeout=1), TLS12, [RSA_AES128_SHA])):
        assert probe.state == "inconclusive", probe


@pytest.mark.parametrize("replay", ["ccs"], indirect=True)
def test_ccs_injection_is_found(replay: ReplayServer) -> None:
    probe = ccs_injection(endpoint(replay.port), TLS12, [RSA_AES128_SHA])
    assert probe.state == "vulnerable" and "bad_record_mac" in probe.detail


@pytest.mark.parametrize("replay, oracle", [("robot-strong", "strong"), ("robot-weak", "weak")], indirect=["replay"])
def test_robot_oracles_are_found_and_rated(replay: ReplayServer, oracle: str) -> None:
    probe = robot(endpoint(replay.port), TLS12, [RSA_AES128_SHA])
    assert (probe.state, probe.oracle) == ("vulnerable", oracle), probe.detail


def test_openssl_is_not_vulnerable_to_any_probe(openssl_servers: dict[str, Any]) -> None:
    port = openssl_servers["refuses"]
    scans = {"TLSv1.2": VersionScan("TLSv1.2", "accepted", suites=[ECDHE_RSA_GCM, RSA_AES128_SHA])}
    found = scan_vulnerabilities(endpoint(port), scans)
    assert found.heartbleed.detail == "the server does not accept the heartbeat extension"
    assert found.ccs_injection.detail == "an early ChangeCipherSpec got alert unexpected_message"
    assert found.robot.detail == "all five malformed premaster secrets got alert bad_record_mac"
    assert found.client_renegotiation.detail == "the server refused the renegotiation: alert no_renegotiation"
    assert {probe.state for probe in (found.heartbleed, found.ccs_injection, found.robot,
                                      found.client_renegotiation)} == {"not-vulnerable"}


def test_client_initiated_renegotiation_honoured_by_s_server(openssl_servers: dict[str, Any]) -> None:
    scans = {"TLSv1.2": VersionScan("TLSv1.2", "accepted", suites=[ECDHE_RSA_GCM])}
    probe = client_renegotiation(endpoint(openssl_servers["honours"]), scans)
    assert probe.state == "vulnerable" and "ServerHello" in probe.detail


@pytest.mark.parametrize("server, state", [("rsa_cbc_honours", "vulnerable"), ("rsa_cbc_refuses", "not-vulnerable")])
def test_renegotiation_over_rsa_key_exchange_and_cbc(openssl_servers: dict[str, Any], server: str, state: str) -> None:
    scans = {"TLSv1.2": VersionScan("TLSv1.2", "accepted", suites=[RSA_AES128_SHA, SUITE_CODES[
        "TLS_RSA_WITH_AES_256_CBC_SHA"]])}
    probe = client_renegotiation(endpoint(openssl_servers[server]), scans)
    assert probe.state == state, probe.detail


@pytest.mark.parametrize("server, state", [("chacha_honours", "vulnerable"), ("chacha_refuses", "not-vulnerable")])
def test_renegotiation_over_chacha20_poly1305(openssl_servers: dict[str, Any], server: str, state: str) -> None:
    scans = {"TLSv1.2": VersionScan("TLSv1.2", "accepted",
                                    suites=[SUITE_CODES["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"]])}
    probe = client_renegotiation(endpoint(openssl_servers[server]), scans)
    assert probe.state == state, probe.detail
    # Either answer came in a record only the ChaCha20-Poly1305 keys open.
    assert ("ServerHello" if state == "vulnerable" else "alert no_renegotiation") in probe.detail


def test_what_the_protocol_scan_settles_needs_no_probe() -> None:
    only13 = scan_vulnerabilities(endpoint(1), {"TLSv1.2": VersionScan("TLSv1.2", "rejected"),
                                                "TLSv1.3": VersionScan("TLSv1.3", "accepted", suites=[0x1301])})
    assert only13.robot.detail == "no protocol version below TLS 1.3 is accepted"
    triple_des = SUITE_CODES["TLS_RSA_WITH_3DES_EDE_CBC_SHA"]
    unspoken = client_renegotiation(endpoint(1), {"TLSv1.2": VersionScan("TLSv1.2", "accepted", suites=[triple_des])})
    assert unspoken.state == "inconclusive" and "none is accepted" in unspoken.detail


def test_the_tls12_prf_matches_a_published_vector() -> None:
    # The TLS 1.2 PRF (SHA-256) test vector published on the IETF TLS list (and used by many implementations).
    secret = bytes.fromhex("9bbe436ba940f017b17652849a71db35")
    seed = bytes.fromhex("a0ba9f936cda311827a6f796ffd5198c")
    expected = bytes.fromhex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
                             "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5"
                             "a72e5a5110fff70187347b66")
    assert prf("sha256", secret, b"test label", seed, len(expected)) == expected


def test_the_whole_scan_records_the_probes(openssl_servers: dict[str, Any], tmp_path: Path) -> None:
    facts = scan_endpoint(endpoint(openssl_servers["honours"]), (openssl_servers["pki"].root.cert,),
                          origin="target", http_extras_wanted=False)
    assert facts.vulnerabilities is not None  # type: ignore[union-attr]
    assert facts.vulnerabilities.client_renegotiation.state == "vulnerable"  # type: ignore[union-attr]
    assert facts.vulnerabilities.robot.state == "not-vulnerable"  # type: ignore[union-attr]


@pytest.mark.parametrize("replay", ["ccs"], indirect=True)
def test_waiting_for_a_connection_slot_does_not_eat_the_answer_time(replay: ReplayServer) -> None:
    limiter = HostLimiter(1)
    held = threading.Event()

    def hold() -> None:
        with limiter.slot(ADDRESS):
            held.set()
            time.sleep(1.5)  # longer than the probe's timeout

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    probe = ccs_injection(Endpoint(ADDRESS, replay.port, NAME, limiter, 1, 1, 60), TLS12, [RSA_AES128_SHA])
    holder.join()
    assert probe.state == "vulnerable", probe


@pytest.mark.parametrize("replay", ["robot-strong"], indirect=True)
def test_the_replay_server_completes_a_real_handshake(replay: ReplayServer) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("AES128-SHA:@SECLEVEL=0")
    with socket.create_connection((ADDRESS, replay.port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname=NAME) as tls:
        assert tls.cipher()[0] == "AES128-SHA"  # a scanner that connects first (sslyze) gets a working server
