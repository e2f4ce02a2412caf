"""Decoding a schema-valid snapshot document into the typed model (see ``auditor.store.codec``).

The schema has already checked types and shapes; what remains to check here is what a
schema cannot say: that fingerprints match their findings and results name real findings.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from typing import Any

from auditor.config.attestations import Attestation
from auditor.config.catalogue import Catalogue, Measure, Phase
from auditor.errors import SnapshotError
from auditor.models import CheckResult, Finding, Severity, SSHAccess, Status, Target, TargetKind, Waiver
from auditor.store.model import (
    CheckMeta,
    FactRecord,
    NameVersion,
    ProfileInfo,
    Rejudged,
    Signature,
    Snapshot,
    TargetRecord,
)

# Enum lookups by value through a dict: calling the enum class costs more than the rest of a
# finding's decoding, which matters at 100,000 findings.
_SEVERITY = {severity.value: severity for severity in Severity}
_STATUS = {status.value: status for status in Status}


def decode_snapshot(document: Mapping[str, Any], name: str) -> Snapshot:
    """The model of a schema-valid document; SnapshotError names the place of any inconsistency."""
    findings = tuple(decode_finding(item, name, f"findings/{index}") for index, item in enumerate(document["findings"]))
    by_fingerprint = {finding.fingerprint: finding for finding in findings}
    signature = document.get("signature")
    rejudged = document.get("rejudged")
    return Snapshot(
        tool=_name_version(document["tool"]),
        profile=_profile(document["profile"]),
        catalogue=_catalogue(document["catalogue"]),
        checks={check_id: _check(meta) for check_id, meta in document["checks"].items()},
        started_at=document["started_at"],
        finished_at=document["finished_at"],
        targets=tuple(TargetRecord(decode_target(item), item.get("duration_s")) for item in document["targets"]),
        results=tuple(decode_result(item, by_fingerprint, name, f"results/{index}")
                      for index, item in enumerate(document["results"])),
        findings=findings,
        facts={target: {kind: _fact(record) for kind, record in facts.items()}
               for target, facts in document["facts"].items()},
        attestations=tuple(_attestation(item) for item in document["attestations"]),
        signature=Signature(signature["algorithm"], signature["key"], signature["value"]) if signature else None,
        rejudged=_rejudged(rejudged) if rejudged else None,
    )


def _name_version(data: Mapping[str, Any]) -> NameVersion:
    return NameVersion(data["name"], data["version"])


def _waiver(data: Mapping[str, Any]) -> Waiver:
    return Waiver(check=data["check"], target=data["target"], resource=data["resource"],
                  justification=data["justification"], owner=data["owner"], expires=data["expires"])


def _profile(data: Mapping[str, Any]) -> ProfileInfo:
    return ProfileInfo(
        name=data["name"],
        version=data["version"],
        path=data["path"],
        chain=tuple(data["chain"]),
        fail_on=Severity(data["fail_on"]),
        selected=tuple(data["selected"]),
        policies=dict(data["policies"]),
        waivers=tuple(_waiver(item) for item in data["waivers"]),
    )


def _catalogue(data: Mapping[str, Any]) -> Catalogue:
    phases = tuple(Phase(item["id"], item["title"], item.get("summary", "")) for item in data["phases"])
    measures = {}
    for item in data["measures"]:
        crosswalk = item.get("crosswalk", {})
        measures[item["id"]] = Measure(
            id=item["id"], phase=item["phase"], title=item["title"], summary=item["summary"],
            evidence=item["evidence"], machine_evidence=item.get("machine_evidence", ""),
            nist_csf_2=tuple(crosswalk.get("nist_csf_2", ())), cis_v8=tuple(crosswalk.get("cis_v8", ())),
        )
    return Catalogue(framework=data["framework"], title=data.get("title", ""), version=data["version"],
                     source=data.get("source", ""), phases=phases, measures=measures)


def _check(data: Mapping[str, Any]) -> CheckMeta:
    default = data.get("default_severity")
    return CheckMeta(
        title=data["title"],
        severity=Severity(data["severity"]),
        measures=tuple(data["measures"]),
        scope=data["scope"],
        description=data.get("description", ""),
        default_severity=Severity(default) if default else None,
        tags=tuple(data.get("tags", ())),
        remediation=data.get("remediation", ""),
        options=dict(data.get("options", {})),
    )


def decode_target(data: Mapping[str, Any]) -> Target:
    """A target from its JSON form (``Target.to_dict``)."""
    ssh = data.get("ssh")
    return Target(
        name=data["name"],
        kind=TargetKind(data["kind"]),
        address=data.get("address"),
        port=data.get("port"),
        user=data.get("user"),
        role=data.get("role"),
        owner=data.get("owner"),
        ports=tuple(data.get("ports", ())),
        tags=tuple(data.get("tags", ())),
        ssh=SSHAccess(ssh.get("key"), ssh.get("sudo", False), ssh.get("known_hosts")) if ssh is not None else None,
        aliases=tuple(data.get("aliases", ())),
        segment=data.get("segment"),
    )


def decode_finding(data: Mapping[str, Any], name: str, place: str) -> Finding:
    """A finding from its JSON form (``Finding.to_dict``); SnapshotError if its fingerprint does not match."""
    waiver = data.get("waiver")
    finding = Finding(
        check_id=sys.intern(data["check_id"]),
        target=sys.intern(data["target"]),
        resource=data["resource"],
        severity=_SEVERITY[data["severity"]],
        message=data["message"],
        measures=_measures(data["measures"]),
        remediation=sys.intern(data["remediation"]),
        evidence=dict(data["evidence"]),
        waiver=_waiver(waiver) if waiver is not None else None,
        waiver_expired=data.get("waiver_expired", False),
    )
    if finding.fingerprint != data["fingerprint"]:
        raise SnapshotError(name, f"at {place}: fingerprint {data['fingerprint']} does not match the finding's "
                                  f"check, target and resource ({finding.fingerprint})")
    return finding


@functools.lru_cache(maxsize=1024)
def _measure_tuple(measures: tuple[str, ...]) -> tuple[str, ...]:
    return measures


def _measures(measures: list[str]) -> tuple[str, ...]:
    """One shared tuple per measure list: a fleet's 100,000s of findings name a few dozen lists."""
    return _measure_tuple(tuple(measures))


