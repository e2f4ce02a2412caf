"""Hosts: where host checks read files and run commands (this machine, or one reached over SSH).

Every command is an argument list; nothing is ever passed through a local shell (the SSH
backend, ``auditor.ssh_host``, quotes it with ``shlex.join`` for the remote one).
"""

from __future__ import annotations

import glob
import grp
import os
import pwd
import shutil
import stat
import subprocess
import threading
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from auditor.errors import CollectError

# Commands run during an audit must not hang on a prompt or a pager.
QUIET_ENV = {"LC_ALL": "C", "PAGER": "cat", "SYSTEMD_PAGER": ""}
_STREAM_CHUNK = 1 << 16
_STDERR_LIMIT = 64 * 1024  # a streamed command's stderr kept for diagnosis; the rest is counted


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


class LocalHost:
    """This machine."""

    name = "local"

    def which(self, program: str, extra_dirs: Sequence[str] = ()) -> str | None:
        """Search PATH and then ``extra_dirs`` (sbin directories are often not on a user's PATH)."""
        if os.sep in program:
            return program if os.access(program, os.X_OK) else None
        found = shutil.which(program)
        if found:
            return found
        return shutil.which(program, path=os.pathsep.join(extra_dirs)) if extra_dirs else None

    def run(self, argv: Sequence[str], *, timeout: float, privileged: bool = False) -> CommandResult:
        """Run ``argv`` with a timeout; a missing program or a timeout is a CollectError.

        ``privileged`` changes nothing here: local commands run as whoever runs the auditor.
        """
        env = {**os.environ, **QUIET_ENV}
        try:
            completed = subprocess.run(
                list(argv),
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                env=env,
                check=False,
            )
        except FileNotFoundError:
            raise CollectError(f"{argv[0]}: command not found") from None
        except subprocess.TimeoutExpired:
            raise CollectError(f"{argv[0]}: no answer within {timeout:g} s") from None
        except OSError as exc:
            raise CollectError(f"{argv[0]}: {exc.strerror or exc}") from None
        return CommandResult(tuple(argv), completed.returncode, completed.stdout, completed.stderr)

    @contextmanager
    def stream(self, argv: Sequence[str], *, timeout: float, privileged: bool = False) -> Iterator[CommandStream]:
        """Stream ``argv``'s stdout (``privileged`` is for remote hosts; locally commands run as we are)."""
        try:
            process = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env={**os.environ, **QUIET_ENV},
            )
        except FileNotFoundError:
            raise CollectError(f"{argv[0]}: command not found") from None
        except OSError as exc:
            raise CollectError(f"{argv[0]}: {exc.strerror or exc}") from None
        output = _LocalStream(process, timeout)
        try:
            yield output
        finally:
            output.close()

    def read_text(self, path: str) -> str:
        """Read a UTF-8 text file (undecodable bytes replaced, configs are not always clean)."""
        return Path(path).read_text(encoding="utf-8", errors="replace")

    def glob(self, pattern: str) -> list[str]:
        """Sorted matches, as glob(3) returns them."""
        return sorted(glob.glob(pattern))

    def stat(self, path: str) -> FileStat:
        """stat(2) of the file a path names (symlinks followed, as sshd follows them)."""
        info = os.stat(path)
        return FileStat(
            path=path,
            mode=stat.S_IMODE(info.st_mode),
            uid=info.st_uid,
            gid=info.st_gid,
            owner=_user_name(info.st_uid),
            group=_group_name(info.st_gid),
            is_file=stat.S_ISREG(info.st_mode),
        )

    def is_privileged(self) -> bool:
        """True when running as root."""
        return os.geteuid() == 0

    def close(self) -> None:
        """Nothing to release on this machine."""


class _LocalStream:
    """stdout of a local process in chunks; stderr drained by a thread (bounded); killed at its deadline."""

    def __init__(self, process: subprocess.Popen[bytes], timeout: float):
        self.returncode: int | None = None
        self.timed_out = False
        self._process = process
        self._errors = bytearray()
        self._dropped = 0
        # stderr must be drained concurrently, or a chatty command blocks once the pipe fills.
        self._drainer = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drainer.start()
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def __iter__(self) -> Iterator[bytes]:
        assert self._process.stdout is not None
        while chunk := self._process.stdout.read1(_STREAM_CHUNK):
            yield chunk
        self._process.wait()  # its real exit status (the timer still bounds this wait)
        self.close()

    @property
    def stderr(self) -> str:
        text = self._errors.decode("utf-8", errors="replace")
        return text + (f"\n... ({self._dropped} more bytes)" if self._dropped else "")

    def _expire(self) -> None:
        self.timed_out = True
        self._process.kill()

    def _drain_stderr(self) -> None:
        assert self._process.stderr is not None
        while chunk := self._process.stderr.read1(_STREAM_CHUNK):
            room = max(0, _STDERR_LIMIT - len(self._errors))
            self._errors += chunk[:room]
            self._dropped += len(chunk) - min(room, len(chunk))

    def close(self) -> None:
        """Kill the process if it still runs, reap it and stop the helper threads."""
        self._timer.cancel()
        if self._process.poll() is None:
            self._process.kill()
        self.returncode = self._process.wait()
        self._drainer.join()
        for pipe in (self._process.stdout, self._process.stderr):
            if pipe is not None:
                pipe.close()


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)
