"""Benchmark: the auditor's TLS audit against sslyze, on the same local endpoints, in one run.

Starts TLS sites on 127.0.0.1 (tests/lib/testkit/tls_lab.py: nginx and openssl s_server with a
private CA made for this run), then audits all of them
  (a) with the auditor: Runner, profile baseline restricted to ``tls.*`` (collector and checks), and
  (b) with sslyze (pip install '.[bench]'): the scan commands its Mozilla checker needs,
with the same SNI and the same private CA, and prints the wall time of each, the ratio, and per
endpoint whether both reach the same Mozilla-intermediate verdict with the same deviations.
Both judge against the same guideline: Mozilla 6.0 intermediate, taken from
profiles/policies/tls-mozilla-intermediate.yaml and handed to sslyze's own checker.

Goal: the same verdicts and deviations, in half of sslyze's time or less.
Run: .venv/bin/python bench/tls_vs_sslyze.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "lib"))
from auditor.checks.tls.names import SUITE_CODES, TLS13_SUITES
from auditor.config.policies import load_policy
from auditor.config.profile import load_profile
from auditor.inventory.targets import parse_target
from auditor.registry import default_registry
from auditor.runner import Runner
from testkit.tls_lab import NAME, Pki, TlsLab, TlsSite, new_key

try:
    from sslyze import (
        CertificateInfoExtraArgument,
        ScanCommandsExtraArguments,
        Scanner,
        ServerNetworkLocation,
        ServerScanRequest,
    )
    from sslyze.mozilla_tls_profile.tls_config_checker import (
        SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
        ServerNotCompliantWithTlsConfiguration,
        TlsConfigurationAsJson,
        check_server_against_tls_configuration,
    )
except ImportError:  # pragma: no cover - the bench extra is not installed
    sys.exit("sslyze is not installed: pip install '.[bench]'")

ADDRESS = "127.0.0.1"
POLICY = load_policy("tls", "mozilla-intermediate")
_SSLYZE_VERSIONS = {"TLSv1.0": "TLSv1"}  # sslyze and Mozilla write TLS 1.0 as "TLSv1"
_VERSION_FIELDS = {"SSLv3": "ssl_3_0_cipher_suites", "TLSv1": "tls_1_0_cipher_suites", "TLSv1.1": "tls_1_1_cipher_suites",
                   "TLSv1.2": "tls_1_2_cipher_suites", "TLSv1.3": "tls_1_3_cipher_suites"}
# Our finding resources (after "tcp/PORT:") -> sslyze's Mozilla checker categories.
_CATEGORIES = {"trust": "certificate_path_validation", "key-type": "certificate_types", "lifetime": "maximum_certificate_lifespan",
               "signature": "certificate_signatures", "dh-params": "dh_param_size",
               "secure-renegotiation": "tls_vulnerability_renegotiation", "compression": "tls_vulnerability_compression",
               "extended-master-secret": "tls_vulnerability_extended_master_secret",
               "fallback-scsv": "tls_vulnerability_fallback_scsv"}
KNOWN_GAPS = {"tls_curves": "sslyze enumerates elliptic curves only; the auditor also sees TLS 1.3 finite-field groups"}


def start_sites(lab: TlsLab, pki: Pki) -> dict[str, int]:
    """The endpoints both tools audit: one per kind of configuration."""
    legacy_chain, legacy_key = pki.legacy()
    rsa_chain, rsa_key = pki.leaf("rsa-dhe", key=new_key("rsa", 2048))
    return {
        "mozilla-intermediate": lab.nginx_tls(ADDRESS, TlsSite(*pki.leaf("modern"))).port,
        "legacy": lab.nginx_tls(ADDRESS, TlsSite(legacy_chain, legacy_key, protocols="TLSv1 TLSv1.1 TLSv1.2",
                                                 ciphers="ALL:@SECLEVEL=0", curves="auto")).port,
        "rsa-dhe-tls12": lab.nginx_tls(ADDRESS, TlsSite(rsa_chain, rsa_key, protocols="TLSv1.2",
                                                        ciphers="ECDHE+AESGCM:DHE+AESGCM:AES128-SHA",
                                                        dhparam=pki.dhparam())).port,
        "tls13-only": lab.s_server(ADDRESS, *pki.leaf("tls13"), "-tls1_3").port,
    }


# --- the auditor -------------------------------------------------------------------------------


def run_auditor(ports: dict[str, int], pki: Pki, directory: Path) -> tuple[float, dict[str, dict[str, set[str]]]]:
    profile_path = directory / "bench-profile.yaml"
    profile_path.write_text(
        "name: bench\nextends: baseline\nselect: ['tls.*']\ncollectors:\n  discovery: {enabled: false}\n"
        f"  tls: {{ports: [], http_ports: [], sni: {NAME}, ca_bundle: {pki.root_file}}}\n")
    registry = default_registry()
    profile = load_profile(str(profile_path), registry)
    targets = [parse_target(f"{ADDRESS}:{port}") for port in ports.values()]
    started = time.monotonic()
    run = Runner(registry, profile).run(targets)
    elapsed = time.monotonic() - started
    deviations = {name: our_deviations([f for f in run.findings if f.target == f"{ADDRESS}:{port}"])
                  for name, port in ports.items()}
    return elapsed, deviations


def our_deviations(findings: list[Any]) -> dict[str, set[str]]:
    """Mozilla-policy findings as sslyze's checker categories (other checks have no sslyze twin)."""
    result: dict[str, set[str]] = {}
    for finding in findings:
        aspect = finding.resource.split(":", 1)[1]
        kind, _, item = aspect.partition("/")
        if kind == "protocol":
            result.setdefault("tls_versions", set()).add(_SSLYZE_VERSIONS.get(item, item))
        elif kind == "cipher":
            category = "ciphersuites" if SUITE_CODES.get(item) in TLS13_SUITES else "ciphers"
            result.setdefault(category, set()).add(item)
        elif kind == "group":
            result.setdefault("tls_curves", set()).add(item.lower())
        elif kind == "cert" and item == "key":
            result.setdefault("rsa_key_size" if "RSA" in finding.evidence.get("observed", "") else "certificate_curves", set()).add("")
        elif kind == "cert" and item in _CATEGORIES:
            result.setdefault(_CATEGORIES[item], set()).add("")
        elif kind in _CATEGORIES and not item:
            result.setdefault(_CATEGORIES[kind], set()).add("")
    return result


