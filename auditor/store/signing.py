"""Ed25519 signatures on snapshots, so a reviewer can trust a snapshot months later.

The signature covers the snapshot's canonical JSON (sorted keys, no insignificant spaces)
without its ``signature`` member, and is stored in that member together with the SHA-256
fingerprint of the public key, so a verifier can tell "signed by another key" from "altered".
Signing and verifying work on the JSON document, never on the model: a file is verified as
it is stored (a version 1 snapshot keeps its version 1 bytes), and a model is signed in the
JSON form it will be written in.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auditor.errors import InputError
from auditor.fileio import write_atomic
from auditor.store.codec import read_document, snapshot_to_json, validate_document
from auditor.store.decode import decode_snapshot
from auditor.store.model import Signature, Snapshot
from auditor.store.spool import raw_record

ALGORITHM = "ed25519"


class SignatureError(InputError):
    """A key cannot be read, or a snapshot's signature is missing or does not verify."""


def canonical_bytes(snapshot: Mapping[str, Any]) -> bytes:
    """What is signed: the snapshot without its signature, in canonical JSON."""
    unsigned = {key: value for key, value in snapshot.items() if key != "signature"}
    return _canonical(unsigned)


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """``SHA256:<base64>`` of the raw public key, as OpenSSH shows key fingerprints."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def generate_keypair(prefix: str | Path) -> tuple[Path, Path]:
    """Write PREFIX.key (private, mode 0600, never overwritten) and PREFIX.pub."""
    private_path, public_path = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    if private_path.exists():
        raise SignatureError(str(private_path), "already exists; refusing to overwrite a private key")
    if not private_path.parent.is_dir():
        raise SignatureError(str(private_path), f"the folder {private_path.parent} does not exist")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    # Create the private key with its final mode, so it is never readable by others, not even briefly.
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(private_pem)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    write_atomic(public_path, public_pem.decode())
    return private_path, public_path


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file (unencrypted; keep it mode 0600)."""
    try:
        key = serialization.load_pem_private_key(_read_key(path), password=None)
    except (ValueError, TypeError):
        raise SignatureError(str(path), "not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError(str(path), "not an Ed25519 private key")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file."""
    try:
        key = serialization.load_pem_public_key(_read_key(path))
    except ValueError:
        raise SignatureError(str(path), "not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise SignatureError(str(path), "not an Ed25519 public key")
    return key


def _read_key(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SignatureError(str(path), f"cannot read key: {exc.strerror or exc}") from None


def sign(snapshot: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """A copy of ``snapshot`` with its ``signature`` member set."""
    signature = key.sign(canonical_bytes(snapshot))
    return {
        **{k: v for k, v in snapshot.items() if k != "signature"},
        "signature": {
            "algorithm": ALGORITHM,
            "key": key_fingerprint(key.public_key()),
            "value": base64.b64encode(signature).decode(),
        },
    }


def sign_snapshot(snapshot: Snapshot, key: Ed25519PrivateKey) -> Snapshot:
    """A copy of ``snapshot`` carrying a signature over the document it is written as.

    The canonical document is made a member and an item at a time into one buffer: a fleet's
    snapshot (its results, findings and facts on disk) never becomes a JSON object in memory,
    only the bytes Ed25519 signs (it reads its message twice, so it cannot sign a stream).
    """
    message = bytearray()
    for chunk in canonical_chunks(snapshot):
        message += chunk
    value = base64.b64encode(key.sign(message)).decode()
    return dataclasses.replace(snapshot, signature=Signature(ALGORITHM, key_fingerprint(key.public_key()), value))


def canonical_chunks(snapshot: Snapshot) -> Iterator[bytes]:
    """``canonical_bytes`` of ``snapshot``'s document, in pieces: the members in key order, the
    results, findings and facts an item at a time (facts by target name, as sorted keys order them)."""
    document = snapshot_to_json(snapshot, with_facts=False, with_items=False)
    streamed: dict[str, Callable[[], Iterator[bytes]]] = {
        "results": lambda: _array(result.to_dict() for result in snapshot.results),
        "findings": lambda: _array(finding.to_dict() for finding in snapshot.findings),
        "facts": lambda: _facts(snapshot),
    }
    separator = b"{"
    for key in sorted(key for key in document if key != "signature"):
        yield separator + _canonical(key) + b":"
        separator = b","
        yield from streamed[key]() if key in streamed else (_canonical(document[key]),)
    yield b"}" if separator == b"," else b"{}"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _array(items: Iterable[Any]) -> Iterator[bytes]:
    separator = b"["
    for item in items:
        yield separator + _canonical(item)
        separator = b","
    yield b"]" if separator == b"," else b"[]"


def _facts(snapshot: Snapshot) -> Iterator[bytes]:
    separator = b"{"
    for target in sorted(snapshot.facts):
        raw = {name: raw_record(record) for name, record in snapshot.facts[target].items()}
        yield separator + _canonical(target) + b":" + _canonical(raw)
        separator = b","
    yield b"}" if separator == b"," else b"{}"


def verify(snapshot: Mapping[str, Any], key: Ed25519PublicKey, name: str) -> None:
    """Raise SignatureError unless the document ``snapshot`` carries a valid signature by ``key``."""
    signature = snapshot.get("signature")
    if not signature:
        raise SignatureError(name, "is not signed")
    if not isinstance(signature, Mapping) or not isinstance(signature.get("value"), str):
        raise SignatureError(name, "signature is malformed")
    expected = key_fingerprint(key)
    if signature.get("key") != expected:
        raise SignatureError(name, f"signed by key {signature.get('key')}, not by {expected}")
    try:
        key.verify(base64.b64decode(signature["value"], validate=True), canonical_bytes(snapshot))
    except (InvalidSignature, ValueError):
        raise SignatureError(name, "signature does not verify: the snapshot was altered after signing") from None


def load_verified(path: str | Path, key: Ed25519PublicKey) -> Snapshot:
    """A snapshot file, refused unless signed by ``key``.

    The signature is checked on the document as stored (what was signed), after the schema and
    before decoding, so an altered file is reported as altered.
    """
    name = str(path)
    document = read_document(path)
    validate_document(document, name)
    verify(document, key, name)
    return decode_snapshot(document, name)
