"""Patching (PRV-6): pending security updates as the distribution knows them, automatic updates,
reboots after kernel and library updates, and releases past their end of life."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auditor.check import Check, CheckContext, FactSet, Scope
from auditor.checks.host.common import TAGS
from auditor.checks.host.facts import PatchFacts, PendingUpdate
from auditor.checks.host.lifecycle import release_entry
from auditor.checks.host.packages import version_key
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity
from auditor.previous import PreviousRunFacts

PATCH_TAGS = (*TAGS, "patching")


def _first(names: list[str], count: int) -> str:
    shown = ", ".join(names[:count])
    return shown + (f" and {len(names) - count} more" if len(names) > count else "")


def _lists_age(patch: PatchFacts) -> float | None:
    if patch.lists_updated is None or not patch.collected_at:
        return None
    return max(0.0, (patch.collected_at - patch.lists_updated) / 86400)


def _pending(patch: PatchFacts, ctx: CheckContext) -> tuple[PendingUpdate, ...]:
    if patch.pending is None:
        raise NotAssessable(patch.pending_error or "pending updates were not learned")
    age = _lists_age(patch)
    if age is not None:
        ctx.details["package_lists_age_days"] = f"{age:.1f}"
    return patch.pending


def _age(updates: list[PendingUpdate], previous: PreviousRunFacts, ctx: CheckContext) -> tuple[str, dict[str, str]]:
    """The oldest pending update's age where known: its advisory's date (dnf), else, for updates
    the previous run already saw pending with the same candidate, "pending since at least" that
    run (apt's local metadata carries no publication dates). ("", {}) when not known."""
    dated = sorted((update.published, update.advisory or update.package) for update in updates if update.published)
    if dated:
        published, name = dated[0]
        days = (ctx.today - dt.date.fromisoformat(published)).days
        return (f"; the oldest, {name}, was published {published} ({days} days ago)",
                {"oldest_published": f"{published} ({name})", "oldest_age_days": str(days)})
    try:
        before = previous.facts(PatchFacts)
    except NotAssessable:
        return "", {}
    seen = {(update.package, update.candidate) for update in before.pending or ()}
    carried = sorted(update.package for update in updates if (update.package, update.candidate) in seen)
    if not carried or not before.collected_at:
        return "", {}
    since = dt.datetime.fromtimestamp(before.collected_at, dt.UTC).date()
    return (f"; {len(carried)} of them pending since at least {since} (the previous run)",
            {"pending_since_at_least": f"{since} ({_first(carried, 3)})"})


class _UpdatesCheck(Check):
    facts = (PatchFacts, PreviousRunFacts)
    scope = Scope.HOST
    tags = PATCH_TAGS
    security_only: bool
    options = {"list_first": 10, "max_list_age_days": 7}

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        patch = facts.get(PatchFacts)
        updates = [update for update in _pending(patch, ctx) if update.security or not self.security_only]
        names = sorted({update.package for update in updates})
        ctx.details["pending"] = str(len(names))
        age = _lists_age(patch)
        stale = age is not None and age > ctx.options["max_list_age_days"]
        if not names:
            if stale:
                raise NotAssessable(f"none pending, but the package lists are {age:.0f} days old: "
                                    "refresh them (apt-get update / dnf makecache) to judge")
            return []
        kind = "security update" if self.security_only else "update"
        age_note, age_evidence = _age(updates, facts.get(PreviousRunFacts), ctx)
        message = (f"{len(names)} {kind}{'s' if len(names) != 1 else ''} pending: "
                   f"{_first(names, int(ctx.options['list_first']))}{age_note}")
        evidence: dict[str, Any] = {"count": len(names), "packages": _first(names, int(ctx.options["list_first"])),
                                    "manager": patch.manager, **age_evidence}
        advisories = sorted({update.advisory for update in updates if update.advisory})
        if advisories:
            evidence["advisories"] = _first(advisories, int(ctx.options["list_first"]))
        if age is not None:
            evidence["package_lists_age_days"] = f"{age:.1f}"
        return [ctx.finding(f"packages:{'security' if self.security_only else 'all'}", message, evidence=evidence)]


class SecurityUpdates(_UpdatesCheck):
    """No security updates are pending.

    Security updates are counted as the distribution marks them: on Debian and Ubuntu the
    candidate comes from a ``*-security`` archive (``apt-get -s dist-upgrade``), on the RHEL
    family an advisory of type security ships it (``dnf updateinfo list --security``). Version
    banners are never compared with CVE lists, because distributions backport fixes. Without a
    package manager, or with package lists too old to trust, the check is not-assessable.
    """

    id = "host.security-updates"
    title = "No security updates are pending"
    severity = Severity.HIGH
    measures = ("PRV-6",)
    security_only = True
    remediation = ("Install the pending security updates (apt-get upgrade / dnf upgrade --security) and enable "
                   "automatic security updates.")


class PendingUpdates(_UpdatesCheck):
    """No updates of any kind are pending (bug fixes often carry unannounced security fixes)."""

    id = "host.pending-updates"
    title = "No updates are pending"
    severity = Severity.LOW
    measures = ("PRV-6",)
    security_only = False
    remediation = "Apply pending updates in the next maintenance window."


class AutomaticUpdates(Check):
    """Automatic security updates are installed, configured and scheduled.

    Debian and Ubuntu: ``unattended-upgrades`` with ``APT::Periodic::Update-Package-Lists`` and
    ``APT::Periodic::Unattended-Upgrade`` set, and the ``apt-daily`` timers active. RHEL family:
    ``dnf-automatic`` with ``apply_updates = yes`` (or the ``dnf-automatic-install`` timer) and its
    timer active. Timers are judged only where systemd answers.
    """

    id = "host.automatic-updates"
    title = "Automatic security updates are enabled"
    severity = Severity.MEDIUM
    measures = ("PRV-6",)
    facts = (PatchFacts,)
    tags = PATCH_TAGS
    remediation = ("Debian/Ubuntu: apt-get install unattended-upgrades && dpkg-reconfigure -plow unattended-upgrades; "
                   "RHEL: dnf install dnf-automatic, apply_updates = yes, systemctl enable --now dnf-automatic.timer.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        patch = facts.get(PatchFacts)
        auto = patch.auto_updates
        if auto is None:
            raise NotAssessable(patch.auto_updates_error or "automatic updates were not learned")
        expected = "unattended-upgrades" if patch.manager == "apt" else "dnf-automatic"
        evidence = {"tool": auto.tool or "(none)", "settings": auto.detail or "(none)",
                    "active_timers": auto.timers or "(none)"}
        if not auto.installed:
            return [ctx.finding("auto-updates", f"{expected} is not installed: security updates wait for a person",
                                evidence=evidence)]
        if auto.configured is None:
            raise NotAssessable(f"{expected} is installed but its configuration could not be read")
        if not auto.configured:
            return [ctx.finding("auto-updates", f"{expected} is installed but not set to apply updates",
                                evidence=evidence)]
        if auto.timers_inactive:
            return [ctx.finding("auto-updates", f"{expected} is configured but its timers are not active: "
                                f"{', '.join(auto.timers_inactive)}", evidence=evidence)]
        if not auto.timers:  # configured, but whether it runs is unknown: no verdict without that
            raise NotAssessable(f"{expected} is configured, but its timers could not be read (no systemd answer)")
        return []


class RebootRequired(Check):
    """The host runs the newest installed kernel and no update asks for a reboot.

    Sources: ``/var/run/reboot-required`` (Debian/Ubuntu, with the packages in ``.pkgs``),
    ``dnf needs-restarting -r`` (RHEL family), and the running kernel (``uname -r``) compared with
    the newest kernel that has modules installed under ``/lib/modules``.
    """

    id = "host.reboot-required"
    title = "No reboot is pending after updates"
    severity = Severity.MEDIUM
    measures = ("PRV-6",)
    facts = (PatchFacts,)
    tags = PATCH_TAGS
    remediation = "Reboot the host in a maintenance window so the updated kernel and libraries are in use."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        patch = facts.get(PatchFacts)
        findings = []
        newest = max(patch.installed_kernels, key=version_key) if patch.installed_kernels else ""
        known = patch.reboot_required_file is not None or patch.needs_restarting is not None
        if newest and patch.running_kernel and patch.running_kernel in patch.installed_kernels:
            known = True
            if version_key(newest) > version_key(patch.running_kernel):
                findings.append(ctx.finding("kernel", f"running kernel {patch.running_kernel} is older than the "
                                            f"installed {newest}", evidence={"running": patch.running_kernel,
                                                                             "newest_installed": newest}))
        elif patch.running_kernel:
            ctx.details["kernel"] = (f"running kernel {patch.running_kernel} has no modules installed here "
                                     "(a container, or a kernel from elsewhere): not compared")
        if patch.reboot_required_file:
            findings.append(ctx.finding("reboot-required", "/var/run/reboot-required exists: an update asks for a "
                                        "reboot", evidence={"packages": patch.reboot_packages or "(not listed)"}))
        if patch.needs_restarting:
            findings.append(ctx.finding("reboot-required", "dnf needs-restarting -r: a reboot is required "
                                        "after updates to core libraries or the kernel"))
        if not known:
            raise NotAssessable("no reboot indicator available (no reboot-required file support, "
                                "no needs-restarting, no installed kernel matching the running one)")
        return findings


class DeletedLibraries(Check):
    """No running process still uses a library or program deleted by an update.

    After an update replaces a library, processes started before it keep running the old,
    vulnerable code until restarted. Read from ``/proc/*/maps`` (lines marked ``(deleted)`` that
    map executables or shared libraries). Without root only one's own processes can be read: then
    no finding is not-assessable rather than a pass.
    """

    id = "host.deleted-libraries"
    title = "No process runs replaced (deleted) libraries"
    severity = Severity.MEDIUM
    measures = ("PRV-6",)
    facts = (PatchFacts,)
    tags = PATCH_TAGS
    options = {"list_first": 10}
    remediation = "Restart the listed services (needrestart, or dnf needs-restarting -s, names them), or reboot."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        patch = facts.get(PatchFacts)
        if patch.deleted_libraries is None:
            raise NotAssessable(patch.deleted_libraries_error or "process maps were not read")
        by_command: dict[str, list[str]] = {}
        for item in patch.deleted_libraries:
            by_command.setdefault(item.command, []).append(item.path)
        if not by_command:
            if not patch.deleted_libraries_complete:
                raise NotAssessable("only this user's processes could be read (run as root to see all)")
            return []
        findings = []
        for command, paths in sorted(by_command.items()):
            unique = sorted(set(paths))
            pids = sorted({item.pid for item in patch.deleted_libraries if item.command == command})
            findings.append(ctx.finding(f"process:{command}", f"{command} still maps {len(unique)} deleted "
                                        f"file{'s' if len(unique) != 1 else ''}: {_first(unique, 3)}",
                                        evidence={"pids": _first([str(pid) for pid in pids], 10),
                                                  "files": _first(unique, int(ctx.options["list_first"]))}))
        return findings


class OsEndOfLife(Check):
    """The operating system release still receives security updates.

    Judged against the ``host-os-lifecycle`` policy, a dated table of releases with the end of
    standard security support (``eol``) and of extended support (``extended``: Debian LTS,
    Ubuntu ESM, RHEL ELS). ``accept_extended: true`` accepts a release in extended support (with
    a low-severity reminder); a release the table does not list is not-assessable.
    """

    id = "host.os-end-of-life"
    title = "The OS release is within its security support"
    severity = Severity.HIGH
    measures = ("PRV-6",)
    facts = (PatchFacts,)
    tags = PATCH_TAGS
    policies = ("host-os-lifecycle",)
    options = {"accept_extended": True}
    remediation = "Upgrade to a supported release of the distribution (or buy the extended support that covers it)."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        os = facts.get(PatchFacts).os
        policy = ctx.policy("host-os-lifecycle")
        if not os.id:
            raise NotAssessable("no /etc/os-release: the release is unknown")
        entry = release_entry(policy, os)
        label = os.pretty_name or f"{os.id} {os.version_id}"
        if entry is None:
            raise NotAssessable(f"{label} is not in the lifecycle table (version {policy['version']})")
        ctx.details["table"] = f"{policy['version']}: {policy['source']}"
        eol = dt.date.fromisoformat(entry["eol"])
        extended = dt.date.fromisoformat(entry["extended"]) if entry.get("extended") else None
        evidence = {"release": label, "eol": entry["eol"], "extended": entry.get("extended") or "(none)",
                    "table": policy["version"]}
        if ctx.today <= eol:
            return []
        if extended and ctx.today <= extended:
            if ctx.options["accept_extended"]:
                return [ctx.finding("os-release", f"{label}: standard security support ended {entry['eol']}; "
                                    f"extended support until {entry['extended']}", evidence=evidence,
                                    severity=Severity.LOW)]
            return [ctx.finding("os-release", f"{label}: standard security support ended {entry['eol']} "
                                "(only extended support remains)", evidence=evidence)]
        return [ctx.finding("os-release", f"{label} is past its end of life ({(extended or eol).isoformat()})",
                            evidence=evidence, severity=Severity.CRITICAL)]


CHECKS = (SecurityUpdates, PendingUpdates, AutomaticUpdates, RebootRequired, DeletedLibraries, OsEndOfLife)
