"""results.sarif: SARIF 2.1.0 as GitHub code scanning and DefectDojo ingest it.

GitHub code scanning needs a physical location with an ``artifactLocation.uri`` on every
result, and only accepts URIs that resolve like repository paths (no scheme of our own): each
finding's URI is the relative path ``auditor/TARGET/RESOURCE``, each part percent-encoded, so
a hostile name can neither add segments nor climb out with ``..``. Severity travels as a
rule's ``security-severity`` (GitHub's and DefectDojo's scales: critical >= 9.0, high
7.0-8.9, medium 4.0-6.9, low 0.1-3.9; info 0.0, which DefectDojo reads as Info), so each
(check, severity) pair that occurs is a rule of its own: critical is never folded into high.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from auditor.models import Finding, Severity
from auditor.store.model import CheckMeta, Snapshot, worst_first

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
                Severity.LOW: "note", Severity.INFO: "note"}
# One score per severity, inside both GitHub's and DefectDojo's bands for it.
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "2.0", Severity.INFO: "0.0"}
URI_ROOT = "auditor"
FINGERPRINT_KEY = "auditorFingerprint/v1"


def artifact_uri(target: str, resource: str) -> str:
    """The relative URI naming ``resource`` on ``target``: ``auditor/TARGET/RESOURCE``, percent-encoded."""
    return "/".join((URI_ROOT, _segment(target), _segment(resource)))


def _segment(text: str) -> str:
    encoded = quote(text, safe="")  # "/" and ":" too: one segment, never a scheme or a new path
    if encoded.strip(".") == "":  # "", "." and "..": dot-segments a URI resolver would collapse
        encoded = "%2E" * len(text) if text else "-"
    return encoded


def rule_id(finding: Finding, checks: dict[str, CheckMeta]) -> str:
    """The check's id when the finding has the check's severity, else ``CHECK/SEVERITY``."""
    meta = checks.get(finding.check_id)
    if meta is not None and meta.severity is finding.severity:
        return finding.check_id
    return f"{finding.check_id}/{finding.severity.value}"


def sarif(snapshot: Snapshot) -> str:
    """SARIF 2.1.0: one rule per check (and per other severity its findings have), one result per finding."""
    return "".join(sarif_chunks(snapshot))


# Stands in for the results while the rest of the document is encoded; JSON escapes the NULs.
_RESULTS_SLOT = "\x00results\x00"
_RESULTS_INDENT = "    "  # runs[0].results items, at indent 1


def sarif_chunks(snapshot: Snapshot) -> Iterator[str]:
    """``sarif`` in chunks, one result at a time: a fleet's results as one document took more memory than the audit."""
    checks = dict(snapshot.checks)
    rules: dict[str, dict[str, Any]] = {
        check_id: _rule(check_id, check_id, meta, meta.severity) for check_id, meta in checks.items()
    }
    # Two passes over the findings (rules, then results), neither holding them all: a spooled run reads twice.
    for finding in worst_first(snapshot.findings):
        rid = rule_id(finding, checks)
        if rid not in rules:
            rules[rid] = _rule(rid, finding.check_id, checks.get(finding.check_id), finding.severity)
    index = {rid: position for position, rid in enumerate(rules)}
    run = {
        "tool": {"driver": {"name": snapshot.tool.name, "version": snapshot.tool.version,
                            "rules": list(rules.values())}},
        "results": _RESULTS_SLOT,
        "invocations": [{"executionSuccessful": snapshot.summary.errors == 0,
                         "startTimeUtc": snapshot.started_at, "endTimeUtc": snapshot.finished_at}],
    }
    head, tail = json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=1).split(
        json.dumps(_RESULTS_SLOT))
    separator = "[\n" + _RESULTS_INDENT
    for finding in worst_first(snapshot.findings):
        text = json.dumps(_result(finding, rule_id(finding, checks), index), indent=1)
        yield (head if separator.startswith("[") else "") + separator + text.replace("\n", "\n" + _RESULTS_INDENT)
        head, separator = "", ",\n" + _RESULTS_INDENT
    yield (head + "[]" if separator.startswith("[") else "\n   ]") + tail + "\n"


def _rule(rid: str, check_id: str, meta: CheckMeta | None, severity: Severity) -> dict[str, Any]:
    title = meta.title if meta is not None else check_id
    return {
        "id": rid,
        "name": check_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": (meta.description if meta is not None else "") or title},
        "help": {"text": (meta.remediation if meta is not None else "") or title},
        "defaultConfiguration": {"level": SARIF_LEVELS[severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[severity],
            "severity": severity.value,
            "measures": list(meta.measures) if meta is not None else [],
            "tags": ["security", *(meta.tags if meta is not None else ())],
        },
    }


def _result(finding: Finding, rid: str, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": rid,
        "ruleIndex": index[rid],
        "level": SARIF_LEVELS[finding.severity],
        "message": {"text": finding.message or finding.check_id},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": artifact_uri(finding.target, finding.resource)},
                                 "region": {"startLine": 1}},
            "logicalLocations": [{"name": finding.resource,
                                  "fullyQualifiedName": f"{finding.target}/{finding.resource}"}],
        }],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.value, "measures": list(finding.measures),
                       "check_id": finding.check_id, "target": finding.target, "resource": finding.resource,
                       "evidence": dict(finding.evidence)},
    }
    if finding.waived and finding.waiver is not None:
        result["suppressions"] = [{"kind": "external", "justification": finding.waiver.justification}]
    return result
