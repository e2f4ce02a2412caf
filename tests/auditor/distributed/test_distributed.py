"""Distributed runs end to end: a real redis-server, real `auditor worker` processes, loopback targets.

Workers serve queues seg-a and seg-b; the coordinator is `auditor run --broker`. Each test that
breaks something (kills a worker, forges a key, stalls a shard) starts workers of its own.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from testkit.fleet_lab import Tarpit, Worker, start_worker
from testkit.ports import free_port
from testkit.services_lab import Lab

pytestmark = pytest.mark.integration

PASSWORD = "broker-pw-7f3a9c"  # must never appear in any output
AUDITOR = [sys.executable, "-m", "auditor"]


@dataclass
class Fleet:
    work: Path
    broker: str
    ssh_port: int
    enrolled: Path  # folder of enrolled public keys
    workers: dict[str, Worker]

    def inventory(self, name: str, hosts: list[tuple[str, str, int]]) -> Path:
        """(host name, segment, port) on 127.0.0.1."""
        path = self.work / name
        path.write_text("hosts:\n" + "".join(f"  - {{name: {host}, address: 127.0.0.1, ports: [{port}], "
                                             f"segment: {segment}}}\n" for host, segment, port in hosts))
        return path

    def run(self, out: str, inventory: Path, *extra: str, broker: bool = True, profile: str = "profile.yaml",
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        fleet = ["--broker", self.broker, "--worker-keys", str(self.enrolled)] if broker else []
        return subprocess.run([*AUDITOR, "run", "--inventory", str(inventory), "--profile", profile,
                               "--out", out, *fleet, *extra], cwd=self.work, capture_output=True, text=True,
                              timeout=timeout)


def keygen(work: Path, name: str) -> Path:
    subprocess.run([*AUDITOR, "keygen", str(work / name)], check=True, capture_output=True)
    return work / f"{name}.key"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, sshd_binary):
    work = tmp_path_factory.mktemp("fleet")
    lab = Lab(work / "lab")
    redis = lab.redis("127.0.0.1", free_port(), password=PASSWORD)
    broker = f"redis://:{PASSWORD}@127.0.0.1:{redis.port}/0"
    enrolled = work / "enrolled"
    enrolled.mkdir()
    for name in ("worker-a", "worker-b"):
        keygen(work, name)
        (enrolled / f"{name}.pub").write_bytes((work / f"{name}.pub").read_bytes())
    keygen(work, "rogue")  # a key nobody enrolled
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(work / "host_key")], check=True)
    port = free_port()
    sshd = subprocess.Popen([sshd_binary, "-D", "-e", "-o", f"HostKey={work / 'host_key'}", "-o", "PidFile=none",
                             "-o", "ListenAddress=127.0.0.1", "-o", "MaxStartups=200:30:400", "-p", str(port)],
                            stderr=subprocess.DEVNULL)  # every host is this one sshd: no random early drops
    (work / "profile.yaml").write_text(
        # Not the throttling probe: it holds a dozen connections to the one sshd every host shares, so
        # two workers probing at once starve each other's banner reads (a local run goes host by host).
        "name: fleet-test\nversion: '1'\nextends: baseline\nselect: ['ssh-wire.*']\n"
        "exclude: ['ssh-wire.connection-throttling']\n"
        "collectors:\n  discovery: {enabled: false}\n  ssh_wire: {ports: []}\n"
        "timeouts: {connect: 3, command: 3, target: 30}\n")  # a tarpit target takes ~7 s (one retry)
    workers = {segment: start_worker(broker, segment, work / f"worker-{segment[-1]}.key", work)
               for segment in ("seg-a", "seg-b")}
    try:
        for worker in workers.values():
            worker.wait_ready()
        yield Fleet(work, broker, port, enrolled, workers)
    finally:
        for worker in workers.values():
            worker.stop()
        sshd.terminate()
        sshd.wait(timeout=10)
        for daemon in lab.daemons:
            daemon.stop()


def outcome(out: Path) -> tuple[list[tuple[str, str, str]], list[str], list[str]]:
    """(check, target, status) of every result, every finding fingerprint, every target: sorted."""
    document = json.loads((out / "snapshot.json").read_text())
    return (sorted((r["check_id"], r["target"], r["status"]) for r in document["results"]),
            sorted(f["fingerprint"] for f in document["findings"]),
            sorted(t["name"] for t in document["targets"]))


def assert_no_password(*texts: str, folder: Path | None = None) -> None:
    for text in texts:
        assert PASSWORD not in text
    for path in (folder.iterdir() if folder else ()):
        assert PASSWORD not in path.read_text(errors="replace"), path


def test_two_segments_give_the_snapshot_of_a_local_run(fleet):
    hosts = [(f"{s}{n}", f"seg-{s}", fleet.ssh_port) for s in "ab" for n in range(3)]
    inventory = fleet.inventory("two.yaml", hosts)
    with inventory.open("a") as extra:  # this machine: the coordinator's own, never sent to a worker
        extra.write("  - {name: here, local: true, segment: seg-a}\n")
    distributed = fleet.run("distributed", inventory, "--shard-size", "2")
    local = fleet.run("local", inventory, broker=False)
    assert distributed.returncode == local.returncode == 1, distributed.stderr
    results, fingerprints, targets = outcome(fleet.work / "distributed")
    assert (results, fingerprints, targets) == outcome(fleet.work / "local")
    assert len(fingerprints) == len(set(fingerprints)) > 0 and {"site", "here"} <= set(targets)
    assert "shards 4/4, targets 6/6" in distributed.stderr  # progress counts shards and targets
    # Each worker saw only its own segment's hosts.
    for segment, worker in fleet.workers.items():
        audited = {name for line in worker.log.splitlines() if "targets:" in line
                   for name in line.split("targets: ")[1].split()}
        assert audited == {host for host, seg, _ in hosts if seg == segment}
    assert_no_password(distributed.stdout, distributed.stderr, folder=fleet.work / "distributed")
    assert_no_password(*(worker.log for worker in fleet.workers.values()))


def test_a_worker_killed_mid_shard_is_replaced_and_every_target_is_audited_once(fleet):
    tarpit = Tarpit()  # the first shard waits on it for seconds: long enough to be killed mid-shard
    hosts = [("k-slow", "seg-k", tarpit.port), *((f"k{n}", "seg-k", fleet.ssh_port) for n in range(3))]
    inventory = fleet.inventory("kill.yaml", hosts)
    visibility = ["--visibility-timeout", "12"]
    first = start_worker(fleet.broker, "seg-k", fleet.work / "worker-a.key", fleet.work, *visibility)
    replacement = None
    try:
        first.wait_ready()
        coordinator = subprocess.Popen(
            [*AUDITOR, "run", "--inventory", str(inventory), "--profile", "profile.yaml", "--out", "killed",
             "--broker", fleet.broker, "--worker-keys", str(fleet.enrolled), "--shard-size", "1", "--shard-time-limit", "10",
             *visibility],
            cwd=fleet.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first.wait_for("shard seg-k/0000")
        first.kill()
        replacement = start_worker(fleet.broker, "seg-k", fleet.work / "worker-a.key", fleet.work, *visibility)
        _, stderr = coordinator.communicate(timeout=120)
    finally:
        first.stop()
        if replacement is not None:
            replacement.stop()
        tarpit.close()
    assert coordinator.returncode in (1, 2), stderr
    assert "shard seg-k/0000" in replacement.log  # delivered again after the visibility timeout
    document = json.loads((fleet.work / "killed" / "snapshot.json").read_text())
    assert Counter(t["name"] for t in document["targets"]) == Counter(["k-slow", "k0", "k1", "k2", "site"])
    pairs = [(r["check_id"], r["target"]) for r in document["results"]]
    assert len(pairs) == len(set(pairs))
    assert {r["target"] for r in document["results"] if r["status"] == "fail"} == {"k0", "k1", "k2"}


def test_forged_slow_and_orphaned_shards_become_errors_and_the_run_completes(fleet):
    # The tarpit holds its shard for a minute (30 s timeouts, one retry): far past the 15 s limit,
    # which the shards of real sshd targets stay well within even on a busy machine.
    (fleet.work / "patient.yaml").write_text(
        (fleet.work / "profile.yaml").read_text().replace("connect: 3, command: 3", "connect: 30, command: 30"))
    tarpit = Tarpit()
    hosts = [("ok0", "seg-a", fleet.ssh_port), ("forged0", "seg-rogue", fleet.ssh_port),
             ("slow0", "seg-slow", tarpit.port), ("lost0", "seg-none", fleet.ssh_port)]
    inventory = fleet.inventory("faults.yaml", hosts)
    rogue = start_worker(fleet.broker, "seg-rogue", fleet.work / "rogue.key", fleet.work)
    slow = start_worker(fleet.broker, "seg-slow", fleet.work / "worker-a.key", fleet.work)
    try:
        rogue.wait_ready()
        slow.wait_ready()
        started = time.monotonic()
        completed = fleet.run("faults", inventory, "--shard-time-limit", "15", "--worker-deadline", "4",
                              profile="patient.yaml")
        elapsed = time.monotonic() - started
    finally:
        rogue.stop()
        slow.stop()
        tarpit.close()
    assert completed.returncode == 2, completed.stderr
    assert elapsed < 60  # the 15 s limit, not the tarpit's minute
    assert "shard seg-rogue/0000 rejected: signed by a key not enrolled (SHA256:" in completed.stderr
    assert "shard seg-slow/0000 exceeded its time limit of 15 s" in completed.stderr
    assert "no worker for segment seg-none (no shard taken within 4 s)" in completed.stderr
    document = json.loads((fleet.work / "faults" / "snapshot.json").read_text())
    reasons = {r["target"]: r["reason"] for r in document["results"] if r["status"] == "error"}
    assert set(reasons) == {"forged0", "slow0", "lost0"}
    assert "not enrolled" in reasons["forged0"] and "time limit" in reasons["slow0"]
    assert reasons["lost0"] == "no worker for segment seg-none (no shard taken within 4 s)"
    statuses = {r["status"] for r in document["results"] if r["target"] == "ok0"}
    assert "fail" in statuses and "error" not in statuses
    assert "forged0" not in document["facts"]  # nothing of a rejected shard is kept


class _Touch:
    """Unpickling this creates a marker file: what a pickle message can make a worker do."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_pickle_message_is_refused_by_the_worker(fleet):
    from kombu import Connection

    marker = fleet.work / "pickle-ran"
    worker = fleet.workers["seg-a"]
    with Connection(fleet.broker) as connection:
        connection.Producer().publish(
            ((_Touch(marker),), {}, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}),
            routing_key="seg-a", serializer="pickle",
            headers={"lang": "py", "task": "auditor.audit_shard", "id": "pickle-1", "root_id": "pickle-1",
                     "parent_id": None, "group": None, "retries": 0, "eta": None, "expires": None,
                     "argsrepr": "", "kwargsrepr": "", "origin": "test"})
    worker.wait_for("Refusing to deserialize")
    assert not marker.exists()
    assert pickle.dumps(1)  # the test process itself can still pickle: the refusal is the worker's


