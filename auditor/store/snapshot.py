"""Snapshots: the whole result of a run as one schema-versioned JSON document.

Reporters and ``diff`` read only snapshots, so a snapshot carries everything they need:
versions, the catalogue it was judged against, check metadata, results, findings and facts.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import fastjsonschema

from auditor import __version__, resources
from auditor.config.catalogue import Catalogue
from auditor.config.profile import Profile
from auditor.errors import SnapshotError
from auditor.fileio import read_input, write_atomic
from auditor.models import Severity, Status
from auditor.registry import Registry
from auditor.runner import AuditRun

SCHEMA_VERSION = 1
TOOL_NAME = "rifi-auditor"

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERRORS = 2


def build_snapshot(run: AuditRun, profile: Profile, catalogue: Catalogue, registry: Registry,
                   attestations: Iterable[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The snapshot document of a finished run."""
    findings = run.findings
    snapshot = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "profile": profile.to_dict(),
        "catalogue": catalogue.to_dict(),
        "checks": {check_id: _check_meta(registry, profile, check_id) for check_id in profile.selected},
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": run.finished_at.isoformat(timespec="seconds"),
        "targets": [
            {**audit.target.to_dict(), "duration_s": round(audit.finished - audit.started, 3)}
            for audit in run.audits
        ],
        "results": [result.to_dict() for result in run.results],
        "findings": [finding.to_dict() for finding in findings],
        "facts": {audit.target.name: audit.facts for audit in run.audits},
        "attestations": list(attestations),
    }
    snapshot["summary"] = summarize(snapshot)
    return snapshot


def _check_meta(registry: Registry, profile: Profile, check_id: str) -> dict[str, Any]:
    check = registry.checks[check_id]
    return {
        "title": check.title,
        "description": check.description(),
        "severity": profile.severity[check_id].value,
        "default_severity": check.severity.value,
        "measures": list(check.measures),
        "scope": check.scope.value,
        "tags": list(check.tags),
        "remediation": check.remediation,
        "options": {key: _jsonable(value) for key, value in profile.options[check_id].items()},
    }


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def summarize(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Counts and the exit code, derived from results and findings (never stored separately)."""
    fail_on = Severity(snapshot["profile"]["fail_on"])
    statuses = Counter(result["status"] for result in snapshot["results"])
    active = [finding for finding in snapshot["findings"] if not _waived(finding)]
    severities = Counter(finding["severity"] for finding in active)
    blocking = sum(1 for finding in active if Severity(finding["severity"]) >= fail_on)
    errors = statuses.get(Status.ERROR.value, 0)
    # An incomplete audit is reported first: its clean parts prove nothing about the rest.
    exit_code = EXIT_ERRORS if errors else EXIT_FINDINGS if blocking else EXIT_OK
    return {
        "results": {status.value: statuses.get(status.value, 0) for status in Status},
        "findings": {severity.value: severities.get(severity.value, 0) for severity in Severity},
        "waived": len(snapshot["findings"]) - len(active),
        "expired_waivers": sum(1 for finding in snapshot["findings"] if finding.get("waiver_expired")),
        "blocking": blocking,
        "exit_code": exit_code,
    }


def _waived(finding: Mapping[str, Any]) -> bool:
    return "waiver" in finding and not finding.get("waiver_expired", False)


def write_snapshot(snapshot: Mapping[str, Any], path: str | Path) -> None:
    """Write atomically, after checking the document against the schema (a bug must not ship)."""
    validate(snapshot, str(path))
    encoder = json.JSONEncoder(indent=1, ensure_ascii=False)
    write_atomic(path, itertools.chain(encoder.iterencode(snapshot), ["\n"]))


def load_snapshot(path: str | Path) -> dict[str, Any]:
    """Read and validate a snapshot; corrupt or incompatible files raise SnapshotError."""
    name = str(path)
    text = read_input(path, SnapshotError)
    try:
        snapshot = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(snapshot, dict) or "schema_version" not in snapshot:
        raise SnapshotError(name, "not an auditor snapshot (no schema_version)")
    if snapshot["schema_version"] != SCHEMA_VERSION:
        raise SnapshotError(
            name, f"schema version {snapshot['schema_version']!r} is not supported (this auditor reads {SCHEMA_VERSION})"
        )
    validate(snapshot, name)
    return snapshot


@functools.cache
def schema() -> dict[str, Any]:
    """The snapshot JSON Schema."""
    return json.loads(resources.schema_path().read_text(encoding="utf-8"))


def _inline_refs(node: Any, root: Mapping[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its definition (ours never recurse).

    fastjsonschema formats an error name for every ``$ref`` call, even when nothing fails;
    inside arrays of 100,000 findings that alone took most of the validation time.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = root
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _inline_refs(target, root)
        return {key: _inline_refs(value, root) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, root) for item in node]
    return node


@functools.cache
def _validator() -> Callable[[Any], Any]:
    # Compiled once to Python code, which an interpreting validator cannot match on
    # fleet-sized snapshots (tens of seconds for 100,000 findings).
    return fastjsonschema.compile(_inline_refs(schema(), schema()))


def validate(snapshot: Mapping[str, Any], name: str) -> None:
    """Raise SnapshotError naming the first place the document departs from the schema."""
    try:
        _validator()(snapshot)
    except fastjsonschema.JsonSchemaValueException as exc:
        where = "/".join(str(part) for part in exc.path[1:]) or "(top level)"
        raise SnapshotError(name, f"does not match the snapshot schema at {where}: {exc.message}") from None
