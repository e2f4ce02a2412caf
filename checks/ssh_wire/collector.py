"""The ``ssh_wire`` collector: what an SSH server offers to anyone who connects, without logging in.

Per port, one raw connection (``client.RawSession``) reads the identification and the server's
KEXINIT and goes on into the key exchange far enough to read a host key (and, with
``gex_probe``, the size of the DH group the server hands a client that asks for a small one).
A second connection through paramiko (``auth``) completes the key exchange and asks for the
``none`` authentication method, whose refusal lists the methods the server offers. With
``host_key_types: all`` one more raw connection per advertised host key type reads every host
key. Each connection takes a slot of the per-host limiter.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

from auditor.check import CollectEnv, Collector
from auditor.checks.services.facts import DiscoveredPort
from auditor.checks.services.ports import PortCandidate, candidate_ports
from auditor.checks.ssh_wire.auth import AuthMethods, ask_none, auth_failures, paramiko_gap
from auditor.checks.ssh_wire.client import (
    STRICT_KEX_SERVER,
    ConnectFailed,
    Identification,
    NotSSH,
    RawSession,
    WireError,
    printable,
)
from auditor.checks.ssh_wire.facts import (
    GexNotOffered,
    GexProbe,
    HostKey,
    KexInit,
    PortStatus,
    SshWireFacts,
    ThrottleProbe,
    WirePort,
)
from auditor.checks.ssh_wire.kex import (
    GEX_ALGORITHMS,
    GEX_REQUEST,
    HOST_KEY_PREFERENCE,
    KEX_PREFERENCE,
    KexReply,
    choose,
    exchange,
)
from auditor.checks.ssh_wire.throttle import MAX_CONNECTIONS, probe_throttling
from auditor.config.policies import port_numbers
from auditor.config.yamlfile import MapReader
from auditor.errors import CollectError, FactsUnavailable
from auditor.models import TargetKind
from auditor.net.connections import Deadline

HOST_KEY_MODES = ("preferred", "all")
# The user named in the "none" authentication request when the target names none: it shows
# up in the server's log as an invalid user, which tells its admins who knocked.
PROBE_USER = "rifi-auditor"


class SshWireCollector(Collector):
    """Collects the ``ssh_wire`` facts: one record per candidate port."""

    name = "ssh_wire"
    produces = SshWireFacts
    needs_host = False
    preload = ("auditor.hosts.paramiko_loader",)  # the authentication probe's SSH client
    # throttle_probe: connections the throttling probe may hold at once (0: no probe, at most 12).
    options = {"ports": [22], "host_key_types": "preferred", "gex_probe": False, "throttle_probe": 10}

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """``ports`` (numbers and N-M ranges), ``host_key_types`` (preferred | all), ``gex_probe`` (boolean),
        ``throttle_probe`` (0, or 2 to 12 connections)."""
        reader.reject_unknown(frozenset(self.options))
        throttle = reader.number("throttle_probe", self.options["throttle_probe"], minimum=0)
        if throttle != int(throttle) or throttle == 1 or throttle > MAX_CONNECTIONS:
            reader.fail("throttle_probe", f"expected 0 (no probe) or a whole number from 2 to {MAX_CONNECTIONS}")
        return {
            "ports": reader.convert("ports", port_numbers, self.options["ports"]),
            "host_key_types": reader.choice("host_key_types", list(HOST_KEY_MODES), self.options["host_key_types"]),
            "gex_probe": reader.boolean("gex_probe", self.options["gex_probe"]),
            "throttle_probe": int(throttle),
        }

    def collect(self, env: CollectEnv) -> SshWireFacts:
        """Audit every candidate port; at least one must have an SSH server."""
        if env.target.address is None:
            raise FactsUnavailable("the SSH wire audit needs a network address (HOST, HOST:PORT or ssh://)")
        ports = tuple(audit_port(env, candidate) for candidate in wire_ports(env))
        if any(port.status is PortStatus.OK for port in ports):
            return SshWireFacts(ports)
        errors = _reasons(ports, PortStatus.ERROR)
        if errors:
            raise CollectError(errors)
        absent = "; ".join(filter(None, (_reasons(ports, PortStatus.CLOSED), _reasons(ports, PortStatus.OTHER))))
        raise FactsUnavailable(f"no SSH server found ({absent or 'no port to audit'})")


def _ssh_expected(env: CollectEnv, candidate: PortCandidate) -> bool:
    """SSH is expected on an ssh:// target, on the default SSH ports, and where discovery saw SSH."""
    return env.target.kind is TargetKind.SSH or candidate.origin in ("default", "discovered")


def _reasons(ports: tuple[WirePort, ...], status: PortStatus) -> str:
    return "; ".join(f"{port.label}: {port.reason}" for port in ports if port.status is status)


