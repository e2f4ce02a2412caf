"""TLS settings: protocols, cipher suites, groups, certificates and HTTPS extras, judged per endpoint.

The ``tls`` collector scans every TLS endpoint of a network target (443, the ports the target
or inventory names, and the TLS ports discovery finds) and records facts per endpoint. The
checks judge those facts against the profile's ``tls`` policy (Mozilla's server-side TLS
configurations, kept as data in ``profiles/policies/tls-*.yaml``) and against fixed rules for
certificates. Every deviation is its own finding, with a resource such as
``tcp/443:protocol/TLSv1.0``, ``tcp/443:cipher/TLS_RSA_WITH_AES_128_CBC_SHA`` or
``tcp/443:cert/expiry``, so waivers and snapshot comparisons can name exactly one of them.

A port that was expected to answer (named for the target, or found by discovery) and did not
(timeout, reset, garbage) makes the checks ``error`` for that port while they judge the rest;
a profile default port that is closed is simply absent; a port that answers as another
service (an SSH banner, plain HTTP) is noted in the result's details.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

from cryptography import x509

from auditor.check import Check, CheckContext, CheckSkipped, CollectEnv, Collector, Scope
from auditor.checks.services.facts import DiscoveredPort
from auditor.checks.services.ports import PortCandidate, candidate_ports, discovered_ports
from auditor.checks.tls import certificates as certs
from auditor.checks.tls.grade import grade
from auditor.checks.tls.http import fact_header, hsts_max_age
from auditor.checks.tls.names import VERSIONS, group_bits, is_finite_field, suite
from auditor.checks.tls.policy import validate_tls
from auditor.checks.tls.scan import Endpoint, plain_http, scan_endpoint
from auditor.config.policies import port_numbers
from auditor.config.yamlfile import MapReader
from auditor.errors import CollectError, FactsUnavailable
from auditor.inventory.targets import valid_address
from auditor.models import Finding, Severity, Target

_TAGS = ("tls",)
PROBED = "probed"  # origin of a discovered port of unknown service: not TLS there is no error
_CONFIG = ("PRV-4", "PRV-5")  # a server setting: encryption in transit, hardened configuration
# Service names nmap gives TLS-wrapped services (besides any service with tunnel="ssl").
TLS_SERVICES = frozenset({"https", "https-alt", "ssl", "imaps", "pop3s", "smtps", "submissions", "ldapssl",
                          "ftps", "ircs", "nntps", "xmpps", "sips"})


def wants_tls(entry: DiscoveredPort) -> bool:
    """A discovered port worth a TLS scan: nmap saw TLS (tunnel="ssl") or a TLS service name."""
    return entry.tunnel == "ssl" or entry.service in TLS_SERVICES


def wants_handshake(entry: DiscoveredPort) -> bool:
    """A discovered port nmap could not name: worth one TLS handshake, audited only if it succeeds."""
    return entry.tunnel != "ssl" and entry.service in ("", "unknown", "tcpwrapped")


def wants_plain_http(entry: DiscoveredPort) -> bool:
    """A discovered plain-HTTP port."""
    return entry.service == "http" and entry.tunnel != "ssl"


def server_name(target: Target, option: Any) -> str | None:
    """The name sent as SNI and matched against certificates: the profile's choice, else a host-name address."""
    if isinstance(option, Mapping):
        option = option.get(target.name) or option.get(target.address or "")
    if option:
        return str(option)
    address = target.address or ""
    try:
        ipaddress.ip_address(address)
        return None
    except ValueError:
        return address.rstrip(".") or None


