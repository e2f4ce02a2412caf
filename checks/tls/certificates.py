"""Certificate analysis with ``cryptography``: what a chain says, and whether it is trusted.

Used on both sides: the collector validates the chain a server sent against the system trust
store plus the profile's CA bundle (the store is the collecting machine's, so the verdict is a
fact recorded with the chain); the checks read the stored PEMs for everything else (dates, key,
signature, names, extensions), so a stored snapshot can be judged again under another profile.
Every value a certificate carries is hostile text: it is kept raw here and escaped by reporters.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import os
import re
import ssl
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from auditor.checks.tls.facts import CertificateSummary, Trust

# Signature algorithm OIDs under the names OpenSSL (and Mozilla's guidelines) use.
SIGNATURE_NAMES = {
    "1.2.840.113549.1.1.2": "md2WithRSAEncryption",
    "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
    "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
    "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
    "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
    "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
    "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
    "1.2.840.113549.1.1.10": "rsassaPss",
    "1.2.840.10045.4.1": "ecdsa-with-SHA1",
    "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
    "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
    "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
    "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
    "1.2.840.10040.4.3": "dsa-with-SHA1",
    "2.16.840.1.101.3.4.3.2": "dsa-with-SHA256",
    "1.3.101.112": "ED25519",
    "1.3.101.113": "ED448",
}
WEAK_SIGNATURE_HASHES = ("md2", "md5", "sha1")
_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)


def to_pem(der: bytes) -> str:
    """PEM text of a DER certificate (the form facts store; no parsing needed)."""
    return ssl.DER_cert_to_PEM_cert(der)


@functools.lru_cache(maxsize=512)
def parse_pem(pem: str) -> x509.Certificate:
    """A certificate from PEM; ValueError if it does not parse."""
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


@dataclass(frozen=True)
class Key:
    """The public key of a certificate: ``kind`` as Mozilla names it (rsa, ecdsa, ...)."""

    kind: str  # rsa | ecdsa | dsa | ed25519 | ed448 | unknown
    bits: int
    curve: str = ""  # secp256r1, ... for ecdsa

    def __str__(self) -> str:
        return (
            f"{self.kind.upper()} {self.curve or self.bits}"
            if self.kind == "ecdsa"
            else f"{self.kind.upper()} {self.bits}"
        )


def key_of(cert: x509.Certificate) -> Key:
    """Type and size of the certificate's public key."""
    try:
        key = cert.public_key()
    except (ValueError, TypeError):
        return Key("unknown", 0)
    if isinstance(key, rsa.RSAPublicKey):
        return Key("rsa", key.key_size)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return Key("ecdsa", key.curve.key_size, key.curve.name)
    if isinstance(key, dsa.DSAPublicKey):
        return Key("dsa", key.key_size)
    if isinstance(key, ed25519.Ed25519PublicKey):
        return Key("ed25519", 256)
    if isinstance(key, ed448.Ed448PublicKey):
        return Key("ed448", 456)
    return Key("unknown", 0)


def signature_name(cert: x509.Certificate) -> str:
    """The signature algorithm's OpenSSL name (dotted OID when unknown)."""
    oid = cert.signature_algorithm_oid.dotted_string
    return SIGNATURE_NAMES.get(oid, oid)


def weak_signature(name: str) -> bool:
    """True for MD2, MD5 and SHA-1 signatures."""
    return name.lower().startswith(WEAK_SIGNATURE_HASHES)


def _extension(cert: x509.Certificate, kind: type) -> Any:
    """An extension's value, or None when absent or malformed (a malformed one counts as absent)."""
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except (x509.ExtensionNotFound, ValueError):
        return None


