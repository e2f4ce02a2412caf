"""Snapshots for tests: built from the JSON records the tool writes, schema-checked, as models.

The helpers ``finding``, ``result``, ``waiver`` and ``attestation`` return the JSON form (the
contract on disk); ``make_snapshot`` returns the typed model built from them, and
``make_document`` its JSON document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from auditor import __version__
from auditor.config.catalogue import load_catalogue
from auditor.models import fingerprint
from auditor.store.codec import snapshot_to_json
from auditor.store.decode import decode_snapshot
from auditor.store.model import TOOL_NAME, Snapshot
from auditor.store.validation import SCHEMA_VERSION, validate

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
ATTESTATION_URL = "https://intranet.example.org/training/2024"
PLAIN_URL_TEXT = "http://wiki.example.org/not-a-link"

CHECKS = {
    "ssh.password-authentication": ("SSH password authentication", ["PRV-3"]),
    "ssh.root-login": ("SSH root login", ["PRV-2"]),
    "ssh.log-level": ("SSH log level", ["RSP-1"]),
    "tls.protocols": ("TLS protocol versions", ["PRV-4", "PRV-5"]),
    "services.exposed": ("Exposed services", ["PRV-7"]),
    "data.backups": ("Backups", ["RCV-1"]),
    "web.security-txt": ("security.txt", ["AWR-3"]),
}


def finding(check_id: str, target: str, resource: str, severity: str, message: str = "problem",
            **extra: Any) -> dict[str, Any]:
    """A snapshot finding dict, as ``Finding.to_dict`` writes it."""
    doc = {
        "fingerprint": fingerprint(check_id, target, resource),
        "check_id": check_id,
        "target": target,
        "resource": resource,
        "severity": severity,
        "message": message,
        "measures": list(CHECKS[check_id][1]),
        "remediation": "Fix it.",
        "evidence": {"expected": "no", "observed": "yes"},
    }
    doc.update(extra)
    return doc


def result(check_id: str, target: str, status: str, findings: Sequence[dict[str, Any]] = (), reason: str = "",
           details: dict[str, str] | None = None) -> dict[str, Any]:
    """A snapshot result dict, as ``CheckResult.to_dict`` writes it."""
    return {
        "check_id": check_id,
        "target": target,
        "status": status,
        "measures": list(CHECKS[check_id][1]),
        "reason": reason,
        "details": details or {},
        "findings": [f["fingerprint"] for f in findings],
    }


def waiver(check: str, target: str, resource: str, owner: str, expires: str, why: str) -> dict[str, str]:
    """A snapshot waiver dict, as ``Waiver.to_dict`` writes it."""
    return {"check": check, "target": target, "resource": resource, "justification": why, "owner": owner,
            "expires": expires}


def make_snapshot(results: list[dict[str, Any]], findings: list[dict[str, Any]],
                  attestations: Sequence[dict[str, Any]] = (), *, started_at: str = "2025-03-01T10:00:00+00:00",
                  tool_version: str = __version__, targets: tuple[str, ...] = ("web1", "db1")) -> Snapshot:
    """A snapshot like ``build_snapshot`` makes, built on the real catalogue; its document is schema-valid."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version},
        "profile": {
            "name": "university-baseline", "version": "1.2.0", "path": "/etc/auditor/profile.yaml",
            "chain": ["university-baseline"], "fail_on": "high", "selected": sorted(CHECKS),
            "policies": {"ssh-algorithms": {"name": "strict", "version": "1"}},
            "waivers": [f["waiver"] for f in findings if "waiver" in f],
        },
        "catalogue": load_catalogue().to_dict(),
        "checks": {
            check_id: {
                "title": title, "description": f"{title}.", "severity": "high", "default_severity": "high",
                "measures": measures, "scope": "host", "tags": [], "remediation": "Fix it.", "options": {},
            }
            for check_id, (title, measures) in CHECKS.items()
        },
        "started_at": started_at,
        "finished_at": started_at.replace("10:00:00", "10:05:00"),
        "targets": [{"name": name, "kind": "network", "address": name, "duration_s": 1.5} for name in targets],
        "results": results,
        "findings": findings,
        "facts": {name: {} for name in targets},
        "attestations": list(attestations),
    }
    snapshot = decode_snapshot(doc, "test")  # the summary is derived, so the document has none yet
    validate(snapshot_to_json(snapshot), "test")
    return snapshot


def make_document(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """The JSON document of ``make_snapshot(*args, **kwargs)``, as a snapshot file holds it."""
    return snapshot_to_json(make_snapshot(*args, **kwargs))


def attestation(measure: str, next_review: str, evidence: str = "", statement: str = "Done.") -> dict[str, str]:
    """A snapshot attestation dict, as ``Attestation.to_dict`` writes it."""
    return {"measure": measure, "statement": statement, "by": "CISO Jane Doe", "date": "2024-01-10",
            "next_review": next_review, "evidence": evidence, "source": "attestations.yaml:3"}


def sample_snapshot() -> Snapshot:
    """Two targets, hostile text, waived and expired-waiver findings, errors, skips, attestations."""
    hostile = finding("ssh.password-authentication", "web1", f"sshd:{XSS_ATTR}", "critical",
                      message=f"banner says {XSS_SCRIPT}",
                      evidence={"expected": "no", "observed": XSS_SCRIPT, XSS_ATTR: "value"})
    root = finding("ssh.root-login", "db1", "sshd:PermitRootLogin", "high",
                   waiver=waiver("ssh.root-login", "db1", "sshd:PermitRootLogin", "Bob Admin", "2099-12-31",
                                 "Console-only lab machine"),
                   waiver_expired=False)
    expired = finding("ssh.root-login", "web1", "sshd:PermitRootLogin", "medium",
                      waiver=waiver("ssh.root-login", "web1", "sshd:PermitRootLogin", "Carol Ops", "2024-06-30",
                                    "Migration pending"),
                      waiver_expired=True)
    exposed = finding("services.exposed", "db1", "tcp/6379", "low", message="Redis reachable")
    results = [
        result("ssh.password-authentication", "web1", "fail", [hostile]),
        result("ssh.password-authentication", "db1", "pass", details={"source": "sshd -T"}),
        result("ssh.root-login", "db1", "fail", [root]),
        result("ssh.root-login", "web1", "fail", [expired]),
        result("ssh.log-level", "web1", "pass", details={"source": "parsed config"}),
        result("ssh.log-level", "db1", "not-assessable", reason="needs root"),
        result("tls.protocols", "web1", "error", reason="TLS handshake timed out after 10s"),
        result("tls.protocols", "db1", "skipped", reason="no TLS port"),
        result("services.exposed", "db1", "fail", [exposed]),
        result("data.backups", "db1", "error", reason="backup path unreadable"),
    ]
    attestations = [
        attestation("AWR-1", "2099-01-01", evidence=ATTESTATION_URL, statement="Staff completed training."),
        attestation("AWR-2", "2024-06-01", evidence=PLAIN_URL_TEXT, statement="Travel guidance issued."),
        attestation("AWR-4", "2024-06-01", evidence="javascript:alert(1)", statement="CISO named."),
    ]
    return make_snapshot(results, [hostile, root, expired, exposed], attestations)


def in_target_order(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` as a run that held everything in memory builds it: results target by target, their findings."""
    names = snapshot.target_names
    results = tuple(sorted(snapshot.results, key=lambda item: names.index(item.target)))
    return dataclasses.replace(snapshot, results=results,
                               findings=tuple(found for item in results for found in item.findings))
