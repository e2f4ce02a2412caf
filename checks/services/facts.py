"""The services area's facts: what discovery found and what the probes proved."""

from __future__ import annotations

from dataclasses import dataclass


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