class TlsCollector(Collector):
    """Collects the ``tls`` facts: one scan per TLS endpoint, plus plain-HTTP redirects."""

    name = "tls"
    needs_host = False
    options = {
        "ports": [443],
        "sni": None,  # a name for every target, or {target name or address: name}
        "ca_bundle": None,  # extra trust anchors (PEM), e.g. the institution's private CA
        "per_endpoint_connections": 3,
        "handshake_timeout": 5,
        "endpoint_timeout": 120,
        "http": True,
        "http_ports": [80],
    }

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Ports as numbers or ranges, SNI as a name or a mapping, the CA bundle checked now."""
        reader.reject_unknown(frozenset(self.options))
        values = dict(self.options)
        for key in ("ports", "http_ports"):
            values[key] = reader.convert(key, port_numbers, values[key])
        for key in ("per_endpoint_connections", "handshake_timeout", "endpoint_timeout"):
            values[key] = reader.number(key, values[key], minimum=1)
        values["per_endpoint_connections"] = int(values["per_endpoint_connections"])
        values["http"] = reader.boolean("http", True)
        values["sni"] = _sni_option(reader)
        if reader.has("ca_bundle"):
            values["ca_bundle"] = _ca_bundle(reader)
        return values

    def collect(self, env: CollectEnv) -> dict[str, Any]:
        """Scan each candidate TLS port, then ask each plain-HTTP port for a redirect."""
        target = env.target
        if not target.address:
            raise FactsUnavailable("the target has no address to connect to")
        options = env.options
        name = server_name(target, options["sni"])
        try:
            roots = certs.trust_roots(options["ca_bundle"])
        except (OSError, ValueError) as exc:
            raise CollectError(f"cannot read the trust anchors: {exc}") from None
        candidates = candidate_ports(env, wants_tls)
        known = {candidate.port for candidate in candidates}
        candidates += [PortCandidate(port, PROBED) for port in discovered_ports(env, wants_handshake) if port not in known]

        def scan(candidate: PortCandidate) -> dict[str, Any]:
            endpoint = Endpoint(target.address, candidate.port, name, env.limiter, options["per_endpoint_connections"],
                                options["handshake_timeout"], options["endpoint_timeout"])
            return {"origin": candidate.origin, **scan_endpoint(endpoint, roots, http_extras_wanted=options["http"])}

        with ThreadPoolExecutor(max_workers=max(1, min(4, len(candidates))), thread_name_prefix="tls") as pool:
            endpoints = list(pool.map(scan, candidates))
        redirects = [{"port": c.port, "origin": c.origin,
                      **plain_http(target.address, c.port, name or target.address, env.limiter, options["handshake_timeout"])}
                     for c in _http_candidates(env)] if options["http"] else []
        return {"address": target.address, "sni": name, "ca_bundle": options["ca_bundle"],
                "trust_store": certs.system_bundle(), "endpoints": endpoints, "http_redirects": redirects}


def _http_candidates(env: CollectEnv) -> list[PortCandidate]:
    """The ``http_ports`` (80), each with its origin: named for the target, discovered, or a default."""
    found = set(discovered_ports(env, wants_plain_http))
    return [PortCandidate(port, "target" if port in env.target.ports else "discovered" if port in found else "default")
            for port in env.options["http_ports"]]


def _sni_option(reader: MapReader) -> Any:
    value = reader.raw("sni", None)
    if value is None:
        return None
    if isinstance(value, str):
        return _server_name(reader, "sni", value)
    section = reader.mapping("sni")
    return {str(key): _server_name(section, str(key), section.string(key)) for key in section.data}


def _server_name(reader: MapReader, key: str, value: str) -> str:
    try:
        ipaddress.ip_address(value)
        reader.fail(key, "SNI carries host names only, not addresses")
    except ValueError:
        pass
    if not valid_address(value):
        reader.fail(key, f"'{value}' is not a valid host name")
    return value


def _ca_bundle(reader: MapReader) -> str:
    path = Path(reader.string("ca_bundle")).expanduser()
    if not path.is_absolute():
        path = Path(reader.path).parent / path  # relative to the profile that names it
    try:
        certs.read_bundle(str(path))
    except (OSError, ValueError) as exc:
        reader.fail("ca_bundle", f"cannot use {path}: {exc}")
    return str(path.resolve())


# --- judging -------------------------------------------------------------------------------------


def resource(endpoint: Mapping[str, Any], aspect: str) -> str:
    """``tcp/443:protocol/TLSv1.0``: the port, then what about it."""
    return f"tcp/{endpoint['port']}:{aspect}"


def _describe(endpoint: Mapping[str, Any]) -> str:
    state, detail = endpoint["state"], endpoint.get("detail", "")
    if state in ("other-service", "not-tls"):
        return f"does not speak TLS (answered {endpoint.get('sample', '')[:40]!a})"
    return {"closed": "closed", "timeout": f"timed out ({detail})"}.get(state, f"{state}: {detail}")


def tls_endpoints(facts: Mapping[str, Any], ctx: CheckContext) -> list[Mapping[str, Any]]:
    """Endpoints that speak TLS; expected ports that failed are reported through ``ctx.incomplete``.

    A port that answers as another service (a banner, plain HTTP) is noted in the details, not
    an error: inventories list all of a host's ports, and an SSH port is not a broken TLS port.
    """
    usable, notes = [], []
    for endpoint in facts["endpoints"]:
        label = f"tcp/{endpoint['port']}"
        if endpoint["state"] == "tls":
            if any(fact["state"] == "accepted" for fact in endpoint["protocols"].values()):
                usable.append(endpoint)
            else:
                why = sorted({fact["detail"] for fact in endpoint["protocols"].values() if fact.get("detail")})
                ctx.incomplete(f"{label} speaks TLS but accepted no protocol version offered ({'; '.join(why)})")
        elif endpoint["origin"] in ("default", PROBED) or endpoint["state"] == "other-service":
            notes.append(f"{label} {_describe(endpoint)}")
        else:
            ctx.incomplete(f"{label} {_describe(endpoint)}")
    if notes:
        ctx.details["not audited"] = "; ".join(notes)
    if not usable and not ctx.problems:
        ports = ", ".join(str(endpoint["port"]) for endpoint in facts["endpoints"]) or "none"
        raise CheckSkipped(f"no TLS endpoint found (ports tried: {ports})")
    return usable


class _TlsCheck(Check):
    """Base: judge each TLS endpoint of the target."""

    facts = ("tls",)
    scope = Scope.NETWORK
    tags = _TAGS
    measures = _CONFIG

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """Findings of every endpoint that speaks TLS."""
        return [finding for endpoint in tls_endpoints(facts["tls"], ctx) for finding in self.endpoint(endpoint, ctx)]

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """Findings of one endpoint."""
        raise NotImplementedError


def _accepted(endpoint: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {name: fact for name, fact in endpoint["protocols"].items() if fact["state"] == "accepted"}


class Protocols(_TlsCheck):
    """Only the protocol versions the TLS policy allows are accepted.

    SSLv3 is broken (POODLE); TLS 1.0 and 1.1 lack modern ciphers and are deprecated by RFC
    8996. Each accepted version outside the policy is its own finding. A version whose probe
    timed out is not counted as refused: the check ends in ``error`` for that port.
    """

    id = "tls.protocols"
    title = "Only allowed TLS protocol versions are accepted"
    severity = Severity.MEDIUM
    policies = ("tls",)
    remediation = "Disable the flagged versions (nginx: ssl_protocols TLSv1.2 TLSv1.3;)."

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("tls")
        findings = []
        for version, fact in endpoint["protocols"].items():
            if fact["state"] in ("timeout", "error"):
                ctx.incomplete(f"tcp/{endpoint['port']}: the {version} probe ended in {fact['state']} ({fact['detail']})")
            if fact["state"] != "accepted" or version in policy["protocols"]:
                continue
            severity = (Severity.HIGH if version == "SSLv3" else ctx.severity
                        if VERSIONS[version] < VERSIONS["TLSv1.2"] else Severity.LOW)
            findings.append(ctx.finding(
                resource(endpoint, f"protocol/{version}"), f"port {endpoint['port']} accepts {version}",
                severity=severity, evidence={"expected": policy["protocols"], "observed": version, "policy": policy["policy"]}))
        return findings


class CipherSuites(_TlsCheck):
    """Only the cipher suites the TLS policy allows are accepted, per protocol version.

    Broken suites (NULL, anonymous, export, RC4, single DES, MD5) are ``high``; suites without
    forward secrecy or authenticated encryption get the check's severity; sound suites the
    policy merely does not list are ``low``. One finding per suite, naming the versions.
    """

    id = "tls.cipher-suites"
    title = "Only allowed cipher suites are accepted"
    severity = Severity.MEDIUM
    policies = ("tls",)
    remediation = "Offer only the policy's suites (nginx: ssl_ciphers with Mozilla's list for your configuration)."

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("tls")
        offenders: dict[str, list[str]] = {}
        for version, fact in _accepted(endpoint).items():
            if not fact.get("complete", True):
                ctx.incomplete(f"tcp/{endpoint['port']}: {version} {fact['detail']}")
            allowed = policy["ciphersuites"] if version == "TLSv1.3" else policy["ciphers"]
            for name in fact["ciphers"]:
                if name not in allowed:
                    offenders.setdefault(name, []).append(version)
        return [ctx.finding(resource(endpoint, f"cipher/{name}"),
                            f"port {endpoint['port']} accepts {name} ({', '.join(versions)})",
                            severity=self._severity(name, ctx.severity),
                            evidence={"observed": name, "versions": versions, "policy": policy["policy"]})
                for name, versions in offenders.items()]

    @staticmethod
    def _severity(name: str, default: Severity) -> Severity:
        info = suite(name)
        if info.insecure:
            return Severity.HIGH
        return Severity.LOW if info.forward_secret and info.aead else default


class Groups(_TlsCheck):
    """Key exchange uses only the groups the TLS policy allows, and large enough DH primes.

    Groups are enumerated on TLS 1.3 when the server speaks it (else with its ECDHE suites);
    finite-field DH primes are read from TLS 1.2-and-older DHE handshakes and compared with the
    policy's ``dh_param_size`` (below 1024 bits is ``high``: Logjam).
    """

    id = "tls.groups"
    title = "Only allowed key exchange groups are accepted"
    severity = Severity.LOW
    policies = ("tls",)
    remediation = "Restrict the groups (nginx: ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1:secp384r1;) and use 2048-bit DH parameters or none."

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("tls")
        groups = endpoint.get("groups") or {}
        if groups and not groups.get("complete", True):
            ctx.incomplete(f"tcp/{endpoint['port']}: {groups['detail']}")
        allowed = {name.lower() for name in policy["groups"]}
        findings = []
        for name in groups.get("groups", []):
            small = (group_bits(name) or 0) < (policy["ecdh_param_size"] or 0) and not is_finite_field(name)
            if name.lower() not in allowed or small:
                findings.append(ctx.finding(
                    resource(endpoint, f"group/{name}"), f"port {endpoint['port']} accepts key exchange group {name}",
                    evidence={"expected": policy["groups"], "observed": name, "via": groups.get("via"), "policy": policy["policy"]}))
        dh_bits = (endpoint.get("key_exchange") or {}).get("dh_bits", [])
        limit = policy["dh_param_size"]
        if dh_bits and limit and min(dh_bits) < limit:
            findings.append(ctx.finding(
                resource(endpoint, "dh-params"), f"port {endpoint['port']} uses {min(dh_bits)}-bit DH parameters",
                severity=Severity.HIGH if min(dh_bits) < 1024 else Severity.MEDIUM,
                evidence={"expected": f"at least {limit} bits", "observed": dh_bits, "policy": policy["policy"]}))
        return findings


class _Feature(_TlsCheck):
    """Base: one handshake property read from TLS 1.2-and-older answers (None: not applicable)."""

    key: ClassVar[str]
    wanted: ClassVar[bool]
    aspect: ClassVar[str]
    message: ClassVar[str]

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        value = self.value(endpoint)
        if value is None or value == self.wanted:
            return []
        return [ctx.finding(resource(endpoint, self.aspect), f"port {endpoint['port']} {self.message}",
                            evidence={"expected": self.wanted, "observed": value})]

    def value(self, endpoint: Mapping[str, Any]) -> bool | None:
        """The observed property."""
        return endpoint.get(self.key)


class SecureRenegotiation(_Feature):
    """The server supports secure renegotiation (RFC 5746) on TLS 1.2 and older."""

    id = "tls.secure-renegotiation"
    title = "Secure renegotiation is supported"
    severity = Severity.MEDIUM
    key, wanted, aspect = "secure_renegotiation", True, "secure-renegotiation"
    message = "does not support secure renegotiation (RFC 5746)"
    remediation = "Update the TLS library; every maintained one supports RFC 5746."


class ExtendedMasterSecret(_Feature):
    """The server supports the extended master secret (RFC 7627) on TLS 1.2 and older."""

    id = "tls.extended-master-secret"
    title = "Extended master secret is supported"
    severity = Severity.LOW
    key, wanted, aspect = "extended_master_secret", True, "extended-master-secret"
    message = "does not support the extended master secret extension (RFC 7627)"
    remediation = "Update the TLS library, or disable TLS 1.2 and older where clients allow."


class Compression(_Feature):
    """TLS-level compression is off (CRIME)."""

    id = "tls.compression"
    title = "TLS compression is disabled"
    severity = Severity.HIGH
    key, wanted, aspect = "compression", False, "compression"
    message = "accepts TLS compression (CRIME)"
    remediation = "Disable TLS compression in the server or its TLS library."


class FallbackScsv(_Feature):
    """A server with several protocol versions refuses downgraded hellos (TLS_FALLBACK_SCSV, RFC 7507)."""

    id = "tls.fallback-scsv"
    title = "Downgrade protection (TLS_FALLBACK_SCSV) is supported"
    severity = Severity.LOW
    key, wanted, aspect = "fallback_scsv", True, "fallback-scsv"
    message = "accepts a downgraded hello carrying TLS_FALLBACK_SCSV"
    remediation = "Update the TLS library, or accept only TLS 1.2 and 1.3."

    def value(self, endpoint: Mapping[str, Any]) -> bool | None:
        return (endpoint.get(self.key) or {}).get("supported")


# --- certificates --------------------------------------------------------------------------------


class Deployment:
    """One certificate chain an endpoint sent, parsed, with the label its findings use."""

    def __init__(self, endpoint: Mapping[str, Any], fact: Mapping[str, Any], label: str):
        self.endpoint = endpoint
        self.fact = fact
        self.label = label
        self.chain: list[x509.Certificate] = [certs.parse_pem(pem) for pem in fact["chain"]]

    @property
    def leaf(self) -> x509.Certificate:
        """The server's own certificate."""
        return self.chain[0]

    def resource(self, aspect: str, index: int = 0) -> str:
        """``tcp/443:cert/expiry`` for the leaf, ``tcp/443:cert/chain-1/expiry`` for the next one."""
        where = self.label if index == 0 else f"{self.label}/chain-{index}"
        return resource(self.endpoint, f"{where}/{aspect}")

    def evidence(self, **values: Any) -> dict[str, Any]:
        """Evidence naming the certificate (subject raw, as the certificate has it)."""
        return {"subject": self.fact["certificates"][0]["subject"] if self.fact.get("certificates") else "", **values}


