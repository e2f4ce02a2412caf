"""What every TLS check shares: the endpoints worth judging, resource names, and the base class.

A port that was expected to answer (named for the target, or found by discovery) and did not
(timeout, reset, garbage) makes the checks ``error`` for that port while they judge the rest;
a profile default port that is closed is simply absent; a port that answers as another
service (an SSH banner, plain HTTP) is noted in the result's details.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, Scope
from auditor.checks.tls.facts import PROBED, ForeignEndpoint, SilentEndpoint, TlsEndpoint, TlsFacts
from auditor.inventory.targets import is_address
from auditor.models import Finding

TAGS = ("tls",)
CONFIG_MEASURES = ("PRV-4", "PRV-5")  # a server setting: encryption in transit, hardened configuration


def resource(endpoint: TlsEndpoint, aspect: str) -> str:
    """``tcp/443:protocol/TLSv1.0``: the port, then what about it."""
    return f"tcp/{endpoint.port}:{aspect}"


def _describe(endpoint: SilentEndpoint) -> str:
    state, detail = endpoint.state, endpoint.detail
    if state in ("other-service", "not-tls"):
        sample = endpoint.sample if isinstance(endpoint, ForeignEndpoint) else ""
        return f"does not speak TLS (answered {sample[:40]!a})"
    return {"closed": "closed", "timeout": f"timed out ({detail})"}.get(state, f"{state}: {detail}")


def tls_endpoints(facts: TlsFacts, ctx: CheckContext) -> list[TlsEndpoint]:
    """Endpoints that speak TLS; expected ports that failed are reported through ``ctx.incomplete``.

    A port that answers as another service (a banner, plain HTTP) is noted in the details, not
    an error: inventories list all of a host's ports, and an SSH port is not a broken TLS port.
    """
    usable, notes = [], []
    for endpoint in facts.endpoints:
        label = f"tcp/{endpoint.port}"
        if isinstance(endpoint, TlsEndpoint):
            if endpoint.accepted():
                usable.append(endpoint)
            else:
                why = sorted({fact.detail for fact in endpoint.protocols.values() if fact.detail})
                ctx.incomplete(f"{label} speaks TLS but accepted no protocol version offered ({'; '.join(why)})")
        elif endpoint.origin in ("default", PROBED) or endpoint.state == "other-service":
            notes.append(f"{label} {_describe(endpoint)}")
        else:
            ctx.incomplete(f"{label} {_describe(endpoint)}")
    if notes:
        ctx.details["not audited"] = "; ".join(notes)
    if not usable and not ctx.problems:
        ports = ", ".join(str(endpoint.port) for endpoint in facts.endpoints) or "none"
        raise CheckSkipped(f"no TLS endpoint found (ports tried: {ports})")
    return usable


def judged_at(endpoint: TlsEndpoint, ctx: CheckContext) -> dt.datetime:
    """The moment certificate dates are judged at: the endpoint's scan, else the start of the run's day (UTC)."""
    if endpoint.scanned_at:
        return dt.datetime.fromisoformat(endpoint.scanned_at)
    return dt.datetime.combine(ctx.today, dt.time(), dt.UTC)


def name_to_match(facts: TlsFacts, endpoint: TlsEndpoint) -> str | None:
    """The name the certificate must cover: the SNI sent, else an address target's address (None: no name)."""
    return endpoint.sni or (facts.address if is_address(facts.address) else None)


class TlsCheck(Check):
    """Base: judge each TLS endpoint of the target."""

    facts = (TlsFacts,)
    scope = Scope.NETWORK
    tags = TAGS
    measures: ClassVar[tuple[str, ...]] = CONFIG_MEASURES

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings of every endpoint that speaks TLS."""
        endpoints = tls_endpoints(facts.get(TlsFacts), ctx)
        return [finding for endpoint in endpoints for finding in self.endpoint(endpoint, ctx)]

    def endpoint(self, endpoint: TlsEndpoint, ctx: CheckContext) -> list[Finding]:
        """Findings of one endpoint."""
        raise NotImplementedError
