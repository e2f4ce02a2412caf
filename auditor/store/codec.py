"""Snapshots on disk: the typed model to and from its schema-versioned JSON document.

The JSON Schema (``auditor/store/schema``) is the contract on disk. Only the current schema
version is written; older documents are validated against their own schema and upgraded
when read. Anything wrong in a file is a SnapshotError naming the file and the place.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from auditor.errors import SnapshotError
from auditor.fileio import read_input, write_atomic
from auditor.store.decode import decode_snapshot
from auditor.store.model import CheckMeta, Rejudged, Snapshot, Summary
from auditor.store.spool import raw_record
from auditor.store.validation import READABLE_VERSIONS, SCHEMA_VERSION, validate, validate_item


def snapshot_to_json(snapshot: Snapshot, *, with_facts: bool = True, with_items: bool = True) -> dict[str, Any]:
    """The JSON document of ``snapshot`` (current schema version, summary derived).

    ``with_facts=False`` leaves ``facts`` empty and ``with_items=False`` the results and
    findings: the snapshot writer streams them one at a time.
    """
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": snapshot.tool.name, "version": snapshot.tool.version},
        "profile": _profile(snapshot),
        "catalogue": snapshot.catalogue.to_dict(),
        "checks": {check_id: _check(meta) for check_id, meta in snapshot.checks.items()},
        "started_at": snapshot.started_at,
        "finished_at": snapshot.finished_at,
        "targets": [
            {**record.target.to_dict(), **({} if record.duration_s is None else {"duration_s": record.duration_s})}
            for record in snapshot.targets
        ],
        "results": [result.to_dict() for result in snapshot.results] if with_items else [],
        "findings": [finding.to_dict() for finding in snapshot.findings] if with_items else [],
        "facts": {target: {name: raw_record(record) for name, record in facts.items()}
                  for target, facts in snapshot.facts.items()} if with_facts else {},
        "attestations": [attestation.to_dict() for attestation in snapshot.attestations],
    }
    if snapshot.rejudged is not None:
        document["rejudged"] = _rejudged(snapshot.rejudged)
    document["summary"] = summary_to_json(snapshot.summary)
    if snapshot.signature is not None:
        document["signature"] = dict(vars(snapshot.signature))
    return document


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """The ``summary`` member of a document."""
    return {
        "results": {status.value: count for status, count in summary.results.items()},
        "findings": {severity.value: count for severity, count in summary.findings.items()},
        "waived": summary.waived,
        "expired_waivers": summary.expired_waivers,
        "blocking": summary.blocking,
        "exit_code": int(summary.exit_code),
    }


def _profile(snapshot: Snapshot) -> dict[str, Any]:
    profile = snapshot.profile
    return {
        "name": profile.name,
        "version": profile.version,
        "path": profile.path,
        "chain": list(profile.chain),
        "fail_on": profile.fail_on.value,
        "selected": list(profile.selected),
        "policies": dict(profile.policies),
        "waivers": [waiver.to_dict() for waiver in profile.waivers],
    }


def _check(meta: CheckMeta) -> dict[str, Any]:
    data: dict[str, Any] = {"title": meta.title, "description": meta.description, "severity": meta.severity.value}
    if meta.default_severity is not None:
        data["default_severity"] = meta.default_severity.value
    data.update({"measures": list(meta.measures), "scope": meta.scope, "tags": list(meta.tags),
                 "remediation": meta.remediation, "options": dict(meta.options)})
    return data


def _rejudged(rejudged: Rejudged) -> dict[str, Any]:
    return {
        "from_started_at": rejudged.from_started_at,
        "from_finished_at": rejudged.from_finished_at,
        "from_profile": {"name": rejudged.from_profile.name, "version": rejudged.from_profile.version},
        "from_tool": {"name": rejudged.from_tool.name, "version": rejudged.from_tool.version},
        "rejudged_at": rejudged.rejudged_at,
    }


def validate_document(document: Mapping[str, Any], name: str) -> None:
    """Raise SnapshotError unless ``document`` matches the schema of a readable version.

    ``name`` (usually the file) starts every error message.
    """
    version = document.get("schema_version")
    if version not in READABLE_VERSIONS:
        raise SnapshotError(name, f"schema version {version!r} is not supported "
                                  f"(this auditor reads {', '.join(map(str, READABLE_VERSIONS))})")
    assert isinstance(version, int)
    validate(document, name, version)


def snapshot_from_json(document: Mapping[str, Any], name: str = "snapshot") -> Snapshot:
    """The model of a document of any readable schema version; SnapshotError if it is not one."""
    validate_document(document, name)
    # Version 2 only added the optional ``rejudged`` record: a version 1 document decodes as it is.
    return decode_snapshot(document, name)


def write_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    """Write atomically, checking the document against the schema (a bug must not ship).

    Results, findings and facts are encoded and checked one at a time as they are written (a
    spooled snapshot keeps its facts on disk), so writing a fleet's snapshot never holds the
    whole document in memory.
    """
    write_atomic(path, itertools.chain(document_chunks(snapshot, str(path)), ["\n"]))


def document_chunks(snapshot: Snapshot, name: str) -> Iterator[str]:
    """The snapshot document (indented), validated as it goes: the rest first, then each item as written."""
    document = snapshot_to_json(snapshot, with_facts=False, with_items=False)
    validate(document, name)
    streamed: dict[str, Callable[[], Iterator[str]]] = {
        "results": lambda: _items(name, "results", (result.to_dict() for result in snapshot.results)),
        "findings": lambda: _items(name, "findings", (finding.to_dict() for finding in snapshot.findings)),
        "facts": lambda: _facts_chunks(snapshot, name),
    }
    yield "{"
    for position, (key, value) in enumerate(document.items()):
        yield ("," if position else "") + "\n " + json.dumps(key) + ": "
        chunks = streamed[key]() if key in streamed else _ENCODER.iterencode(value)
        # One level deeper than the encoder places it: JSON strings escape newlines, so every
        # newline in a chunk is structure.
        for chunk in chunks:
            yield chunk.replace("\n", "\n ")
    yield "\n}"


_ENCODER = json.JSONEncoder(indent=1, ensure_ascii=False)


def _items(name: str, member: str, items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A top-level array, each item checked against its schema and encoded alone."""
    separator = "[\n "
    for index, item in enumerate(items):
        validate_item(member, item, name, index)
        yield separator + _ENCODER.encode(item).replace("\n", "\n ")
        separator = ",\n "
    yield "[]" if separator.startswith("[") else "\n]"


def _facts_chunks(snapshot: Snapshot, name: str) -> Iterator[str]:
    separator = "{\n "
    for target, facts in snapshot.facts.items():
        raw = {fact: raw_record(record) for fact, record in facts.items()}
        validate_item("facts", raw, name, target)
        yield separator + json.dumps(target, ensure_ascii=False) + ": " + _ENCODER.encode(raw).replace("\n", "\n ")
        separator = ",\n "
    yield "{}" if separator.startswith("{") else "\n}"


def read_document(path: str | Path) -> dict[str, Any]:
    """The parsed JSON document of a snapshot file, as stored (signatures are checked on this form).

    Not yet checked against the schema: ``snapshot_from_json`` does that.
    """
    name = str(path)
    text = read_input(path, SnapshotError)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    except RecursionError:
        raise SnapshotError(name, "not an auditor snapshot (nested too deeply)") from None
    if not isinstance(document, dict) or "schema_version" not in document:
        raise SnapshotError(name, "not an auditor snapshot (no schema_version)")
    return document


def load_snapshot(path: str | Path) -> Snapshot:
    """Read, validate and decode a snapshot file; corrupt or incompatible files raise SnapshotError."""
    return snapshot_from_json(read_document(path), str(path))
