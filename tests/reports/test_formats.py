"""The formats other tools ingest, fed hostile text in every field, parsed by their own readers.

Issue 14 items 2 and 10: CSV rows and XML documents survive line breaks, escapes and formulas;
SARIF meets GitHub code scanning's ingestion constraints; JSON Lines is one finding per line;
OCSF events validate against the OCSF models (py-ocsf-models, as Prowler uses).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.dom.minidom
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from auditor.models import Severity
from auditor.reports.formats.jsonl import findings_jsonl, snapshot_json_chunks
from auditor.reports.formats.ocsf import ocsf_events
from auditor.reports.formats.sarif import SECURITY_SEVERITY, artifact_uri
from auditor.reports.formats.text import FORMULA_PREFIXES
from auditor.reports.machine import CSV_COLUMNS, findings_csv, junit_xml, sarif
from auditor.store.model import Snapshot
from testkit.snapshots import finding, make_snapshot, result, waiver

HOSTILE = [
    "lab\r=cmd|' /C calc'!A0",
    "lab\x1b[31m",
    "a\nb\r\nc\u2028d\u2029e\x85f",
    "=HYPERLINK(\"http://attacker.example\")",
    "  +1+cmd|' /C calc'!A0",
    "\t@SUM(1)",
    "-2+3",
    "\x00nul\x07bel\x0bvt\x0cff\x7fdel\x9bcsi",
    "\ufffe\uffff non-characters",
    "</failure><script>x</script>&amp;\"'",
    "../../etc/passwd",
    "..",
    "host:22/sshd:PermitRootLogin?x=1#frag %41",
    "",
]


def hostile_snapshot() -> Snapshot:
    """A finding per hostile string, the string in every text field, on hostile target names."""
    findings: list[dict[str, Any]] = []
    results = []
    severities = ["critical", "high", "medium", "low", "info"]
    checks = ["ssh.root-login", "tls.protocols", "web.security-txt", "services.exposed"]
    for number, text in enumerate(HOSTILE):
        target = text or "empty"
        check = checks[number % len(checks)]
        item = finding(check, target, text, severities[number % len(severities)], message=text,
                       remediation=text, evidence={text or "key": text, "observed": text})
        if number % 3 == 0:
            item["waiver"] = waiver(check, target, text, text, "2099-01-01", text)
        findings.append(item)
        results.append(result(check, target, "fail", [item], reason=text, details={"source": text}))
        results.append(result("ssh.log-level", target, "error", reason=text))
        results.append(result("data.backups", target, "not-assessable", reason=text))
    names = tuple(dict.fromkeys(text or "empty" for text in HOSTILE))
    return make_snapshot(results, findings, targets=names)


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return hostile_snapshot()


# --- findings.csv -------------------------------------------------------------------------------

def test_csv_one_row_per_finding_and_no_cell_starts_a_formula(snapshot: Snapshot) -> None:
    text = findings_csv(snapshot)
    lines = text.splitlines()  # splits on \r, \x85, U+2028 too: a naive reader sees the same rows
    assert len(lines) == len(snapshot.findings) + 1
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(snapshot.findings) + 1
    for row in rows[1:]:
        assert len(row) == len(CSV_COLUMNS)
        for cell in row:
            assert not cell.lstrip(" ").startswith(FORMULA_PREFIXES), cell
            assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029]", cell), cell
    assert all(line.startswith('"') and line.endswith('"') for line in lines)  # every cell quoted
    targets = {row[2] for row in rows[1:]}
    assert "'lab\\r=cmd|' /C calc'!A0" not in targets  # starts with "lab": escaped, not prefixed
    assert "lab\\r=cmd|' /C calc'!A0" in targets
    assert "lab\\x1b[31m" in targets
    assert "'  +1+cmd|' /C calc'!A0" in targets
    assert "'-2+3" in targets


# --- junit.xml ----------------------------------------------------------------------------------

def test_junit_is_well_formed_whatever_the_names(snapshot: Snapshot) -> None:
    text = junit_xml(snapshot)
    root = ET.fromstring(text)
    xml.dom.minidom.parseString(text.encode())  # a second, independent parser
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
    suites = {suite.get("name") for suite in root.iter("testsuite")}
    assert "lab\\x1b[31m" in suites and "lab\r=cmd|' /C calc'!A0" in suites
    assert sum(1 for _ in root.iter("testcase")) == len(snapshot.results)
    assert sum(1 for _ in root.iter("failure")) == sum(1 for f in snapshot.findings if not f.waived)


# --- findings.jsonl and the stdout snapshot -----------------------------------------------------

def test_jsonl_one_finding_per_line(snapshot: Snapshot) -> None:
    text = findings_jsonl(snapshot)
    lines = text.splitlines()
    assert len(lines) == len(snapshot.findings)
    assert text.isascii()
    records = [json.loads(line) for line in lines]
    assert {r["fingerprint"] for r in records} == {f.fingerprint for f in snapshot.findings}
    assert {r["target"] for r in records} >= {"lab\r=cmd|' /C calc'!A0", "lab\x1b[31m"}  # data intact
    assert all(r["schema"] == "rifi-auditor/finding/1" and r["time"] == snapshot.finished_at for r in records)
    assert {r["waiver_state"] for r in records} == {"waived", "none"}


def test_stdout_snapshot_document_is_ascii_json(snapshot: Snapshot) -> None:
    text = "".join(snapshot_json_chunks(snapshot))
    assert text.isascii()
    document = json.loads(text)
    assert len(document["findings"]) == len(snapshot.findings)


# --- results.sarif: GitHub code scanning's ingestion constraints --------------------------------

GITHUB_LEVELS = {"error", "warning", "note"}
URI_REFERENCE = re.compile(r"^[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$")


def _sarif_band(score: float) -> str:
    """GitHub's mapping of security-severity (and DefectDojo's, with 0 as Info)."""
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low" if score > 0 else "info"


def test_sarif_meets_github_ingestion_constraints(snapshot: Snapshot) -> None:
    document = json.loads(sarif(snapshot))
    assert document["version"] == "2.1.0" and document["$schema"]
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    rule_ids = [rule["id"] for rule in rules]
    assert len(rule_ids) == len(set(rule_ids))
    by_id = {rule["id"]: rule for rule in rules}
    for rule in rules:
        score = rule["properties"]["security-severity"]
        assert isinstance(score, str) and 0.0 <= float(score) <= 10.0
        assert rule["defaultConfiguration"]["level"] in GITHUB_LEVELS
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    assert len(run["results"]) == len(snapshot.findings)
    by_fingerprint = {f.fingerprint: f for f in snapshot.findings}
    for item in run["results"]:
        assert item["ruleId"] in by_id
        assert rule_ids[item["ruleIndex"]] == item["ruleId"]
        assert item["level"] in GITHUB_LEVELS
        assert item["message"]["text"]
        assert 1 <= len(item["locations"]) <= 10
        for location in item["locations"]:
            uri = location["physicalLocation"]["artifactLocation"]["uri"]
            assert uri and URI_REFERENCE.match(uri), uri
            parts = urlsplit(uri)
            assert not parts.scheme and not parts.netloc and not parts.query and not parts.fragment
            segments = uri.split("/")
            assert len(segments) == 3 and segments[0] == "auditor"
            assert not any(segment in (".", "..") for segment in segments)
            assert location["physicalLocation"]["region"]["startLine"] >= 1
        found = by_fingerprint[item["partialFingerprints"]["auditorFingerprint/v1"]]
        rule = by_id[item["ruleId"]]
        # critical stays apart from high: the rule's score is the finding's own severity band
        assert _sarif_band(float(rule["properties"]["security-severity"])) == found.severity.value
        assert item["properties"]["severity"] == found.severity.value
        assert ("suppressions" in item) == found.waived


def test_sarif_keeps_critical_apart_from_high_and_rule_ids_stable() -> None:
    crit = finding("ssh.root-login", "web1", "sshd:PermitRootLogin", "critical")
    high = finding("ssh.root-login", "db1", "sshd:PermitRootLogin", "high")
    snap = make_snapshot([result("ssh.root-login", "web1", "fail", [crit]), result("ssh.root-login", "db1", "fail", [high])],
                         [crit, high])
    run = json.loads(sarif(snap))["runs"][0]
    ids = {r["properties"]["target"]: r["ruleId"] for r in run["results"]}
    assert ids == {"web1": "ssh.root-login/critical", "db1": "ssh.root-login"}  # the check's own severity: its id
    scores = {rule["id"]: rule["properties"]["security-severity"] for rule in run["tool"]["driver"]["rules"]}
    assert scores["ssh.root-login"] == SECURITY_SEVERITY[Severity.HIGH]
    assert float(scores["ssh.root-login/critical"]) >= 9.0 > float(scores["ssh.root-login"]) >= 7.0


@pytest.mark.parametrize(("target", "resource"), [(text or "t", text) for text in HOSTILE])
def test_artifact_uri_round_trips_and_stays_one_path(target: str, resource: str) -> None:
    uri = artifact_uri(target, resource)
    root, encoded_target, encoded_resource = uri.split("/")
    assert root == "auditor"
    assert unquote(encoded_target) == target
    assert unquote(encoded_resource) == resource or (resource == "" and encoded_resource == "-")


# --- findings.ocsf.json -------------------------------------------------------------------------

def _subset(emitted: Any, validated: Any, path: str = "") -> None:
    """Every member we emit is one the OCSF model knows, with the same value (none silently dropped)."""
    if isinstance(emitted, dict):
        assert isinstance(validated, dict), path
        for key, value in emitted.items():
            assert key in validated, f"{path}.{key} is not in the OCSF class"
            _subset(value, validated[key], f"{path}.{key}")
    elif isinstance(emitted, list):
        assert isinstance(validated, list) and len(validated) == len(emitted), path
        for number, (left, right) in enumerate(zip(emitted, validated, strict=True)):
            _subset(left, right, f"{path}[{number}]")
    else:
        assert emitted == validated, path


def test_ocsf_events_validate_against_the_ocsf_models(snapshot: Snapshot) -> None:
    # The test extra installs py-ocsf-models: a missing install fails here rather than skipping.
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
    from py_ocsf_models.events.findings.detection_finding import DetectionFinding

    models: dict[int, Any] = {2004: DetectionFinding, 2003: ComplianceFinding}
    events = list(ocsf_events(snapshot))
    assert json.loads(json.dumps(events, ensure_ascii=True)) == events
    assert sum(1 for e in events if e["class_uid"] == 2004) == len(snapshot.findings)
    assert sum(1 for e in events if e["class_uid"] == 2003) == len(snapshot.results)
    for event in events:
        model = models[event["class_uid"]].model_validate(event)
        _subset(event, model.model_dump(mode="json", exclude_none=True))
        assert event["type_uid"] == event["class_uid"] * 100 + event["activity_id"]
        assert event["category_uid"] == 2
    severity_ids = {e["finding_info"]["uid"]: e["severity_id"] for e in events if e["class_uid"] == 2004}
    expected = {"info": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
    assert severity_ids == {f.fingerprint: expected[f.severity.value] for f in snapshot.findings}
    statuses = {e["compliance"]["status_id"] for e in events if e["class_uid"] == 2003}
    assert statuses == {3, 0, 99}  # fail, error (unknown), not-assessable (other)
    waived = {e["finding_info"]["uid"] for e in events if e["class_uid"] == 2004 and e["status_id"] == 3}
    assert waived == {f.fingerprint for f in snapshot.findings if f.waived}