def decode_result(data: Mapping[str, Any], findings: Mapping[str, Finding], name: str, place: str) -> CheckResult:
    """A schema-valid result whose findings (by fingerprint) are among ``findings``; SnapshotError otherwise."""
    own = []
    for index, fingerprint in enumerate(data["findings"]):
        if fingerprint not in findings:
            raise SnapshotError(name, f"at {place}/findings/{index}: no finding has fingerprint {fingerprint}")
        own.append(findings[fingerprint])
    return CheckResult(
        check_id=sys.intern(data["check_id"]),
        target=sys.intern(data["target"]),
        status=_STATUS[data["status"]],
        measures=_measures(data["measures"]),
        reason=data["reason"],
        findings=tuple(own),
        details=dict(data["details"]),
    )


def _fact(data: Mapping[str, Any]) -> FactRecord:
    return FactRecord(status=data["status"], version=data.get("version"), value=data.get("value"),
                      reason=data.get("reason", ""))


def _attestation(data: Mapping[str, Any]) -> Attestation:
    return Attestation(measure=data["measure"], statement=data["statement"], by=data["by"], date=data["date"],
                       next_review=data["next_review"], evidence=data.get("evidence", ""),
                       source=data.get("source", ""))


def _rejudged(data: Mapping[str, Any]) -> Rejudged:
    return Rejudged(
        from_started_at=data["from_started_at"],
        from_finished_at=data["from_finished_at"],
        from_profile=_name_version(data["from_profile"]),
        from_tool=_name_version(data["from_tool"]),
        rejudged_at=data["rejudged_at"],
    )