def deployments(endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Deployment]:
    """The endpoint's chains (``cert`` when one, ``cert-rsa``/``cert-ecdsa`` when several)."""
    facts = [fact for fact in endpoint.get("certificates", []) if fact.get("chain")]
    if not facts:
        ctx.incomplete(f"tcp/{endpoint['port']}: no certificate was received")
        return []
    result = []
    for fact in facts:
        if fact.get("error"):
            ctx.incomplete(f"tcp/{endpoint['port']}: {fact['error']}")
            continue
        label = "cert"
        if len(facts) > 1:
            label = f"cert-{certs.key_of(certs.parse_pem(fact['chain'][0])).kind}"
        result.append(Deployment(endpoint, fact, label))
    return result


class _CertCheck(_TlsCheck):
    """Base: judge each certificate chain of each endpoint."""

    measures = ("PRV-4",)

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        return [finding for chain in deployments(endpoint, ctx) for finding in self.certificate(chain, ctx)]

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        """Findings for one chain."""
        raise NotImplementedError


class CertificateTrust(_CertCheck):
    """The chain validates to a trusted root: the system store plus the profile's ``ca_bundle``.

    Validation uses cryptography's web PKI rules at a moment inside the leaf's validity (expiry
    is judged by its own check) on the machine that ran the audit.
    """

    id = "tls.certificate-trust"
    title = "The certificate chain is trusted"
    severity = Severity.HIGH
    remediation = "Use a certificate from a trusted CA (or add the institution's CA with collectors.tls.ca_bundle) and send the intermediates."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        trust = chain.fact.get("trust") or {}
        if trust.get("trusted"):
            return []
        return [ctx.finding(chain.resource("trust"), f"port {chain.endpoint['port']}: the certificate chain is not trusted",
                            evidence=chain.evidence(reason=trust.get("reason", "not validated")))]


