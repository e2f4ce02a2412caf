"""Hosts: where host checks read files and run commands (this machine, or one reached over SSH).

Every command is an argument list; nothing is ever passed through a local shell (the SSH
backend, ``auditor.hosts.ssh``, quotes it with ``shlex.join`` for the remote one).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

# Commands run during an audit must not hang on a prompt or a pager.
QUIET_ENV = {"LC_ALL": "C", "PAGER": "cat", "SYSTEMD_PAGER": ""}
STREAM_CHUNK = 1 << 16
STDERR_LIMIT = 64 * 1024  # a streamed command's stderr kept for diagnosis; the rest is counted


class CommandStream(Protocol):
    """A running command's stdout, read in chunks as it arrives (see ``Host.stream``).

    ``returncode``, ``stderr`` (its first 64 KiB, decoded) and ``timed_out`` are final once
    iteration has ended.
    """

    returncode: int | None
    timed_out: bool

    def __iter__(self) -> Iterator[bytes]:
        """Chunks of stdout until the command ends (or is killed at its timeout)."""

    @property
    def stderr(self) -> str:
        """What the command wrote to stderr, bounded."""


@dataclass(frozen=True)
class CommandResult:
    """Exit status and output of one command."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True when the command exited 0."""
        return self.returncode == 0

    def first_error_line(self) -> str:
        """The first non-empty line of stderr (or stdout), for one-line reasons."""
        for line in (self.stderr + "\n" + self.stdout).splitlines():
            if line.strip():
                return line.strip()
        return f"exit status {self.returncode}"


@dataclass(frozen=True)
class FileStat:
    """The parts of stat(2) the checks judge."""

    path: str
    mode: int  # permission bits only, e.g. 0o600
    uid: int
    gid: int
    owner: str
    group: str
    is_file: bool

    def to_dict(self) -> dict[str, object]:
        """JSON form for facts."""
        return {
            "path": self.path,
            "mode": f"{self.mode:04o}",
            "uid": self.uid,
            "gid": self.gid,
            "owner": self.owner,
            "group": self.group,
            "is_file": self.is_file,
        }


class Host(Protocol):
    """What host collectors may do on a target."""

    name: str

    def which(self, program: str, extra_dirs: Sequence[str] = ()) -> str | None:
        """Absolute path of ``program`` on the host, or None."""

    def run(self, argv: Sequence[str], *, timeout: float, privileged: bool = False) -> CommandResult:
        """Run a command (argument list, no shell) and capture its output.

        ``privileged`` asks for root where the backend may escalate (``sudo -n`` over SSH when
        the inventory allows it); a refused escalation raises NotAssessable.
        """

    def stream(self, argv: Sequence[str], *, timeout: float,
               privileged: bool = False) -> AbstractContextManager[CommandStream]:
        """Run a command and read its stdout as a stream, for outputs too large to hold.

        The command is killed when ``timeout`` passes (``timed_out`` is then True) and when
        the ``with`` block exits early. A missing program raises CollectError.
        """

    def read_text(self, path: str) -> str:
        """Read a text file; raises FileNotFoundError / PermissionError / OSError."""

    def glob(self, pattern: str) -> list[str]:
        """Sorted paths matching ``pattern``, like glob(3)."""

    def stat(self, path: str) -> FileStat:
        """stat(2) of ``path``; raises FileNotFoundError / PermissionError."""

    def is_privileged(self) -> bool:
        """True when commands run as root."""

    def close(self) -> None:
        """Release connections; the runner calls it when the target's audit ends."""