# --- sslyze ------------------------------------------------------------------------------------


def sslyze_configuration() -> TlsConfigurationAsJson:
    """Mozilla 6.0 intermediate as sslyze's checker reads it, from our policy data."""
    curves = {"x25519": "X25519", "x448": "X448"}
    return TlsConfigurationAsJson(
        certificate_curves=set(POLICY["certificate_curves"]), certificate_signatures=set(POLICY["certificate_signatures"]),
        certificate_types=set(POLICY["certificate_types"]), ciphersuites=set(POLICY["ciphersuites"]),
        ciphers={"caddy": set(), "go": set(), "iana": set(POLICY["ciphers"]), "openssl": set()},
        dh_param_size=POLICY["dh_param_size"], ecdh_param_size=POLICY["ecdh_param_size"],
        hsts_min_age=POLICY["hsts_min_age"], maximum_certificate_lifespan=POLICY["maximum_certificate_lifespan"],
        ocsp_staple=POLICY["ocsp_staple"], recommended_certificate_lifespan=POLICY["recommended_certificate_lifespan"],
        rsa_key_size=POLICY["rsa_key_size"], server_preferred_order=POLICY["server_preferred_order"],
        tls_curves={curves.get(name, name) for name in POLICY["groups"]},
        tls_versions={_SSLYZE_VERSIONS.get(name, name) for name in POLICY["protocols"]})


def run_sslyze(ports: dict[str, int], pki: Pki) -> tuple[float, dict[str, dict[str, set[str]]]]:
    extra = ScanCommandsExtraArguments(certificate_info=CertificateInfoExtraArgument(custom_ca_file=pki.root_file))
    requests = [ServerScanRequest(server_location=ServerNetworkLocation(hostname=NAME, port=port, ip_address=ADDRESS),
                                  scan_commands=SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER, scan_commands_extra_arguments=extra)
                for port in ports.values()]
    configuration = sslyze_configuration()
    started = time.monotonic()
    scanner = Scanner()
    scanner.queue_scans(requests)
    verdicts = {}
    for result in scanner.get_results():
        try:
            check_server_against_tls_configuration(result, configuration)
            issues: dict[str, str] = {}
        except ServerNotCompliantWithTlsConfiguration as exc:
            issues = exc.issues
        verdicts[result.server_location.port] = sslyze_deviations(result, issues)
    elapsed = time.monotonic() - started
    return elapsed, {name: verdicts[port] for name, port in ports.items()}


