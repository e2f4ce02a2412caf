"""The ``host_kernel`` collector: host firewalls (nftables, iptables, ufw, firewalld), the kernel
settings the ``host-sysctl`` policy names, and world-writable and set-id files in system paths
(one bounded ``find`` walk, with the owner, size and SHA-256 of set-id programs)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from auditor.check import CollectEnv, Collector
from auditor.checks.host import kernel_parse as parse
from auditor.checks.host.common import SBIN, exists, require_host, run
from auditor.checks.host.facts import FirewallState, KernelFacts, ListeningSocket, SpecialFile
from auditor.config.yamlfile import MapReader
from auditor.hosts.base import Host

SYSTEM_PATHS = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/opt", "/etc", "/boot", "/srv"]
_MAX_SPECIAL = 5000
_MAX_HASHED = 256


class KernelCollector(Collector):
    """Collects the ``host_kernel`` facts."""

    name = "host_kernel"
    produces = KernelFacts
    options = {"scan_paths": SYSTEM_PATHS, "scan_timeout": 120}

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """``scan_paths``: absolute paths; ``scan_timeout``: seconds."""
        reader.reject_unknown(frozenset(self.options))
        paths = reader.strings("scan_paths", SYSTEM_PATHS)
        for path in paths:
            if not path.startswith("/"):
                reader.fail("scan_paths", f"'{path}' is not an absolute path")
        return {"scan_paths": paths, "scan_timeout": reader.number("scan_timeout", 120, minimum=1)}

    def collect(self, env: CollectEnv) -> KernelFacts:
        """Firewall states, sysctl values and the special-files scan."""
        host = require_host(env.host)
        firewalls, errors = _firewalls(host, env.timeout)
        keys = [item["key"] for item in (env.policies.get("host-sysctl") or {}).get("settings", [])]
        values, sysctl_error = _sysctl(host, keys, env.timeout)
        files, files_error, scanned, partial = _scan(host, env.options.get("scan_paths", SYSTEM_PATHS),
                                                     float(env.options.get("scan_timeout", 120)))
        listening, listening_error = _listening(host, env.timeout)
        return KernelFacts(firewalls=tuple(firewalls), firewall_errors=tuple(errors), sysctl=values,
                           sysctl_error=sysctl_error, special_files=files, special_files_error=files_error,
                           scanned=tuple(scanned), scan_partial=partial, listening=listening,
                           listening_error=listening_error)


def _firewalls(host: Host, timeout: float) -> tuple[list[FirewallState], list[str]]:
    states: list[FirewallState] = []
    errors: list[str] = []
    probes = [
        ("nft", ["list", "ruleset"], parse.nft_inbound),
        ("iptables-save", [], parse.iptables_inbound),
        ("ufw", ["status", "verbose"], parse.ufw_status),
    ]
    for program, args, parser in probes:
        path = host.which(program, SBIN)
        if path is None:
            continue
        result = run(host, [path, *args], timeout, privileged=True)
        if result is None or not result.ok:
            errors.append(f"{program}: {result.first_error_line() if result else 'could not run'}")
            continue
        state = parser(result.stdout)
        if state is not None:
            states.append(state)
    firewall_cmd = host.which("firewall-cmd", SBIN)
    if firewall_cmd:
        state_out = run(host, [firewall_cmd, "--state"], timeout, privileged=True)
        zone = run(host, [firewall_cmd, "--list-all"], timeout, privileged=True)
        text = (state_out.stdout + state_out.stderr) if state_out else ""
        found = parse.firewalld_zone("running" if "running" in text else "not running" if text else "",
                                     zone.stdout if zone and zone.ok else "")
        if found is not None:
            states.append(found)
    return states, errors


def _sysctl(host: Host, keys: list[str], timeout: float) -> tuple[dict[str, str], str]:
    if not keys:
        return {}, "no host-sysctl policy keys to read"
    sysctl = host.which("sysctl", SBIN)
    if sysctl is not None:
        result = run(host, [sysctl, "-e", *keys], timeout)
        if result is not None and result.stdout:
            return parse.sysctl_values(result.stdout), ""
    values = {}  # no sysctl program: /proc/sys directly
    for key in keys:
        try:
            values[key] = " ".join(host.read_text("/proc/sys/" + key.replace(".", "/")).split())
        except OSError:
            continue
    return values, "" if values else "neither sysctl nor /proc/sys answered"


def _scan(host: Host, paths: list[str], timeout: float) -> tuple[tuple[SpecialFile, ...] | None, str, list[str], str]:
    present = [path for path in paths if exists(host, path)]
    if not present:
        return None, "none of the scan paths exist", [], ""
    argv = ["find", *present, "-xdev", "(", "-type", "f", "-o", "-type", "d", ")", "(", "-perm", "-4000", "-o",
            "-perm", "-2000", "-o", "(", "-perm", "-0002", "!", "-perm", "-1000", ")", ")",
            "-printf", r"%m %U %G %s %y %p\0"]  # NUL-terminated: a file name may hold a newline
    result = run(host, argv, timeout, privileged=True)
    if result is None:
        return None, "find could not run (or did not finish in time)", present, ""
    files = parse.special_files(result.stdout)[:_MAX_SPECIAL]
    partial = ""
    if result.returncode != 0 and "Permission denied" in result.stderr:
        partial = "some directories could not be read (run as root)"
    return tuple(_with_hashes(host, files, timeout)), "", present, partial


def _with_hashes(host: Host, files: list[SpecialFile], timeout: float) -> list[SpecialFile]:
    """The set-id programs with their SHA-256, so a program replaced under the same name shows up.

    Cheap: a few dozen files per system, hashed by one ``sha256sum`` (at most ``_MAX_HASHED``).
    Without sha256sum, or for files it cannot read, the hash stays empty ("not known").
    """
    setid = [item.path for item in files if item.kind == "f" and item.setid][:_MAX_HASHED]
    sha256sum = host.which("sha256sum", ("/usr/bin", "/bin")) if setid else None
    if sha256sum is None:
        return files
    result = run(host, [sha256sum, "-z", "--", *setid], timeout, privileged=True)
    hashes = parse.sha256sums(result.stdout) if result is not None else {}
    return [replace(item, sha256=hashes.get(item.path, "")) if item.path in hashes else item for item in files]


def _listening(host: Host, timeout: float) -> tuple[tuple[ListeningSocket, ...] | None, str]:
    ss = host.which("ss", SBIN)
    if ss is None:
        return None, "ss (iproute2) is not installed: listening sockets unknown"
    result = run(host, [ss, "-t", "-l", "-n", "-p", "-H"], timeout, privileged=True)
    if result is None or not result.ok:
        return None, f"ss failed: {result.first_error_line() if result else 'could not run'}"
    return tuple(parse.ss_listening(result.stdout)), ""