def test_the_app_refuses_pickle_in_code():
    from kombu.exceptions import ContentDisallowed
    from kombu.serialization import loads

    from auditor.distributed.app import BrokerSettings, make_app

    app = make_app(BrokerSettings("redis://127.0.0.1:1/0"))
    assert app.conf.accept_content == ["json"] and app.conf.result_accept_content == ["json"]
    assert app.conf.task_serializer == app.conf.result_serializer == "json"
    with pytest.raises(ContentDisallowed):
        loads(pickle.dumps({"a": 1}), "application/x-python-serialize", "binary")


def test_a_tls_broker_with_a_password_and_a_private_ca(fleet):
    from testkit.tls_lab import Pki

    pki = Pki(fleet.work / "pki")
    chain, key = pki.leaf("broker", "localhost")
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
                              "--tls-cert-file", str(chain), "--tls-key-file", str(key), "--tls-ca-cert-file",
                              str(pki.root_file), "--tls-auth-clients", "no", "--requirepass", PASSWORD, "--save", "",
                              "--appendonly", "no", "--dir", str(fleet.work)], stdout=subprocess.DEVNULL)
    broker = f"rediss://:{PASSWORD}@localhost:{port}/0"
    inventory = fleet.inventory("tls.yaml", [("t0", "seg-t", fleet.ssh_port)])
    worker = start_worker(broker, "seg-t", fleet.work / "worker-a.key", fleet.work, "--broker-ca", str(pki.root_file))
    try:
        worker.wait_ready()
        common = [*AUDITOR, "run", "--inventory", str(inventory), "--profile", "profile.yaml", "--broker", broker,
                  "--worker-keys", str(fleet.enrolled)]
        # Without the private CA the broker's certificate is not trusted: refused, exit 3.
        untrusted = subprocess.run([*common, "--out", "untrusted"], cwd=fleet.work, capture_output=True, text=True,
                                   timeout=60)
        completed = subprocess.run([*common, "--out", "tls", "--broker-ca", str(pki.root_file)], cwd=fleet.work,
                                   capture_output=True, text=True, timeout=60)
    finally:
        worker.stop()
        redis.terminate()
        redis.wait(timeout=10)
    assert untrusted.returncode == 3 and "cannot connect to rediss://:***@localhost" in untrusted.stderr
    assert completed.returncode == 1, completed.stderr
    assert outcome(fleet.work / "tls")[2] == ["site", "t0"]
    assert_no_password(untrusted.stderr, completed.stdout, completed.stderr, worker.log, folder=fleet.work / "tls")
