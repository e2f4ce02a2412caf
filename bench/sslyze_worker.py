"""The sslyze side of bench/tls_vs_sslyze.py, run by sslyze's own Python (it pins its own cryptography).

Reads one JSON request on stdin: {"address", "name", "ca_file", "policy" (our Mozilla policy
data), "full": {label: port}, "vulns_only": {label: port}}; scans the ``full`` endpoints with
the scan commands sslyze's Mozilla checker needs and judges them with that checker against the
policy, scans the ``vulns_only`` endpoints with the four vulnerability commands only, and
prints one JSON answer: {"seconds", "endpoints": {label: {"issues": {category: [items]},
"vulns": {...}, "error": str}}}. Imports nothing from the auditor.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from sslyze import (
    CertificateInfoExtraArgument,
    ScanCommand,
    ScanCommandsExtraArguments,
    Scanner,
    ServerNetworkLocation,
    ServerScanRequest,
)
from sslyze.mozilla_tls_profile.tls_config_checker import (
    SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
    ServerNotCompliantWithTlsConfiguration,
    ServerScanResultIncomplete,
    TlsConfigurationAsJson,
    check_server_against_tls_configuration,
)

VERSIONS = {"TLSv1.0": "TLSv1"}  # sslyze and Mozilla write TLS 1.0 as "TLSv1"
FIELDS = {"SSLv3": "ssl_3_0_cipher_suites", "TLSv1": "tls_1_0_cipher_suites", "TLSv1.1": "tls_1_1_cipher_suites",
          "TLSv1.2": "tls_1_2_cipher_suites", "TLSv1.3": "tls_1_3_cipher_suites"}
VULN_COMMANDS = {ScanCommand.HEARTBLEED, ScanCommand.OPENSSL_CCS_INJECTION, ScanCommand.ROBOT,
                 ScanCommand.SESSION_RENEGOTIATION}


def configuration(policy: dict[str, Any]) -> TlsConfigurationAsJson:
    """Mozilla intermediate as sslyze's checker reads it, from the auditor's policy data."""
    curves = {"x25519": "X25519", "x448": "X448"}
    return TlsConfigurationAsJson(
        certificate_curves=set(policy["certificate_curves"]), certificate_signatures=set(policy["certificate_signatures"]),
        certificate_types=set(policy["certificate_types"]), ciphersuites=set(policy["ciphersuites"]),
        ciphers={"caddy": set(), "go": set(), "iana": set(policy["ciphers"]), "openssl": set()},
        dh_param_size=policy["dh_param_size"], ecdh_param_size=policy["ecdh_param_size"],
        hsts_min_age=policy["hsts_min_age"], maximum_certificate_lifespan=policy["maximum_certificate_lifespan"],
        ocsp_staple=policy["ocsp_staple"], recommended_certificate_lifespan=policy["recommended_certificate_lifespan"],
        rsa_key_size=policy["rsa_key_size"], server_preferred_order=policy["server_preferred_order"],
        tls_curves={curves.get(name, name) for name in policy["groups"]},
        tls_versions={VERSIONS.get(name, name) for name in policy["protocols"]})


def vulns(scan: Any) -> dict[str, Any]:
    """The four vulnerability verdicts (None where sslyze's command failed)."""
    def result(name: str) -> Any:
        attempt = getattr(scan, name)
        return attempt.result if attempt.status.name == "COMPLETED" else None

    heartbleed, ccs, robot, reneg = (result(name) for name in ("heartbleed", "openssl_ccs_injection", "robot",
                                                                "session_renegotiation"))
    return {
        "heartbleed": heartbleed.is_vulnerable_to_heartbleed if heartbleed else None,
        "ccs_injection": ccs.is_vulnerable_to_ccs_injection if ccs else None,
        "robot": robot.robot_result.name if robot else None,
        "client_renegotiation": reneg.is_vulnerable_to_client_renegotiation_dos if reneg else None,
    }


def deviations(scan: Any, issues: dict[str, str], policy: dict[str, Any]) -> dict[str, list[str]]:
    """The checker's categories, with the items behind the list-valued ones read from the scan."""
    accepted = {version: [s.cipher_suite.name for s in getattr(scan, field).result.accepted_cipher_suites]
                for version, field in FIELDS.items() if getattr(scan, field).result.is_tls_version_supported}
    curves = {curve.name.lower() for curve in scan.elliptic_curves.result.supported_curves or []}
    items = {
        "tls_versions": set(accepted) - {VERSIONS.get(v, v) for v in policy["protocols"]},
        "ciphers": {s for v, suites in accepted.items() if v != "TLSv1.3" for s in suites} - set(policy["ciphers"]),
        "ciphersuites": set(accepted.get("TLSv1.3", [])) - set(policy["ciphersuites"]),
        "tls_curves": curves - {name.lower() for name in policy["groups"]},
    }
    return {category: sorted(items.get(category, {""})) for category in issues}


def main() -> None:
    warnings.simplefilter("ignore")  # sslyze's trust stores trigger cryptography deprecation warnings
    request = json.load(sys.stdin)
    policy = request["policy"]
    extra = ScanCommandsExtraArguments(certificate_info=CertificateInfoExtraArgument(custom_ca_file=Path(request["ca_file"])))
    labels = {}
    scans = []
    for group, commands in (("full", SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER), ("vulns_only", VULN_COMMANDS)):
        for label, port in request[group].items():
            labels[port] = (label, group)
            scans.append(ServerScanRequest(
                server_location=ServerNetworkLocation(hostname=request["name"], port=port,
                                                      ip_address=request["address"]),
                scan_commands=commands,
                scan_commands_extra_arguments=extra if group == "full" else ScanCommandsExtraArguments()))
    started = time.monotonic()
    # The auditor holds at most concurrency.per_host (2) connections to a host; sslyze gets the same
    # budget (its default of 5 makes single-threaded openssl s_server drop its ROBOT probes).
    scanner = Scanner(per_server_concurrent_connections_limit=request.get("per_server_connections", 2))
    scanner.queue_scans(scans)
    answer: dict[str, Any] = {}
    for result in scanner.get_results():
        label, group = labels[result.server_location.port]
        if result.scan_result is None:
            answer[label] = {"issues": {}, "vulns": {}, "error": str(result.connectivity_error_trace or
                                                                      result.connectivity_status)[-300:]}
            continue
        entry: dict[str, Any] = {"vulns": vulns(result.scan_result), "issues": {}, "error": ""}
        if group == "full":
            try:
                check_server_against_tls_configuration(result, configuration(policy))
            except ServerNotCompliantWithTlsConfiguration as exc:
                entry["issues"] = deviations(result.scan_result, exc.issues, policy)
            except ServerScanResultIncomplete as exc:  # one of sslyze's scan commands failed on this server
                entry["error"] = f"sslyze scan incomplete: {exc}"
        answer[label] = entry
    json.dump({"seconds": time.monotonic() - started, "endpoints": answer}, sys.stdout)


if __name__ == "__main__":
    main()
