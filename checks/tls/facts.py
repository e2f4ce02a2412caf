"""The ``tls`` facts: what the scan of each TLS endpoint of a target found, as typed records.

Their JSON form (``auditor.facts.facts_to_json``) is the shape snapshots have always stored, so
a record exists for each shape a value can take: a protocol version that was accepted carries
its suites, one that was not carries only why; an endpoint that spoke TLS carries everything,
one that did not carries its state (and, when it answered something else, a sample of it).
Decoding picks the variant whose keys the stored JSON has.

Every text a server or certificate sent (headers, names, samples) is kept raw: reporters escape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from auditor.facts import Facts, omitted_when_default

# Why a port was scanned: named for the target, a profile default, found by discovery, or
# "probed": discovery found it but could not name its service, so not speaking TLS is no error.
PROBED = "probed"
# How a port that did not speak TLS ended: "other-service" when it answered readable text.
SilentState = Literal["closed", "reset", "timeout", "error", "not-tls", "other-service"]


# --- protocol versions, groups and handshake features --------------------------------------------


@dataclass(frozen=True)
class VersionProbe:
    """A protocol version the server did not accept: ``rejected``, ``timeout`` or ``error``, and why."""

    state: Literal["rejected", "timeout", "error"]
    detail: str


@dataclass(frozen=True)
class AcceptedVersion:
    """A protocol version the server accepted, with its suites in the order the server picked them.

    ``complete`` is False when the enumeration stopped early (``detail`` says why).
    """

    state: Literal["accepted"]
    detail: str
    ciphers: tuple[str, ...]
    complete: bool


@dataclass(frozen=True)
class GroupScan:
    """Key exchange groups the server accepted, enumerated with ``via`` (None: nothing to enumerate with)."""

    groups: tuple[str, ...]
    via: str | None
    complete: bool
    detail: str


@dataclass(frozen=True)
class FallbackProbe:
    """RFC 7507: whether a downgraded hello with TLS_FALLBACK_SCSV was refused (None: not applicable or unclear)."""

    supported: bool | None
    detail: str


@dataclass(frozen=True)
class KeyExchange:
    """Finite-field DH prime sizes and ECDHE curves the server used with TLS <= 1.2 suites."""

    dh_bits: tuple[int, ...]
    ecdhe_curves: tuple[str, ...]


@dataclass(frozen=True)
class VulnerabilityProbe:
    """What one vulnerability probe concluded, and the evidence in words.

    ``not-vulnerable`` always says what was seen (an alert, a refused version, no RSA key
    exchange); ``inconclusive`` says why nothing could be concluded (a timeout, a refused hello).
    ``oracle`` is ROBOT's strength: ``strong`` or ``weak`` (None for the other probes).
    """

    state: Literal["vulnerable", "not-vulnerable", "inconclusive"]
    detail: str
    oracle: Literal["strong", "weak"] | None = omitted_when_default(None)


@dataclass(frozen=True)
class VulnerabilityScan:
    """The probes of the known TLS implementation flaws, each bounded in connections and time."""

    heartbleed: VulnerabilityProbe  # CVE-2014-0160
    ccs_injection: VulnerabilityProbe  # CVE-2014-0224
    robot: VulnerabilityProbe  # CVE-2017-13099 and relatives: a Bleichenbacher oracle
    client_renegotiation: VulnerabilityProbe  # the server honours client-initiated renegotiation (DoS)


# --- certificates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateSummary:
    """Readable facts about one certificate, names exactly as the certificate has them."""

    subject: str
    common_names: tuple[str, ...]
    issuer: str
    serial: str
    not_before: str
    not_after: str
    san: tuple[str, ...]  # "DNS:name" and "IP:address" entries
    key: str
    signature: str
    sha256: str


@dataclass(frozen=True)
class Trust:
    """Path validation of a chain on the collecting machine; ``incomplete``: an intermediate is missing."""

    trusted: bool
    reason: str
    incomplete: bool


@dataclass(frozen=True)
class ChainFacts:
    """One certificate chain as sent (PEM, leaf first), its summaries and its validation."""

    via: str  # the handshake that delivered it, e.g. "TLSv1.2 TLS_ECDHE_..." or "full handshake"
    chain: tuple[str, ...]
    certificates: tuple[CertificateSummary, ...]
    trust: Trust | None


@dataclass(frozen=True)
class UnreadableChain(ChainFacts):
    """A chain of which a certificate did not parse: only the PEMs and the parse error are sure."""

    error: str


@dataclass(frozen=True)
class AliasLeaf:
    """The leaf an endpoint sent when asked for an inventory alias (SNI), as PEM; None and ``error`` if not fetched."""

    name: str
    certificate: str | None
    error: str


# --- HTTP ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpResponse:
    """Status and the few headers the checks read (lower-case names, every value, raw)."""

    status: int
    headers: Mapping[str, tuple[str, ...]]

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (RFC 6797: only the first HSTS header counts)."""
        values = self.headers.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class SecurityTxtAnswer(HttpResponse):
    """The answer to /.well-known/security.txt: RFC 9116 fields, raw (a field may repeat)."""

    fields: Mapping[str, tuple[str, ...]]
    truncated: bool


