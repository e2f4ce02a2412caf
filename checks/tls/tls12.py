"""The pieces of TLS 1.2 the renegotiation probe needs to finish a handshake itself.

The PRF (RFC 5246 §5), the record protection of the suites it offers (AES-GCM, RFC 5288;
ChaCha20-Poly1305, RFC 7905; AES-CBC with HMAC-SHA1 and explicit IVs, RFC 5246 §6.2.3.2), and the
key exchanges (ECDHE over X25519,
P-256 or P-384; RSA). Only what a client needs to read and write a handful of records.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from dataclasses import dataclass, field
from typing import Literal, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

from auditor.checks.tls.names import X25519
from auditor.checks.tls.records import record
from auditor.checks.tls.wire import TLS12, ProtocolError
from auditor.net.bytereader import ByteReader

SECP256R1, SECP384R1 = 23, 24
# X25519, then P-256 and P-384 (which an ECDSA certificate on those curves also needs listed, RFC 8422 §5.1).
GROUPS = (X25519, SECP256R1, SECP384R1)
_SERVER_KEY_EXCHANGE = 12


@dataclass(frozen=True)
class SuiteInfo:
    """What the probe needs to know of a suite: key exchange, bulk cipher, key size, PRF hash."""

    key_exchange: Literal["ECDHE", "RSA"]
    mode: Literal["gcm", "chacha", "cbc"]
    key_size: int
    prf_hash: str


# ECDHE_ECDSA/ECDHE_RSA/RSA with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA: enough to speak to
# almost any TLS 1.2 server.
SUITES: dict[int, SuiteInfo] = {
    0xC02B: SuiteInfo("ECDHE", "gcm", 16, "sha256"), 0xC02F: SuiteInfo("ECDHE", "gcm", 16, "sha256"),
    0xC02C: SuiteInfo("ECDHE", "gcm", 32, "sha384"), 0xC030: SuiteInfo("ECDHE", "gcm", 32, "sha384"),
    0xCCA9: SuiteInfo("ECDHE", "chacha", 32, "sha256"), 0xCCA8: SuiteInfo("ECDHE", "chacha", 32, "sha256"),
    0xC009: SuiteInfo("ECDHE", "cbc", 16, "sha256"), 0xC013: SuiteInfo("ECDHE", "cbc", 16, "sha256"),
    0xC00A: SuiteInfo("ECDHE", "cbc", 32, "sha256"), 0xC014: SuiteInfo("ECDHE", "cbc", 32, "sha256"),
    0x009C: SuiteInfo("RSA", "gcm", 16, "sha256"), 0x009D: SuiteInfo("RSA", "gcm", 32, "sha384"),
    0x002F: SuiteInfo("RSA", "cbc", 16, "sha256"), 0x0035: SuiteInfo("RSA", "cbc", 32, "sha256"),
}
_SHA1_SIZE = 20


def digest(algorithm: str, data: bytes) -> bytes:
    """A hash of ``data`` (the handshake transcript)."""
    return hashlib.new(algorithm, data).digest()


def prf(algorithm: str, secret: bytes, label: bytes, seed: bytes, size: int) -> bytes:
    """The TLS 1.2 PRF: P_hash(secret, label + seed), cut to ``size`` bytes (RFC 5246 §5)."""
    seed = label + seed
    out, a = b"", seed
    while len(out) < size:
        a = hmac.digest(secret, a, algorithm)
        out += hmac.digest(secret, a + seed, algorithm)
    return out[:size]


class Protection(Protocol):
    """One direction's record protection."""

    def seal(self, kind: int, plaintext: bytes) -> bytes:
        """The whole record carrying ``plaintext``, protected."""

    def open(self, kind: int, body: bytes) -> bytes:
        """The plaintext of a protected record body; ProtocolError if it does not verify."""


@dataclass
class Gcm:
    """AES-GCM with a 4-byte implicit salt and the sequence number as explicit nonce."""

    key: bytes
    salt: bytes
    sequence: int = field(default=0)

    def seal(self, kind: int, plaintext: bytes) -> bytes:
        """The record carrying ``plaintext``."""
        explicit = struct.pack(">Q", self.sequence)
        aad = struct.pack(">QBHH", self.sequence, kind, TLS12, len(plaintext))
        self.sequence += 1
        return record(kind, TLS12, explicit + AESGCM(self.key).encrypt(self.salt + explicit, plaintext, aad))

    def open(self, kind: int, body: bytes) -> bytes:
        """The plaintext of ``body``."""
        if len(body) < 24:
            raise ProtocolError("encrypted record too short")
        aad = struct.pack(">QBHH", self.sequence, kind, TLS12, len(body) - 24)
        self.sequence += 1
        try:
            return AESGCM(self.key).decrypt(self.salt + body[:8], body[8:], aad)
        except Exception as exc:  # cryptography's InvalidTag: our keys are not the server's
            raise ProtocolError("cannot decrypt the server's record") from exc


@dataclass
class ChaCha:
    """ChaCha20-Poly1305 (RFC 7905): the nonce is the fixed IV XORed with the sequence number."""

    key: bytes
    iv: bytes
    sequence: int = field(default=0)

    def _nonce(self) -> bytes:
        nonce = bytes(a ^ b for a, b in zip(self.iv, struct.pack(">4xQ", self.sequence), strict=True))
        self.sequence += 1
        return nonce

    def seal(self, kind: int, plaintext: bytes) -> bytes:
        """The record carrying ``plaintext``."""
        aad = struct.pack(">QBHH", self.sequence, kind, TLS12, len(plaintext))
        return record(kind, TLS12, ChaCha20Poly1305(self.key).encrypt(self._nonce(), plaintext, aad))

    def open(self, kind: int, body: bytes) -> bytes:
        """The plaintext of ``body``."""
        if len(body) < 16:
            raise ProtocolError("encrypted record too short")
        aad = struct.pack(">QBHH", self.sequence, kind, TLS12, len(body) - 16)
        try:
            return ChaCha20Poly1305(self.key).decrypt(self._nonce(), body, aad)
        except Exception as exc:  # cryptography's InvalidTag: our keys are not the server's
            raise ProtocolError("cannot decrypt the server's record") from exc


