"""Ed25519 snapshot signatures: verify, detect alteration, tell another key apart."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from auditor.store.codec import snapshot_from_json, snapshot_to_json, write_snapshot
from auditor.store.history import history_entries
from auditor.store.model import NameVersion, Rejudged
from auditor.store.signing import (
    SignatureError,
    canonical_bytes,
    canonical_chunks,
    generate_keypair,
    load_private_key,
    load_public_key,
    load_verified,
    sign,
    sign_snapshot,
    verify,
)
from auditor.store.spool import FactSpool, raw_record
from auditor.store.validation import validate
from testkit.large import large_snapshot
from testkit.snapshots import in_target_order, make_document, sample_snapshot

Keys = tuple[Ed25519PrivateKey, Ed25519PublicKey, Path]


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    private, public = generate_keypair(tmp_path / "audit")
    return load_private_key(private), load_public_key(public), private


def test_keypair_files_and_modes(keys: Keys, tmp_path: Path) -> None:
    _, _, private = keys
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (tmp_path / "audit.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    with pytest.raises(SignatureError, match="refusing to overwrite"):
        generate_keypair(tmp_path / "audit")


def test_signed_snapshot_verifies_and_stays_schema_valid(keys: Keys) -> None:
    private, public, _ = keys
    signed = snapshot_to_json(sign_snapshot(sample_snapshot(), private))
    validate(signed, "signed")
    verify(signed, public, "signed")
    assert snapshot_to_json(snapshot_from_json(signed)) == signed  # the model keeps what was signed


def test_alteration_another_key_and_missing_signature_are_refused(keys: Keys, tmp_path: Path) -> None:
    private, public, _ = keys
    signed = snapshot_to_json(sign_snapshot(sample_snapshot(), private))
    altered = {**signed, "findings": signed["findings"][1:]}
    with pytest.raises(SignatureError, match="altered after signing"):
        verify(altered, public, "altered")
    _, other_public = generate_keypair(tmp_path / "other")
    with pytest.raises(SignatureError, match="signed by key SHA256:"):
        verify(signed, load_public_key(other_public), "signed")
    with pytest.raises(SignatureError, match="is not signed"):
        verify(snapshot_to_json(sample_snapshot()), public, "plain")
    with pytest.raises(SignatureError, match="signature is malformed"):
        verify({**signed, "signature": "forged"}, public, "malformed")


def test_bad_key_files(tmp_path: Path) -> None:
    path = tmp_path / "junk.pub"
    path.write_text("not a key")
    with pytest.raises(SignatureError, match="not a PEM public key"):
        load_public_key(path)
    with pytest.raises(SignatureError, match="cannot read key"):
        load_private_key(tmp_path / "absent.key")


def test_signatures_made_on_version_1_snapshots_still_verify(keys: Keys, tmp_path: Path) -> None:
    private, public, _ = keys
    # As the auditor signed and wrote snapshots before schema version 2.
    old = sign({**make_document([], []), "schema_version": 1}, private)
    run = tmp_path / "runs" / "old"
    run.mkdir(parents=True)
    (run / "snapshot.json").write_text(json.dumps(old, indent=1))
    assert load_verified(run / "snapshot.json", public).started_at == old["started_at"]
    [entry] = history_entries(tmp_path / "runs", public, tmp_path)
    assert entry.usable and entry.signature == "verified"


def test_a_snapshot_is_signed_over_the_canonical_document_made_an_item_at_a_time(keys: Keys, tmp_path: Path) -> None:
    private, public, _ = keys
    sample = sample_snapshot()
    spool = FactSpool(tmp_path)
    for target in reversed(list(sample.facts)):  # spooled out of name order: canonical JSON sorts them
        spool.add(target, {name: raw_record(record) for name, record in sample.facts[target].items()})
    snapshots = {
        "sample": sample,
        "spooled-facts": dataclasses.replace(sample, facts=spool),
        "large": in_target_order(large_snapshot(2000, 80)),
        "empty": dataclasses.replace(sample, results=(), findings=(), facts={}, attestations=()),
        "rejudged": dataclasses.replace(sample, rejudged=Rejudged(
            "2026-01-01T00:00:00+00:00", "2026-01-01T00:05:00+00:00", NameVersion("baseline", "1"),
            NameVersion("rifi-auditor", "0.0.9"), "2026-01-02T00:00:00+00:00")),
        "signed-already": sign_snapshot(sample, Ed25519PrivateKey.generate()),
    }
    for name, snapshot in snapshots.items():
        assert b"".join(canonical_chunks(snapshot)) == canonical_bytes(snapshot_to_json(snapshot)), name
        path = tmp_path / f"{name}.json"
        write_snapshot(sign_snapshot(snapshot, private), path)
        assert load_verified(path, public) == load_verified(path, public)  # verifies as a whole document
    spool.close()
