"""Set-id programs compared with the previous run (host.setid-new): recorded facts of two runs,
and the command itself run twice on this machine with a set-uid file created in between."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.checks.host import kernel_parse as parse
from auditor.checks.host.collector_kernel import KernelCollector
from auditor.checks.host.facts import KernelFacts, SpecialFile
from auditor.config.policies import load_policy
from auditor.errors import NotAssessable
from auditor.facts import facts_to_json
from auditor.models import Severity
from auditor.previous import PreviousRunFacts, compared_facts, newest_previous, previous_run
from auditor.store.codec import write_snapshot
from auditor.store.model import FactRecord
from auditor.store.signing import generate_keypair, load_private_key, sign_snapshot
from testkit.hostkit import REGISTRY, collect, judge, recorded
from testkit.snapshots import sample_snapshot

CHECK = "host.setid-new"
SOURCE = "2026-12-02T02:00:00+00:00 (history/2026-12-02T020000Z/snapshot.json)"


def debian12() -> KernelFacts:
    facts: KernelFacts = collect(KernelCollector(), recorded("debian12"),
                                 policies={"host-sysctl": load_policy("host-sysctl", "default")})
    return facts


def previous(facts: KernelFacts | None = None, record: dict[str, object] | None = None) -> PreviousRunFacts:
    """The previous run's facts as the run seeds them: the JSON record a snapshot holds."""
    stored = record or {"status": "ok", "version": KernelFacts.version, "value": facts_to_json(facts)}
    return PreviousRunFacts(source=SOURCE, records={"host_kernel": stored}, missing="")


def changed(facts: KernelFacts, *extra: SpecialFile, **by_path: dict[str, object]) -> KernelFacts:
    """``facts`` with some set-id entries replaced (by path) and others added."""
    assert facts.special_files is not None
    files = [dataclasses.replace(item, **by_path.get(item.path, {})) for item in facts.special_files]  # type: ignore[arg-type]
    return dataclasses.replace(facts, special_files=(*files, *extra))


def test_the_scan_records_owner_size_and_hash_of_set_id_programs() -> None:
    files = {item.path: item for item in debian12().special_files or ()}
    sudo = files["/usr/bin/sudo"]
    assert (sudo.mode, sudo.uid, sudo.gid, sudo.size) == ("4755", 0, 0, 281624) and len(sudo.sha256) == 64
    assert files["/usr/bin/ssh-agent"].gid == 111
    assert files["/usr/local/bin/backup-helper"].sha256 == ""  # sha256sum could not read it: not known
    assert files["/etc/research-shared"].sha256 == ""  # directories and world-writable files are not hashed


def test_names_with_newlines_and_spaces_cannot_forge_entries() -> None:
    text = "4755 0 0 10 f /usr/bin/evil\n4755 0 0 99 f /usr/bin/sudo\x002755 0 5 7 f /opt/a b\x00"
    assert parse.special_files(text) == [
        SpecialFile("/usr/bin/evil\n4755 0 0 99 f /usr/bin/sudo", "4755", 0, "f", gid=0, size=10),
        SpecialFile("/opt/a b", "2755", 0, "f", gid=5, size=7)]
    digest = "a" * 64
    assert parse.sha256sums(f"{digest}  /opt/a\nb\x00zz  /x\x00") == {"/opt/a\nb": digest}


def test_without_a_previous_run_it_is_not_assessable_and_the_inventory_is_still_recorded() -> None:
    facts = debian12()
    with pytest.raises(NotAssessable, match="no previous snapshot to compare"):
        judge(CHECK, facts, PreviousRunFacts())
    assert any(item.setid for item in facts.special_files or ())
    failed = previous(record={"status": "not-assessable", "reason": "find could not run"})
    with pytest.raises(NotAssessable, match="has no 'host_kernel' facts: find could not run"):
        judge(CHECK, facts, failed)
    other_target = PreviousRunFacts(source=SOURCE, missing=f"the previous run ({SOURCE}) recorded no facts of web01")
    with pytest.raises(NotAssessable, match="recorded no facts of web01"):
        judge(CHECK, facts, other_target)


def test_the_same_inventory_passes_and_says_what_it_compared_with() -> None:
    facts = debian12()
    findings, ctx = judge(CHECK, facts, previous(facts))
    assert findings == [] and ctx.details["compared_with"] == SOURCE and ctx.details["setid_programs"] == "5"


