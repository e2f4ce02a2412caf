"""What an IANA cipher suite name says about the suite: key exchange, authentication, cipher, strength.

The registry's names encode the properties (``TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256``: ECDHE key
exchange, RSA authentication, AES-128 in GCM), so the scanner's offer order, the checks'
severities and the grade read them from the name instead of another table.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_BITS = (("NULL", 0), ("_40", 40), ("DES40", 40), ("3DES", 112), ("DES_CBC", 56), ("_128", 128),
         ("_256", 256), ("CHACHA20", 256), ("SEED", 128), ("IDEA", 128))


@dataclass(frozen=True)
class Suite:
    """What an IANA cipher suite name says about the suite."""

    name: str
    key_exchange: str  # RSA, DHE, ECDHE, DH, ECDH, PSK, SRP, ... ("any" for TLS 1.3)
    authentication: str  # RSA, ECDSA, DSS, anon, PSK ("any" for TLS 1.3)
    cipher: str  # e.g. AES_128_GCM, 3DES_EDE_CBC, NULL
    mac: str  # SHA, SHA256, SHA384, MD5, or AEAD
    bits: int  # symmetric strength as SSL Labs counts it (3DES: 112)

    @property
    def forward_secret(self) -> bool:
        """True for ephemeral (EC)DH key exchange, which every TLS 1.3 suite uses."""
        return self.key_exchange in ("any", "DHE", "ECDHE", "DHE_PSK", "ECDHE_PSK")

    @property
    def aead(self) -> bool:
        """True for authenticated encryption (GCM, CCM, ChaCha20-Poly1305)."""
        return self.mac == "AEAD"

    @property
    def export(self) -> bool:
        """True for the 1990s export-grade suites (FREAK, Logjam)."""
        return "EXPORT" in self.name

    @property
    def anonymous(self) -> bool:
        """True when the server does not authenticate at all."""
        return self.authentication == "anon"

    @property
    def insecure(self) -> bool:
        """Broken outright: no encryption, no authentication, export grade, RC4, RC2, single DES or MD5."""
        return (self.bits < 112 or self.anonymous or self.export or "RC4" in self.cipher
                or "RC2" in self.cipher or self.mac == "MD5")


_SUITE_NAME = re.compile(r"^TLS_(?:(?P<kx>.+?)_WITH_)?(?P<rest>.+)$")
_MACS = ("SHA", "SHA256", "SHA384", "MD5")


@functools.cache
def suite(name: str) -> Suite:
    """Properties of a suite from its IANA name; ValueError for a name that is not one."""
    match = _SUITE_NAME.match(name)
    if not match:
        raise ValueError(f"not an IANA cipher suite name: {name!r}")
    kx_auth, rest = match["kx"], match["rest"]
    if kx_auth is None:  # TLS 1.3: TLS_AES_128_GCM_SHA256 names cipher and hash only
        return Suite(name, "any", "any", rest.rsplit("_", 1)[0], "AEAD", _bits(rest))
    cipher, _, mac = rest.rpartition("_")
    if mac not in _MACS or not cipher:
        cipher, mac = rest, "AEAD"  # CCM suites name no hash
    if any(mode in cipher for mode in ("GCM", "CCM", "POLY1305")):
        mac = "AEAD"
    return Suite(name, *_kx_auth(kx_auth), cipher, mac, _bits(cipher))


def _kx_auth(text: str) -> tuple[str, str]:
    parts = [part for part in text.split("_") if part != "EXPORT"]
    if "anon" in parts:
        return parts[0], "anon"
    if "PSK" in parts:  # PSK, DHE_PSK, PSK_DHE (sic, in the registry), ECDHE_PSK, RSA_PSK
        others = [part for part in parts if part != "PSK"]
        kx = f"{others[0]}_PSK" if others else "PSK"
        return kx, "RSA" if kx == "RSA_PSK" else "PSK"
    if parts[0] == "SRP":  # SRP_SHA, SRP_SHA_RSA, SRP_SHA_DSS
        return "SRP", parts[2] if len(parts) > 2 else "SRP"
    return parts[0], parts[-1]


def _bits(cipher: str) -> int:
    for marker, bits in _BITS:
        if marker in cipher:
            return bits
    return 128