class CertificateName(_CertCheck):
    """The certificate covers the name audited (the SNI sent): subjectAltName, RFC 6125 matching."""

    id = "tls.certificate-name"
    title = "The certificate matches the server name"
    severity = Severity.HIGH
    remediation = "Issue the certificate for every name clients use (subjectAltName), or set collectors.tls.sni to the name users connect to."

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        if not endpoint.get("sni"):
            ctx.details[f"tcp/{endpoint['port']}"] = "no server name to match (an address target without collectors.tls.sni)"
            return []
        return super().endpoint(endpoint, ctx)

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        name = chain.endpoint["sni"]
        if certs.name_matches(chain.leaf, name):
            return []
        dns, ips = certs.subject_names(chain.leaf)
        return [ctx.finding(chain.resource("name"), f"port {chain.endpoint['port']}: the certificate does not cover {name}",
                            evidence=chain.evidence(expected=name, observed=dns + ips or "(no subjectAltName)"))]


class CertificateExpiry(_CertCheck):
    """Certificates are valid today and not about to expire (leaf and intermediates as sent).

    Expired or not yet valid: ``high``. Expiring within ``high_days``/``medium_days``/``low_days``
    days: that severity. Dates are judged against the run's date.
    """

    id = "tls.certificate-expiry"
    title = "Certificates are valid and not about to expire"
    severity = Severity.HIGH
    measures = ("PRV-4", "RCV-4")
    options = {"high_days": 7, "medium_days": 30, "low_days": 60}
    remediation = "Renew the certificate; automate renewal (ACME) so it never gets close to expiry."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        findings = []
        for index, cert in enumerate(chain.chain):
            if index and certs.self_signed(cert):
                continue  # a root sent along is ignored by clients
            problem = self._problem(cert, ctx)
            if problem:
                message, severity = problem
                findings.append(ctx.finding(
                    chain.resource("expiry", index), f"port {chain.endpoint['port']}: {message}", severity=severity,
                    evidence={"subject": cert.subject.rfc4514_string(), "not_before": cert.not_valid_before_utc.date(),
                              "not_after": cert.not_valid_after_utc.date(), "judged_on": ctx.today}))
        return findings

    @staticmethod
    def _problem(cert: x509.Certificate, ctx: CheckContext) -> tuple[str, Severity] | None:
        what = "an intermediate certificate" if certs.is_ca(cert) else "the certificate"
        if cert.not_valid_before_utc.date() > ctx.today:
            return f"{what} is not valid before {cert.not_valid_before_utc.date()}", Severity.HIGH
        left = (cert.not_valid_after_utc.date() - ctx.today).days
        if left < 0:
            return f"{what} expired on {cert.not_valid_after_utc.date()}", Severity.HIGH
        for key, severity in (("high_days", Severity.HIGH), ("medium_days", Severity.MEDIUM), ("low_days", Severity.LOW)):
            if left < ctx.options[key]:
                return f"{what} expires in {left} days", severity
        return None


