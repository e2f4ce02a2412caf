"""Ed25519 snapshot signatures: verify, detect alteration, tell another key apart."""

from __future__ import annotations

import stat

import pytest

from auditor.store.signing import (
    SignatureError,
    generate_keypair,
    load_private_key,
    load_public_key,
    sign,
    verify,
)
from auditor.store.snapshot import validate
from testkit.snapshots import sample_snapshot


@pytest.fixture
def keys(tmp_path):
    private, public = generate_keypair(tmp_path / "audit")
    return load_private_key(private), load_public_key(public), private


def test_keypair_files_and_modes(keys, tmp_path):
    _, _, private = keys
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (tmp_path / "audit.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    with pytest.raises(SignatureError, match="refusing to overwrite"):
        generate_keypair(tmp_path / "audit")


def test_signed_snapshot_verifies_and_stays_schema_valid(keys):
    private, public, _ = keys
    signed = sign(sample_snapshot(), private)
    validate(signed, "signed")
    verify(signed, public, "signed")


def test_alteration_another_key_and_missing_signature_are_refused(keys, tmp_path):
    private, public, _ = keys
    signed = sign(sample_snapshot(), private)
    altered = {**signed, "findings": signed["findings"][1:]}
    with pytest.raises(SignatureError, match="altered after signing"):
        verify(altered, public, "altered")
    other_private, other_public = generate_keypair(tmp_path / "other")
    with pytest.raises(SignatureError, match="signed by key SHA256:"):
        verify(signed, load_public_key(other_public), "signed")
    with pytest.raises(SignatureError, match="is not signed"):
        verify(sample_snapshot(), public, "plain")


def test_bad_key_files(tmp_path):
    path = tmp_path / "junk.pub"
    path.write_text("not a key")
    with pytest.raises(SignatureError, match="not a PEM public key"):
        load_public_key(path)
    with pytest.raises(SignatureError, match="cannot read key"):
        load_private_key(tmp_path / "absent.key")
