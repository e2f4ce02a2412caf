"""The ``web`` collector: the web exposure catalogue, run on every HTTP(S) port discovery found.

Which ports: those discovery identified as HTTP (nmap's service detection, or a catalogue
service the services policy marks ``http``), wherever they are, plus ports nmap could not name,
which are sniffed with ``GET /`` (not HTTP there: recorded as ``not-http``, not an error).
On each port it fetches the home page, plans every probe's requests (the home page's
same-origin folder links, the ``{site}`` names, each path once, read as far as the most
demanding probe wants), sends them under the host's ``Pacer`` and the target's budget, and
records the matches with bounded evidence. Checks judge the matches (``judges.py``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from auditor.check import CollectEnv, Collector
from auditor.checks.services.facts import DiscoveredPort, DiscoveryFacts
from auditor.checks.services.options import positive_number
from auditor.checks.services.policy import GENERIC_NAMES, identify, is_http, is_tls, services_policy
from auditor.checks.services.probes_http import HttpReply
from auditor.checks.web.catalogue import MAX_READ, SITE, Reply, WebProbe
from auditor.checks.web.evidence import escaped, evidence_for, listing_entries, same_origin_links
from auditor.checks.web.facts import PortStatus, WebFacts, WebMatch, WebPort
from auditor.checks.web.fetch import Fetcher
from auditor.checks.web.policy import probes_of, web_policy
from auditor.checks.web.politeness import Pacer
from auditor.config.yamlfile import MapReader
from auditor.errors import FactsUnavailable
from auditor.net.connections import Deadline


@dataclass(frozen=True)
class WebJob:
    """One port to probe: the host as discovery names it, where to connect, and how sure we are."""

    address: str
    connect_to: str
    port: DiscoveredPort
    sniff: bool  # discovery did not say HTTP: a port that does not answer HTTP is simply not web
    sites: tuple[str, ...]  # names the site goes by, for ``{site}`` paths


def web_ports(discovery: DiscoveryFacts, policy: Mapping[str, Any]) -> list[WebJob]:
    """The ports to probe: identified as HTTP (sure) or not identified at all (sniffed)."""
    jobs = []
    for host in discovery.hosts:
        sites = site_names((host.address, *host.hostnames))
        for port in host.ports:
            entry = identify(policy, port).entry
            if is_http(port) or (entry is not None and entry.get("http")):
                jobs.append(WebJob(host.address, host.ip or host.address, port, False, sites))
            elif port.service in GENERIC_NAMES:
                jobs.append(WebJob(host.address, host.ip or host.address, port, True, sites))
    return jobs


def site_names(names: Iterable[str]) -> tuple[str, ...]:
    """``web01.example.org`` gives ``web01.example.org`` and ``web01``; addresses give nothing."""
    found: list[str] = []
    for name in names:
        try:
            ipaddress.ip_address(name)
            continue
        except ValueError:
            pass
        for candidate in (name, name.split(".", 1)[0]):
            if candidate and candidate not in found and all(c.isalnum() or c in ".-_" for c in candidate):
                found.append(candidate)
    return tuple(found)


def planned_paths(probe: WebProbe, links: tuple[str, ...], sites: tuple[str, ...]) -> list[str]:
    """The paths one probe asks: its own (``{site}`` expanded; dropped without a site name) and links."""
    paths: list[str] = []
    for path in probe.paths:
        expanded = [path.replace(SITE, site) for site in sites] if SITE in path else [path]
        paths += [item for item in expanded if item not in paths]
    if probe.links:
        paths += [link for link in links if link not in paths]
    return paths


def probe_port(job: WebJob, probes: tuple[WebProbe, ...], fetcher: Fetcher, max_links: int) -> WebPort:
    """The catalogue on one port: home page first, then every planned request, then the matchers."""
    home = fetcher.fetch("GET", "/", MAX_READ)
    if home is None:
        if fetcher.stopped_by:
            return _port(job, fetcher, "error", f"not probed: the {fetcher.stopped_by} limit was reached")
        reason = fetcher.failures[0] if fetcher.failures else "no answer"
        return _port(job, fetcher, "not-http" if job.sniff else "error", reason, failures=not job.sniff)
    links = same_origin_links(home.body, max_links)
    asked = {probe: planned_paths(probe, links, job.sites) for probe in probes if probe.kind != "listed"}
    reads: dict[tuple[str, str], int] = {}
    for probe, paths in asked.items():
        for path in paths:
            reads[(probe.method, path)] = max(reads.get((probe.method, path), 0), probe.read)
    for (method, path), read in reads.items():
        fetcher.fetch(method, path, read)
    matches = []
    for probe, paths in asked.items():
        for path in paths:
            response = fetcher.answered(probe.method, path)
            match = match_of(probe, path, response, fetcher.url(path)) if response is not None else None
            if match is not None:
                matches.append(match)
                if probe.first_match:
                    break
    return _port(job, fetcher, "probed", "", matches=tuple(matches), server=home.headers.get("server", ""),
                 home_status=home.status)


def match_of(probe: WebProbe, path: str, response: HttpReply, url: str) -> WebMatch | None:
    """The match record when ``probe``'s matcher accepts ``response`` (judged on its first ``read`` bytes)."""
    body = response.body[: probe.read]
    reply = Reply(response.status, response.headers, body.decode("latin-1"))
    if not probe.matcher.matches(reply):
        return None
    entries = listing_entries(body) if probe.evidence == "listing" else ()
    return WebMatch(probe=probe.id, path=path, url=url, status=response.status,
                    evidence=evidence_for(probe.evidence, body, entries), entries=entries)


