"""Certificate names against real ``openssl s_server`` on loopback, through the CLI.

One server's certificate names only www.example.test (and, for SNI files.example.test, serves a
second certificate covering that name); the other's also carries the IP entry 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.services_lab import OPENSSL
from testkit.tls_lab import NAME, Pki, TlsLab

pytestmark = pytest.mark.integration
ADDRESS = "127.0.0.1"


def audit(directory: Path, *targets: str, inventory: Path | None = None, **tls: Any) -> dict[str, Any]:
    """``auditor run`` with a profile selecting the TLS checks; returns the snapshot."""
    options = {"ports": [], "http_ports": [], **tls}
    profile = directory / "profile.yaml"
    profile.write_text("name: tls-names\nextends: baseline\nselect: ['tls.*']\ncollectors:\n"
                       "  discovery: {enabled: false}\n  tls:\n"
                       + "".join(f"    {key}: {json.dumps(value)}\n" for key, value in options.items()))
    out = directory / "out"
    argv = [sys.executable, "-m", "auditor", "run", *targets, "--profile", str(profile), "--out", str(out)]
    argv += ["--inventory", str(inventory)] if inventory else []
    process = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=directory)
    assert process.returncode in (0, 1, 2), process.stderr
    snapshot: dict[str, Any] = json.loads((out / "snapshot.json").read_text())
    return snapshot


def results(snapshot: dict[str, Any], target: str) -> dict[str, dict[str, Any]]:
    return {r["check_id"]: r for r in snapshot["results"] if r["target"] == target}


def resources(snapshot: dict[str, Any], port: int) -> dict[str, str]:
    return {f["resource"].removeprefix(f"tcp/{port}:"): f["severity"] for f in snapshot["findings"]
            if f["resource"].startswith(f"tcp/{port}:") and f["check_id"] == "tls.certificate-name"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if OPENSSL is None:
        pytest.skip("openssl is needed")
    root = tmp_path_factory.mktemp("tls-names")
    pki = Pki(root / "pki")
    lab = TlsLab(root / "daemons")
    try:
        files_chain, files_key = pki.leaf("files", "files.example.test")
        yield {
            "pki": pki,
            "names_only": lab.s_server(ADDRESS, *pki.leaf("names-only", names=(NAME,)), "-servername",
                                       "files.example.test", "-cert2", str(files_chain), "-key2", str(files_key)),
            "with_ip": lab.s_server(ADDRESS, *pki.leaf("with-ip", names=(NAME, ADDRESS))),
        }
    finally:
        lab.stop()


def test_an_address_target_whose_certificate_lacks_the_address_is_a_mismatch(
        servers: dict[str, Any], tmp_path: Path) -> None:
    port = servers["names_only"].port
    target = f"{ADDRESS}:{port}"
    snapshot = audit(tmp_path, target, sni=None, ca_bundle=str(servers["pki"].root_file))
    assert resources(snapshot, port) == {"cert/name": "high"}
    finding = next(f for f in snapshot["findings"] if f["resource"] == f"tcp/{port}:cert/name")
    assert finding["evidence"]["expected"] == ADDRESS and "the address 127.0.0.1" in finding["message"]
    assert results(snapshot, target)["tls.certificate-trust"]["status"] == "pass"  # trust is judged apart


def test_an_address_target_with_an_ip_entry_passes(servers: dict[str, Any], tmp_path: Path) -> None:
    port = servers["with_ip"].port
    target = f"{ADDRESS}:{port}"
    snapshot = audit(tmp_path, target, sni=None, ca_bundle=str(servers["pki"].root_file))
    checked = results(snapshot, target)["tls.certificate-name"]
    assert checked["status"] == "pass" and checked["details"][f"tcp/{port}"] == f"matched {ADDRESS}"


def test_the_inventory_host_name_is_the_sni_and_each_alias_is_asked_for(
        servers: dict[str, Any], tmp_path: Path) -> None:
    port = servers["names_only"].port
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(f"hosts:\n  - name: {NAME}\n    address: {ADDRESS}\n    ports: [{port}]\n"
                         "    aliases: [files.example.test, data.example.test]\n")
    snapshot = audit(tmp_path, inventory=inventory, sni=None, ca_bundle=str(servers["pki"].root_file))
    tls = snapshot["facts"][NAME]["tls"]["value"]
    assert tls["sni"] == NAME
    # s_server answers files.example.test with its second certificate, anything else with the first
    assert resources(snapshot, port) == {"cert/name/data.example.test": "high"}
    assert results(snapshot, NAME)["tls.certificate-name"]["details"][f"tcp/{port}"] == (
        f"matched {NAME}, files.example.test, data.example.test")
