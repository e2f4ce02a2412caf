"""The ``probes`` collector: safe, read-only probes on the open ports discovery found.

Which probe runs where comes from the ``services`` policy: a catalogue service names its
probe (e.g. ``redis``), and a port is that service by what nmap's service detection found
(product, probed name) wherever the port is; web content is the web area's (``checks/web``).
Probes run a few at a time, each holding one of the host's connection slots, each within its
own deadline; a probe that meets garbage or silence ends in ``error`` with the reason and the
others go on.
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
from auditor.checks.services.facts import DiscoveredPort, DiscoveryFacts, ProbeResult, ProbesFacts
from auditor.checks.services.options import positive_number
from auditor.checks.services.policy import identify, is_tls, services_policy
from auditor.checks.services.probe_base import ERROR, Outcome, ProbeError, ProbeTarget, ProbeTools, failure_reason
from auditor.config.yamlfile import MapReader
from auditor.errors import FactsUnavailable
from auditor.net.connections import Deadline

log = logging.getLogger(__name__)

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
}
# One NFS export list per host, whichever of its NFS ports (2049, 111) was found.
_ONCE_PER_HOST = frozenset({"nfs"})


@dataclass(frozen=True)
class Job:
    """One probe to run on one open port."""

    probe: str
    address: str  # as discovery reports it (the target's name for single-host targets)
    connect_to: str  # the IP nmap scanned, when known
    port: DiscoveredPort


def plan(discovery: DiscoveryFacts, policy: Mapping[str, Any]) -> list[Job]:
    """Every probe that fits an open port: the probe of the catalogue service it was identified as."""
    jobs: list[Job] = []
    for host in discovery.hosts:
        seen: set[str] = set()
        for port in host.ports:
            entry = identify(policy, port).entry
            name = entry["probe"] if entry is not None else None
            if not name or (name in _ONCE_PER_HOST and name in seen):
                continue
            seen.add(name)
            jobs.append(Job(name, host.address, host.ip or host.address, port))
    return jobs


def run_probe(job: Job, timeout: float, tools: ProbeTools) -> ProbeResult:
    """Run one probe; every failure becomes an ``error`` outcome with its reason."""
    started = time.monotonic()
    target = ProbeTarget(job.connect_to, job.port.port, is_tls(job.port), Deadline(timeout), timeout, tools)
    try:
        outcome = PROBES[job.probe](target)
    except (ProbeError, OSError, ValueError) as exc:
        outcome = Outcome(ERROR, failure_reason(exc, timeout))
    except Exception as exc:  # a probe bug must cost one result, not the others
        log.exception("probe %s crashed on %s:%s", job.probe, job.connect_to, job.port.port)
        outcome = Outcome(ERROR, f"probe crashed: {type(exc).__name__}: {exc}")
    return ProbeResult(
        probe=job.probe,
        address=job.address,
        port=job.port.port,
        service=job.port.service,
        status=outcome.status,
        reason=outcome.reason,
        evidence=outcome.evidence,
        elapsed=round(time.monotonic() - started, 3),
    )


class ProbeCollector(Collector):
    """Collects the ``probes`` facts: one ``ProbeResult`` per probe run on a discovered port."""

    name = ProbesFacts.name
    produces = ProbesFacts
    needs_host = False
    options = {
        "enabled": True,
        "timeout": 5.0,  # seconds per probe, connection included
        "workers": 4,  # probes at once (each also holds one of the host's connection slots)
        "max_modules": 20,  # rsync modules asked about per daemon
        "rsync": "rsync",  # client used to list an open module's top level
        "showmount": "showmount",  # lists NFS exports (Debian package nfs-common)
    }

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Typed options: a positive timeout, at least one worker and one rsync module."""
        reader.reject_unknown(frozenset(self.options))
        return {
            "enabled": reader.boolean("enabled", True),
            "timeout": positive_number(reader, "timeout", 5.0),
            "workers": reader.integer("workers", 4, minimum=1),
            "max_modules": reader.integer("max_modules", 20, minimum=1),
            "rsync": reader.string("rsync", "rsync"),
            "showmount": reader.string("showmount", "showmount"),
        }

    def collect(self, env: CollectEnv) -> ProbesFacts:
        """Probe every planned port; a failed probe is an ``error`` result, never a failed collection."""
        if not env.options["enabled"]:
            raise FactsUnavailable("service probes are disabled (collectors.probes.enabled: false)")
        discovery: DiscoveryFacts = env.fact(DiscoveryFacts)
        jobs = plan(discovery, services_policy(env.policies))
        tools = ProbeTools(rsync=str(env.options["rsync"]), showmount=str(env.options["showmount"]),
                           max_modules=int(env.options["max_modules"]))
        timeout = float(env.options["timeout"])

        def guarded(job: Job) -> ProbeResult:
            with env.limiter.slot(job.connect_to):
                return run_probe(job, timeout, tools)

        with ThreadPoolExecutor(max_workers=max(1, int(env.options["workers"])), thread_name_prefix="probe") as pool:
            results = tuple(pool.map(guarded, jobs))
        return ProbesFacts(results=results)
