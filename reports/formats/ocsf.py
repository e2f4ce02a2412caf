"""findings.ocsf.json: OCSF 1.5 events, plain JSON (no OCSF library at run time).

A finding is a Detection Finding (class 2004); a check result on a target is a Compliance
Finding (class 2003) whose compliance status says pass, fail or why it could not be judged.
Tests validate every event with ``py-ocsf-models``, the models Prowler's OCSF output uses.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from auditor.models import CheckResult, Finding, Severity, Status, fingerprint
from auditor.store.model import Snapshot, worst_first

OCSF_VERSION = "1.5.0"
FINDINGS_CATEGORY = 2
DETECTION_FINDING = 2004
COMPLIANCE_FINDING = 2003
ACTIVITY_CREATE = 1
SEVERITY_IDS = {Severity.INFO: (1, "Informational"), Severity.LOW: (2, "Low"), Severity.MEDIUM: (3, "Medium"),
                Severity.HIGH: (4, "High"), Severity.CRITICAL: (5, "Critical")}
# Finding status: New, or Suppressed where a current waiver accepts the finding.
STATUS_NEW, STATUS_SUPPRESSED = (1, "New"), (3, "Suppressed")
# Compliance status (OCSF compliance.status_id): Unknown 0, Pass 1, Warning 2, Fail 3, Other 99.
COMPLIANCE_STATUS = {Status.PASS: 1, Status.FAIL: 3, Status.ERROR: 0, Status.SKIPPED: 99,
                     Status.NOT_ASSESSABLE: 99}


def _millis(timestamp: str) -> int:
    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


def _base(snapshot: Snapshot, class_uid: int, class_name: str, severity: Severity, event_code: str) -> dict[str, Any]:
    severity_id, severity_name = SEVERITY_IDS[severity]
    return {
        "category_uid": FINDINGS_CATEGORY,
        "category_name": "Findings",
        "class_uid": class_uid,
        "class_name": class_name,
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": class_uid * 100 + ACTIVITY_CREATE,
        "type_name": f"{class_name}: Create",
        "time": _millis(snapshot.finished_at),
        "start_time": _millis(snapshot.started_at),
        "end_time": _millis(snapshot.finished_at),
        "severity_id": severity_id,
        "severity": severity_name,
        "metadata": {
            "version": OCSF_VERSION,
            "event_code": event_code,
            "product": {"name": snapshot.tool.name, "vendor_name": snapshot.tool.name,
                        "version": snapshot.tool.version},
            "labels": [f"profile:{snapshot.profile.name}"],
        },
    }


def detection_finding(snapshot: Snapshot, finding: Finding) -> dict[str, Any]:
    """A finding as an OCSF Detection Finding."""
    status_id, status = STATUS_SUPPRESSED if finding.waived else STATUS_NEW
    event = _base(snapshot, DETECTION_FINDING, "Detection Finding", finding.severity, finding.check_id)
    event["metadata"]["uid"] = finding.fingerprint
    event.update({
        "status_id": status_id,
        "status": status,
        "message": finding.message,
        "finding_info": {
            "uid": finding.fingerprint,
            "title": snapshot.check_title(finding.check_id),
            "desc": finding.message,
            "types": list(finding.measures),
            "created_time": _millis(snapshot.finished_at),
        },
        "resources": [{
            "uid": f"{finding.target}/{finding.resource}",
            "name": finding.resource,
            "group": {"name": finding.target},
            "labels": list(finding.measures),
            "data": {"evidence": dict(finding.evidence)},
        }],
        "unmapped": {"target": finding.target, "check_id": finding.check_id,
                     "waiver": finding.waiver.to_dict() if finding.waiver is not None else None,
                     "waiver_expired": finding.waiver_expired},
    })
    if finding.remediation:
        event["remediation"] = {"desc": finding.remediation}
    if finding.waived and finding.waiver is not None:
        event["status_detail"] = f"waived by {finding.waiver.owner} until {finding.waiver.expires}: " \
                                 f"{finding.waiver.justification}"
    return event


def compliance_finding(snapshot: Snapshot, result: CheckResult) -> dict[str, Any]:
    """A check result on one target as an OCSF Compliance Finding."""
    meta = snapshot.checks.get(result.check_id)
    severity = max((f.severity for f in result.findings), default=meta.severity if meta else Severity.INFO)
    uid = fingerprint(result.check_id, result.target, "")
    title = snapshot.check_title(result.check_id)
    event = _base(snapshot, COMPLIANCE_FINDING, "Compliance Finding", severity, result.check_id)
    event["metadata"]["uid"] = uid
    event.update({
        "status_id": STATUS_NEW[0],
        "status": STATUS_NEW[1],
        "message": f"{result.check_id} on {result.target}: {result.status.value}"
                   + (f" ({result.reason})" if result.reason else ""),
        "finding_info": {
            "uid": uid,
            "title": title,
            "desc": meta.description if meta is not None and meta.description else title,
            "types": list(result.measures),
            "created_time": _millis(snapshot.finished_at),
        },
        "compliance": {
            "standards": [f"{snapshot.catalogue.framework} {snapshot.catalogue.version}"],
            "requirements": list(result.measures),
            "control": result.check_id,
            "status_id": COMPLIANCE_STATUS[result.status],
        },
        "resources": [{"uid": result.target, "name": result.target}],
        "unmapped": {"target": result.target, "check_id": result.check_id, "status": result.status.value,
                     "findings": [f.fingerprint for f in result.findings], "details": dict(result.details)},
    })
    if result.reason:
        event["status_detail"] = result.reason
    if meta is not None and meta.remediation and result.status is Status.FAIL:
        event["remediation"] = {"desc": meta.remediation}
    return event


def ocsf_events(snapshot: Snapshot) -> Iterator[dict[str, Any]]:
    """Detection Findings (most severe first), then a Compliance Finding per check result."""
    for finding in worst_first(snapshot.findings):
        yield detection_finding(snapshot, finding)
    for result in snapshot.results:
        yield compliance_finding(snapshot, result)


def findings_ocsf(snapshot: Snapshot) -> str:
    """findings.ocsf.json: a JSON array of OCSF events (ASCII-escaped)."""
    return "".join(ocsf_chunks(snapshot))


def ocsf_chunks(snapshot: Snapshot) -> Iterator[str]:
    """``findings_ocsf`` one event at a time: a fleet's events as one document took more memory than the audit."""
    separator = "[\n "
    for event in ocsf_events(snapshot):
        yield separator + json.dumps(event, indent=1, ensure_ascii=True).replace("\n", "\n ")
        separator = ",\n "
    yield "[]\n" if separator == "[\n " else "\n]\n"
