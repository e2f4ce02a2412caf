"""A letter grade in the manner of SSL Labs' Server Rating Guide, shown beside the findings.

The score follows the guide's published method (protocol support 30 %, key exchange 30 %,
cipher strength 40 %; each the mean of the best and the worst offered) and the caps SSL Labs
announced since (2014-2020): SSLv3 and compression cap at C, TLS 1.0/1.1 at B, no TLS 1.2 at
C, RC4 and 3DES with TLS 1.1+ at C, missing forward secrecy or AEAD at B, keys or DH groups
below 2048 bits at B, export/anonymous/NULL suites and keys or DH groups below 1024 bits at F;
trust problems give T. SSL Labs also simulates real browsers and tests for vulnerabilities,
which this grade does not: it is a summary for people used to those letters, never a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditor.checks.tls.facts import HttpsFacts, TlsEndpoint
from auditor.checks.tls.http import hsts_max_age
from auditor.checks.tls.names import group_bits
from auditor.checks.tls.suites import Suite, suite

_PROTOCOL_SCORES = {"SSLv3": 80, "TLSv1.0": 90, "TLSv1.1": 95, "TLSv1.2": 100, "TLSv1.3": 100}
_LETTERS = ((80, "A"), (65, "B"), (50, "C"), (35, "D"), (20, "E"), (0, "F"))
_ORDER = "ABCDEF"
HSTS_A_PLUS = 15768000  # six months, the max-age SSL Labs wants for A+
# RSA-equivalent strength of elliptic-curve keys and groups (NIST SP 800-57).
_EC_AS_RSA = ((512, 15360), (384, 7680), (256, 3072), (224, 2048), (160, 1024), (0, 512))


@dataclass(frozen=True)
class Grade:
    """The letter, the score behind it, and why it is not higher."""

    letter: str
    score: int
    caps: tuple[str, ...] = ()
    trust_issues: tuple[str, ...] = ()
    ignoring_trust: str = ""

    def __str__(self) -> str:
        text = f"{self.letter} (score {self.score}"
        if self.caps:
            text += "; capped: " + ", ".join(self.caps)
        if self.trust_issues:
            text += f"; {self.ignoring_trust} if trust issues are ignored: " + ", ".join(self.trust_issues)
        return text + ")"


def _key_score(bits: int) -> int:
    for limit, score in ((512, 20), (1024, 40), (2048, 80), (4096, 90)):
        if bits < limit:
            return score if bits else 0
    return 100


def _cipher_score(bits: int) -> int:
    if bits == 0:
        return 0
    return 20 if bits < 128 else 80 if bits < 256 else 100


def _rsa_equivalent(ec_bits: int) -> int:
    return next(rsa for limit, rsa in _EC_AS_RSA if ec_bits >= limit)


def grade(endpoint: TlsEndpoint, key_kind: str, key_bits: int, trust_issues: list[str]) -> Grade:
    """Grade one endpoint from its facts, its leaf key, and the trust problems found for it."""
    accepted = endpoint.accepted()
    protocols = list(accepted)
    suites = [suite(name) for name in {n for fact in accepted.values() for n in fact.ciphers}]
    dh_bits = list(endpoint.key_exchange.dh_bits)
    curves = [group_bits(name) or 0 for name in endpoint.key_exchange.ecdhe_curves]
    leaf = _rsa_equivalent(key_bits) if key_kind in ("ecdsa", "ed25519", "ed448") else key_bits
    strengths = [leaf] + dh_bits + [_rsa_equivalent(bits) for bits in curves]
    if any(s.anonymous for s in suites):
        strengths.append(0)
    protocol_scores = [_PROTOCOL_SCORES[name] for name in protocols]
    cipher_scores = [_cipher_score(s.bits) for s in suites] or [0]
    score = round(0.3 * (max(protocol_scores) + min(protocol_scores)) / 2
                  + 0.3 * min(_key_score(bits) for bits in strengths)
                  + 0.4 * (max(cipher_scores) + min(cipher_scores)) / 2)
    letter = next(letter for limit, letter in _LETTERS if score >= limit)
    caps = _caps(endpoint, protocols, suites, min(dh_bits, default=4096), key_kind, key_bits)
    for cap_letter, _ in caps:
        letter = max(letter, cap_letter, key=_ORDER.index)
    hsts = _hsts_age(endpoint)
    if letter == "A" and not caps and hsts is not None and hsts >= HSTS_A_PLUS:
        letter = "A+"
    reasons = tuple(reason for _, reason in caps)
    if trust_issues:
        return Grade("T", score, reasons, tuple(trust_issues), letter)
    return Grade(letter, score, reasons)


def _caps(endpoint: TlsEndpoint, protocols: list[str], suites: list[Suite], dh_min: int,
          key_kind: str, key_bits: int) -> list[tuple[str, str]]:
    caps: list[tuple[str, str]] = []
    rsa_like = key_kind in ("rsa", "dsa")
    rules = (
        ("F", "export, anonymous or NULL suites", any(s.export or s.anonymous or s.bits == 0 for s in suites)),
        ("F", "key below 1024 bits", rsa_like and key_bits < 1024),
        ("F", "DH group below 1024 bits", dh_min < 1024),
        ("C", "SSLv3 accepted", "SSLv3" in protocols),
        ("C", "no TLS 1.2 or 1.3", not {"TLSv1.2", "TLSv1.3"} & set(protocols)),
        ("C", "RC4 suites", any("RC4" in s.cipher for s in suites)),
        ("C", "3DES with TLS 1.1 or later", _3des_modern(endpoint)),
        ("C", "TLS compression", bool(endpoint.compression)),
        ("C", "no secure renegotiation", endpoint.secure_renegotiation is False),
        ("B", "TLS 1.0/1.1 accepted", bool({"TLSv1.0", "TLSv1.1"} & set(protocols))),
        ("B", "key below 2048 bits", rsa_like and key_bits < 2048),
        ("B", "DH group below 2048 bits", dh_min < 2048),
        ("B", "no forward secrecy", not any(s.forward_secret for s in suites)),
        ("B", "no AEAD suites", not any(s.aead for s in suites)),
    )
    for letter, reason, applies in rules:
        if applies:
            caps.append((letter, reason))
    return caps


def _3des_modern(endpoint: TlsEndpoint) -> bool:
    accepted = endpoint.accepted()
    return any("3DES" in name for version in ("TLSv1.1", "TLSv1.2") if version in accepted
               for name in accepted[version].ciphers)


def _hsts_age(endpoint: TlsEndpoint) -> int | None:
    if not isinstance(endpoint.http, HttpsFacts):
        return None
    header = endpoint.http.root.header("strict-transport-security")
    return hsts_max_age(header) if header else None