@dataclass(frozen=True)
class RequestFailed:
    """A request that got no HTTP answer."""

    error: str


@dataclass(frozen=True)
class HttpsFacts:
    """An endpoint that speaks HTTP: the answer to GET / and to the security.txt request."""

    speaks_http: Literal[True]
    root: HttpResponse
    security_txt: SecurityTxtAnswer | RequestFailed


@dataclass(frozen=True)
class NotHttpFacts:
    """An endpoint whose answer to GET / was not HTTP."""

    speaks_http: Literal[False]
    detail: str


@dataclass(frozen=True)
class PlainHttpAnswer(HttpResponse):
    """A plain-HTTP port that answered GET / (status and Location tell whether it redirects)."""

    port: int
    origin: str
    state: Literal["http"]


@dataclass(frozen=True)
class PlainHttpFailure:
    """A plain-HTTP port that gave no HTTP answer: ``closed``, ``timeout``, ``not-http`` or ``error``."""

    port: int
    origin: str
    state: Literal["closed", "timeout", "not-http", "error"]
    detail: str


# --- endpoints -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TlsEndpoint:
    """Everything the scan of one port that speaks TLS found.

    The handshake features are None where no TLS <= 1.2 version was accepted (not applicable).
    """

    origin: str  # target | default | discovered | probed
    port: int
    sni: str | None
    state: Literal["tls"]
    protocols: Mapping[str, AcceptedVersion | VersionProbe]  # every version, oldest first
    groups: GroupScan
    fallback_scsv: FallbackProbe
    secure_renegotiation: bool | None
    extended_master_secret: bool | None
    compression: bool | None
    ocsp_stapling: bool | None
    key_exchange: KeyExchange
    certificates: tuple[ChainFacts | UnreadableChain, ...]
    http: HttpsFacts | NotHttpFacts | None
    notes: tuple[str, ...]
    connections: int
    seconds: float
    aliases: tuple[AliasLeaf, ...] = omitted_when_default(())  # one per inventory alias besides the SNI
    scanned_at: str | None = omitted_when_default(None)  # ISO 8601 UTC: certificate dates are judged then
    vulnerabilities: VulnerabilityScan | None = omitted_when_default(None)  # None: facts of an older version

    def accepted(self) -> dict[str, AcceptedVersion]:
        """The accepted protocol versions, oldest first."""
        return {name: fact for name, fact in self.protocols.items() if isinstance(fact, AcceptedVersion)}


@dataclass(frozen=True)
class SilentEndpoint:
    """A port that did not speak TLS and sent nothing useful: closed, reset, timed out, or an error."""

    origin: str
    port: int
    sni: str | None
    state: SilentState
    detail: str
    connections: int
    seconds: float


@dataclass(frozen=True)
class ForeignEndpoint(SilentEndpoint):
    """A port that answered with something else than TLS (``other-service`` or ``not-tls``).

    ``sample`` holds its first bytes, one character per byte (latin-1).
    """

    sample: str


EndpointFacts = TlsEndpoint | ForeignEndpoint | SilentEndpoint
PlainHttpFacts = PlainHttpAnswer | PlainHttpFailure


@dataclass(frozen=True)
class TlsFacts(Facts):
    """The ``tls`` collector's facts: every TLS endpoint scanned, and what the plain-HTTP ports answered."""

    name: ClassVar[str] = "tls"
    version: ClassVar[int] = 1

    address: str
    sni: str | None  # the name sent as SNI and matched against certificates
    ca_bundle: str | None  # the profile's extra trust anchors
    trust_store: str | None  # the collecting machine's system store
    endpoints: tuple[EndpointFacts, ...]
    http_redirects: tuple[PlainHttpFacts, ...]
