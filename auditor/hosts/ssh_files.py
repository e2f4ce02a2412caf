"""Remote file access for the SSH backend: SFTP, or bounded commands where SFTP is missing.

Both give the same answers as local file access (the same OSError subclasses naming the file),
so a collector never knows which one read its file.
"""

from __future__ import annotations

import errno
import fnmatch
import socket
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, Protocol

from auditor.errors import CollectError
from auditor.hosts.base import CommandResult
from auditor.hosts.ssh_login import describe

if TYPE_CHECKING:  # paramiko loads with the first SSH connection, not with this module
    import paramiko

MAX_FILE_BYTES = 1024 * 1024  # read_text refuses larger files (configs are small)


class RemoteFiles(Protocol):
    """What the SSH backend needs of a remote file system."""

    def read(self, path: str, limit: int) -> bytes:
        """At most ``limit`` bytes from the start of ``path``."""

    def stat(self, path: str) -> tuple[int, int, int]:
        """(st_mode, uid, gid) of ``path``, symlinks followed."""

    def listdir(self, directory: str) -> list[str]:
        """Names in ``directory`` (without . and ..)."""

    def close(self) -> None:
        """Release what the file access holds open."""


class SFTPFiles:
    """Files over one SFTP session."""

    def __init__(self, client: paramiko.SFTPClient):
        self._client = client

    @classmethod
    def open(cls, transport: paramiko.Transport, timeout: float) -> SFTPFiles:
        """An SFTP session; OSError(EOPNOTSUPP) when the server offers no SFTP subsystem."""
        from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting

        # The channel gets its timeout before the SFTP handshake, so a server that never answers
        # it (a broken subsystem, a ForceCommand) fails within the timeout instead of hanging.
        channel = None
        try:
            channel = transport.open_session(timeout=timeout)
            channel.settimeout(timeout)
            channel.invoke_subsystem("sftp")
            client = paramiko.SFTPClient(channel)
        except (paramiko.SSHException, paramiko.SFTPError, OSError, EOFError) as exc:
            if channel is not None:
                channel.close()
            raise OSError(errno.EOPNOTSUPP, f"SFTP is not available: {describe(exc)}") from None
        return cls(client)

    def read(self, path: str, limit: int) -> bytes:
        with FileErrors(path), self._client.open(path, "rb") as handle:
            return handle.read(limit)

    def stat(self, path: str) -> tuple[int, int, int]:
        with FileErrors(path):
            info = self._client.stat(path)
        return info.st_mode or 0, info.st_uid or 0, info.st_gid or 0

    def listdir(self, directory: str) -> list[str]:
        with FileErrors(directory):
            return self._client.listdir(directory)

    def close(self) -> None:
        self._client.close()


# What coreutils print (LC_ALL=C) for the errors local file access raises as OSError subclasses.
_ERRNO_BY_MESSAGE = (
    ("No such file or directory", errno.ENOENT),
    ("Permission denied", errno.EACCES),
    ("Not a directory", errno.ENOTDIR),
    ("Is a directory", errno.EISDIR),
)


class ExecFiles:
    """Files through small commands (``head -c``, ``stat -L``, ``find -printf``) over exec channels.

    Paths reach the remote side as single quoted arguments after ``--``, never through a shell.
    """

    def __init__(self, run: Callable[..., CommandResult], timeout: float):
        self._run = run
        self._timeout = timeout

    def read(self, path: str, limit: int) -> bytes:
        # The command's output arrives decoded (invalid UTF-8 replaced); configuration files are
        # text, and the byte bound is applied remotely by head -c.
        result = self._command(["head", "-c", str(limit), "--", path], path)
        return result.stdout.encode("utf-8")

    def stat(self, path: str) -> tuple[int, int, int]:
        result = self._command(["stat", "-L", "-c", "%f %u %g", "--", path], path)
        try:
            mode, uid, gid = result.stdout.split()
            return int(mode, 16), int(uid), int(gid)
        except ValueError:
            raise OSError(errno.EIO, f"unexpected stat output {result.stdout[:40]!r}", path) from None

    def listdir(self, directory: str) -> list[str]:
        # -H enters a folder given as a symbolic link (as listdir does); NUL-separated, so a name
        # holding a newline cannot pose as two entries; a relative folder is anchored with ./ so
        # that one named like an option (-delete) is never read as part of find's expression.
        start = directory if directory.startswith("/") else f"./{directory}"
        result = self._command(["find", "-H", start, "-mindepth", "1", "-maxdepth", "1", "-printf", "%f\\0"],
                               directory)
        return [name for name in result.stdout.split("\0") if name]

    def close(self) -> None:
        """Nothing to release: every command had its own channel."""

    def _command(self, argv: Sequence[str], path: str) -> CommandResult:
        try:
            result = self._run(argv, timeout=self._timeout)
        except CollectError as exc:  # a timeout, too much output, a missing program: this file only
            raise OSError(errno.EIO, str(exc), path) from None
        if not result.ok:
            message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else f"{argv[0]} failed"
            code = next((number for text, number in _ERRNO_BY_MESSAGE if text in message), errno.EIO)
            raise OSError(code, message, path)
        return result


class FileErrors:
    """Re-raise SFTP failures as the OSError subclasses local file access raises, naming the file."""

    def __init__(self, path: str):
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _tb: object) -> Literal[False]:
        from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
        if exc is None:
            return False
        if isinstance(exc, OSError) and exc.errno is not None:
            raise OSError(exc.errno, exc.strerror or str(exc), self.path) from None
        if isinstance(exc, (paramiko.SSHException, EOFError, socket.timeout, OSError)):
            raise OSError(errno.EIO, describe(exc) or "SFTP failed", self.path) from None
        return False


def expand_glob(pattern: str, listdir: Callable[[str], list[str]], exists: Callable[[str], bool]) -> list[str]:
    """glob(3) over any directory listing: sorted matches, hidden names only for patterns with a dot.

    Each path segment with wildcards is matched against a listing of the directories matched so
    far; literal segments are joined as they are and checked once at the end.
    """
    if not _magic(pattern):
        return [pattern] if exists(pattern) else []
    absolute = pattern.startswith("/")
    segments = [segment for segment in pattern.split("/") if segment]
    paths = ["/" if absolute else ""]
    last_magic = max(index for index, segment in enumerate(segments) if _magic(segment))
    for segment in segments:
        if not _magic(segment):
            paths = [_join(path, segment) for path in paths]
            continue
        matched = []
        for directory in paths:
            try:
                names = listdir(directory or ".")
            except OSError:
                continue  # not a directory, or unreadable: glob(3) skips it too
            matched += [_join(directory, name) for name in names if _segment_matches(name, segment)]
        paths = matched
    if last_magic != len(segments) - 1:
        paths = [path for path in paths if exists(path)]
    return sorted(paths)


def _magic(text: str) -> bool:
    return any(char in text for char in "*?[")


def _segment_matches(name: str, segment: str) -> bool:
    if name.startswith(".") and not segment.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, segment)


def _join(directory: str, name: str) -> str:
    if not directory:
        return name
    return f"{directory}{name}" if directory.endswith("/") else f"{directory}/{name}"
