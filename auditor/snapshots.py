"""Turning a finished run into a snapshot: the one place that knows both the runner and the store."""

from __future__ import annotations

from typing import Any

from auditor import __version__
from auditor.config.profile import Profile
from auditor.registry import Registry
from auditor.runner import AuditRun
from auditor.store.model import (
    JSON,
    TOOL_NAME,
    CheckMeta,
    NameVersion,
    ProfileInfo,
    Rejudged,
    Snapshot,
    TargetRecord,
)
from auditor.store.spool import fact_record


def build_snapshot(run: AuditRun, rejudged: Rejudged | None = None) -> Snapshot:
    """The snapshot of a finished run, judged with the context the run carries.

    ``rejudged`` records the earlier run whose stored facts this run judged again.
    """
    profile, registry = run.context.profile, run.context.registry
    return Snapshot(
        tool=NameVersion(TOOL_NAME, __version__),
        profile=profile_info(profile),
        catalogue=run.context.catalogue,
        checks={check_id: _check_meta(registry, profile, check_id) for check_id in profile.selected},
        started_at=run.started_at.isoformat(timespec="seconds"),
        finished_at=run.finished_at.isoformat(timespec="seconds"),
        targets=tuple(TargetRecord(audit.target, round(audit.finished - audit.started, 3)) for audit in run.audits),
        # A spooled run's results and findings stay on disk: the snapshot reads them a target at a time.
        results=run.results if run.spool is not None else tuple(run.results),
        findings=run.findings if run.spool is not None else tuple(run.findings),
        facts=run.spool if run.spool is not None else {
            audit.target.name: {name: fact_record(record) for name, record in audit.facts.items()}
            for audit in run.audits},
        attestations=run.context.attestations,
        rejudged=rejudged,
    )


def profile_info(profile: Profile) -> ProfileInfo:
    """What a snapshot records of ``profile``."""
    return ProfileInfo(
        name=profile.name,
        version=profile.version,
        path=profile.path,
        chain=tuple(profile.chain),
        fail_on=profile.fail_on,
        selected=tuple(profile.selected),
        policies=profile.to_dict()["policies"],  # {kind: {"name", "version"}}
        waivers=tuple(profile.waivers),
    )


def _check_meta(registry: Registry, profile: Profile, check_id: str) -> CheckMeta:
    check = registry.checks[check_id]
    return CheckMeta(
        title=check.title,
        description=check.description(),
        severity=profile.severity[check_id],
        default_severity=check.severity,
        measures=tuple(check.measures),
        scope=check.scope.value,
        tags=tuple(check.tags),
        remediation=check.remediation,
        options={key: _jsonable(value) for key, value in profile.options[check_id].items()},
    )


def _jsonable(value: Any) -> JSON:
    return list(value) if isinstance(value, tuple) else value