def test_new_promoted_reowned_and_replaced_programs_are_one_finding_each() -> None:
    before = debian12()
    after = changed(
        before,
        SpecialFile("/usr/local/sbin/rootshell", "4755", 0, "f", gid=0, size=1234, sha256="b" * 64),
        SpecialFile("/usr/bin/<b>x</b>", "2755", 0, "f", gid=42, size=5),
        **{"/usr/bin/ssh-agent": {"mode": "6755"},  # set-gid before, now set-uid as well
           "/usr/local/bin/backup-helper": {"uid": 1000},
           "/usr/bin/passwd": {"sha256": "c" * 64, "size": 70000}},
    )
    assert after.special_files is not None
    findings, ctx = judge(CHECK, after, previous(before))
    by_resource = {finding.resource: finding for finding in findings}
    assert sorted(by_resource) == ["setid:/usr/bin/<b>x</b>", "setid:/usr/bin/passwd", "setid:/usr/bin/ssh-agent",
                                   "setid:/usr/local/bin/backup-helper", "setid:/usr/local/sbin/rootshell"]
    rootshell = by_resource["setid:/usr/local/sbin/rootshell"]
    assert rootshell.severity is Severity.MEDIUM and "set-uid program /usr/local/sbin/rootshell is new" in rootshell.message
    assert rootshell.evidence["sha256"] == "b" * 64 and rootshell.evidence["size"] == "1234"
    assert "became set-uid" in by_resource["setid:/usr/bin/ssh-agent"].message
    assert "uid 0 then, 1000 now" in by_resource["setid:/usr/local/bin/backup-helper"].message
    replaced = by_resource["setid:/usr/bin/passwd"]
    assert replaced.severity is Severity.LOW and replaced.evidence["previous_sha256"] != "c" * 64
    quiet, _ = judge(CHECK, after, previous(before), options={"content_changes": False})
    assert "setid:/usr/bin/passwd" not in {finding.resource for finding in quiet} and len(quiet) == 4
    assert "removed" not in ctx.details


def test_removed_programs_are_informative_details_not_findings() -> None:
    before = debian12()
    assert before.special_files is not None
    after = dataclasses.replace(before, special_files=tuple(
        item for item in before.special_files if item.path != "/usr/bin/sudo"))
    findings, ctx = judge(CHECK, after, previous(before))
    assert findings == [] and ctx.details["removed"] == "1 no longer set-id or gone: /usr/bin/sudo"


def test_only_roots_both_runs_scanned_are_compared() -> None:
    before = debian12()
    after = dataclasses.replace(changed(before, SpecialFile("/opt/vendor/helper", "4755", 0, "f")),
                                scanned=(*before.scanned, "/opt"))
    findings, ctx = judge(CHECK, after, previous(before))
    assert findings == [] and ctx.details["not_compared"] == "/opt (scanned by one run only)"
    elsewhere = dataclasses.replace(after, scanned=("/opt",))
    with pytest.raises(NotAssessable, match="no root in common"):
        judge(CHECK, elsewhere, previous(before))


def test_a_partial_scan_cannot_tell_new_from_unseen() -> None:
    before = dataclasses.replace(debian12(), scan_partial="some directories could not be read (run as root)")
    with pytest.raises(NotAssessable, match="previous run's scan was partial"):
        judge(CHECK, debian12(), previous(before))
    after = dataclasses.replace(before, special_files=())  # partial now too: nothing seen is not "removed"
    with pytest.raises(NotAssessable, match="could not be read"):
        judge(CHECK, after, previous(debian12()))


def test_snapshots_of_earlier_versions_without_size_and_hash_are_compared_by_mode_and_owner() -> None:
    before = debian12()
    record = {"status": "ok", "version": 1, "value": facts_to_json(before)}
    for item in record["value"]["special_files"]:  # type: ignore[index]
        for key in ("gid", "size", "sha256"):
            item.pop(key, None)
    findings, _ = judge(CHECK, before, previous(record=record))
    assert findings == []  # no hash then: a content change cannot be told, and none is claimed


