"""The host collectors on this machine: locally, and over a real sshd on loopback (same machine,
so both must see the same facts)."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from auditor.checks.host.collector_accounts import AccountsCollector
from auditor.checks.host.collector_kernel import KernelCollector
from auditor.checks.host.collector_logging import LoggingCollector
from auditor.checks.host.collector_patching import PatchCollector
from auditor.config.policies import load_policy
from auditor.hosts.local import LocalHost
from auditor.hosts.ssh import connect_host
from testkit.hostkit import collect, judge

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def remote(start_sshd: Any) -> Iterator[Any]:
    server = start_sshd()
    host = connect_host(server.target(), server.settings())
    yield server, host
    host.close()
    server.stop()


@pytest.mark.skipif(shutil.which("apt-get") is None, reason="a Debian-family machine")
def test_patching_facts_locally_and_over_ssh_agree(remote: Any) -> None:
    server, host = remote
    local = collect(PatchCollector(), LocalHost())
    over_ssh = collect(PatchCollector(), host, target=server.target())
    assert local.manager == over_ssh.manager == "apt"
    assert local.pending is not None and local.pending == over_ssh.pending
    assert all(any(origin.endswith("-security") for origin in update.origins)
               for update in local.pending if update.security)
    findings, ctx = judge("host.security-updates", local)
    security = sorted({update.package for update in local.pending if update.security})
    assert ctx.details["pending"] == str(len(security))
    if security:
        assert findings[0].evidence["count"] == str(len(security))
        assert findings[0].message.split(": ", 1)[1].startswith(", ".join(security[:3]))
    assert local.os == over_ssh.os and local.os.id


def test_accounts_facts_locally_and_over_ssh_agree(remote: Any) -> None:
    server, host = remote
    local = collect(AccountsCollector(), LocalHost())
    over_ssh = collect(AccountsCollector(), host, target=server.target())
    assert dataclasses.replace(over_ssh, collected_at=0) == dataclasses.replace(local, collected_at=0)
    assert any(account.name == "root" and account.uid == 0 for account in local.accounts)
    assert local.shadow_error == "" and local.sudo_rules is not None  # the tests run as root
    for check_id in ("host.uid0-accounts", "host.empty-passwords", "host.sudo-nopasswd-all"):
        judge(check_id, local)  # judged, not not-assessable


def test_logging_facts_locally_and_over_ssh_agree(remote: Any) -> None:
    server, host = remote
    local = collect(LoggingCollector(), LocalHost())
    over_ssh = collect(LoggingCollector(), host, target=server.target())
    assert local.processes_listed and over_ssh.processes_listed
    # the test sshd's own session processes differ; the daemons of interest do not
    assert over_ssh == local
    for check_id in ("host.persistent-logs", "host.remote-logging", "host.auditd", "host.time-sync"):
        judge(check_id, local)  # judged on this machine: a verdict, not not-assessable


def test_kernel_facts_locally_and_over_ssh_agree(remote: Any) -> None:
    server, host = remote
    policies = {"host-sysctl": load_policy("host-sysctl", "default")}
    local = collect(KernelCollector(), LocalHost(), policies=policies)
    over_ssh = collect(KernelCollector(), host, target=server.target(), policies=policies)
    assert local.sysctl and local.sysctl == over_ssh.sysctl
    assert local.special_files is not None and local.special_files == over_ssh.special_files
    assert local.firewalls == over_ssh.firewalls
    for check_id in ("host.sysctl", "host.world-writable", "host.setid-files"):
        judge(check_id, local)  # judged on this machine: a verdict, not not-assessable
