"""The shipped snapshot validator (generated code) is in step with the schema and validates alike."""

from __future__ import annotations

import importlib
import importlib.resources

import fastjsonschema
import pytest

from auditor.errors import SnapshotError
from auditor.store import validation


def _generated():
    return importlib.import_module(validation.GENERATED[validation.SCHEMA_VERSION])


def test_generated_validator_was_built_from_the_current_schema():
    # After editing snapshot.schema.json, regenerate with: python -m auditor.store.validation
    assert validation.schema_digest() == _generated().SCHEMA_SHA256


def test_generated_validator_is_what_fastjsonschema_generates_today():
    generated = _generated()
    if generated.VERSION != fastjsonschema.VERSION:
        pytest.skip(f"generated with fastjsonschema {generated.VERSION}, installed {fastjsonschema.VERSION}")
    source = importlib.resources.files("auditor.store").joinpath("_validator_v2.py").read_text(encoding="utf-8")
    assert source == validation.generated_code()


def test_the_shipped_validator_is_the_one_used_and_refuses_like_the_compiled_one():
    shipped = validation._validator(validation.SCHEMA_VERSION)
    assert shipped is _generated().validate
    compiled = fastjsonschema.compile(validation.inlined_schema())
    for document in ({}, {"schema_version": "two"}, []):
        with pytest.raises(fastjsonschema.JsonSchemaValueException) as ours:
            shipped(document)
        with pytest.raises(fastjsonschema.JsonSchemaValueException) as theirs:
            compiled(document)
        assert (ours.value.message, ours.value.path) == (theirs.value.message, theirs.value.path)
    with pytest.raises(SnapshotError, match="does not match the snapshot schema"):
        validation.validate({}, "snapshot.json")


def test_a_stale_generated_validator_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "schema_digest", lambda version=validation.SCHEMA_VERSION: "edited")
    validation._validator.cache_clear()
    try:
        assert validation._validator(validation.SCHEMA_VERSION) is not _generated().validate
    finally:
        validation._validator.cache_clear()


def test_prepare_builds_every_validator_a_snapshot_write_uses():
    validation._item_validator.cache_clear()
    validation.prepare_validators()
    built = validation._item_validator.cache_info()
    assert built.currsize == len(validation._ITEM_SCHEMAS)
    # A write after it compiles nothing more: each item is checked by what was prepared.
    validation.validate_item("facts", {}, "snapshot", "t")
    assert validation._item_validator.cache_info().misses == built.misses