def subject_names(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """DNS names and IP addresses of the subjectAltName extension (raw values)."""
    san = _extension(cert, x509.SubjectAlternativeName)
    if san is None:
        return [], []
    return list(san.get_values_for_type(x509.DNSName)), [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]


def is_ca(cert: x509.Certificate) -> bool:
    """True when basicConstraints says CA:TRUE."""
    constraints = _extension(cert, x509.BasicConstraints)
    return bool(constraints and constraints.ca)


def extended_key_usage(cert: x509.Certificate) -> list[str] | None:
    """EKU purposes as dotted OIDs (None when the extension is absent)."""
    usage = _extension(cert, x509.ExtendedKeyUsage)
    return None if usage is None else [oid.dotted_string for oid in usage]


SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH.dotted_string
ANY_EKU = ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string


def self_signed(cert: x509.Certificate) -> bool:
    """True when the certificate names itself as issuer and its own key verifies its signature.

    cryptography's own check refuses MD5/SHA-1 signatures, which are exactly the old
    self-signed certificates this must recognise, so those are verified directly.
    """
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
        return True
    except (InvalidSignature, TypeError):
        return False
    except (ValueError, UnsupportedAlgorithm):
        return _verifies_legacy(cert)


def _verifies_legacy(cert: x509.Certificate) -> bool:
    try:
        key, digest = cert.public_key(), cert.signature_hash_algorithm
        if isinstance(key, rsa.RSAPublicKey) and digest is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), digest)
        elif isinstance(key, (ec.EllipticCurvePublicKey,)) and digest is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(digest))
        elif isinstance(key, dsa.DSAPublicKey) and digest is not None:
            key.verify(cert.signature, cert.tbs_certificate_bytes, digest)
        else:
            return False
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def lifetime_days(cert: x509.Certificate) -> int:
    """Validity period in whole days (notAfter - notBefore)."""
    return (cert.not_valid_after_utc - cert.not_valid_before_utc).days


def summary(cert: x509.Certificate) -> CertificateSummary:
    """Readable facts about one certificate; names are kept exactly as the certificate has them."""
    dns, ips = subject_names(cert)
    return CertificateSummary(
        subject=cert.subject.rfc4514_string(),
        common_names=tuple(
            str(attribute.value) for attribute in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        ),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=cert.not_valid_after_utc.isoformat(),
        san=tuple([f"DNS:{name}" for name in dns] + [f"IP:{ip}" for ip in ips]),
        key=str(key_of(cert)),
        signature=signature_name(cert),
        sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
    )


def name_matches(cert: x509.Certificate, name: str) -> bool:
    """RFC 6125 matching of ``name`` against the subjectAltName (the common name is ignored, as browsers do).

    A wildcard matches exactly one left-most label; IP addresses match IP entries only.
    """
    dns, ips = subject_names(cert)
    try:
        return str(ipaddress.ip_address(name)) in ips
    except ValueError:
        pass
    wanted = name.lower().rstrip(".")
    for pattern in (entry.lower().rstrip(".") for entry in dns):
        if pattern == wanted:
            return True
        label, _, rest = wanted.partition(".")
        if pattern.startswith("*.") and label and rest and pattern[2:] == rest:
            return True
    return False


# --- trust ---------------------------------------------------------------------------------------


def _pem_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle; blocks that do not parse are skipped."""
    certificates = []
    with warnings.catch_warnings():  # system stores hold a few old roots cryptography frowns upon
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_BLOCK.findall(data):
            try:
                certificates.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return certificates


def read_bundle(path: str) -> list[x509.Certificate]:
    """Certificates of a PEM file; ValueError when it holds none, OSError when unreadable."""
    certificates = _pem_certificates(Path(path).read_bytes())
    if not certificates:
        raise ValueError(f"{path} contains no PEM certificate")
    return certificates


def system_bundle() -> str | None:
    """The system trust store file OpenSSL uses (Debian: /etc/ssl/certs/ca-certificates.crt)."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile, "/etc/ssl/certs/ca-certificates.crt"):
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


@functools.lru_cache(maxsize=8)
def _roots_cached(paths: tuple[str, ...], stamps: tuple[float, ...]) -> tuple[x509.Certificate, ...]:
    roots: list[x509.Certificate] = []
    for path in paths:
        roots += _pem_certificates(Path(path).read_bytes())
    return tuple(roots)


def trust_roots(ca_bundle: str | None) -> tuple[x509.Certificate, ...]:
    """The system roots plus those of ``ca_bundle`` (read once per run unless the files change)."""
    paths = tuple(path for path in (system_bundle(), ca_bundle) if path)
    return _roots_cached(paths, tuple(os.stat(path).st_mtime for path in paths))


