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
from collections.abc import Iterable, Mapping
from typing import Any

from auditor.models import Severity

CSV_COLUMNS = (
    "fingerprint", "severity", "target", "check_id", "resource", "message", "measures",
    "waived", "waiver_expired", "waiver_owner", "waiver_expires", "remediation",
)
# Leading characters that make spreadsheets evaluate a cell (CSV/formula injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SARIF_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _cell(value: Any) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def _sorted_findings(snapshot: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return sorted(
        snapshot["findings"],
        key=lambda f: (-Severity(f["severity"]).rank, f["target"], f["check_id"], f["resource"]),
    )


def findings_csv(snapshot: Mapping[str, Any]) -> str:
    """One row per finding, most severe first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for finding in _sorted_findings(snapshot):
        waiver = finding.get("waiver", {})
        expired = bool(finding.get("waiver_expired"))
        writer.writerow(_cell(value) for value in (
            finding["fingerprint"], finding["severity"], finding["target"], finding["check_id"],
            finding["resource"], finding["message"], " ".join(finding["measures"]),
            "yes" if waiver and not expired else "no", "yes" if expired else "no",
            waiver.get("owner", ""), waiver.get("expires", ""), finding["remediation"],
        ))
    return buffer.getvalue()


def junit_xml(snapshot: Mapping[str, Any]) -> str:
    """One test case per check and target; a suite per target. fail -> failure, error -> error."""
    findings = {finding["fingerprint"]: finding for finding in snapshot["findings"]}
    by_target: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for result in snapshot["results"]:
        by_target[result["target"]].append(result)
    suites = ET.Element("testsuites", name=f"auditor {snapshot['profile']['name']}")
    for target, results in by_target.items():
        suite = ET.SubElement(suites, "testsuite", name=target, tests=str(len(results)))
        counts = {"failures": 0, "errors": 0, "skipped": 0}
        for result in results:
            case = ET.SubElement(suite, "testcase", classname=target, name=result["check_id"])
            kind = _junit_outcome(result, findings, case)
            if kind:
                counts[kind] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _junit_outcome(result: Mapping[str, Any], findings: Mapping[str, Mapping[str, Any]], case: ET.Element) -> str:
    status = result["status"]
    if status == "fail":
        own = [findings[fingerprint] for fingerprint in result["findings"]]
        open_findings = [f for f in own if "waiver" not in f or f.get("waiver_expired")]
        if not open_findings:
            return ""  # every finding waived: the waiver is the accepted answer
        failure = ET.SubElement(case, "failure", message=open_findings[0]["message"],
                                type=max(open_findings, key=lambda f: Severity(f["severity"]).rank)["severity"])
        failure.text = "\n".join(f"[{f['severity']}] {f['resource']}: {f['message']}" for f in open_findings)
        return "failures"
    if status == "error":
        ET.SubElement(case, "error", message=result["reason"])
        return "errors"
    if status in ("skipped", "not-assessable"):
        ET.SubElement(case, "skipped", message=f"{status}: {result['reason']}")
        return "skipped"
    return ""


def sarif(snapshot: Mapping[str, Any]) -> str:
    """SARIF 2.1.0: one rule per check, one result per finding (waived ones as suppressed)."""
    rules = [
        {
            "id": check_id,
            "name": check_id,
            "shortDescription": {"text": meta["title"]},
            "fullDescription": {"text": meta.get("description", "") or meta["title"]},
            "help": {"text": meta.get("remediation", "")},
            "properties": {"measures": meta["measures"], "tags": meta.get("tags", [])},
        }
        for check_id, meta in snapshot["checks"].items()
    ]
    run = {
        "tool": {"driver": {"name": snapshot["tool"]["name"], "version": snapshot["tool"]["version"],
                            "rules": rules}},
        "results": [_sarif_result(finding) for finding in _sorted_findings(snapshot)],
        "invocations": [{"executionSuccessful": snapshot["summary"]["results"].get("error", 0) == 0,
                         "startTimeUtc": snapshot["started_at"], "endTimeUtc": snapshot["finished_at"]}],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=1) + "\n"


def _sarif_result(finding: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding["check_id"],
        "level": _SARIF_LEVELS[finding["severity"]],
        "message": {"text": finding["message"]},
        "locations": [{"logicalLocations": [{"name": finding["resource"],
                                             "fullyQualifiedName": f"{finding['target']}/{finding['resource']}"}]}],
        "partialFingerprints": {"auditorFingerprint/v1": finding["fingerprint"]},
        "properties": {"severity": finding["severity"], "measures": finding["measures"],
                       "target": finding["target"], "evidence": finding["evidence"]},
    }
    if "waiver" in finding and not finding.get("waiver_expired"):
        result["suppressions"] = [{"kind": "external", "justification": finding["waiver"]["justification"]}]
    return result


MACHINE_OUTPUTS: dict[str, Any] = {
    "findings.csv": findings_csv,
    "junit.xml": junit_xml,
    "results.sarif": sarif,
}


def machine_outputs(snapshot: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(file name, content) of every machine-readable output."""
    return ((name, render(snapshot)) for name, render in MACHINE_OUTPUTS.items())
