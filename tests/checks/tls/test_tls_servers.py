"""The TLS audit against real nginx and openssl s_server on loopback, end to end through the CLI.

Certificates come from tls_lab's PKI, generated for this run with cryptography: a modern site
(Mozilla intermediate, private CA), a legacy one (TLS 1.0/1.1, RSA 1024, SHA-1, expired,
self-signed), a name mismatch, an incomplete chain, a TLS 1.3-only server and a certificate
whose names carry markup and control characters.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import testkit
from testkit.services_lab import NGINX, OPENSSL, pick_port
from testkit.tls_lab import NAME, Pki, TlsLab, TlsSite

pytestmark = pytest.mark.integration
ADDRESS = "127.0.0.1"
NMAP_FIXTURE = testkit.FIXTURES / "nmap" / "version-light-ssl.xml"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if NGINX is None or OPENSSL is None:
        pytest.skip("nginx and openssl are needed")
    root = tmp_path_factory.mktemp("tls-lab")
    pki = Pki(root / "pki")
    lab = TlsLab(root / "daemons")
    try:
        http_redirect, http_plain = pick_port(ADDRESS), pick_port(ADDRESS)
        legacy_chain, legacy_key = pki.legacy()
        modern_chain, modern_key = pki.leaf("modern")
        yield {
            "pki": pki,
            "modern": lab.nginx_tls(ADDRESS, TlsSite(modern_chain, modern_key,
                                                     ocsp_response=pki.ocsp_response(modern_chain)),
                                    http_port=http_redirect),
            "http_redirect": http_redirect,
            "legacy": lab.nginx_tls(ADDRESS, TlsSite(legacy_chain, legacy_key, protocols="TLSv1 TLSv1.1 TLSv1.2",
                                                     ciphers="ALL:@SECLEVEL=0", curves="auto", hsts="",
                                                     security_txt=""),
                                    http_port=http_plain, redirect=False),
            "http_plain": http_plain,
            "mismatch": lab.nginx_tls(ADDRESS, TlsSite(*pki.leaf("mismatch", "other.example.test"))),
            "incomplete": lab.nginx_tls(ADDRESS, TlsSite(*pki.leaf("incomplete", chain=False))),
            "tls13": lab.s_server(ADDRESS, *pki.leaf("tls13"), "-tls1_3"),
            "markup": lab.nginx_tls(ADDRESS, TlsSite(*pki.leaf("markup", "<script>alert('cn')</script>\x1b[31m",
                                                               names=("<img src=x onerror=alert(1)>.example.test",)))),
        }
    finally:
        lab.stop()


def write_profile(directory: Path, base: str = "baseline", **tls: Any) -> Path:
    options = {"ports": [], "http_ports": [], "sni": NAME, **tls}
    lines = [f"name: tls-test\nextends: {base}\nselect: ['tls.*']\n"
             "collectors:\n  discovery: {enabled: false}\n  tls:"]
    lines += [f"    {key}: {json.dumps(value)}" for key, value in options.items()]
    path = directory / "profile.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def audit(directory: Path, *targets: str, base: str = "baseline", inventory: Path | None = None,
          **tls: Any) -> tuple[int, dict[str, Any], Path]:
    """``auditor run`` as a user runs it; returns exit code, snapshot and the output directory."""
    out = directory / "out"
    argv = [sys.executable, "-m", "auditor", "run", *targets, "--profile", str(write_profile(directory, base, **tls)),
            "--out", str(out)]
    if inventory is not None:
        argv += ["--inventory", str(inventory)]
    process = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=directory)  # not the repo root
    assert process.returncode in (0, 1, 2), process.stderr
    return process.returncode, json.loads((out / "snapshot.json").read_text()), out


def results(snapshot: dict[str, Any], target: str) -> dict[str, dict[str, Any]]:
    return {r["check_id"]: r for r in snapshot["results"] if r["target"] == target}


def resources(snapshot: dict[str, Any], port: int) -> dict[str, str]:
    prefix = f"tcp/{port}:"
    return {f["resource"][len(prefix):]: f["severity"] for f in snapshot["findings"]
            if f["resource"].startswith(prefix)}


def endpoint(snapshot: dict[str, Any], target: str, port: int) -> dict[str, Any]:
    tls = snapshot["facts"][target]["tls"]["value"]
    return next(e for e in tls["endpoints"] if e["port"] == port)


def test_the_mozilla_intermediate_site_passes_with_its_private_ca(sites: dict[str, Any], tmp_path: Path) -> None:
    port = sites["modern"].port
    target = f"{ADDRESS}:{port}"
    code, snapshot, _ = audit(tmp_path, target, ca_bundle=str(sites["pki"].root_file),
                              http_ports=[sites["http_redirect"]])
    assert code == 0 and resources(snapshot, port) == {}
    checked = results(snapshot, target)
    assert {r["status"] for r in checked.values()} == {"pass"}
    assert checked["tls.grade"]["details"][f"tcp/{port}"].startswith("A+")
    facts = endpoint(snapshot, target, port)
    assert facts["protocols"]["TLSv1.2"]["ciphers"] == ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                                                        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                                                        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]
    assert facts["groups"]["groups"] == ["x25519", "secp256r1", "secp384r1"]
    assert facts["certificates"][0]["trust"]["trusted"] is True


def test_without_the_private_ca_the_same_site_is_untrusted_and_strict_wants_tls13_only(
    sites: dict[str, Any], tmp_path: Path
) -> None:
    port = sites["modern"].port
    code, snapshot, _ = audit(tmp_path, f"{ADDRESS}:{port}", base="strict")
    assert code == 1
    found = resources(snapshot, port)
    assert found["cert/trust"] == "high" and found["protocol/TLSv1.2"] == "low"
    assert found["cipher/TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] == "low"


def test_legacy_site_every_deviation_is_a_finding(sites: dict[str, Any], tmp_path: Path) -> None:
    port = sites["legacy"].port
    code, snapshot, _ = audit(tmp_path, f"{ADDRESS}:{port}", http_ports=[sites["http_plain"]])
    assert code == 1
    found = resources(snapshot, port)
    expected = {"protocol/TLSv1.0": "medium", "protocol/TLSv1.1": "medium", "cert/key": "medium",
                "cert/signature": "high", "cert/expiry": "high", "cert/self-signed": "high", "cert/trust": "high",
                "cert/eku": "low", "http/hsts": "medium", "http/security.txt": "low",
                "cipher/TLS_ECDH_anon_WITH_AES_128_CBC_SHA": "high", "cipher/TLS_RSA_WITH_AES_128_CBC_SHA": "medium",
                "group/secp521r1": "low"}
    assert expected.items() <= found.items()
    assert resources(snapshot, sites["http_plain"]) == {"http/redirect": "medium"}
    grade = results(snapshot, f"{ADDRESS}:{port}")["tls.grade"]["details"][f"tcp/{port}"]
    assert grade.startswith("T ")


@pytest.mark.parametrize("site, resource", [("mismatch", "cert/name"), ("incomplete", "cert/chain-incomplete")])
def test_name_mismatch_and_incomplete_chain(sites: dict[str, Any], tmp_path: Path, site: str, resource: str) -> None:
    port = sites[site].port
    _, snapshot, _ = audit(tmp_path, f"{ADDRESS}:{port}", ca_bundle=str(sites["pki"].root_file))
    found = resources(snapshot, port)
    assert resource in found
    assert ("cert/trust" in found) == (site == "incomplete")


def test_a_tls13_only_server_gets_its_chain_from_a_full_handshake(sites: dict[str, Any], tmp_path: Path) -> None:
    port = sites["tls13"].port
    _code, snapshot, _ = audit(tmp_path, f"{ADDRESS}:{port}", ca_bundle=str(sites["pki"].root_file))
    facts = endpoint(snapshot, f"{ADDRESS}:{port}", port)
    assert [name for name, fact in facts["protocols"].items() if fact["state"] == "accepted"] == ["TLSv1.3"]
    assert facts["certificates"][0]["via"] == "full handshake" and len(facts["certificates"][0]["chain"]) == 2
    assert facts["secure_renegotiation"] is None and facts["fallback_scsv"]["supported"] is None
    found = resources(snapshot, port)
    assert "cert/trust" not in found and not any(r.startswith(("protocol/", "cipher/")) for r in found)


def test_hostile_names_are_kept_raw_in_the_snapshot_and_escaped_in_the_report(
    sites: dict[str, Any], tmp_path: Path
) -> None:
    port = sites["markup"].port
    _, snapshot, out = audit(tmp_path, f"{ADDRESS}:{port}", ca_bundle=str(sites["pki"].root_file))
    summary = endpoint(snapshot, f"{ADDRESS}:{port}", port)["certificates"][0]["certificates"][0]
    assert summary["common_names"] == ["<script>alert('cn')</script>\x1b[31m"]
    name = next(f for f in snapshot["findings"] if f["resource"] == f"tcp/{port}:cert/name")
    assert "<img src=x onerror=alert(1)>.example.test" in name["evidence"]["observed"]
    report = (out / "prevention.html").read_text()
    assert "<img src=x onerror" not in report and "&lt;img src=x onerror" in report


def stall(listener: socket.socket, stop: threading.Event) -> None:
    held = []
    while not stop.is_set():
        try:
            held.append(listener.accept()[0])  # accept and never answer
        except OSError:
            break
    for connection in held:
        connection.close()


def test_a_stalling_port_is_an_error_and_the_run_goes_on(sites: dict[str, Any], tmp_path: Path) -> None:
    listener = socket.create_server((ADDRESS, 0))
    stop = threading.Event()
    threading.Thread(target=stall, args=(listener, stop), daemon=True).start()
    stalled, modern = listener.getsockname()[1], sites["modern"].port
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"hosts:\n  - name: web01\n    address: {ADDRESS}\n    ports: [{modern}, {stalled}]\n")
    try:
        code, snapshot, _ = audit(tmp_path, inventory=inventory, ca_bundle=str(sites["pki"].root_file),
                                  handshake_timeout=1)
    finally:
        stop.set()
        listener.close()
    assert code == 2  # incomplete: an error takes precedence
    protocols = results(snapshot, "web01")["tls.protocols"]
    assert protocols["status"] == "error" and protocols["reason"] == f"tcp/{stalled} timed out (no answer within 1 s)"
    assert results(snapshot, "web01")["tls.grade"]["details"][f"tcp/{modern}"].startswith("A+")


def test_ports_discovery_marks_ssl_or_cannot_name_are_audited(sites: dict[str, Any], tmp_path: Path) -> None:
    port, unnamed = sites["modern"].port, sites["tls13"].port
    xml = (NMAP_FIXTURE.read_text().replace("127.77.200.2", ADDRESS).replace('portid="8443"', f'portid="{port}"')
           .replace('portid="16379"', f'portid="{unnamed}"').replace('name="redis"', 'name="unknown"'))
    (tmp_path / "scan.xml").write_text(xml)
    profile = write_profile(tmp_path, ca_bundle=str(sites["pki"].root_file))
    imported = f"discovery: {{import_xml: {tmp_path / 'scan.xml'}}}"
    profile.write_text(profile.read_text().replace("discovery: {enabled: false}", imported))
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "auditor", "run", ADDRESS, "--profile", str(profile), "--out", str(out)],
                   capture_output=True, timeout=300, check=False, cwd=tmp_path)
    snapshot = json.loads((out / "snapshot.json").read_text())
    tls = snapshot["facts"][ADDRESS]["tls"]["value"]
    found = {e["port"]: (e["origin"], e["state"]) for e in tls["endpoints"]}
    assert found == {port: ("discovered", "tls"), unnamed: ("probed", "tls")}
