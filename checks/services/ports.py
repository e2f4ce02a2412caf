"""Which ports a network collector tries: the target's own, its options' defaults, and discovered ones."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.checks.services.facts import DiscoveredPort, DiscoveryFacts
from auditor.errors import CollectError

if TYPE_CHECKING:
    from auditor.check import CollectEnv


@dataclass(frozen=True)
class PortCandidate:
    """A port a network collector should look at, and why.

    ``origin`` decides what a failure there means: a port the user named (``target``) or that
    discovery found (``discovered``) should answer, so a failure is an error; a profile default
    (``default``) that is closed simply is not there.
    """

    port: int
    origin: str  # "target" | "default" | "discovered"

    @property
    def expected(self) -> bool:
        """True when a failure on this port is an error rather than an absence."""
        return self.origin != "default"


def candidate_ports(env: CollectEnv, wants: Callable[[DiscoveredPort], bool]) -> list[PortCandidate]:
    """Ports named for the target, the collector's ``ports`` option, and discovered ports it wants."""
    chosen: dict[int, str] = {}
    for port in env.target.ports:
        chosen.setdefault(port, "target")
    for port in env.options.get("ports", []):
        chosen.setdefault(int(port), "default")
    for port in discovered_ports(env, wants):
        chosen.setdefault(port, "discovered")
    return [PortCandidate(port, origin) for port, origin in sorted(chosen.items())]


def discovered_ports(env: CollectEnv, wants: Callable[[DiscoveredPort], bool]) -> list[int]:
    """Open ports discovery found on this target's address that ``wants`` accepts ([] without discovery)."""
    try:
        discovery: DiscoveryFacts = env.fact(DiscoveryFacts)
    except CollectError:
        return []  # discovery disabled, nmap missing, or it failed: its own checks report why
    return [
        entry.port
        for host in discovery.hosts
        if host.address == env.target.address
        for entry in host.ports
        if wants(entry)
    ]