class CertificateLifetime(_CertCheck):
    """The leaf's validity period is within limits (CA/B Forum ``max_days``, and the policy's).

    The limit is the smaller of ``max_days`` (398, the CA/B Forum maximum for certificates
    issued before 15 March 2026; ballot SC-081 lowers it to 200, 100 and 47 days in 2026-2029)
    and the TLS policy's ``maximum_certificate_lifespan`` (Mozilla intermediate: 366; modern: 90).
    Short lifetimes limit how long a stolen key stays useful.
    """

    id = "tls.certificate-lifetime"
    title = "Certificate lifetime is within limits"
    severity = Severity.MEDIUM
    measures = ("RCV-4", "PRV-4")
    policies = ("tls",)
    options = {"max_days": 398}
    remediation = "Issue certificates for at most 90 days and renew them automatically (ACME)."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("tls")
        limit = min([days for days in (ctx.options["max_days"], policy["maximum_certificate_lifespan"]) if days] or [float("inf")])
        days = certs.lifetime_days(chain.leaf)
        if days <= limit:
            return []
        return [ctx.finding(chain.resource("lifetime"), f"port {chain.endpoint['port']}: the certificate is valid for {days} days",
                            evidence=chain.evidence(expected=f"at most {limit:g} days", observed=days, policy=policy["policy"]))]