def auditor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.mark.integration
def test_a_set_uid_file_created_between_two_runs_is_found(tmp_path: Path) -> None:
    root = tmp_path / "sysroot"
    (root / "bin").mkdir(parents=True)
    tool = root / "bin" / "tool"
    tool.write_bytes(b"#!/bin/sh\n")
    tool.chmod(0o4755)
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"name: setid-test\nversion: '1'\nextends: baseline\nselect: ['{CHECK}']\n"
                       f"collectors:\n  host_kernel:\n    scan_paths: ['{root}']\n")
    history = tmp_path / "history"
    first = auditor("run", "local", "--profile", str(profile), "--history", str(history), "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (run1,) = [path for path in history.iterdir() if path.is_dir()]
    snapshot = json.loads((run1 / "snapshot.json").read_text())
    (result,) = [r for r in snapshot["results"] if r["check_id"] == CHECK]
    assert (result["status"], result["reason"]) == ("not-assessable", "no previous snapshot to compare")
    recorded_files = snapshot["facts"]["local"]["host_kernel"]["value"]["special_files"]
    assert [item["path"] for item in recorded_files] == [str(tool)] and len(recorded_files[0]["sha256"]) == 64

    new = root / "bin" / "new tool\nwith newline"
    new.write_bytes(b"payload")
    new.chmod(0o2755)
    second = auditor("run", "local", "--profile", str(profile), "--history", str(history), "-q", cwd=tmp_path)
    assert second.returncode == 0, second.stderr  # medium is below baseline's fail_on: high
    (run2,) = [path for path in history.iterdir() if path.is_dir() and path != run1]
    snapshot = json.loads((run2 / "snapshot.json").read_text())
    (result,) = [r for r in snapshot["results"] if r["check_id"] == CHECK]
    assert result["status"] == "fail" and str(run1 / "snapshot.json") in result["details"]["compared_with"]
    (finding,) = snapshot["findings"]
    assert finding["resource"] == f"setid:{new}" and "set-gid program" in finding["message"]

    # Judged again from the stored facts: the same verdict with the previous run named, none without it.
    for previous, status in ((["--previous", str(run1 / "snapshot.json")], "fail"), ([], "not-assessable")):
        out = tmp_path / f"rejudged-{status}"
        again = auditor("report", str(run2 / "snapshot.json"), "--profile", str(profile), "--out", str(out),
                        *previous, cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        rejudged = json.loads((out / "snapshot.json").read_text())
        assert [r["status"] for r in rejudged["results"] if r["check_id"] == CHECK] == [status]


def test_with_a_signing_key_only_a_run_signed_by_it_is_compared_with(tmp_path: Path) -> None:
    private, _ = generate_keypair(tmp_path / "audit")
    key = load_private_key(private)
    history = tmp_path / "history"
    for name, started, signed in (("2026-12-01T020000Z", "2026-12-01T02:00:00+00:00", True),
                                  ("2026-12-02T020000Z", "2026-12-02T02:00:00+00:00", False)):
        snapshot = dataclasses.replace(sample_snapshot(), started_at=started)
        (history / name).mkdir(parents=True)
        write_snapshot(sign_snapshot(snapshot, key) if signed else snapshot, history / name / "snapshot.json")
    (history / "2026-12-03T020000Z").mkdir()
    (history / "2026-12-03T020000Z" / "snapshot.json").write_text("{truncated")
    unsigned = newest_previous(history, None)
    assert unsigned is not None and unsigned.source.startswith("2026-12-02T02:00:00")  # the broken newest is passed over
    signed = newest_previous(history, key.public_key())
    assert signed is not None and signed.source.startswith("2026-12-01T02:00:00")  # the unsigned one is not trusted
    assert newest_previous(tmp_path / "empty", None) is None


def test_a_previous_snapshot_that_cannot_be_used_is_one_line_and_exit_3(tmp_path: Path) -> None:
    bad = tmp_path / "old.json"
    bad.write_text('{"a": 1}')
    result = auditor("run", "local", "--previous", str(bad), "--out", str(tmp_path / "out"), "-q", cwd=tmp_path)
    assert result.returncode == 3 and result.stderr.strip().count("\n") == 0, result.stderr
    assert "old.json: not an auditor snapshot" in result.stderr and not (tmp_path / "out").exists()


def test_only_the_facts_checks_of_change_compare_are_kept_from_the_previous_run() -> None:
    checks = REGISTRY.checks
    assert compared_facts([checks["host.setid-new"], checks["host.security-updates"], checks["host.firewall"]]) == {
        "host_kernel", "host_packages"}
    assert compared_facts([checks["host.firewall"], checks["ssh.password-authentication"]]) == frozenset()
    records = {"host_kernel": FactRecord("ok", 1, {"special_files": []}), "host_accounts": FactRecord("ok", 1, {})}
    snapshot = dataclasses.replace(sample_snapshot(), facts={"web1": records})
    kept = previous_run(snapshot, "old.json", frozenset({"host_kernel"}))
    assert set(kept.for_target("web1").records) == {"host_kernel"}
    assert "recorded no facts of db1" in kept.for_target("db1").missing
