"""Check results and findings spooled to disk as targets finish: memory keeps counts, outputs stay the same."""

from __future__ import annotations

import dataclasses
import os
import stat

import pytest
from markupsafe import escape

from auditor.cli.output import write_outputs
from auditor.models import Status, Target, TargetKind
from auditor.reports.site import host_file
from auditor.runner import Runner
from auditor.store.model import FindingStore, ResultStore, Snapshot, sorted_findings, worst_first
from auditor.store.spool import FactSpool
from testkit.snapshots import finding, in_target_order, make_snapshot, result, sample_snapshot


def spooled(snapshot: Snapshot, spool: FactSpool) -> Snapshot:
    """``snapshot`` with its results and findings moved to ``spool``, as a spooled run's snapshot holds them."""
    names = snapshot.target_names
    for name in names:
        spool.results.add(name, [item for item in snapshot.results if item.target == name])
    return dataclasses.replace(snapshot, results=spool.results.results(names), findings=spool.results.findings(names))


class Watcher:
    """Progress that looks at each target's audit as the runner hands it over, finished."""

    def __init__(self, spool: FactSpool):
        self.spool = spool
        self.seen: list[tuple[str, int, int, bool]] = []

    def start(self, total: int) -> None:
        pass

    def target_done(self, audit) -> None:
        self.seen.append((audit.target.name, len(audit.results), audit.checks, audit.target.name in self.spool.results))

    def finish(self) -> None:
        pass


def test_results_leave_memory_as_each_target_finishes(synthetic, tmp_path):
    registry, profile, _ = synthetic("name: t\nconcurrency: {targets: 3}\n")
    targets = [Target(name=f"h{n}", kind=TargetKind.LOCAL) for n in range(9)]
    held = Runner(registry, profile, opener=lambda target: None).run(targets)
    spool = FactSpool(tmp_path)
    watcher = Watcher(spool)
    run = Runner(registry, profile, opener=lambda target: None, progress=watcher).run(targets, spool)
    # Each target, when its audit ends: no result object left in memory, its results on disk.
    assert sorted(watcher.seen) == [(target.name, 0, held.audits[0].checks, True) for target in targets]
    assert all(audit.results == [] and audit.facts == {} for audit in run.audits)
    assert isinstance(run.results, ResultStore) and isinstance(run.findings, FindingStore)
    # Read back a target at a time, in target order: the records a run held in memory has.
    assert list(run.results) == list(held.results) and len(run.results) == len(held.results)
    assert list(run.findings) == list(held.findings) and run.findings
    assert run.findings[-1] == held.findings[-1] and list(run.results[2:5]) == list(held.results[2:5])
    assert sum(audit.errors for audit in run.audits) == sum(r.status is Status.ERROR for r in held.results) > 0
    spool.close()


def many_findings() -> Snapshot:
    """Targets named out of run order, every severity, several findings per check and target."""
    names = ("web9", "db1", "web10", "app")
    checks = ("ssh.root-login", "ssh.password-authentication", "services.exposed")
    items = [finding(check_id, name, f"tcp/{22 + n % 2}:res/{n % 5}", severity)
             for name in names for check_id in checks
             for n, severity in enumerate(("low", "critical", "info", "high", "medium", "high"))]
    results = [result(check_id, name, "fail", [item for item in items if (item["check_id"], item["target"])
                                                == (check_id, name)])
               for name in names for check_id in checks]
    return in_target_order(make_snapshot(results, items, targets=names))


@pytest.mark.parametrize("make", [lambda: in_target_order(sample_snapshot()), many_findings],
                         ids=["sample", "many-findings"])
def test_a_spooled_snapshot_and_every_output_equal_those_held_in_memory(tmp_path, make):
    memory = make()
    for folder in ("out-memory", "out-spooled"):
        (tmp_path / folder).mkdir()
    spool = FactSpool(tmp_path)
    from_disk = spooled(memory, spool)
    assert from_disk == memory and from_disk.summary == memory.summary
    write_outputs(memory, tmp_path / "out-memory")
    write_outputs(from_disk, tmp_path / "out-spooled")
    spool.close()
    written = sorted(path.name for path in (tmp_path / "out-memory").iterdir())
    assert len(written) > 10 and sorted(path.name for path in (tmp_path / "out-spooled").iterdir()) == written
    for name in written:
        assert (tmp_path / "out-spooled" / name).read_bytes() == (tmp_path / "out-memory" / name).read_bytes(), name
    # Pages hold references and read listed findings back: each is listed on its host's page, itself.
    for item in memory.findings:
        page = (tmp_path / "out-spooled" / host_file(item.target)).read_text()
        assert f'data-id="{item.fingerprint}"' in page and str(escape(item.resource)) in page


def test_worst_first_from_the_spool_is_the_one_finding_order(tmp_path):
    memory = many_findings()
    spool = FactSpool(tmp_path)
    from_disk = spooled(memory, spool)
    assert list(worst_first(from_disk.findings)) == sorted_findings(memory.findings) == list(worst_first(memory.findings))
    assert len({finding.severity for finding in memory.findings}) == 5 and len(memory.findings) == 72
    spool.close()


def test_the_spool_folder_is_private_and_removed(tmp_path):
    previous = os.umask(0o022)
    try:
        spool = FactSpool(tmp_path)
    finally:
        os.umask(previous)
    (folder,) = tmp_path.iterdir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(path.name for path in folder.iterdir()) == ["facts.jsonl", "findings.jsonl", "results.jsonl"]
    spool.results.add("h1", [])
    with pytest.raises(ValueError, match="spooled twice"):
        spool.results.add("h1", [])
    spool.close()
    assert list(tmp_path.iterdir()) == []


def test_a_finding_is_read_alone_as_its_target_holds_it(tmp_path):
    spool = FactSpool(tmp_path)
    try:
        snapshot = spooled(in_target_order(sample_snapshot()), spool)
        findings = snapshot.findings
        assert isinstance(findings, FindingStore) and len(findings) > 1
        for name in snapshot.target_names:
            held = findings.of_target(name)
            assert [findings.at(name, index) for index in range(len(held))] == list(held)
    finally:
        spool.close()
