"""SSH connection throttling (DHEat) against real sshd on loopback, and the check from recorded facts.

One sshd runs with ``MaxStartups 2:100:2`` (a third unauthenticated connection is refused),
one with ``MaxStartups 100:30:200`` (nothing refused below 100). The probe holds at most 12.
"""

from __future__ import annotations

import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import testkit
from auditor.check import CheckContext, CheckSkipped, CollectEnv
from auditor.checks.ssh_wire import throttle
from auditor.checks.ssh_wire.client import RawSession, WireError
from auditor.checks.ssh_wire.collector import SshWireCollector
from auditor.checks.ssh_wire.facts import SshWireFacts, ThrottleProbe, WirePort
from auditor.checks.ssh_wire.throttle import SETTLE_SECONDS, probe_throttling
from auditor.config.profile import load_profile
from auditor.errors import NotAssessable, ProfileError
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry
from testkit import sshd_lab

REGISTRY = default_registry()
CHECK = "ssh-wire.connection-throttling"


def _sshd(sshd_binary: str, directory: Path, max_startups: str) -> Iterator[sshd_lab.SshdServer]:
    settings = [line for line in sshd_lab.HARDENED["settings"] if not line.startswith("PerSourceMaxStartups")]
    spec = {**sshd_lab.HARDENED, "settings": [*settings, f"MaxStartups {max_startups}"]}
    server = sshd_lab.start_sshd(sshd_binary, directory, spec)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def tight_sshd(sshd_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sshd_lab.SshdServer]:
    yield from _sshd(sshd_binary, tmp_path_factory.mktemp("tight-sshd"), "2:100:2")


@pytest.fixture(scope="module")
def generous_sshd(sshd_binary: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sshd_lab.SshdServer]:
    yield from _sshd(sshd_binary, tmp_path_factory.mktemp("generous-sshd"), "100:30:200")


def collect(port: int, **options: Any) -> SshWireFacts:
    target = Target(name=f"127.0.0.1:{port}", kind=TargetKind.NETWORK, address="127.0.0.1", ports=(port,))
    env = CollectEnv(target=target, host=None, options={**SshWireCollector.options, "ports": [], **options},
                     timeout=20, connect_timeout=3)
    return SshWireCollector().collect(env)


def judge(facts: SshWireFacts) -> tuple[list[Finding], CheckContext]:
    profile = load_profile("baseline", REGISTRY)
    check = REGISTRY.checks[CHECK]
    ctx = CheckContext(check=check, target=Target("h", TargetKind.NETWORK, address="127.0.0.1"),
                       options=profile.options[CHECK], severity=profile.severity[CHECK])
    return check().judge(testkit.fact_set(facts), ctx), ctx


@pytest.mark.integration
def test_a_server_refusing_the_third_connection_is_throttled(tight_sshd: sshd_lab.SshdServer) -> None:
    facts = collect(tight_sshd.port)
    probe = facts.ports[0].throttle
    assert probe is not None and probe.refused is True and probe.held == 2, probe
    assert probe.detail.startswith("connection 3 refused while 2 were held")
    findings, ctx = judge(facts)
    assert findings == [] and ctx.details[f"tcp/{tight_sshd.port}"] == probe.detail


@pytest.mark.integration
def test_a_server_letting_one_client_hold_ten_is_a_finding(generous_sshd: sshd_lab.SshdServer) -> None:
    started = time.monotonic()
    facts = collect(generous_sshd.port)
    assert time.monotonic() - started < 15
    probe = facts.ports[0].throttle
    assert probe == ThrottleProbe(connections=10, held=10, refused=False,
                                  detail="held 10 unauthenticated connections at once, none refused")
    findings, _ = judge(facts)
    assert [(f.resource, f.severity) for f in findings] == [(f"tcp/{generous_sshd.port}:throttling",
                                                             Severity.MEDIUM)]
    assert findings[0].measures == ("PRV-5", "PRV-6")


@pytest.mark.integration
def test_the_probe_never_holds_more_than_twelve(generous_sshd: sshd_lab.SshdServer) -> None:
    assert probe_throttling("127.0.0.1", generous_sshd.port, 50, 3).held == 12


@pytest.mark.integration
def test_a_refusal_is_confirmed_after_the_settle_time(tight_sshd: sshd_lab.SshdServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []

    def recorded_sleep(seconds: float) -> None:
        pauses.append(seconds)
        time.sleep(seconds)

    # The probe's own clock only: other threads keep the real time.sleep.
    monkeypatch.setattr(throttle, "time", types.SimpleNamespace(sleep=recorded_sleep))
    probe = probe_throttling("127.0.0.1", tight_sshd.port, 10, 3)
    assert probe.refused is True and probe.held == 2, probe
    assert pauses == [SETTLE_SECONDS]


@pytest.mark.integration
def test_a_server_at_exactly_the_probes_size_is_not_refused_after_the_audits_own_connections(
        sshd_binary: str, tmp_path: Path) -> None:
    # MaxStartups 10: the tenth connection is accepted only if none of the wire audit's earlier
    # connections still counts, which is the case the confirmation after SETTLE_SECONDS is for.
    for server in _sshd(sshd_binary, tmp_path / "exact", "10:100:10"):
        for _ in range(3):
            probe = collect(server.port).ports[0].throttle
            assert probe == ThrottleProbe(connections=10, held=10, refused=False,
                                          detail="held 10 unauthenticated connections at once, none refused")


@pytest.mark.integration
def test_sshd_closes_its_side_of_every_connection_of_the_wire_audit(tight_sshd: sshd_lab.SshdServer) -> None:
    with RawSession("127.0.0.1", tight_sshd.port, 3, 6) as session:
        session.identify()
        session.read_kexinit()
    assert session.peer_closed


@pytest.mark.integration
def test_a_listener_that_never_closes_costs_at_most_the_connections_budget() -> None:
    import socket

    started = time.monotonic()
    with socket.create_server(("127.0.0.1", 0)) as listener, \
            pytest.raises(WireError, match="no SSH identification"), \
            RawSession("127.0.0.1", listener.getsockname()[1], 1, 0.3) as session:  # accepts, never speaks
        session.identify()
    assert not session.peer_closed and time.monotonic() - started < 2


@pytest.mark.integration
def test_a_silent_listener_is_not_assessable() -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as listener:  # accepts (backlog), never speaks
        probe = probe_throttling("127.0.0.1", listener.getsockname()[1], 4, 0.5)
    assert probe.refused is None and "no identification within 0.5 s" in probe.detail
    with pytest.raises(NotAssessable, match="no identification"):
        judge(SshWireFacts((WirePort(port=22, origin="target", throttle=probe),)))


def test_without_the_probe_the_check_is_skipped() -> None:
    with pytest.raises(CheckSkipped, match="throttle_probe: 0"):
        judge(SshWireFacts((WirePort(port=22, origin="target"),)))


def test_throttle_probe_option_is_validated(tmp_path: Path) -> None:
    for bad in ("1", "13", "2.5", "-1"):
        path = tmp_path / "p.yaml"
        path.write_text(f"name: t\nextends: baseline\ncollectors:\n  ssh_wire:\n    throttle_probe: {bad}\n")
        with pytest.raises(ProfileError, match=r"p.yaml:5: .*throttle_probe"):
            load_profile(str(path), REGISTRY)
