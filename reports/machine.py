"""Outputs for other tools, read from a snapshot: CSV of findings, JUnit XML and SARIF 2.1.0.

Everything a target sent (banners, certificate names, paths) may be hostile: CSV cells that a
spreadsheet would run as a formula are neutralised, and XML is built with ElementTree, which
escapes text and attributes.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from auditor.models import CheckResult, Finding, Status
from auditor.store.model import Snapshot, sorted_findings

CSV_COLUMNS = (
    "fingerprint", "severity", "target", "check_id", "resource", "message", "measures",
    "waived", "waiver_expired", "waiver_owner", "waiver_expires", "remediation",
)
# Leading characters that make spreadsheets evaluate a cell (CSV/formula injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SARIF_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def findings_csv(snapshot: Snapshot) -> str:
    """One row per finding, most severe first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for finding in sorted_findings(snapshot.findings):
        waiver = finding.waiver
        writer.writerow(_cell(value) for value in (
            finding.fingerprint, finding.severity.value, finding.target, finding.check_id,
            finding.resource, finding.message, " ".join(finding.measures),
            "yes" if finding.waived else "no", "yes" if finding.waiver_expired else "no",
            waiver.owner if waiver else "", waiver.expires if waiver else "", finding.remediation,
        ))
    return buffer.getvalue()


def junit_xml(snapshot: Snapshot) -> str:
    """One test case per check and target; a suite per target. fail -> failure, error -> error."""
    by_target: dict[str, list[CheckResult]] = defaultdict(list)
    for result in snapshot.results:
        by_target[result.target].append(result)
    suites = ET.Element("testsuites", name=f"auditor {snapshot.profile.name}")
    for target, results in by_target.items():
        suite = ET.SubElement(suites, "testsuite", name=target, tests=str(len(results)))
        counts = {"failures": 0, "errors": 0, "skipped": 0}
        for result in results:
            case = ET.SubElement(suite, "testcase", classname=target, name=result.check_id)
            kind = _junit_outcome(result, case)
            if kind:
                counts[kind] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _junit_outcome(result: CheckResult, case: ET.Element) -> str:
    status = result.status
    if status is Status.FAIL:
        open_findings = [f for f in result.findings if not f.waived]
        if not open_findings:
            return ""  # every finding waived: the waiver is the accepted answer
        failure = ET.SubElement(case, "failure", message=open_findings[0].message,
                                type=max(f.severity for f in open_findings).value)
        failure.text = "\n".join(f"[{f.severity.value}] {f.resource}: {f.message}" for f in open_findings)
        return "failures"
    if status is Status.ERROR:
        ET.SubElement(case, "error", message=result.reason)
        return "errors"
    if status in (Status.SKIPPED, Status.NOT_ASSESSABLE):
        ET.SubElement(case, "skipped", message=f"{status.value}: {result.reason}")
        return "skipped"
    return ""


def sarif(snapshot: Snapshot) -> str:
    """SARIF 2.1.0: one rule per check, one result per finding (waived ones as suppressed)."""
    rules = [
        {
            "id": check_id,
            "name": check_id,
            "shortDescription": {"text": meta.title},
            "fullDescription": {"text": meta.description or meta.title},
            "help": {"text": meta.remediation},
            "properties": {"measures": list(meta.measures), "tags": list(meta.tags)},
        }
        for check_id, meta in snapshot.checks.items()
    ]
    run = {
        "tool": {"driver": {"name": snapshot.tool.name, "version": snapshot.tool.version, "rules": rules}},
        "results": [_sarif_result(finding) for finding in sorted_findings(snapshot.findings)],
        "invocations": [{"executionSuccessful": snapshot.summary.errors == 0,
                         "startTimeUtc": snapshot.started_at, "endTimeUtc": snapshot.finished_at}],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=1) + "\n"


def _sarif_result(finding: Finding) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.check_id,
        "level": _SARIF_LEVELS[finding.severity.value],
        "message": {"text": finding.message},
        "locations": [{"logicalLocations": [{"name": finding.resource,
                                             "fullyQualifiedName": f"{finding.target}/{finding.resource}"}]}],
        "partialFingerprints": {"auditorFingerprint/v1": finding.fingerprint},
        "properties": {"severity": finding.severity.value, "measures": list(finding.measures),
                       "target": finding.target, "evidence": dict(finding.evidence)},
    }
    if finding.waived and finding.waiver is not None:
        result["suppressions"] = [{"kind": "external", "justification": finding.waiver.justification}]
    return result


MACHINE_OUTPUTS: dict[str, Callable[[Snapshot], str]] = {
    "findings.csv": findings_csv,
    "junit.xml": junit_xml,
    "results.sarif": sarif,
}


def machine_outputs(snapshot: Snapshot) -> Iterable[tuple[str, str]]:
    """(file name, content) of every machine-readable output."""
    return ((name, render(snapshot)) for name, render in MACHINE_OUTPUTS.items())