def sslyze_deviations(result: Any, issues: dict[str, str]) -> dict[str, set[str]]:
    """sslyze's categories, with the items behind the list-valued ones read from its scan result."""
    scan = result.scan_result
    accepted = {version: [s.cipher_suite.name for s in getattr(scan, field).result.accepted_cipher_suites]
                for version, field in _VERSION_FIELDS.items() if getattr(scan, field).result.is_tls_version_supported}
    curves = {curve.name.lower() for curve in scan.elliptic_curves.result.supported_curves or []}
    items = {
        "tls_versions": set(accepted) - {_SSLYZE_VERSIONS.get(v, v) for v in POLICY["protocols"]},
        "ciphers": {s for v, suites in accepted.items() if v != "TLSv1.3" for s in suites} - set(POLICY["ciphers"]),
        "ciphersuites": set(accepted.get("TLSv1.3", [])) - set(POLICY["ciphersuites"]),
        "tls_curves": curves - {name.lower() for name in POLICY["groups"]},
    }
    return {category: items.get(category, {""}) for category in issues}


# --- report ------------------------------------------------------------------------------------


def compare(ours: dict[str, set[str]], theirs: dict[str, set[str]]) -> tuple[bool, list[str]]:
    """Same verdict and same deviations, apart from what sslyze cannot see (listed, not hidden)."""
    notes = []
    same = bool(ours) == bool(theirs)
    for category in sorted(set(ours) | set(theirs)):
        mine, other = ours.get(category, set()), theirs.get(category, set())
        extra = mine - other
        if category == "tls_curves" and extra and all(name.startswith("ffdhe") for name in extra):
            notes.append(f"{category}: auditor only {sorted(extra)} ({KNOWN_GAPS[category]})")
            extra = set()
        if extra or other - mine:
            same = False
            notes.append(f"{category}: auditor only {sorted(extra)}, sslyze only {sorted(other - mine)}")
    return same, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="runs of each tool (the median time is reported)")
    rounds = parser.parse_args().rounds
    warnings.simplefilter("ignore")  # sslyze's trust stores trigger cryptography deprecation warnings
    with tempfile.TemporaryDirectory(prefix="tls-bench-") as tmp:
        directory = Path(tmp)
        pki = Pki(directory / "pki")
        lab = TlsLab(directory / "daemons")
        try:
            ports = start_sites(lab, pki)
            ours_times, theirs_times = [], []
            for _ in range(rounds):
                ours_time, ours = run_auditor(ports, pki, directory)
                theirs_time, theirs = run_sslyze(ports, pki)
                ours_times.append(ours_time)
                theirs_times.append(theirs_time)
        finally:
            lab.stop()
    ours_median, theirs_median = statistics.median(ours_times), statistics.median(theirs_times)
    print(f"{len(ports)} endpoints on {ADDRESS}, Mozilla intermediate 6.0, median of {rounds} rounds")
    print(f"  auditor (tls.* checks, collector + judging): {ours_median:6.2f} s")
    print(f"  sslyze (Mozilla checker scan commands):      {theirs_median:6.2f} s")
    print(f"  time ratio auditor/sslyze: {ours_median / theirs_median:.2f} (goal: 0.50 or less)")
    agreed = 0
    for name in ports:
        same, notes = compare(ours[name], theirs[name])
        agreed += same
        verdict = "compliant" if not ours[name] else f"{sum(len(v) for v in ours[name].values())} deviations"
        print(f"  {name:22} auditor: {verdict:16} sslyze: {'compliant' if not theirs[name] else ', '.join(sorted(theirs[name]))}")
        print(f"  {'':22} same verdict and deviations: {'yes' if same else 'NO'}")
        for note in notes:
            print(f"  {'':24}- {note}")
    print(f"  agreement: {agreed}/{len(ports)} endpoints")
    return 0 if agreed == len(ports) else 1


if __name__ == "__main__":
    sys.exit(main())
