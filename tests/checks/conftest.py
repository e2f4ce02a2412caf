"""Fixtures for the SSH wire audit: real sshd daemons with weak and hardened configurations.

(Hostile servers come from tests/conftest.py: ``hostile(behaviour)``.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit import sshd_lab


def _daemon(sshd_binary: str, directory: Path, spec: dict) -> Iterator[sshd_lab.SshdServer]:
    if os.geteuid() != 0:
        pytest.skip("starting sshd on its own port needs root")
    server = sshd_lab.start_sshd(sshd_binary, directory, spec)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def weak_sshd(sshd_binary, tmp_path_factory) -> Iterator[sshd_lab.SshdServer]:
    """A running sshd with every weakness OpenSSH 9.2 still allows (see sshd_lab.WEAK)."""
    yield from _daemon(sshd_binary, tmp_path_factory.mktemp("weak-sshd"), sshd_lab.WEAK)


@pytest.fixture(scope="session")
def hardened_sshd(sshd_binary, tmp_path_factory) -> Iterator[sshd_lab.SshdServer]:
    """A running sshd with a hardened configuration (see sshd_lab.HARDENED)."""
    yield from _daemon(sshd_binary, tmp_path_factory.mktemp("hardened-sshd"), sshd_lab.HARDENED)
