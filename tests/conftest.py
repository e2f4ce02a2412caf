"""Shared fixtures for tests that use the real OpenSSH daemon binary."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or shutil.which("sshd", path="/usr/sbin:/usr/local/sbin")


@pytest.fixture(scope="session")
def sshd_binary() -> str:
    """Path of the real sshd; `sshd -T` also needs its privilege separation directory."""
    if SSHD is None:
        pytest.skip("openssh-server is not installed")
    privsep = Path("/run/sshd")
    if not privsep.is_dir():
        if os.geteuid() != 0:
            pytest.skip("/run/sshd is missing and only root can create it")
        privsep.mkdir(mode=0o755, parents=True)
    return SSHD


@pytest.fixture
def host_key(tmp_path: Path) -> Path:
    """A fresh Ed25519 host key (mode 0600, owned by whoever runs the tests)."""
    path = tmp_path / "ssh_host_ed25519_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path
