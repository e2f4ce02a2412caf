"""authorized_keys lines: key type, size and SHA256 fingerprint, and the options that restrict
a key (``from=``, ``command=``, ``restrict``, ...). The comment is never kept: it often names a
person or a machine, sometimes more. Pure functions, tested from recorded files."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

KEY_TYPES = frozenset({
    "ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com", "ssh-ed448",
    "ssh-ed25519-cert-v01@openssh.com", "ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ssh-ed25519-cert-v01@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
})
# Options whose values are kept (where a key may be used from, what it may run); others by name only,
# because e.g. environment="TOKEN=..." can carry a secret.
_KEPT_VALUES = ("from", "command", "permitopen", "permitlisten", "principals", "expiry-time")
_CURVE_BITS = {"nistp256": 256, "nistp384": 384, "nistp521": 521}


@dataclass(frozen=True)
class ParsedKey:
    """One public key: type, size in bits (0 when unknown) and SHA256 fingerprint."""

    type: str
    bits: int
    fingerprint: str


def _strings(blob: bytes) -> list[bytes]:
    """The SSH wire strings (uint32 length + bytes) of a public key blob."""
    items, offset = [], 0
    while offset + 4 <= len(blob):
        (length,) = struct.unpack(">I", blob[offset:offset + 4])
        items.append(blob[offset + 4:offset + 4 + length])
        offset += 4 + length
    return items


def _bits(key_type: str, blob: bytes) -> int:
    parts = _strings(blob)
    base = key_type.replace("-cert-v01@openssh.com", "")
    if "ed25519" in base:
        return 256
    if base == "ssh-ed448":
        return 456
    if "nistp" in base:
        return _CURVE_BITS.get(base.split("-")[-1].split("@")[0], 0)
    if base == "ssh-rsa" and len(parts) >= 3 and not key_type.endswith("cert-v01@openssh.com"):
        return int.from_bytes(parts[2], "big").bit_length()
    if base == "ssh-rsa" and len(parts) >= 4:  # certificate: type, nonce, e, n
        return int.from_bytes(parts[3], "big").bit_length()
    if base == "ssh-dss" and len(parts) >= 2:
        return int.from_bytes(parts[1 if not key_type.endswith("cert-v01@openssh.com") else 2], "big").bit_length()
    return 0


def parse_public_key(key_type: str, data: str) -> ParsedKey | None:
    """A key from its type and base64 blob; None when the blob is not valid base64."""
    try:
        blob = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return ParsedKey(key_type, _bits(key_type, blob), f"SHA256:{digest}")


def split_options(text: str) -> tuple[str, str]:
    """(options, rest) of a line that starts with options: up to the first unquoted space."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"' and (index == 0 or text[index - 1] != "\\"):
            quoted = not quoted
        elif char in " \t" and not quoted:
            return text[:index], text[index:].strip()
    return text, ""


def option_list(options: str) -> tuple[str, ...]:
    """Options as ``name`` or ``name=value`` (values kept only for the restricting options)."""
    items, current, quoted = [], "", False
    for char in options:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += char
    if current:
        items.append(current)
    kept = []
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        kept.append(f"{name}={value.strip()}" if sep and name in _KEPT_VALUES else name)
    return tuple(kept)


def parse_line(line: str) -> tuple[tuple[str, ...], ParsedKey] | None:
    """(options, key) of one authorized_keys line; None for blanks, comments and unreadable lines."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    options: tuple[str, ...] = ()
    first = text.split(None, 1)[0]
    if first not in KEY_TYPES:
        raw, text = split_options(text)
        options = option_list(raw)
    fields = text.split()
    if len(fields) < 2 or fields[0] not in KEY_TYPES:
        return None
    key = parse_public_key(fields[0], fields[1])
    return (options, key) if key else None


def fingerprint_of(entry: str) -> str | None:
    """A revocation-list entry as a fingerprint: ``SHA256:...`` as given, or a public key line's."""
    text = entry.strip()
    if text.startswith("SHA256:"):
        return text
    parsed = parse_line(text)
    return parsed[1].fingerprint if parsed else None
