"""Set-id programs compared with the previous run: what appeared, changed or went away.

The inventory itself (path, mode, owner, size, SHA-256) is the ``host_kernel`` collector's
scan; the previous run's inventory of the same target comes from the run (``auditor.previous``).
Like a file integrity monitor (AIDE, Tripwire, OSSEC's rootcheck) restricted to the files that
matter most for privilege escalation, and unlike Lynis, which lists set-id files without a
baseline to compare with.
"""

from __future__ import annotations

from collections.abc import Iterable

from auditor.check import Check, CheckContext, FactSet
from auditor.checks.host.facts import KernelFacts, SpecialFile
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity
from auditor.previous import PreviousRunFacts

_LIST_REMOVED = 20  # removed programs named in the details; the rest are counted


class NewSetIdFiles(Check):
    """No set-uid/set-gid program appeared, became set-id or changed owner since the previous run.

    The set-id programs found under the scan roots are compared with the previous snapshot's
    for the same target (``auditor run --history DIR`` compares with DIR's newest run,
    ``--previous FILE`` with that snapshot). One finding per path: a new set-id program, a
    file that became set-uid/set-gid, or one whose owner changed, at the check's severity; one
    whose content (SHA-256) changed at ``low`` — package updates do that, an intruder's
    replacement does too (``content_changes: false`` leaves them out). Programs gone since the
    previous run are listed in the details, not as findings. Only paths under roots both runs
    scanned are compared. Without a previous run of the target the check is
    ``not-assessable``; the inventory is still recorded for the next run to compare with.
    """

    id = "host.setid-new"
    title = "No new set-uid/set-gid programs since the previous run"
    severity = Severity.MEDIUM
    measures = ("PRV-5", "PRV-7")
    facts = (KernelFacts, PreviousRunFacts)
    tags = ("host", "kernel", "files", "change")
    options = {"content_changes": True}
    remediation = ("Find out who installed or changed the program (package manager logs: dpkg.log, dnf history; "
                   "auth and audit logs). Remove the set-id bit (chmod u-s,g-s PATH) or the file if it is not "
                   "expected; otherwise accept it: the next run compares with this one.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        """Findings for each set-id program that is new or changed since the previous run."""
        current = facts.get(KernelFacts)
        if current.special_files is None:
            raise NotAssessable(f"no set-id inventory on this run: {current.special_files_error}")
        previous_run = facts.get(PreviousRunFacts)
        previous = previous_run.facts(KernelFacts)
        ctx.details["compared_with"] = previous_run.source
        if previous.special_files is None:
            raise NotAssessable(f"the previous run ({previous_run.source}) has no set-id inventory: "
                                f"{previous.special_files_error}")
        if previous.scan_partial and not current.scan_partial:
            raise NotAssessable(f"the previous run's scan was partial ({previous.scan_partial}): "
                                "it cannot tell what is new")
        roots = [root for root in current.scanned if root in previous.scanned]
        if not roots:
            raise NotAssessable("the two runs scanned no root in common")
        skipped_roots = sorted(set(current.scanned) ^ set(previous.scanned))
        if skipped_roots:
            ctx.details["not_compared"] = ", ".join(skipped_roots) + " (scanned by one run only)"
        now = _setid_under(current.special_files, roots)
        before = _setid_under(previous.special_files, roots)
        ctx.details["setid_programs"] = str(len(now))
        findings = [finding for path, item in sorted(now.items())
                    if (finding := self._compare(item, before.get(path), ctx)) is not None]
        if not current.scan_partial:
            _note_removed(sorted(set(before) - set(now)), ctx)
        elif not findings:
            raise NotAssessable(current.scan_partial)
        return findings

    @staticmethod
    def _compare(item: SpecialFile, old: SpecialFile | None, ctx: CheckContext) -> Finding | None:
        kind = "set-uid" if int(item.mode, 8) & 0o4000 else "set-gid"
        evidence = {"mode": item.mode, "owner_uid": item.uid, **_optional(item)}
        resource = f"setid:{item.path}"
        if old is None:
            return ctx.finding(resource, f"{kind} program {item.path} is new since the previous run",
                               evidence={**evidence, "previous": "not set-id or absent"})
        if int(item.mode, 8) & ~int(old.mode, 8) & 0o6000:  # a set-id bit it did not have
            return ctx.finding(resource, f"{item.path} became {kind} since the previous run (mode {old.mode} "
                               f"then, {item.mode} now)", evidence={**evidence, "previous_mode": old.mode})
        if old.uid != item.uid:
            return ctx.finding(resource, f"{kind} program {item.path} changed owner since the previous run "
                               f"(uid {old.uid} then, {item.uid} now)", evidence={**evidence, "previous_uid": old.uid})
        if ctx.options["content_changes"] and old.sha256 and item.sha256 and old.sha256 != item.sha256:
            return ctx.finding(resource, f"{kind} program {item.path} has changed content since the previous run "
                               "(a package update, or a replacement)",
                               evidence={**evidence, "previous_sha256": old.sha256}, severity=Severity.LOW)
        return None


def _setid_under(files: Iterable[SpecialFile], roots: list[str]) -> dict[str, SpecialFile]:
    """Set-id regular files under one of ``roots``, by path."""
    prefixes = tuple(root.rstrip("/") + "/" for root in roots)
    return {item.path: item for item in files
            if item.kind == "f" and item.setid and (item.path.startswith(prefixes) or item.path in roots)}


def _optional(item: SpecialFile) -> dict[str, object]:
    """The evidence only newer scans have: group, size, SHA-256."""
    values: dict[str, object] = {"group_gid": item.gid, "size": item.size, "sha256": item.sha256 or None}
    return {key: value for key, value in values.items() if value is not None}


def _note_removed(removed: list[str], ctx: CheckContext) -> None:
    """Programs no longer set-id (or gone): informative, in the details."""
    if not removed:
        return
    named = ", ".join(removed[:_LIST_REMOVED])
    more = f" and {len(removed) - _LIST_REMOVED} more" if len(removed) > _LIST_REMOVED else ""
    ctx.details["removed"] = f"{len(removed)} no longer set-id or gone: {named}{more}"


CHECKS = (NewSetIdFiles,)