def _port(job: WebJob, fetcher: Fetcher, status: PortStatus, reason: str, *, failures: bool = True,
          matches: tuple[WebMatch, ...] = (), server: str = "", home_status: int = 0) -> WebPort:
    """The port's record: what was sent, what matched, what failed or stayed unsent (texts escaped)."""
    return WebPort(address=job.address, port=job.port.port, tls=fetcher.tls, status=status,
                   reason=escaped(reason, 200), server=escaped(server, 80), home_status=home_status,
                   requests=fetcher.sent, matches=matches, failures=tuple(fetcher.failures) if failures else (),
                   failed=fetcher.failed if failures else 0, not_sent=fetcher.not_sent, limit=fetcher.stopped_by)


class WebCollector(Collector):
    """Collects the ``web`` facts: the catalogue's matches on every HTTP(S) port of the target."""

    name = WebFacts.name
    produces = WebFacts
    needs_host = False
    options = {
        "enabled": True,
        "timeout": 5.0,  # seconds per request, connection included
        "rate": 10.0,  # requests per second to one host
        "max_requests": 300,  # requests to one host, all its ports together
        # Seconds for the whole target; what is left unsent is reported. Below the profile's
        # timeouts.target (300 s), which would abandon the collection and lose what it found.
        "budget": 120.0,
        "max_links": 20,  # home page links followed per port (one level)
        "workers": 4,  # ports probed at once (each request also holds one of the host's connection slots)
    }

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Typed options: positive timeout, rate and budget; whole numbers of requests, links and workers."""
        reader.reject_unknown(frozenset(self.options))
        return {
            "enabled": reader.boolean("enabled", True),
            "timeout": positive_number(reader, "timeout", 5.0),
            "rate": positive_number(reader, "rate", 10.0),
            "max_requests": reader.integer("max_requests", 300, minimum=1),
            "budget": positive_number(reader, "budget", 120.0),
            "max_links": reader.integer("max_links", 20, minimum=0),
            "workers": reader.integer("workers", 4, minimum=1),
        }

    def collect(self, env: CollectEnv) -> WebFacts:
        """Probe every HTTP(S)-looking port; a port that fails is recorded, never a failed collection."""
        options = env.options
        if not options["enabled"]:
            raise FactsUnavailable("web probes are disabled (collectors.web.enabled: false)")
        discovery: DiscoveryFacts = env.fact(DiscoveryFacts)
        policy = web_policy(env.policies)
        probes = probes_of(policy)
        jobs = web_ports(discovery, services_policy(env.policies))
        deadline = Deadline(float(options["budget"]))
        pacers: dict[str, Pacer] = {}
        for job in jobs:
            pacers.setdefault(job.connect_to, Pacer(float(options["rate"]), int(options["max_requests"]), deadline))

        def run(job: WebJob) -> WebPort:
            fetcher = Fetcher(job.connect_to, job.address, job.port.port, is_tls(job.port), pacers[job.connect_to],
                              float(options["timeout"]), deadline, env.limiter)
            return probe_port(job, probes, fetcher, int(options["max_links"]))

        with ThreadPoolExecutor(max_workers=int(options["workers"]), thread_name_prefix="web") as pool:
            ports = tuple(pool.map(run, jobs))
        return WebFacts(ports=ports, catalogue=f"{policy.get('policy', '')} {policy.get('version', '')}".strip())