class CertificateKey(_CertCheck):
    """The leaf key is of a type the policy allows and strong enough.

    RSA/DSA below the policy's ``rsa_key_size`` (2048 when unset) is the check's severity, below
    1024 bits ``high``; an elliptic curve outside ``certificate_curves`` and a key type outside
    ``certificate_types`` (modern: ECDSA only) are ``low``.
    """

    id = "tls.certificate-key"
    title = "The certificate key is strong and of an allowed type"
    severity = Severity.MEDIUM
    policies = ("tls",)
    remediation = "Issue a new certificate with an ECDSA P-256 key (or RSA 2048+ where the policy allows RSA)."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("tls")
        key = certs.key_of(chain.leaf)
        findings = []
        port = chain.endpoint["port"]
        if key.kind not in policy["certificate_types"]:
            findings.append(ctx.finding(chain.resource("key-type"), f"port {port}: the certificate has a {key.kind.upper()} key",
                                        severity=Severity.LOW,
                                        evidence=chain.evidence(expected=policy["certificate_types"], observed=str(key), policy=policy["policy"])))
        minimum = policy["rsa_key_size"] or 2048
        weak = (key.kind in ("rsa", "dsa") and key.bits < minimum) or (key.kind == "ecdsa" and key.curve not in policy["certificate_curves"])
        if weak:
            severity = Severity.HIGH if key.kind in ("rsa", "dsa") and key.bits < 1024 else ctx.severity if key.kind != "ecdsa" else Severity.LOW
            expected = f"RSA {minimum}+ or ECDSA on {', '.join(policy['certificate_curves'])}"
            findings.append(ctx.finding(chain.resource("key"), f"port {port}: the certificate key is {key}", severity=severity,
                                        evidence=chain.evidence(expected=expected, observed=str(key), policy=policy["policy"])))
        return findings


class CertificateSignature(_CertCheck):
    """Certificates are not signed with MD5 or SHA-1, and the leaf with an algorithm the policy lists.

    MD5/SHA-1 anywhere in the chain as sent (roots excepted: their signature is not checked) is
    ``high``; a leaf signature outside ``certificate_signatures`` (say RSA-PSS, SHA-384 with
    RSA under Mozilla intermediate) is ``low``.
    """

    id = "tls.certificate-signature"
    title = "Certificates use strong signatures"
    severity = Severity.HIGH
    policies = ("tls",)
    remediation = "Reissue the certificate (and use intermediates) signed with SHA-256 or better."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        policy = ctx.policy("tls")
        findings = []
        for index, cert in enumerate(chain.chain):
            name = certs.signature_name(cert)
            if index and certs.self_signed(cert):
                continue
            if certs.weak_signature(name):
                findings.append(ctx.finding(chain.resource("signature", index),
                                            f"port {chain.endpoint['port']}: a certificate is signed with {name}",
                                            evidence={"subject": cert.subject.rfc4514_string(), "observed": name}))
            elif index == 0 and name not in policy["certificate_signatures"]:
                findings.append(ctx.finding(chain.resource("signature"), f"port {chain.endpoint['port']}: the certificate is signed with {name}",
                                            severity=Severity.LOW,
                                            evidence=chain.evidence(expected=policy["certificate_signatures"], observed=name, policy=policy["policy"])))
        return findings


class CertificateSelfSigned(_CertCheck):
    """The server certificate is not self-signed (clients cannot tell it from an impostor's)."""

    id = "tls.certificate-self-signed"
    title = "The certificate is not self-signed"
    severity = Severity.HIGH
    remediation = "Use a certificate issued by a public CA or by the institution's private CA."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        if not certs.self_signed(chain.leaf):
            return []
        return [ctx.finding(chain.resource("self-signed"), f"port {chain.endpoint['port']}: the certificate is self-signed",
                            evidence=chain.evidence(issuer=chain.leaf.issuer.rfc4514_string()))]


class CertificateCaFlag(_CertCheck):
    """The server certificate is not a CA certificate (basicConstraints CA:FALSE).

    Whoever holds a server key that is also a CA key can issue certificates for any name.
    """

    id = "tls.certificate-ca-flag"
    title = "The server certificate is not a CA"
    severity = Severity.MEDIUM
    remediation = "Issue the server certificate with basicConstraints CA:FALSE."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        if not certs.is_ca(chain.leaf):
            return []
        return [ctx.finding(chain.resource("ca-flag"), f"port {chain.endpoint['port']}: the server certificate is a CA certificate",
                            evidence=chain.evidence(observed="basicConstraints CA:TRUE"))]


class CertificateServerAuth(_CertCheck):
    """The server certificate states the serverAuth extended key usage.

    Missing serverAuth (with other purposes listed) is the check's severity; no
    extendedKeyUsage extension at all is ``low`` (accepted by some clients, not by CA/B rules).
    """

    id = "tls.certificate-eku"
    title = "The certificate is meant for TLS servers (serverAuth)"
    severity = Severity.MEDIUM
    remediation = "Issue the certificate with extendedKeyUsage serverAuth."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        usage = certs.extended_key_usage(chain.leaf)
        if usage is not None and (certs.SERVER_AUTH in usage or certs.ANY_EKU in usage):
            return []
        observed = "no extendedKeyUsage extension" if usage is None else ", ".join(usage)
        return [ctx.finding(chain.resource("eku"), f"port {chain.endpoint['port']}: the certificate does not state serverAuth",
                            severity=Severity.LOW if usage is None else ctx.severity,
                            evidence=chain.evidence(expected="serverAuth (1.3.6.1.5.5.7.3.1)", observed=observed))]


