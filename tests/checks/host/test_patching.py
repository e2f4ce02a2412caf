"""Patching (PRV-6) from recorded outputs of Debian 12, Ubuntu 24.04 and Rocky 9."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from auditor.checks.host.collector_patching import PatchCollector
from auditor.checks.host.facts import OsRelease, PatchFacts
from auditor.checks.host.packages import (
    parse_apt_simulation,
    parse_deleted_maps,
    parse_dnf_updateinfo,
    parse_dnf_updateinfo_dates,
    version_key,
)
from auditor.errors import NotAssessable
from auditor.facts import facts_to_json
from auditor.models import Severity
from auditor.previous import PreviousRunFacts
from testkit.hostkit import MACHINES, collect, judge, recorded


def test_apt_simulation_marks_security_archives() -> None:
    updates = parse_apt_simulation((MACHINES / "debian12/outputs/apt-get-s-dist-upgrade.txt").read_text())
    assert [u.package for u in updates] == ["base-files", "bash", "libgcrypt20", "libssl3", "openssl",
                                            "linux-image-6.1.0-21-amd64"]
    security = {u.package for u in updates if u.security}
    assert security == {"libgcrypt20", "libssl3", "openssl", "linux-image-6.1.0-21-amd64"}
    assert updates[2].origins == ("stable", "stable-security")
    assert updates[3].installed == "3.0.11-1~deb12u2" and updates[3].candidate == "3.0.13-1~deb12u1"
    assert updates[5].installed == ""  # a new package: nothing installed before


def test_dnf_updateinfo_names_packages_and_advisories() -> None:
    found = parse_dnf_updateinfo((MACHINES / "rocky9/outputs/dnf-updateinfo-security.txt").read_text())
    assert found == {"kernel": "RLSA-2024:6356", "kernel-core": "RLSA-2024:6356", "openssl": "RLSA-2024:6186",
                     "openssl-libs": "RLSA-2024:6186"}


def test_deleted_maps_keep_code_only() -> None:
    pairs = parse_deleted_maps((MACHINES / "debian12/outputs/proc-maps-deleted.txt").read_text())
    assert pairs == [(812, "/usr/lib/x86_64-linux-gnu/libssl.so.3"), (951, "/usr/lib/x86_64-linux-gnu/libcrypto.so.3")]


def test_kernel_versions_compare_numerically() -> None:
    assert version_key("6.1.0-21-amd64") > version_key("6.1.0-9-amd64")
    assert version_key("5.14.0-427.37.1.el9_4.x86_64") > version_key("5.14.0-427.13.1.el9_4.x86_64")


def test_debian12_pending_security_updates_are_named() -> None:
    facts = collect(PatchCollector(), recorded("debian12"))
    assert facts.manager == "apt" and facts.os.family == "debian"
    findings, _ = judge("host.security-updates", facts)
    assert [f.resource for f in findings] == ["packages:security"]
    assert findings[0].message.startswith("4 security updates pending: libgcrypt20, libssl3, linux-image")
    assert findings[0].evidence["count"] == "4" and findings[0].measures == ("PRV-6",)
    findings, _ = judge("host.pending-updates", facts)
    assert findings[0].evidence["count"] == "6"


def test_debian12_automatic_updates_reboot_and_deleted_libraries() -> None:
    facts = collect(PatchCollector(), recorded("debian12"))
    (auto,), _ = judge("host.automatic-updates", facts)
    assert "not set to apply updates" in auto.message  # 99local-off turns it off after 20auto-upgrades
    reboot, _ = judge("host.reboot-required", facts)
    assert {f.resource for f in reboot} == {"kernel", "reboot-required"}
    assert "libssl3" in next(f for f in reboot if f.resource == "reboot-required").evidence["packages"]
    deleted, _ = judge("host.deleted-libraries", facts)
    assert [(f.resource, f.evidence["pids"]) for f in deleted] == [("process:nginx", "951"), ("process:sshd", "812")]


def test_ubuntu2404_security_from_noble_security_and_auto_updates_pass() -> None:
    host = recorded("ubuntu2404")
    facts = collect(PatchCollector(), host)
    assert host.calls[1][:3] == ("/usr/bin/apt", "list", "--upgradable")  # apt list, not the solver
    assert [u.origins for u in facts.pending if u.package == "openssh-server"] == [("noble-updates", "noble-security")]
    (finding,), _ = judge("host.security-updates", facts)
    assert finding.message == "2 security updates pending: openssh-client, openssh-server"
    assert judge("host.automatic-updates", facts)[0] == []
    assert judge("host.reboot-required", facts)[0] == []
    assert judge("host.deleted-libraries", facts)[0] == []
    assert judge("host.os-end-of-life", facts)[0] == []


def test_rocky9_dnf_security_advisories_and_needs_restarting() -> None:
    facts = collect(PatchCollector(), recorded("rocky9"))
    assert facts.manager == "dnf" and facts.os.family == "rhel"
    (finding,), _ = judge("host.security-updates", facts)
    assert finding.evidence["count"] == "4" and finding.evidence["advisories"] == "RLSA-2024:6186, RLSA-2024:6356"
    (pending,), _ = judge("host.pending-updates", facts)
    assert pending.evidence["count"] == "5"  # tzdata too; the obsoleted grub2-tools line is not a package
    (auto,), _ = judge("host.automatic-updates", facts)
    assert "not set to apply updates" in auto.message and "apply_updates=no" in auto.evidence["settings"]
    reboot, _ = judge("host.reboot-required", facts)
    assert [f.resource for f in reboot] == ["reboot-required"]  # the running kernel is the newest installed
    assert judge("host.os-end-of-life", facts)[0] == []


def test_none_pending_passes_and_unknown_is_not_assessable() -> None:
    fresh = PatchFacts(os=OsRelease(id="debian", version_id="12"), manager="apt", pending=(),
                       lists_updated=1000.0, collected_at=1000.0 + 3600)
    assert judge("host.security-updates", fresh)[0] == []
    stale = PatchFacts(os=fresh.os, manager="apt", pending=(), lists_updated=1000.0, collected_at=1000.0 + 30 * 86400)
    with pytest.raises(NotAssessable, match="30 days old"):
        judge("host.security-updates", stale)
    none = PatchFacts(os=fresh.os, manager="", pending=None, pending_error="neither apt-get nor dnf/yum found")
    with pytest.raises(NotAssessable, match="neither apt-get"):
        judge("host.security-updates", none)
    with pytest.raises(NotAssessable):
        judge("host.deleted-libraries", none)


def test_deleted_libraries_without_root_are_not_a_pass() -> None:
    facts = PatchFacts(os=OsRelease(), manager="apt", deleted_libraries=(), deleted_libraries_complete=False)
    with pytest.raises(NotAssessable, match="run as root"):
        judge("host.deleted-libraries", facts)


@pytest.mark.parametrize(("os", "today", "profile", "expected"), [
    (OsRelease(id="debian", version_id="12", pretty_name="Debian 12"), dt.date(2026, 1, 1), "baseline", None),
    (OsRelease(id="debian", version_id="12", pretty_name="Debian 12"), dt.date(2026, 12, 1), "baseline", Severity.LOW),
    (OsRelease(id="debian", version_id="12", pretty_name="Debian 12"), dt.date(2026, 12, 1), "strict", Severity.HIGH),
    (OsRelease(id="debian", version_id="10", pretty_name="Debian 10"), dt.date(2026, 12, 1), "baseline",
     Severity.CRITICAL),
    (OsRelease(id="rocky", version_id="9.4", pretty_name="Rocky 9.4"), dt.date(2026, 12, 1), "strict", None),
    # Canonical: 22.04 standard support ends April 2027 (the table said June until 2026-12-03)
    (OsRelease(id="ubuntu", version_id="22.04", pretty_name="Ubuntu 22.04"), dt.date(2027, 5, 1), "strict",
     Severity.HIGH),
    (OsRelease(id="ubuntu", version_id="25.04", pretty_name="Ubuntu 25.04"), dt.date(2026, 12, 3), "baseline",
     Severity.CRITICAL),  # an interim release, 9 months, no extended support
    (OsRelease(id="ubuntu", version_id="26.04", pretty_name="Ubuntu 26.04"), dt.date(2026, 12, 3), "strict", None),
    (OsRelease(id="rhel", version_id="10.1", pretty_name="RHEL 10.1"), dt.date(2026, 12, 3), "strict", None),
    (OsRelease(id="almalinux", version_id="10.0", pretty_name="AlmaLinux 10.0"), dt.date(2026, 12, 3), "strict",
     None),
])
def test_end_of_life_from_the_dated_table(os: OsRelease, today: dt.date, profile: str,
                                          expected: Severity | None) -> None:
    findings, ctx = judge("host.os-end-of-life", PatchFacts(os=os, manager="apt"), profile=profile, today=today)
    assert [f.severity for f in findings] == ([expected] if expected else [])
    assert "endoflife.date" in ctx.details["table"] and "2026-12-03" in ctx.details["table"]


def test_release_missing_from_the_table_is_not_assessable() -> None:
    with pytest.raises(NotAssessable, match="not in the lifecycle table"):
        judge("host.os-end-of-life", PatchFacts(os=OsRelease(id="gentoo", pretty_name="Gentoo"), manager=""))


def test_automatic_updates_configured_but_timers_unknown_are_not_a_pass() -> None:
    facts = collect(PatchCollector(), recorded("ubuntu2404"))
    assert facts.auto_updates is not None
    unknown = dataclasses.replace(facts, auto_updates=dataclasses.replace(facts.auto_updates, timers=(),
                                                                          timers_inactive=()))
    with pytest.raises(NotAssessable, match="its timers could not be read"):
        judge("host.automatic-updates", unknown)


def test_rocky9_pending_security_fixes_have_the_age_of_their_oldest_advisory() -> None:
    dates = parse_dnf_updateinfo_dates((MACHINES / "rocky9/outputs/dnf-updateinfo-info-security.txt").read_text())
    assert dates == {"RLSA-2024:6356": "2024-09-05", "RLSA-2024:6186": "2024-09-02"}  # not the description's
    assert parse_dnf_updateinfo_dates("  Update ID : RLSA-1\n    Updated : 2024-13-45 00:00:00\n") == {}
    facts = collect(PatchCollector(), recorded("rocky9"))
    assert {u.package: u.published for u in facts.pending if u.security}["openssl"] == "2024-09-02"
    (finding,), _ = judge("host.security-updates", facts, today=dt.date(2026, 12, 3))
    assert finding.message.endswith("; the oldest, RLSA-2024:6186, was published 2024-09-02 (822 days ago)")
    assert finding.evidence["oldest_age_days"] == "822"
    (pending,), _ = judge("host.pending-updates", facts, today=dt.date(2026, 12, 3))
    assert pending.evidence["oldest_published"] == "2024-09-02 (RLSA-2024:6186)"  # tzdata has no advisory date


def test_apt_has_no_publication_dates_so_the_previous_run_bounds_the_age() -> None:
    facts = collect(PatchCollector(), recorded("debian12"))
    (finding,), _ = judge("host.security-updates", facts)
    assert "published" not in finding.message and "oldest_age_days" not in finding.evidence  # not known: not claimed
    assert facts.pending is not None
    earlier = dataclasses.replace(facts, collected_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC).timestamp(),
                                  pending=tuple(u for u in facts.pending if u.package != "libssl3"))
    previous = PreviousRunFacts(source="the run of 2026-11-20", missing="",
                                records={"host_packages": {"status": "ok", "version": PatchFacts.version,
                                                           "value": facts_to_json(earlier)}})
    (finding,), _ = judge("host.security-updates", facts, previous)
    assert finding.message.endswith("; 3 of them pending since at least 2026-11-20 (the previous run)")
    assert finding.evidence["pending_since_at_least"].startswith("2026-11-20 (libgcrypt20, linux-image")
    newer = dataclasses.replace(earlier, pending=tuple(dataclasses.replace(u, candidate=u.candidate + "~old")
                                                       for u in earlier.pending or ()))
    stale = PreviousRunFacts(source="x", missing="", records={"host_packages": {
        "status": "ok", "version": PatchFacts.version, "value": facts_to_json(newer)}})
    (finding,), _ = judge("host.security-updates", facts, stale)
    assert "pending since" not in finding.message  # other candidates then: the same fix was not pending
