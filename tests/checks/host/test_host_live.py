"""The host collectors on this machine: locally, and over a real sshd on loopback (same machine,
so both must see the same facts)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from auditor.checks.host.collector_patching import PatchCollector
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
