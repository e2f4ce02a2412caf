"""Machine-readable outputs: CSV (formula-safe), JUnit XML and SARIF, read from a snapshot."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

from auditor.reports.machine import (
    CSV_COLUMNS,
    findings_csv,
    junit_xml,
    machine_outputs,
    sarif,
)
from auditor.store.model import Snapshot
from testkit.snapshots import finding, make_snapshot, result, sample_snapshot, waiver

FORMULA = '=HYPERLINK("http://attacker.example/x","click")'


def formula_snapshot() -> Snapshot:
    hostile = finding("web.security-txt", "web01", "https:/.well-known/security.txt", "low", message=FORMULA)
    waived = {**finding("ssh.root-login", "web01", "sshd:PermitRootLogin", "low"),
              "waiver": waiver("ssh.root-login", "web01", "*", "ana", "2099-01-01", "viz nodes")}
    results = [
        result("web.security-txt", "web01", "fail", [hostile]),
        result("ssh.root-login", "web01", "fail", [waived]),
        result("ssh.password-authentication", "web01", "pass"),
        result("ssh.log-level", "db01", "error", reason="sshd -T: no answer within 30 s"),
        result("data.backups", "db01", "not-assessable", reason="needs root"),
    ]
    return make_snapshot(results, [hostile, waived])


def test_csv_has_every_finding_and_neutralises_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(findings_csv(formula_snapshot()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_check = {row["check_id"]: row for row in rows}
    assert by_check["web.security-txt"]["message"] == "'" + FORMULA
    assert by_check["ssh.root-login"]["waived"] == "yes"
    assert by_check["ssh.root-login"]["waiver_owner"] == "ana"


def test_junit_maps_statuses_and_waivers() -> None:
    root = ET.fromstring(junit_xml(formula_snapshot()))
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    web, db = suites["web01"], suites["db01"]
    assert (web.get("tests"), web.get("failures"), web.get("errors"), web.get("skipped")) == ("3", "1", "0", "0")
    assert (db.get("errors"), db.get("skipped")) == ("1", "1")
    failure = web.find("testcase[@name='web.security-txt']/failure")
    assert failure is not None and failure.get("message") == FORMULA  # XML escapes; the text is data
    assert web.find("testcase[@name='ssh.root-login']/failure") is None  # waived
    error = db.find("testcase[@name='ssh.log-level']/error")
    assert error is not None and "no answer" in error.get("message", "")


def test_sarif_rules_results_and_suppressions() -> None:
    document = json.loads(sarif(formula_snapshot()))
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {"web.security-txt", "ssh.root-login"}
    results = {r["properties"]["check_id"]: r for r in run["results"]}
    assert results["web.security-txt"]["level"] == "note"
    assert results["ssh.root-login"]["suppressions"][0]["justification"] == "viz nodes"
    assert "suppressions" not in results["web.security-txt"]
    assert run["invocations"][0]["executionSuccessful"] is False  # one check errored
    fingerprints = {r["partialFingerprints"]["auditorFingerprint/v1"] for r in run["results"]}
    assert len(fingerprints) == 2


def test_every_output_renders_for_a_full_snapshot() -> None:
    outputs = {name: "".join(text) for name, text in machine_outputs(sample_snapshot())}
    assert set(outputs) == {"findings.csv", "junit.xml", "results.sarif", "findings.jsonl", "findings.ocsf.json"}
    ET.fromstring(outputs["junit.xml"])
    json.loads(outputs["results.sarif"])