def _verification_subject(cert: x509.Certificate) -> x509.DNSName | x509.IPAddress | None:
    """A name the leaf covers (DNSName or IPAddress), so path validation is judged apart from the audited name."""
    dns, ips = subject_names(cert)
    for name in dns:
        try:
            return x509.DNSName(name.replace("*", "wildcard", 1) if name.startswith("*.") else name)
        except ValueError:
            continue
    if ips:
        return x509.IPAddress(ipaddress.ip_address(ips[0]))
    return None


def validate(chain: list[x509.Certificate], roots: tuple[x509.Certificate, ...], now: dt.datetime) -> Trust:
    """Path validation of a chain as sent: ``trusted``, the ``reason`` if not, and ``incomplete``.

    Dates are judged by the expiry checks against the run's date, so validation happens at a
    moment inside the leaf's validity: an expired but otherwise sound chain still counts as
    trusted here. ``incomplete`` means the issuer of the last certificate sent is neither sent
    nor a trusted root: the server leaves out an intermediate.
    """
    # Imported here: the rest of this module (and the package) also loads with an older
    # cryptography, such as a distribution's, that has no x509.verification yet.
    from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

    leaf = chain[0]
    incomplete = _issuer_missing(chain[-1], roots)
    subject = _verification_subject(leaf)
    if subject is None:
        return Trust(trusted=False, reason="the certificate has no usable subjectAltName", incomplete=incomplete)
    if not roots:
        return Trust(trusted=False, reason="no trust anchors available", incomplete=incomplete)
    moment = min(max(now, leaf.not_valid_before_utc), leaf.not_valid_after_utc)
    try:
        verifier = PolicyBuilder().store(Store(list(roots))).time(moment).build_server_verifier(subject)
        verifier.verify(leaf, chain[1:])
    except VerificationError as exc:  # cryptography appends a repr of the certificate: noise in a report
        reason = ca_fault(chain, roots) or str(exc).split(" (encountered processing")[0]
        return Trust(trusted=False, reason=reason, incomplete=incomplete)
    except ValueError as exc:  # a certificate cryptography cannot evaluate at all
        return Trust(trusted=False, reason=f"cannot be validated: {exc}", incomplete=incomplete)
    return Trust(trusted=True, reason="", incomplete=False)


def ca_fault(chain: list[x509.Certificate], roots: tuple[x509.Certificate, ...]) -> str | None:
    """Why a CA certificate on the chain's path cannot issue, naming it (None: no CA certificate at fault).

    cryptography only says "Certificate is missing required extension 2.5.29.15"; an
    administrator needs to know it is, say, the private root that lacks keyUsage.
    """
    for cert, anchor in _issuers(chain, roots):
        where = f"the CA certificate {cert.subject.rfc4514_string()!r}{' (a trust anchor)' if anchor else ''}"
        constraints = _extension(cert, x509.BasicConstraints)
        if constraints is None or not constraints.ca:
            return f"{where} does not say CA:TRUE (basicConstraints), so it cannot issue certificates"
        usage = _extension(cert, x509.KeyUsage)
        if usage is None:
            return f"{where} has no keyUsage extension (RFC 5280 requires keyCertSign on CA certificates)"
        if not usage.key_cert_sign:
            return f"{where} has a keyUsage without keyCertSign, so it cannot sign certificates"
    return None


def _issuers(chain: list[x509.Certificate], roots: tuple[x509.Certificate, ...]) -> list[tuple[x509.Certificate, bool]]:
    """The issuers on the path from the leaf, each with whether it is a trust anchor (stops at a self-issued one)."""
    path: list[tuple[x509.Certificate, bool]] = []
    current = chain[0]
    while current.issuer != current.subject and len(path) < len(chain) + 1:
        sent = next((cert for cert in chain[1:] if cert.subject == current.issuer), None)
        anchor = next((root for root in roots if root.subject == current.issuer), None)
        issuer = anchor if anchor is not None else sent
        if issuer is None:
            break
        path.append((issuer, anchor is not None))
        current = issuer
    return path


def _issuer_missing(last: x509.Certificate, roots: tuple[x509.Certificate, ...]) -> bool:
    if last.issuer == last.subject:
        return False
    return not any(root.subject == last.issuer for root in roots)


def order_breaks(chain: list[x509.Certificate]) -> list[int]:
    """Positions i where certificate i+1 is not the issuer of certificate i (wrong order or strays)."""
    return [index for index in range(len(chain) - 1) if chain[index].issuer != chain[index + 1].subject]
