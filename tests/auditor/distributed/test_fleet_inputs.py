"""Distributed runs' inputs: broker URLs, segments, shards and the fact spool, without a broker."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.distributed.app import BrokerError, BrokerSettings, redacted
from auditor.distributed.shards import PROTOCOL, ProfileRef, ShardError, ShardRequest, cut_shards, segment_of
from auditor.errors import InventoryError
from auditor.inventory.targets import load_inventory
from auditor.models import Target, TargetKind
from auditor.store.model import FactRecord
from auditor.store.spool import FactSpool
from testkit.ports import free_port


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://user:hunter2@host/", "scheme 'ftp' is not redis:// or rediss://"),
    ("redis://:hunter2@127.0.0.1:99999/0", "bad port"),
    ("redis://:hunter2@/0", "no host"),
])
def test_a_bad_broker_url_is_one_line_without_its_password(url, message):
    with pytest.raises(BrokerError, match=message) as caught:
        BrokerSettings(url)
    assert "hunter2" not in str(caught.value) and "***" in str(caught.value)


def test_redacted_hides_only_the_password():
    assert redacted("rediss://auditor:s3cret@broker.example:6380/2") == "rediss://auditor:***@broker.example:6380/2"
    assert redacted("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert redacted("redis://h/0?Password=s3cret&x=a%20b") == "redis://h/0?Password=***&x=a+b"
    assert redacted("redis://h/0?x=a%20b") == "redis://h/0?x=a%20b"  # nothing to hide: unchanged
    assert redacted("redis://:s3cret@[::1") == "<a malformed URL>"
    assert BrokerSettings("redis://h/0?password=s3cret").has_secret and not BrokerSettings("redis://h/0").has_secret


def test_run_and_worker_refuse_bad_brokers_with_exit_3_before_touching_anything(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUDITOR_TEST_UNSET", raising=False)
    (tmp_path / "keys").mkdir()
    subprocess.run([sys.executable, "-m", "auditor", "keygen", str(tmp_path / "keys" / "w")], check=True,
                   capture_output=True)
    unreachable = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    monkeypatch.setenv("AUDITOR_TEST_BROKER", unreachable)
    cases = [
        (["run", "local", "--broker", unreachable, "--worker-keys", "keys", "--out", "out"], "cannot connect to redis://:***@"),
        (["run", "local", "--broker", "http://h/", "--worker-keys", "keys", "--out", "out"], "is not redis:// or rediss://"),
        (["run", "local", "--broker", unreachable, "--out", "out"], "needs --worker-keys DIR"),
        (["run", "local", "--broker", unreachable, "--worker-keys", "nowhere", "--out", "out"], "--worker-keys"),
        (["run", "local", "--broker", unreachable, "--worker-keys", "keys", "--shard-time-limit", "4000", "--out", "out"],
         "must be less than --visibility-timeout"),
        (["worker", "--broker", unreachable, "--segment", "seg-a", "--key", "keys/w.key"], "cannot connect to redis://:***@"),
        (["worker", "--broker", unreachable, "--segment", "seg a", "--key", "keys/w.key"], "--segment: 'seg a' is not a segment name"),
        (["worker", "--broker", "env:AUDITOR_TEST_BROKER", "--segment", "a", "--key", "keys/w.key"], "cannot connect to redis://:***@"),
        (["worker", "--broker", "env:AUDITOR_TEST_UNSET", "--segment", "a", "--key", "keys/w.key"],
         "--broker: the environment variable AUDITOR_TEST_UNSET is not set"),
    ]
    for argv in cases:  # in this process: the CLI's own error handling, as `auditor` runs it
        code = main([*argv[0], "--quiet"] if argv[0][0] == "run" else argv[0])
        out, err = capsys.readouterr()
        assert code == 3, (argv, err)
        assert err.count("\n") == 1 and argv[1] in err, err
        assert "hunter2" not in out + err
        assert not (tmp_path / "out").exists()  # checked before any output folder is made


def test_inventory_segments_on_hosts_and_groups(tmp_path):
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text("groups:\n  lab: {segment: campus-b.lab}\nhosts:\n"
                         "  - {name: a, address: 127.0.0.1, groups: [lab]}\n"
                         "  - {name: b, address: 127.0.0.2, groups: [lab], segment: dmz}\n"
                         "  - {name: c, address: 127.0.0.3}\n")
    segments = [segment_of(target) for target in load_inventory(inventory)]
    assert segments == ["campus-b.lab", "dmz", "default"]
    inventory.write_text("hosts:\n  - {name: a, address: 127.0.0.1}\n  - {name: b, address: 127.0.0.2, segment: 'x y'}\n")
    with pytest.raises(InventoryError, match=r"inventory.yaml:3: .*segment: 'x y' is not a segment name"):
        load_inventory(inventory)


def test_shards_are_bounded_and_keep_each_segment_in_inventory_order():
    targets = [Target(f"h{n}", TargetKind.NETWORK, "127.0.0.1", segment="a" if n % 3 else None) for n in range(10)]
    shards = cut_shards("run", ProfileRef("baseline"), targets, 4)
    assert [(shard.shard, [t.name for t in shard.targets]) for shard in shards] == [
        ("default/0000", ["h0", "h3", "h6", "h9"]),
        ("a/0000", ["h1", "h2", "h4", "h5"]),
        ("a/0001", ["h7", "h8"]),
    ]
    again = ShardRequest.from_json(shards[1].to_json())
    assert again == shards[1]
    with pytest.raises(ShardError, match="malformed shard message"):
        ShardRequest.from_json({"protocol": PROTOCOL, "run": "r"})


def test_the_spool_keeps_facts_on_disk_and_reads_them_back(tmp_path):
    spool = FactSpool(tmp_path)
    spool.add("h1", {"tls": {"status": "ok", "version": 2, "value": {"port": 443}}})
    spool.add("h2", {"tls": {"status": "error", "reason": "refused"}})
    assert list(spool) == ["h1", "h2"] and len(spool) == 2 and "h1" in spool
    assert spool["h1"]["tls"] == FactRecord("ok", 2, {"port": 443})
    assert spool["h2"]["tls"] == FactRecord("error", reason="refused")
    [folder] = tmp_path.iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700
    with pytest.raises(ValueError, match="spooled twice"):
        spool.add("h1", {})
    spool.close()
    assert not list(tmp_path.iterdir())


def test_the_worker_unit_is_hardened_and_keeps_the_broker_password_out_of_the_command_line():
    unit = Path(__file__).parents[3] / "deploy" / "systemd" / "rifi-auditor-worker@.service"
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string(unit.read_text())
    service = parser["Service"]
    command = service["ExecStart"].split()
    assert command[1:4] == ["-m", "auditor", "worker"]
    assert command[command.index("--broker") + 1] == "env:AUDITOR_BROKER_URL"
    assert command[command.index("--segment") + 1] == "%i"
    for key, value in {"NoNewPrivileges": "yes", "PrivateTmp": "yes", "ProtectSystem": "strict",
                       "ProtectHome": "read-only", "UMask": "0027", "KillSignal": "SIGTERM"}.items():
        assert service[key] == value, key
    assert service["User"] != "root" and "EnvironmentFile" in service


def _campus_profile(root: Path) -> Path:
    """A lab profile extending a campus profile two folders up, which names an SSH policy by path."""
    from auditor import resources

    (root / "common").mkdir(parents=True)
    (root / "labs" / "chem").mkdir(parents=True)
    (root / "common" / "campus.yaml").write_text(
        "name: campus\nextends: baseline\nfail_on: medium\npolicies:\n  ssh-algorithms: ssh.yaml\n")
    shipped = resources.policy_path("ssh-algorithms", "strict").read_text()
    (root / "common" / "ssh.yaml").write_text(shipped.replace("policy: strict", "policy: campus-ssh", 1))
    (root / "labs" / "chem" / "rules.yaml").write_text(
        "repositories:\n  - name: raw\n    path: /srv/data/raw/\n    classification: restricted\n"
        "    owner_group: lab\n")
    lab = root / "labs" / "chem" / "lab.yaml"
    lab.write_text("name: chem-lab\nextends: ../../common/campus.yaml\nselect: ['ssh-wire.*', 'services.*']\n"
                   "collectors:\n  repositories:\n    rules: rules.yaml\n")
    return lab


def test_a_profile_extending_relative_files_reaches_workers_whole(tmp_path, monkeypatch):
    from auditor.config.profile import load_profile
    from auditor.distributed.coordinator import profile_ref
    from auditor.distributed.worker import _profile
    from auditor.registry import default_registry

    registry = default_registry()
    lab = _campus_profile(tmp_path / "coordinator")
    monkeypatch.chdir(lab.parent)  # the user names the profile relative to where they are
    here = load_profile("lab.yaml", registry)
    assert [Path(file).name for file in here.files] == ["lab.yaml", "rules.yaml", "campus.yaml", "ssh.yaml"]
    ref = profile_ref("lab.yaml", here)
    assert sorted(ref.files) == ["../../common/campus.yaml", "../../common/ssh.yaml", "lab.yaml", "rules.yaml"]
    sent = ShardRequest.from_json(ShardRequest("run", "default/0000", "default", ref, ()).to_json()).profile
    scratch = tmp_path / "worker"
    scratch.mkdir()
    there = _profile(sent, registry, scratch)
    assert (there.chain, there.selected, there.fail_on) == (here.chain, here.selected, here.fail_on)
    assert there.policies == here.policies and there.policies["ssh-algorithms"]["policy"] == "campus-ssh"
    rules = [[(repo.name, repo.path) for repo in profile.collectors["repositories"]["rules"].repositories]
             for profile in (here, there)]
    assert rules[0] == rules[1] == [("raw", "/srv/data/raw")]
    assert all(path.is_relative_to(scratch) for path in scratch.rglob("*"))


def test_a_shipped_profile_travels_by_name():
    from auditor.config.profile import load_profile
    from auditor.distributed.coordinator import profile_ref
    from auditor.registry import default_registry

    ref = profile_ref("strict", load_profile("strict", default_registry()))
    assert ref == ProfileRef("strict") and not ref.files


@pytest.mark.parametrize(("files", "message"), [
    ({"lab.yaml": "name: x\n", "{absolute}": "planted\n"}, "outside its folder"),
    ({"lab.yaml": "name: x\n", "..": "planted\n"}, "outside its folder"),
    ({"lab.yaml": "name: x\n", "../..": "planted\n"}, "outside its folder"),
    ({"lab.yaml": "name: x\n", "a": "planted\n", "a/b.yaml": "planted\n"}, "cannot be laid out"),
    ({"lab.yaml": "name: x\n", "../" * 40 + "x.yaml": "planted\n"}, "climb more than 32"),
    ({"lab.yaml": "name: x\n", "x" * 300 + ".yaml": "planted\n"}, "cannot be laid out"),
    ({f"f{n}.yaml": "planted\n" for n in range(65)}, "more than 64 files"),
])
def test_a_shard_cannot_make_a_worker_write_outside_its_folder(tmp_path, files, message):
    from auditor.distributed.worker import _profile
    from auditor.registry import default_registry

    planted = tmp_path / "planted.yaml"  # where an absolute path in the message points
    files = {(str(planted) if name == "{absolute}" else name): text for name, text in files.items()}
    scratch = tmp_path / "shards" / "scratch"
    scratch.mkdir(parents=True)
    with pytest.raises(ShardError, match=message):
        _profile(ProfileRef("lab.yaml", files), default_registry(), scratch)
    written = [path for path in tmp_path.rglob("*") if path.is_file() and not path.is_relative_to(scratch)]
    assert written == []


def test_profile_files_going_up_stay_under_the_shards_folder(tmp_path):
    from auditor.distributed.worker import _profile
    from auditor.registry import default_registry

    scratch = tmp_path / "shards" / "scratch"
    scratch.mkdir(parents=True)
    files = {"lab.yaml": "name: x\nextends: ../../../up.yaml\n", "../../../up.yaml": "name: up\nextends: baseline\n"}
    assert _profile(ProfileRef("lab.yaml", files), default_registry(), scratch).chain == ("x", "up", "baseline")
    assert sorted(path.name for path in tmp_path.rglob("*.yaml")) == ["lab.yaml", "up.yaml"]
    assert all(path.is_relative_to(scratch) for path in tmp_path.rglob("*.yaml"))


@pytest.mark.integration
def test_a_worker_compares_set_id_programs_with_the_previous_run_its_shard_carries(tmp_path, monkeypatch):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from auditor.config.profile import load_profile
    from auditor.distributed import worker
    from auditor.distributed.shards import ShardReply
    from auditor.previous import previous_run
    from auditor.registry import default_registry
    from auditor.runner import Runner
    from auditor.snapshots import build_snapshot

    root = tmp_path / "sysroot" / "bin"
    root.mkdir(parents=True)
    (root / "tool").write_bytes(b"#!/bin/sh\n")
    (root / "tool").chmod(0o4755)
    profile_file = tmp_path / "profile.yaml"
    profile_file.write_text("name: setid\nextends: baseline\nselect: ['host.setid-new']\n"
                            f"collectors:\n  host_kernel:\n    scan_paths: ['{root.parent}']\n")
    registry = default_registry()
    profile = load_profile(str(profile_file), registry)
    local = Target(name="local", kind=TargetKind.LOCAL)
    before = previous_run(build_snapshot(Runner(registry, profile).run([local])), "first run", frozenset({"host_kernel"}))
    (root / "new").write_bytes(b"payload")
    (root / "new").chmod(0o4755)
    monkeypatch.setattr(worker, "_IDENTITY", [worker.WorkerIdentity("default", "w1", Ed25519PrivateKey.generate())])
    from auditor.distributed.coordinator import profile_ref

    verdicts = {}
    for label, previous in (("with", before), ("without", None)):
        (shard,) = cut_shards("run", profile_ref(str(profile_file), profile), [local], 10, previous)
        reply = ShardReply.from_json(worker.audit_shard(shard.to_json()))  # as the message travels
        (result,) = [r for r in reply.snapshot["results"] if r["check_id"] == "host.setid-new"]
        verdicts[label] = (result["status"], [f["resource"] for f in reply.snapshot["findings"]])
    assert verdicts["with"] == ("fail", [f"setid:{root / 'new'}"])
    assert verdicts["without"] == ("not-assessable", [])


@pytest.mark.parametrize("previous", [{"source": "x"}, {"source": "x", "targets": {"h": {"missing": "", "records": [1]}}},
                                      {"source": "x", "targets": ["h"]}])
def test_a_malformed_previous_run_in_a_shard_is_refused(previous):
    message = ShardRequest("run", "default/0000", "default", ProfileRef("baseline"), ()).to_json()
    with pytest.raises(ShardError, match="malformed shard message"):
        ShardRequest.from_json({**message, "previous": previous})
