"""The services area's facts: what discovery found and what the probes proved.

Their JSON form (``auditor.facts.facts_to_json``) is the shape snapshots have always stored
(``auditor/store/diff.py`` reads the discovery hosts and ports from it), so every record
below keeps its keys, and records whose keys differ from case to case are separate classes:
an nmap scan and an imported file, an rsync module that was listed and one that was not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from auditor.facts import Facts


@dataclass(frozen=True)
class DiscoveredPort:
    """One open port nmap found; ``service`` is empty when nmap knows no name for it."""

    port: int
    protocol: str = "tcp"
    state: str = "open"
    service: str = ""
    tunnel: str = ""  # "ssl" when nmap saw TLS in front of the service
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    method: str = ""  # "probed" or "table" (nmap guessed from the port number)
    conf: int = 0


@dataclass(frozen=True)
class DiscoveredHost:
    """One host of a scan and its open ports.

    ``address`` is how the target names the host (a single-host target keeps its own name or
    address); ``ip`` is what nmap scanned.
    """

    address: str
    mac: str = ""
    hostnames: tuple[str, ...] = ()
    status: str = ""  # nmap's host state, "up" for every host it reports with --open
    reason: str = ""
    timed_out: bool = False  # nmap's --host-timeout stopped this host: its ports are not all known
    ports: tuple[DiscoveredPort, ...] = ()
    ip: str = ""


@dataclass(frozen=True)
class VersionPass:
    """The second pass (``-sV --version-light``): how many ports it examined, in how long."""

    ports: int
    elapsed: float


@dataclass(frozen=True)
class ScanInfo:
    """How the hosts were found: nmap's own record of the run(s), and what went wrong."""

    source: str = "nmap"  # "nmap" (scanned now) or "import" (read from a file)
    nmap_version: str = ""
    commands: tuple[str, ...] = ()  # nmap's command lines, one per pass
    nmap_elapsed: float = 0.0  # seconds, as nmap reported the first pass
    totals: Mapping[str, int] = field(default_factory=dict)  # hosts up/down/total, as nmap counted them
    errors: tuple[str, ...] = ()  # scan failures: the verdicts on this target are incomplete
    messages: tuple[str, ...] = ()  # what nmap said on stderr
    timed_out: tuple[str, ...] = ()  # hosts nmap gave up on (plus " (version detection)" in the 2nd pass)
    version_pass: VersionPass | None = None


@dataclass(frozen=True)
class NmapScan(ScanInfo):
    """A scan run by this audit."""

    ports: str = ""  # nmap's -p argument
    port_count: int = 0
    scan_type: str = "connect"  # "syn" or "connect"
    excluded: tuple[str, ...] = ()  # range addresses the run audits as targets of their own
    elapsed: float = 0.0  # seconds, both passes


@dataclass(frozen=True)
class ImportedScan(ScanInfo):
    """An nmap XML file read instead of scanning."""

    source: str = "import"
    file: str = ""


@dataclass(frozen=True)
class DiscoveryFacts(Facts):
    """The ``discovery`` facts: the hosts of the target with open ports, and how they were found."""

    name: ClassVar[str] = "discovery"
    version: ClassVar[int] = 1
    hosts: tuple[DiscoveredHost, ...] = ()
    scan: NmapScan | ImportedScan = field(default_factory=NmapScan)


# --- probes ------------------------------------------------------------------------------

# What a probe proved, from worst to best for the target (see probe_base for each meaning).
ProbeStatus = Literal["open", "reachable", "protected", "absent", "error", "not-assessable"]
# What the daemon answered for one rsync module.
ModuleAccess = Literal["open", "protected", "refused", "unknown"]


@dataclass(frozen=True)
class RsyncModule:
    """An rsync module the daemon lists, and whether it let an anonymous client in."""

    name: str
    comment: str
    access: ModuleAccess


@dataclass(frozen=True)
class NotedModule(RsyncModule):
    """A module that was not asked (unusual name) or that refused us: ``note`` says why."""

    note: str


@dataclass(frozen=True)
class ListedModule(RsyncModule):
    """An open module whose top level the rsync client listed."""

    files: int
    sample: tuple[str, ...]  # the first few entries


@dataclass(frozen=True)
class UnlistedModule(RsyncModule):
    """An open module whose listing failed or was not tried: ``note`` says why."""

    files: None
    note: str


# Every shape an rsync module takes (each keeps its own JSON keys).
AnyRsyncModule = ListedModule | UnlistedModule | NotedModule | RsyncModule


@dataclass(frozen=True)
class RsyncEvidence:
    """What the rsync probe saw: the modules it asked about."""

    modules: tuple[AnyRsyncModule, ...]


@dataclass(frozen=True)
class NfsExport:
    """One NFS export and the clients it is offered to (``*`` and the like: everyone)."""

    path: str
    clients: tuple[str, ...]


@dataclass(frozen=True)
class NfsEvidence:
    """What the NFS probe saw: the export list."""

    exports: tuple[NfsExport, ...]


# A probe's evidence: the modules or exports it listed, or short texts the service answered.
Evidence = RsyncEvidence | NfsEvidence | Mapping[str, str]


@dataclass(frozen=True)
class ProbeResult:
    """One probe of one open port: what it proved (``status``), why, and small evidence."""

    probe: str
    address: str  # as discovery reports the host
    port: int
    service: str  # nmap's name for the port
    status: ProbeStatus
    reason: str  # why the status is not "open" (empty when it is)
    evidence: Evidence
    elapsed: float

    def texts(self) -> Mapping[str, str]:
        """The evidence as short texts (empty for the rsync and NFS listings)."""
        return self.evidence if not isinstance(self.evidence, (RsyncEvidence, NfsEvidence)) else {}


@dataclass(frozen=True)
class ProbesFacts(Facts):
    """The ``probes`` facts: one result per probe run on the discovered ports."""

    name: ClassVar[str] = "probes"
    version: ClassVar[int] = 1
    results: tuple[ProbeResult, ...] = ()
