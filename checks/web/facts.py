"""The ``web`` facts: what the web exposure probes asked each HTTP(S) port and what matched."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Literal

from auditor.facts import Facts

# probed: it spoke HTTP and the catalogue ran (as far as limits allowed); not-http: a port we
# only sniffed did not answer HTTP; error: a port discovery named HTTP did not answer `/`.
PortStatus = Literal["probed", "not-http", "error"]


@dataclass(frozen=True)
class WebMatch:
    """A catalogue probe that matched one URL, with bounded, escaped evidence (never a secret's value)."""

    probe: str  # the catalogue probe's id (its kind, severity and measures are the policy's when judged)
    path: str
    url: str
    status: int
    evidence: Mapping[str, str]
    entries: tuple[str, ...] = ()  # a listing's entries (the first ones, escaped)


@dataclass(frozen=True)
class WebPort:
    """One port the web collector looked at, what it asked, and what it could not finish."""

    address: str  # as discovery reports the host
    port: int
    tls: bool
    status: PortStatus
    reason: str  # why not probed / what failed (empty when probed)
    server: str  # the Server header of the home page, escaped and bounded
    home_status: int  # status of GET / (0 when it failed)
    requests: int  # requests sent to this port
    matches: tuple[WebMatch, ...] = ()
    failures: tuple[str, ...] = ()  # why requests ended without a reply ("GET /x: timeout"), the first ten
    failed: int = 0  # requests that ended without a reply
    not_sent: int = 0  # planned requests the politeness limit or the budget left unsent
    limit: str = ""  # which limit stopped it


@dataclass(frozen=True)
class WebFacts(Facts):
    """The ``web`` facts: one record per HTTP(S)-looking port of the target's hosts."""

    name: ClassVar[str] = "web"
    version: ClassVar[int] = 1
    ports: tuple[WebPort, ...] = ()
    catalogue: str = ""  # the policy's name and version the probes came from
