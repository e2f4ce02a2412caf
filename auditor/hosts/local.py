"""The local host backend: commands and files of the machine the auditor runs on."""

from __future__ import annotations

import glob
import grp
import io
import os
import pwd
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from auditor.errors import CollectError
from auditor.hosts.base import (
    QUIET_ENV,
    STDERR_LIMIT,
    STREAM_CHUNK,
    CommandResult,
    CommandStream,
    FileStat,
)


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
        # Popen with PIPE gives buffered readers; read1 returns what has arrived without waiting for more.
        assert isinstance(process.stdout, io.BufferedReader) and isinstance(process.stderr, io.BufferedReader)
        self._stdout: io.BufferedReader = process.stdout
        self._stderr: io.BufferedReader = process.stderr
        self._errors = bytearray()
        self._dropped = 0
        # stderr must be drained concurrently, or a chatty command blocks once the pipe fills.
        self._drainer = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drainer.start()
        self._timer = threading.Timer(timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self._stdout.read1(STREAM_CHUNK):
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
        while chunk := self._stderr.read1(STREAM_CHUNK):
            room = max(0, STDERR_LIMIT - len(self._errors))
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