@dataclass
class Cbc:
    """AES-CBC with HMAC-SHA1 (MAC then encrypt) and a random explicit IV per record."""

    key: bytes
    mac_key: bytes
    sequence: int = field(default=0)

    def _mac(self, kind: int, plaintext: bytes) -> bytes:
        header = struct.pack(">QBHH", self.sequence, kind, TLS12, len(plaintext))
        self.sequence += 1
        return hmac.digest(self.mac_key, header + plaintext, "sha1")

    def seal(self, kind: int, plaintext: bytes) -> bytes:
        """The record carrying ``plaintext``."""
        data = plaintext + self._mac(kind, plaintext)
        pad = 15 - len(data) % 16
        iv = os.urandom(16)
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(iv)).encryptor()
        return record(kind, TLS12, iv + encryptor.update(data + bytes([pad] * (pad + 1))) + encryptor.finalize())

    def open(self, kind: int, body: bytes) -> bytes:
        """The plaintext of ``body`` (the server's record: no padding oracle to fear on our side)."""
        if len(body) < 48 or len(body) % 16:
            raise ProtocolError("encrypted record of a wrong size")
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(body[:16])).decryptor()
        data = decryptor.update(body[16:]) + decryptor.finalize()
        pad = data[-1]
        if pad + 1 + _SHA1_SIZE > len(data) or data[-(pad + 1):] != bytes([pad] * (pad + 1)):
            raise ProtocolError("cannot decrypt the server's record")
        content = data[:-(pad + 1)]
        plaintext, mac = content[:-_SHA1_SIZE], content[-_SHA1_SIZE:]
        if not hmac.compare_digest(mac, self._mac(kind, plaintext)):
            raise ProtocolError("the server's record does not verify")
        return plaintext


def protections(info: SuiteInfo, block: bytes) -> tuple[Protection, Protection]:
    """The client's and the server's protection from the key block (RFC 5246 §6.3)."""
    size = info.key_size
    if info.mode == "gcm":
        return (Gcm(block[:size], block[2 * size:2 * size + 4]),
                Gcm(block[size:2 * size], block[2 * size + 4:2 * size + 8]))
    if info.mode == "chacha":
        return (ChaCha(block[:size], block[2 * size:2 * size + 12]),
                ChaCha(block[size:2 * size], block[2 * size + 12:2 * size + 24]))
    macs, keys = block[:2 * _SHA1_SIZE], block[2 * _SHA1_SIZE:2 * _SHA1_SIZE + 2 * size]
    return Cbc(keys[:size], macs[:_SHA1_SIZE]), Cbc(keys[size:], macs[_SHA1_SIZE:])


def key_block_size(info: SuiteInfo) -> int:
    """Bytes of key block the suite uses."""
    return 2 * info.key_size + {"gcm": 8, "chacha": 24, "cbc": 2 * _SHA1_SIZE}[info.mode]


class _Reader(ByteReader):
    def truncated(self) -> Exception:
        return ProtocolError(f"truncated {self.what}")


def client_key_exchange(info: SuiteInfo, transcript: list[bytes], certificates: list[bytes]) -> tuple[bytes, bytes]:
    """The ClientKeyExchange body and the premaster secret for the suite the server chose."""
    if info.key_exchange == "RSA":
        if not certificates:
            raise ProtocolError("no certificate to encrypt the premaster secret to")
        key = x509.load_der_x509_certificate(certificates[0]).public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise ProtocolError("an RSA key exchange with a certificate that has no RSA key")
        premaster = struct.pack(">H", TLS12) + os.urandom(46)
        encrypted = key.encrypt(premaster, padding.PKCS1v15())
        return struct.pack(">H", len(encrypted)) + encrypted, premaster
    group, server_public = _server_share(transcript)
    if group == X25519:
        private = X25519PrivateKey.generate()
        public = private.public_key().public_bytes_raw()
        return bytes([len(public)]) + public, private.exchange(X25519PublicKey.from_public_bytes(server_public))
    curve: ec.EllipticCurve = ec.SECP256R1() if group == SECP256R1 else ec.SECP384R1()
    key_pair = ec.generate_private_key(curve)
    peer = ec.EllipticCurvePublicKey.from_encoded_point(curve, server_public)
    point = key_pair.public_key().public_bytes(serialization.Encoding.X962,
                                               serialization.PublicFormat.UncompressedPoint)
    return bytes([len(point)]) + point, key_pair.exchange(ec.ECDH(), peer)


def _server_share(transcript: list[bytes]) -> tuple[int, bytes]:
    """The group and public value of the server's ServerKeyExchange."""
    message = next((m for m in transcript if m[0] == _SERVER_KEY_EXCHANGE), None)
    if message is None:
        raise ProtocolError("no ServerKeyExchange")
    cursor = _Reader(message[4:], "ServerKeyExchange")
    if cursor.uint(1) != 3:
        raise ProtocolError("the ServerKeyExchange names no curve")
    group = cursor.uint(2)
    if group not in GROUPS:
        raise ProtocolError(f"the server chose group {group}, which the probe does not compute")
    return group, cursor.take(cursor.uint(1))
