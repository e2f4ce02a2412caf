"""Benchmark: the auditor's TLS audit against sslyze, on the same local endpoints, in one run.

Starts TLS sites on 127.0.0.1 (tests/lib/testkit/tls_lab.py: nginx and openssl s_server with a
private CA made for this run, one s_server honouring client-initiated renegotiation) and
tests/lib/testkit/tls_replay.py servers answering as Heartbleed-, CCS- and ROBOT-vulnerable
ones would, then audits all of them
  (a) with the auditor: Runner, profile baseline restricted to ``tls.*`` (collector and checks), and
  (b) with sslyze, in its own virtual environment (it pins its own cryptography), as a
      subprocess running bench/sslyze_worker.py: the scan commands its Mozilla checker needs on
      the real sites, its four vulnerability commands on the replay servers,
with the same SNI, the same private CA and the same connection budget (2 per host, the
auditor's concurrency.per_host), and prints the wall time of each (sslyze's measured
inside the worker, without its interpreter start), the ratio, per endpoint whether both reach
the same Mozilla-intermediate verdict with the same deviations, and whether both give the same
Heartbleed, CCS injection, ROBOT and client-renegotiation verdicts. Both judge against the same
guideline: Mozilla 6.0 intermediate, from profiles/policies/tls-mozilla-intermediate.yaml.

Goal: the same verdicts and deviations, in half of sslyze's time or less.
Setup: python3 -m venv /tmp/sslyze-venv && /tmp/sslyze-venv/bin/pip install sslyze
Run: .venv/bin/python bench/tls_vs_sslyze.py [--rounds N] [--sslyze-python PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "lib"))
from auditor.checks.tls.names import SUITE_CODES, TLS13_SUITES
from auditor.config.policies import load_policy
from auditor.config.profile import load_profile
from auditor.inventory.targets import parse_target
from auditor.registry import default_registry
from auditor.runner import Runner
from testkit.tls_lab import MOZILLA_INTERMEDIATE_CIPHERS, NAME, Pki, TlsLab, TlsSite, new_key
from testkit.tls_replay import ReplayServer

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
               "fallback-scsv": "tls_vulnerability_fallback_scsv", "vuln/heartbleed": "tls_vulnerability_heartbleed",
               "vuln/ccs-injection": "tls_vulnerability_ccs_injection"}
WORKER = Path(__file__).resolve().parent / "sslyze_worker.py"
DEFAULT_SSLYZE_PYTHON = os.environ.get("SSLYZE_PYTHON", "/tmp/sslyze-venv/bin/python")
VULNS = ("heartbleed", "ccs_injection", "robot", "client_renegotiation")
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
        # Mozilla's suites only: s_server serves one connection at a time, and sslyze's parallel
        # enumeration then misses suites (ECDHE-ECDSA-AES128-SHA, seen accepted by s_client).
        "client-reneg": lab.s_server(ADDRESS, *pki.leaf("reneg"), "-tls1_2", "-client_renegotiation",
                                     "-cipher", MOZILLA_INTERMEDIATE_CIPHERS).port,
    }


def start_replays() -> dict[str, ReplayServer]:
    """Servers answering as vulnerable ones would (only the vulnerability probes are compared there)."""
    return {mode: ReplayServer(mode).start() for mode in ("heartbleed", "ccs", "robot-strong")}


# --- the auditor -------------------------------------------------------------------------------


def run_auditor(ports: dict[str, int], pki: Pki, directory: Path
                ) -> tuple[float, dict[str, dict[str, set[str]]], dict[str, dict[str, str]]]:
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
    vulns = {name: our_vulns(run, f"{ADDRESS}:{port}") for name, port in ports.items()}
    return elapsed, deviations, vulns


def our_vulns(run: Any, target: str) -> dict[str, str]:
    """Each probe's verdict: vulnerable (robot: strong/weak), not vulnerable, or the check's status."""
    verdicts = {}
    for name in VULNS:
        check_id = "tls." + name.replace("_", "-")
        result = next(r for r in run.results if r.check_id == check_id and r.target == target)
        if result.findings:
            oracle = result.findings[0].evidence.get("oracle")
            verdicts[name] = f"vulnerable ({oracle})" if oracle else "vulnerable"
        else:
            verdicts[name] = "not vulnerable" if result.status.value in ("pass", "skipped") else result.status.value
    return verdicts


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
        elif aspect in _CATEGORIES:
            result.setdefault(_CATEGORIES[aspect], set()).add("")
        elif aspect == "vuln/robot" and finding.evidence.get("oracle") == "strong":  # the checker flags strong only
            result.setdefault("tls_vulnerability_robot", set()).add("")
        elif kind in _CATEGORIES and not item:
            result.setdefault(_CATEGORIES[kind], set()).add("")
    return result


# --- sslyze ------------------------------------------------------------------------------------


def run_sslyze(python: str, ports: dict[str, int], replays: dict[str, int], pki: Pki, timeout: int = 900
               ) -> tuple[float, dict[str, dict[str, set[str]]], dict[str, dict[str, str]], dict[str, str]]:
    """sslyze in its own interpreter: its scan time, deviations, vulnerability verdicts and errors."""
    request = {"address": ADDRESS, "name": NAME, "ca_file": str(pki.root_file), "policy": POLICY,
               "full": ports, "vulns_only": replays}
    try:
        process = subprocess.run([python, str(WORKER)], input=json.dumps(request), capture_output=True, text=True,
                                 timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        labels = [*ports, *replays]
        return (float(timeout), {label: {} for label in labels}, {label: dict.fromkeys(VULNS, "error") for label in labels},
                dict.fromkeys(labels, f"no answer from sslyze within {timeout} s"))
    if process.returncode != 0:
        raise RuntimeError(f"sslyze worker failed: {process.stderr.strip()[-500:]}")
    answer = json.loads(process.stdout)
    endpoints = answer["endpoints"]
    deviations = {label: {category: set(items) for category, items in entry["issues"].items()}
                  for label, entry in endpoints.items()}
    vulns = {label: {name: _their_verdict(name, entry["vulns"].get(name)) for name in VULNS}
             for label, entry in endpoints.items()}
    return answer["seconds"], deviations, vulns, {label: entry["error"] for label, entry in endpoints.items()}


def _their_verdict(name: str, value: Any) -> str:
    if value is None:
        return "error"
    if name == "robot":
        return {"VULNERABLE_STRONG_ORACLE": "vulnerable (strong)", "VULNERABLE_WEAK_ORACLE": "vulnerable (weak)",
                "NOT_VULNERABLE_NO_ORACLE": "not vulnerable", "NOT_VULNERABLE_RSA_NOT_SUPPORTED": "not vulnerable",
                }.get(value, "inconsistent")
    return "vulnerable" if value else "not vulnerable"


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
    parser.add_argument("--sslyze-python", default=DEFAULT_SSLYZE_PYTHON,
                        help="the Python of sslyze's own virtual environment (default: $SSLYZE_PYTHON or "
                             "/tmp/sslyze-venv/bin/python)")
    args = parser.parse_args()
    if not Path(args.sslyze_python).exists():
        print(f"sslyze is not installed at {args.sslyze_python}: python3 -m venv /tmp/sslyze-venv && "
              "/tmp/sslyze-venv/bin/pip install sslyze (no comparison made)")
        return 2
    with tempfile.TemporaryDirectory(prefix="tls-bench-") as tmp:
        directory = Path(tmp)
        pki = Pki(directory / "pki")
        lab = TlsLab(directory / "daemons")
        replays: dict[str, ReplayServer] = {}
        try:
            ports = start_sites(lab, pki)
            replays = start_replays()
            replay_ports = {name: server.port for name, server in replays.items()}
            ours_times, theirs_times = [], []
            for _ in range(args.rounds):  # timed: the real sites, with every check and probe on both sides
                ours_time, ours, our_vulns_seen = run_auditor(ports, pki, directory)
                theirs_time, theirs, their_vulns, errors = run_sslyze(args.sslyze_python, ports, {}, pki)
                ours_times.append(ours_time)
                theirs_times.append(theirs_time)
            # Not timed: the replay servers answer only what the probes ask, so only the verdicts count.
            _, _, replay_vulns = run_auditor(replay_ports, pki, directory)
            _, _, their_replay_vulns, replay_errors = run_sslyze(args.sslyze_python, {}, replay_ports, pki, timeout=60)
            our_vulns_seen.update(replay_vulns)
            their_vulns.update(their_replay_vulns)
            errors.update(replay_errors)
        finally:
            for server in replays.values():
                server.stop()
            lab.stop()
    ours_median, theirs_median = statistics.median(ours_times), statistics.median(theirs_times)
    print(f"{len(ports)} TLS sites and {len(replay_ports)} vulnerable replay servers on {ADDRESS}, "
          f"Mozilla intermediate 6.0, median of {args.rounds} rounds")
    print(f"  auditor (tls.* checks, collector + judging): {ours_median:6.2f} s")
    print(f"  sslyze (Mozilla checker + vulnerability commands, in its own venv): {theirs_median:6.2f} s")
    print(f"  time ratio auditor/sslyze: {ours_median / theirs_median:.2f} (goal: 0.50 or less)")
    agreed = total = 0
    for name in ports:
        same, notes = compare(ours[name], theirs[name])
        if errors.get(name):
            same, notes = False, [*notes, f"sslyze error: {errors[name]}"]
        agreed, total = agreed + same, total + 1
        verdict = "compliant" if not ours[name] else f"{sum(len(v) for v in ours[name].values())} deviations"
        print(f"  {name:22} auditor: {verdict:16} sslyze: {'compliant' if not theirs[name] else ', '.join(sorted(theirs[name]))}")
        print(f"  {'':22} same verdict and deviations: {'yes' if same else 'NO'}")
        for note in notes:
            print(f"  {'':24}- {note}")
    print("  vulnerability probes (heartbleed / ccs_injection / robot / client_renegotiation; replay servers not timed):")
    for name in [*ports, *replay_ports]:
        mine, other = our_vulns_seen[name], their_vulns[name]
        same = mine == other
        agreed, total = agreed + same, total + 1
        print(f"  {name:22} auditor: {' / '.join(mine[v] for v in VULNS)}")
        print(f"  {'':22} sslyze:  {' / '.join(other[v] for v in VULNS)}"
              + (f" (sslyze error: {errors[name]})" if errors.get(name) else ""))
        print(f"  {'':22} same verdicts: {'yes' if same else 'NO'}")
    print(f"  agreement: {agreed}/{total} comparisons")
    return 0 if agreed == total else 1


if __name__ == "__main__":
    sys.exit(main())