def wire_ports(env: CollectEnv) -> list[PortCandidate]:
    """The candidate ports; an ssh:// target's own port is one the user named."""
    candidates = {candidate.port: candidate for candidate in candidate_ports(env, _is_ssh)}
    if env.target.kind is TargetKind.SSH and env.target.port:
        candidates[env.target.port] = PortCandidate(env.target.port, "target")
    return [candidates[port] for port in sorted(candidates)]


def _is_ssh(entry: DiscoveredPort) -> bool:
    """A discovered port whose service nmap named ssh."""
    return entry.service == "ssh"


@dataclass
class PortAudit:
    """The facts of one port as they are gathered; a failure keeps what was learned before it."""

    candidate: PortCandidate
    status: PortStatus = PortStatus.OK
    reason: str = ""
    identification: Identification | None = None
    kexinit: KexInit | None = None
    host_keys: list[HostKey] = field(default_factory=list)
    host_key_errors: list[str] = field(default_factory=list)
    host_key_notes: list[str] = field(default_factory=list)
    auth: AuthMethods | None = None
    gex: GexNotOffered | GexProbe | None = None
    throttle: ThrottleProbe | None = None

    def failed(self, status: PortStatus, reason: str) -> WirePort:
        """The port's facts, ended by a failure."""
        self.status, self.reason = status, reason
        return self.to_facts()

    def to_facts(self) -> WirePort:
        """The port's record: every port has the same fields, whatever its status."""
        ident, kexinit, auth = self.identification, self.kexinit, self.auth
        return WirePort(
            port=self.candidate.port,
            origin=self.candidate.origin,
            status=self.status,
            reason=self.reason,
            banner=ident.line if ident else None,
            protocol_version=ident.protocol_version if ident else None,
            software=ident.software if ident else None,
            comments=ident.comments if ident else None,
            pre_banner_lines=ident.pre_banner if ident else (),
            kexinit=kexinit,
            strict_kex=STRICT_KEX_SERVER in kexinit.kex_algorithms if kexinit else None,
            host_keys=tuple(self.host_keys),
            host_key_errors=tuple(self.host_key_errors),
            host_key_notes=tuple(self.host_key_notes),
            auth_user=auth.user if auth else None,
            auth_methods=auth.methods if auth else None,
            auth_none_accepted=auth.none_accepted if auth else None,
            auth_error=auth.error if auth else "",
            gex=self.gex,
            throttle=self.throttle,
        )


def audit_port(env: CollectEnv, candidate: PortCandidate) -> WirePort:
    """Everything the wire shows on one port; failures become the port's status and reason."""
    audit = PortAudit(candidate)
    budget = Deadline(env.timeout)
    try:
        kexinit = _first_connection(env, audit, budget)
    except ConnectFailed as exc:
        # A profile default that nothing listens on is simply absent; a named port is an error.
        return audit.failed(PortStatus.ERROR if candidate.expected else PortStatus.CLOSED, str(exc))
    except NotSSH as exc:
        # An inventory's ports list every service of a host: another protocol on a port nobody
        # said was SSH is simply not this audit's business (TLS does the same the other way).
        return audit.failed(PortStatus.ERROR if _ssh_expected(env, candidate) else PortStatus.OTHER, str(exc))
    except (WireError, OSError) as exc:
        return audit.failed(PortStatus.ERROR, _reason(exc))
    if kexinit is None:  # an SSH-1-only server: nothing more to ask in SSH-2
        return audit.to_facts()
    if env.options.get("host_key_types") == "all":
        _other_host_keys(env, audit, kexinit, budget)
    else:
        unread = sorted({_key_family(name) for name in kexinit.server_host_key_algorithms}
                        - {_key_family(key.algorithm) for key in audit.host_keys})
        if unread:
            audit.host_key_notes.append(f"not read (host_key_types: preferred): {', '.join(unread)}")
    audit.auth = _auth_methods(env, audit, kexinit, budget)
    if env.options.get("throttle_probe"):
        # One limiter slot for the probe: holding several connections at once is what it measures.
        with env.limiter.slot(env.target.address or ""):
            audit.throttle = probe_throttling(env.target.address or "", candidate.port,
                                              env.options["throttle_probe"], env.connect_timeout)
    return audit.to_facts()


def _session(env: CollectEnv, audit: PortAudit, budget: Deadline) -> RawSession:
    """A raw session bounded by the connection timeout and the port's budget."""
    return RawSession(env.target.address or "", audit.candidate.port, env.connect_timeout,
                      _exchange_seconds(env, budget))


def _exchange_seconds(env: CollectEnv, budget: Deadline) -> float:
    """Time for one connection: twice the connect timeout, within what is left of the port's budget."""
    return round(min(budget.remaining(), 2 * env.connect_timeout), 1) or 0.1