class CertificateChain(_CertCheck):
    """The server sends its chain complete and in order (leaf, then each issuer).

    Incomplete: the last certificate's issuer is neither sent nor a trusted root, so clients
    that do not fetch intermediates fail. Wrong order or stray certificates: ``low``.
    """

    id = "tls.certificate-chain"
    title = "The certificate chain is complete and in order"
    severity = Severity.MEDIUM
    remediation = "Configure the full chain (nginx: ssl_certificate with the leaf followed by its intermediates)."

    def certificate(self, chain: Deployment, ctx: CheckContext) -> list[Finding]:
        findings = []
        port = chain.endpoint["port"]
        if (chain.fact.get("trust") or {}).get("incomplete"):
            findings.append(ctx.finding(chain.resource("chain-incomplete"), f"port {port}: the certificate chain is incomplete",
                                        evidence=chain.evidence(missing_issuer=chain.chain[-1].issuer.rfc4514_string(),
                                                                sent=len(chain.chain))))
        breaks = certs.order_breaks(chain.chain)
        if breaks:
            findings.append(ctx.finding(chain.resource("chain-order"), f"port {port}: the certificate chain is out of order",
                                        severity=Severity.LOW,
                                        evidence=chain.evidence(observed=[c.subject.rfc4514_string() for c in chain.chain],
                                                                breaks_after=[i for i in breaks])))
        return findings


# --- HTTP ----------------------------------------------------------------------------------------


def _http_endpoints(facts: Mapping[str, Any], ctx: CheckContext) -> list[Mapping[str, Any]]:
    endpoints = [e for e in tls_endpoints(facts, ctx) if (e.get("http") or {}).get("speaks_http")]
    if not endpoints and not ctx.problems:
        raise CheckSkipped("no TLS endpoint speaks HTTP")
    return endpoints


class Hsts(_TlsCheck):
    """HTTPS responses carry Strict-Transport-Security with a long enough max-age.

    ``min_max_age`` in seconds; 0 takes the TLS policy's ``hsts_min_age`` (Mozilla: two years).
    Missing HSTS is the check's severity, a short max-age ``low``.
    """

    id = "tls.hsts"
    title = "HTTPS sets HSTS with a long max-age"
    severity = Severity.MEDIUM
    policies = ("tls",)
    options = {"min_max_age": 0}
    remediation = "Send 'Strict-Transport-Security: max-age=63072000' on every HTTPS response."

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """One finding per HTTP-speaking TLS endpoint without adequate HSTS."""
        minimum = ctx.options["min_max_age"] or ctx.policy("tls")["hsts_min_age"] or 0
        findings = []
        for endpoint in _http_endpoints(facts["tls"], ctx):
            header = fact_header(endpoint["http"].get("root"), "strict-transport-security")
            age = hsts_max_age(header) if header else None
            if header is None or age is None:
                message, severity = "sends no (valid) Strict-Transport-Security header", ctx.severity
            elif age < minimum:
                message, severity = f"sets HSTS max-age {age} s", Severity.LOW
            else:
                continue
            findings.append(ctx.finding(resource(endpoint, "http/hsts"), f"port {endpoint['port']} {message}", severity=severity,
                                        evidence={"expected": f"max-age >= {minimum:g}", "observed": header or "(none)"}))
        return findings


class SecurityTxt(_TlsCheck):
    """The web server publishes /.well-known/security.txt (RFC 9116) with a contact and a future Expires.

    Researchers and CERTs who find a problem need to know whom to tell (toolkit AWR-3) and the
    incident team needs those reports to reach it (RSP-2).
    """

    id = "tls.security-txt"
    title = "security.txt names a contact for reporting"
    severity = Severity.LOW
    measures = ("AWR-3", "RSP-2")
    remediation = "Publish /.well-known/security.txt with Contact: and Expires: lines (https://securitytxt.org)."

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """One finding per HTTP-speaking TLS endpoint whose security.txt is missing or unusable."""
        findings = []
        for endpoint in _http_endpoints(facts["tls"], ctx):
            fact = endpoint["http"].get("security_txt") or {}
            if "error" in fact:
                ctx.incomplete(f"tcp/{endpoint['port']}: security.txt request failed ({fact['error']})")
                continue
            problem = self._problem(fact, ctx.today)
            if problem:
                findings.append(ctx.finding(resource(endpoint, "http/security.txt"), f"port {endpoint['port']}: {problem}",
                                            evidence={"status": fact.get("status"), "fields": sorted(fact.get("fields", {}))}))
        return findings

    @staticmethod
    def _problem(fact: Mapping[str, Any], today: dt.date) -> str | None:
        content_type = (fact_header(fact, "content-type") or "").lower()
        fields = fact.get("fields") or {}
        if fact.get("status") != 200 or not content_type.startswith("text/plain"):
            return f"no security.txt (HTTP {fact.get('status')}, {content_type or 'no content type'})"
        if not fields.get("contact"):
            return "security.txt names no Contact"
        expires = (fields.get("expires") or [""])[0]
        try:
            when = dt.datetime.fromisoformat(expires.replace("Z", "+00:00")).date()
        except ValueError:
            return f"security.txt has no valid Expires field ({expires or 'missing'})"
        return f"security.txt expired on {when}" if when < today else None


