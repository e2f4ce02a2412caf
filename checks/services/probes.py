"""The ``probes`` collector: safe, read-only probes on the open ports discovery found.

Which probe runs where comes from the ``services`` policy (a catalogue service names its
probe, e.g. ``redis``) plus a directory-listing probe on every HTTP port. Probes run a few at
a time, each holding one of the host's connection slots, each within its own deadline; a probe
that meets garbage or silence ends in ``error`` with the reason and the others go on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from auditor.check import CollectEnv, Collector
from auditor.checks.services import probes_http, probes_tcp
from auditor.checks.services.policy import identify, is_http, is_tls, services_policy
from auditor.checks.services.ports import DISCOVERY_FACT
from auditor.checks.services.probe_base import ERROR, Outcome, ProbeError, ProbeTarget, failure_reason
from auditor.errors import FactsUnavailable
from auditor.net.connections import Deadline

log = logging.getLogger(__name__)

PROBES_FACT = "probes"
LISTING_PROBE = "http-listing"
PROBES: dict[str, Callable[[ProbeTarget], Outcome]] = {
    "docker": probes_http.probe_docker,
    "elasticsearch": probes_http.probe_elasticsearch,
    "etcd": probes_http.probe_etcd,
    "ftp": probes_tcp.probe_ftp,
    "jupyter": probes_http.probe_jupyter,
    "memcached": probes_tcp.probe_memcached,
    "nfs": probes_tcp.probe_nfs,
    "redis": probes_tcp.probe_redis,
    "rsync": probes_tcp.probe_rsync,
    LISTING_PROBE: probes_http.probe_http_listing,
}
# One NFS export list per host, whichever of its NFS ports (2049, 111) was found.
_ONCE_PER_HOST = frozenset({"nfs"})


@dataclass(frozen=True)
class Job:
    """One probe to run on one open port."""

    probe: str
    address: str  # as discovery reports it (the target's name for single-host targets)
    connect_to: str  # the IP nmap scanned, when known
    port: Mapping[str, Any]


def plan(discovery: Mapping[str, Any], policy: Mapping[str, Any]) -> list[Job]:
    """Every probe that fits an open port: the catalogue's probe, and the listing probe on HTTP."""
    jobs: list[Job] = []
    for host in discovery.get("hosts", []):
        seen: set[str] = set()
        for port in host.get("ports", []):
            names = []
            entry = identify(policy, port).entry
            if entry is not None and entry["probe"]:
                names.append(entry["probe"])
            if is_http(port):
                names.append(LISTING_PROBE)
            for name in names:
                if name in _ONCE_PER_HOST and name in seen:
                    continue
                seen.add(name)
                jobs.append(Job(name, host["address"], host.get("ip") or host["address"], port))
    return jobs


def run_probe(job: Job, timeout: float, tools: Mapping[str, Any]) -> dict[str, Any]:
    """Run one probe; every failure becomes an ``error`` outcome with its reason."""
    started = time.monotonic()
    target = ProbeTarget(job.connect_to, job.port["port"], is_tls(job.port), Deadline(timeout), timeout, tools)
    try:
        outcome = PROBES[job.probe](target)
    except (ProbeError, OSError, ValueError) as exc:
        outcome = Outcome(ERROR, failure_reason(exc, timeout))
    except Exception as exc:  # a probe bug must cost one result, not the others
        log.exception("probe %s crashed on %s:%s", job.probe, job.connect_to, job.port["port"])
        outcome = Outcome(ERROR, f"probe crashed: {type(exc).__name__}: {exc}")
    return {
        "probe": job.probe,
        "address": job.address,
        "port": job.port["port"],
        "service": job.port.get("service", ""),
        "status": outcome.status,
        "reason": outcome.reason,
        "evidence": dict(outcome.evidence),
        "elapsed": round(time.monotonic() - started, 3),
    }


class ProbeCollector(Collector):
    """Collects the ``probes`` facts: ``{"results": [{probe, address, port, status, reason, evidence}]}``."""

    name = PROBES_FACT
    needs_host = False
    options = {
        "enabled": True,
        "timeout": 5.0,  # seconds per probe, connection included
        "workers": 4,  # probes at once (each also holds one of the host's connection slots)
        "max_modules": 20,  # rsync modules asked about per daemon
        "rsync": "rsync",  # client used to list an open module's top level
        "showmount": "showmount",  # lists NFS exports (Debian package nfs-common)
    }

    def collect(self, env: CollectEnv) -> dict[str, Any]:
        """Probe every planned port; a failed probe is an ``error`` result, never a failed collection."""
        if not env.options["enabled"]:
            raise FactsUnavailable("service probes are disabled (collectors.probes.enabled: false)")
        discovery = env.fact(DISCOVERY_FACT)
        jobs = plan(discovery, services_policy(env.policies))
        tools = {key: env.options[key] for key in ("rsync", "showmount", "max_modules")}
        timeout = float(env.options["timeout"])

        def guarded(job: Job) -> dict[str, Any]:
            with env.limiter.slot(job.connect_to):
                return run_probe(job, timeout, tools)

        with ThreadPoolExecutor(max_workers=max(1, int(env.options["workers"])), thread_name_prefix="probe") as pool:
            results = list(pool.map(guarded, jobs))
        return {"results": results}