def _first_connection(env: CollectEnv, audit: PortAudit, budget: Deadline) -> KexInit | None:
    """Identification, KEXINIT, and a host key (via group exchange when probing it)."""
    with env.limiter.slot(env.target.address or ""), _session(env, audit, budget) as session:
        identification = audit.identification = session.identify()
        if identification.protocol_version not in ("2.0", "1.99"):
            if identification.protocol_version.startswith("1."):
                return None
            raise WireError(f"unsupported SSH protocol version '{printable(identification.protocol_version, 20)}'")
        kexinit = audit.kexinit = session.read_kexinit()
        gex = choose(GEX_ALGORITHMS, kexinit.kex_algorithms) if env.options.get("gex_probe") else None
        errors_before = len(audit.host_key_errors)
        reply = _fetch_host_key(session, kexinit, audit, gex, _preferred_host_key(kexinit))
        if env.options.get("gex_probe"):
            audit.gex = _gex_facts(gex, reply, audit.host_key_errors[errors_before:])
    return kexinit


def _gex_facts(algorithm: str | None, reply: KexReply | None, errors: list[str]) -> GexNotOffered | GexProbe:
    """What the group exchange probe learned: the modulus size the server chose, or why not."""
    if algorithm is None:
        return GexNotOffered()
    bits = reply.modulus_bits if reply is not None else None
    return GexProbe(algorithm=algorithm, requested=GEX_REQUEST, modulus_bits=bits,
                    error="" if bits is not None else "; ".join(errors) or "no group received")


def _preferred_host_key(kexinit: KexInit) -> str | None:
    return choose(HOST_KEY_PREFERENCE, kexinit.server_host_key_algorithms)


def _fetch_host_key(session: RawSession, kexinit: KexInit, audit: PortAudit,
                    kex: str | None, algorithm: str | None) -> KexReply | None:
    """Carry the exchange to the server's reply and record the key, or why it could not be read."""
    kex = kex or choose(KEX_PREFERENCE, kexinit.kex_algorithms)
    if algorithm is None:
        audit.host_key_errors.append("no host key algorithm the audit can read (offered: "
                                     f"{', '.join(kexinit.server_host_key_algorithms) or 'none'})")
        return None
    if kex is None:
        audit.host_key_errors.append(f"{algorithm}: no key exchange method the audit can complete "
                                     f"(offered: {', '.join(kexinit.kex_algorithms)})")
        return None
    try:
        reply = exchange(session, kexinit, kex, algorithm)
    except (WireError, OSError) as exc:
        audit.host_key_errors.append(f"{algorithm}: {_reason(exc)}")
        return None
    audit.host_keys.append(reply.host_key)
    return reply


def _reason(exc: BaseException) -> str:
    """A one-line reason for what ended an exchange."""
    if isinstance(exc, (socket.timeout, TimeoutError)):
        text = str(exc)
        if text == "deadline passed":  # auditor.net.connections.Deadline: the port's budget is spent
            return "the time budget for this port (timeouts: command) ran out"
        return printable(text, 200) if text and text != "timed out" else "no answer within the time allowed"
    if isinstance(exc, OSError) and exc.strerror:
        return printable(exc.strerror)
    return printable(str(exc) or type(exc).__name__, 200)


def _key_family(algorithm: str) -> str:
    """RSA signature variants share one key; every other algorithm names its own key type."""
    return "ssh-rsa" if algorithm in ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa") else algorithm


def _other_host_keys(env: CollectEnv, audit: PortAudit, kexinit: KexInit, budget: Deadline) -> None:
    """One more connection per advertised host key type not read yet (``host_key_types: all``)."""
    seen = {_key_family(key.algorithm) for key in audit.host_keys}
    families: dict[str, str] = {}
    for algorithm in HOST_KEY_PREFERENCE:
        if algorithm in kexinit.server_host_key_algorithms:
            families.setdefault(_key_family(algorithm), algorithm)
    for family, algorithm in families.items():
        if family in seen:
            continue
        try:
            with env.limiter.slot(env.target.address or ""), _session(env, audit, budget) as session:
                session.identify()
                _fetch_host_key(session, session.read_kexinit(), audit, None, algorithm)
        except (WireError, OSError) as exc:
            audit.host_key_errors.append(f"{algorithm}: {_reason(exc)}")
    unread = [name for name in kexinit.server_host_key_algorithms if "-cert-" in name]
    if unread:
        audit.host_key_notes.append(f"certificate host keys are not read: {', '.join(unread)}")


def _auth_methods(env: CollectEnv, audit: PortAudit, kexinit: KexInit, budget: Deadline) -> AuthMethods:
    """The methods the server offers, from its refusal of a ``none`` authentication request."""
    user = env.target.user or PROBE_USER
    gap = paramiko_gap(kexinit)
    if gap:
        return AuthMethods(user, error=f"authentication methods unknown: {gap}")
    try:
        with env.limiter.slot(env.target.address or ""):
            methods, accepted = ask_none(env.target.address or "", audit.candidate.port, user,
                                         env.connect_timeout, _exchange_seconds(env, budget))
    except auth_failures() as exc:
        return AuthMethods(user, error=f"authentication methods unknown: {_reason(exc)}")
    return AuthMethods(user, methods, accepted)
