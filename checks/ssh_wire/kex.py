"""The client half of SSH key exchanges, carried only as far as the server's reply.

The reply to a key exchange carries the server's public host key (and, for DH group exchange,
the modulus the server chose), which is all an audit needs. We never derive session keys or
send NEWKEYS, so no encryption is ever set up: the methods here only have to produce a valid
client public value. That lets the audit read host keys from servers that a full SSH library
can no longer negotiate with (SHA-1 key exchange, DSA or ``ssh-rsa`` host keys).

The host key is taken as presented; its signature is not verified, because the audit makes
no trust decision from it.
"""

from __future__ import annotations

import dataclasses
import secrets
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from auditor.checks.ssh_wire.client import (
    RawSession,
    Reader,
    WireError,
    describe_host_key,
    encode_kexinit,
    ssh_mpint,
    ssh_string,
)
from auditor.checks.ssh_wire.facts import HostKey, KexInit

MSG_KEXDH_INIT = 30
MSG_KEXDH_REPLY = 31
MSG_KEX_DH_GEX_GROUP = 31
MSG_KEX_DH_GEX_INIT = 32
MSG_KEX_DH_GEX_REPLY = 33
MSG_KEX_DH_GEX_REQUEST = 34

# RFC 2409 6.2 (Oakley group 2), used by diffie-hellman-group1-sha1; the larger MODP groups are
# RFC 3526's (the values paramiko uses, written out so that this module does not load paramiko).
OAKLEY_GROUP_2 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
    16,
)
# RFC 3526 3: 2048-bit MODP group (diffie-hellman-group14-*)
MODP_GROUP_14 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
    16,
)
# RFC 3526 5: 4096-bit MODP group (diffie-hellman-group16-sha512)
MODP_GROUP_16 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6"
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64"
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226"
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D788719A10BDBA5B2699C32718"
    "6AF4E23C1A946834B6150BDA2583E9CA2AD44CE8DBBBC2DB04DE8EF92E8EFC141FBECAA6287C59474E6BC05D"
    "99B2964FA090C3A2233BA186515BE7ED1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA993B4EA98"
    "8D8FDDC186FFB7DC90A6C08F4DF435C934063199FFFFFFFFFFFFFFFF",
    16,
)
MODP_GROUPS = {"group1": OAKLEY_GROUP_2, "group14": MODP_GROUP_14, "group16": MODP_GROUP_16}
# What a GEX probe asks for: the smallest group the server agrees to hand a client.
GEX_REQUEST = (1024, 1024, 8192)
GEX_ALGORITHMS = ("diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1")

# Host key algorithms in the order an OpenSSH client prefers them: "preferred" mode reads the
# key such a client would see. Certificates are left out (they would return a certificate).
HOST_KEY_PREFERENCE = (
    "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-dss",
)


def _x25519_public() -> bytes:
    return x25519.X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _ecdh_public(curve: ec.EllipticCurve) -> Callable[[], bytes]:
    def make() -> bytes:
        key = ec.generate_private_key(curve).public_key()
        return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)

    return make


def _dh_public(prime: int, generator: int = 2) -> int:
    """g^x mod p for a random x of 512 bits (enough for any group here; the value is thrown away)."""
    return pow(generator, secrets.randbits(512) | (1 << 511), prime)


# Key exchange methods we can carry to the reply, in the order we pick them: cheap ones first.
_POINT_METHODS: dict[str, Callable[[], bytes]] = {
    "curve25519-sha256": _x25519_public,
    "curve25519-sha256@libssh.org": _x25519_public,
    "ecdh-sha2-nistp256": _ecdh_public(ec.SECP256R1()),
    "ecdh-sha2-nistp384": _ecdh_public(ec.SECP384R1()),
    "ecdh-sha2-nistp521": _ecdh_public(ec.SECP521R1()),
}
_GROUP_METHODS = {
    "diffie-hellman-group14-sha256": "group14",
    "diffie-hellman-group16-sha512": "group16",
    "diffie-hellman-group14-sha1": "group14",
    "diffie-hellman-group1-sha1": "group1",
}
KEX_PREFERENCE = (*_POINT_METHODS, *_GROUP_METHODS, *GEX_ALGORITHMS)


@dataclass(frozen=True)
class KexReply:
    """What a key exchange reply told us."""

    host_key: HostKey
    modulus_bits: int | None = None  # the group a GEX server chose


def choose(preference: tuple[str, ...], offered: Sequence[str]) -> str | None:
    """The first of ``preference`` that the server offers."""
    return next((name for name in preference if name in offered), None)


def exchange(session: RawSession, server: KexInit, kex: str, host_key_algorithm: str) -> KexReply:
    """Send our KEXINIT choosing ``kex`` and ``host_key_algorithm``, and read the server's reply.

    ``server`` is the server's parsed KEXINIT; for ciphers, MACs and compression we offer the
    server's own lists, so negotiation succeeds whatever it prefers.
    """
    ours = dataclasses.replace(server, kex_algorithms=(kex,), server_host_key_algorithms=(host_key_algorithm,),
                               languages_client_to_server=(), languages_server_to_client=(),
                               first_kex_packet_follows=False)
    session.send_message(encode_kexinit(ours))
    if kex in _POINT_METHODS:
        session.send_message(bytes([MSG_KEXDH_INIT]) + ssh_string(_POINT_METHODS[kex]()))
        return KexReply(_host_key(session.read_reply(MSG_KEXDH_REPLY, "key exchange reply"), host_key_algorithm))
    if kex in _GROUP_METHODS:
        session.send_message(bytes([MSG_KEXDH_INIT]) + ssh_mpint(_dh_public(MODP_GROUPS[_GROUP_METHODS[kex]])))
        return KexReply(_host_key(session.read_reply(MSG_KEXDH_REPLY, "key exchange reply"), host_key_algorithm))
    if kex in GEX_ALGORITHMS:
        return _group_exchange(session, host_key_algorithm)
    raise ValueError(f"key exchange {kex} is not implemented")


def _group_exchange(session: RawSession, host_key_algorithm: str) -> KexReply:
    """RFC 4419: ask for a group, then complete the exchange with it."""
    low, preferred, high = GEX_REQUEST
    session.send_message(bytes([MSG_KEX_DH_GEX_REQUEST]) + struct.pack(">III", low, preferred, high))
    group = session.read_reply(MSG_KEX_DH_GEX_GROUP, "DH group exchange group")
    prime, generator = group.mpint(), group.mpint()
    bits = prime.bit_length()
    if bits > high:  # also keeps a hostile modulus from costing us a huge exponentiation
        raise WireError(f"server sent a {bits}-bit DH group, more than the {high} bits asked for")
    if bits < 512 or not 1 < generator < prime - 1:
        raise WireError(f"server sent an unusable DH group ({bits}-bit modulus, generator {generator})")
    session.send_message(bytes([MSG_KEX_DH_GEX_INIT]) + ssh_mpint(_dh_public(prime, generator)))
    reply = session.read_reply(MSG_KEX_DH_GEX_REPLY, "DH group exchange reply")
    return KexReply(_host_key(reply, host_key_algorithm), modulus_bits=bits)


def _host_key(reply: Reader, algorithm: str) -> HostKey:
    """The host key at the start of a KEXDH/ECDH/GEX reply (the rest is not needed)."""
    return describe_host_key(reply.string(), algorithm)