class HttpRedirect(Check):
    """Plain HTTP (port 80) redirects to HTTPS.

    Judged on the ``http_ports`` of the tls collector (80): a port named for the target or found
    by discovery must answer; a closed default port is fine (nothing listens in clear text).
    """

    id = "tls.http-redirect"
    title = "Plain HTTP redirects to HTTPS"
    severity = Severity.MEDIUM
    measures = _CONFIG
    facts = ("tls",)
    scope = Scope.NETWORK
    tags = _TAGS
    remediation = "Answer every plain-HTTP request with a 301 to the https:// URL (nginx: return 301 https://$host$request_uri;)."

    def judge(self, facts: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        """One finding per plain-HTTP port that serves content instead of redirecting."""
        redirects = facts["tls"].get("http_redirects", [])
        findings = []
        for entry in redirects:
            label = f"tcp/{entry['port']}"
            if entry["state"] != "http":
                if entry["origin"] != "default":
                    ctx.incomplete(f"{label}: {entry['state']} ({entry.get('detail', '')})")
                else:
                    ctx.details[label] = f"{entry['state']}: nothing to judge"
                continue
            location = fact_header(entry, "location") or ""
            if entry["status"] in (301, 302, 303, 307, 308) and location.lower().startswith("https://"):
                continue
            findings.append(ctx.finding(f"{label}:http/redirect", f"plain HTTP on port {entry['port']} does not redirect to HTTPS",
                                        evidence={"expected": "3xx to https://", "observed": f"{entry['status']} {location}".strip()}))
        if not findings and not ctx.problems and not any(entry["state"] == "http" for entry in redirects):
            raise CheckSkipped("no plain-HTTP port answered")
        return findings


# --- grade ---------------------------------------------------------------------------------------


def trust_issues(endpoint: Mapping[str, Any], today: dt.date) -> list[str]:
    """Problems SSL Labs grades as T: untrusted, expired, self-signed, name mismatch, weak signature."""
    issues = []
    for fact in endpoint.get("certificates", []):
        if not fact.get("chain") or fact.get("error"):
            continue
        leaf = certs.parse_pem(fact["chain"][0])
        checks = (
            ("untrusted", not (fact.get("trust") or {}).get("trusted")),
            ("expired", leaf.not_valid_after_utc.date() < today),
            ("self-signed", certs.self_signed(leaf)),
            ("name mismatch", bool(endpoint.get("sni")) and not certs.name_matches(leaf, endpoint["sni"])),
            ("SHA-1/MD5 signature", certs.weak_signature(certs.signature_name(leaf))),
        )
        issues += [issue for issue, present in checks if present and issue not in issues]
    return issues


GRADES = ("A+", "A", "B", "C", "D", "E", "F", "T")


class Grade(_TlsCheck):
    """A letter grade per endpoint in the manner of SSL Labs, recorded in the result's details.

    The grade summarises, it never replaces the findings of the other checks. With
    ``min_grade`` set (e.g. ``A``), an endpoint graded lower is also a finding.
    """

    id = "tls.grade"
    title = "TLS grade (SSL Labs method)"
    severity = Severity.INFO
    measures = ("PRV-4",)
    options = {"min_grade": ""}
    remediation = "Fix the findings of the other TLS checks; the grade follows."

    def endpoint(self, endpoint: Mapping[str, Any], ctx: CheckContext) -> list[Finding]:
        chains = [fact for fact in endpoint.get("certificates", []) if fact.get("chain") and not fact.get("error")]
        key = certs.key_of(certs.parse_pem(chains[0]["chain"][0])) if chains else certs.Key("unknown", 0)
        result = grade(endpoint, key.kind, key.bits, trust_issues(endpoint, ctx.today))
        label = f"tcp/{endpoint['port']}"
        ctx.details[label] = str(result)
        wanted = ctx.options["min_grade"]
        if wanted and wanted not in GRADES:
            ctx.incomplete(f"min_grade '{wanted}' is not one of {', '.join(GRADES)}")
        elif wanted and GRADES.index(result.letter) > GRADES.index(wanted):
            return [ctx.finding(resource(endpoint, "grade"), f"port {endpoint['port']} grades {result.letter}",
                                severity=Severity.LOW, evidence={"expected": f"{wanted} or better", "observed": str(result)})]
        return []


CHECKS = (
    Protocols, CipherSuites, Groups, SecureRenegotiation, ExtendedMasterSecret, Compression, FallbackScsv,
    CertificateTrust, CertificateName, CertificateExpiry, CertificateLifetime, CertificateKey, CertificateSignature,
    CertificateSelfSigned, CertificateCaFlag, CertificateServerAuth, CertificateChain, Hsts, SecurityTxt, HttpRedirect,
    Grade,
)
COLLECTORS = (TlsCollector(),)
POLICIES = {"tls": validate_tls}
