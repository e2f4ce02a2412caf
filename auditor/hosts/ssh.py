"""The SSH host backend: host checks run on a remote machine through one paramiko connection.

One connection per target, opened when the first host collector needs it and closed when the
target's audit ends (``close``); every collector of the target shares it: commands over exec
channels, files over one SFTP session (or over exec channels where the server has no SFTP,
see ``ssh_files``). Remote commands are argument lists quoted with ``shlex.join`` for the
remote shell, bounded in bytes and time; privileged ones go through ``sudo -n`` where the
inventory allows it, and a refusing sudo makes the facts not-assessable.
"""

from __future__ import annotations

import errno
import logging
import re
import shlex
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from auditor.errors import CollectError, NotAssessable
from auditor.hosts.base import QUIET_ENV, CommandResult, FileStat
from auditor.hosts.ssh_files import MAX_FILE_BYTES, ExecFiles, RemoteFiles, SFTPFiles, expand_glob
from auditor.hosts.ssh_login import LoginError, SSHSettings, describe, login
from auditor.models import Target

__all__ = ["MAX_FILE_BYTES", "LoginError", "SSHHost", "SSHSettings", "connect_host", "expand_glob"]

log = logging.getLogger(__name__)

MAX_OUTPUT_BYTES = 8 * 1024 * 1024  # per output stream of one ``run``
_STREAM_STDERR_BYTES = 64 * 1024  # stderr kept of a ``stream``ed command, as locally
_CHUNK = 1 << 16
_SUDO = ("sudo", "-n", "--")
# What sudo (or the remote shell, when there is no sudo) prints when the escalation is refused,
# as opposed to the command itself failing.
_SUDO_REFUSED = re.compile(
    r"^(?:sudo: .*(?:password is required|terminal is required)"  # sudo -n would have to ask
    r"|.*\bsudo: (?:command )?not found"  # the remote shell: no sudo installed
    r"|.* is not in the sudoers file.*|.* is not allowed to execute .*|.* may not run sudo .*)$",
    re.MULTILINE,
)

if TYPE_CHECKING:  # paramiko loads with the first SSH connection, not with this module
    import paramiko


def connect_host(target: Target, settings: SSHSettings) -> SSHHost:
    """Log in to an ``ssh`` target (through its ProxyJump hosts); LoginError says why not."""
    chain = login(target, settings)
    access = target.ssh
    return SSHHost(target.name, chain[-1], chain[:-1], sudo=bool(access and access.sudo), settings=settings)


class SSHHost:
    """A remote machine reached over one authenticated SSH connection (the ``Host`` protocol)."""

    def __init__(self, name: str, transport: paramiko.Transport, jumps: Sequence[paramiko.Transport], *,
                 sudo: bool, settings: SSHSettings):
        self.name = name
        self.sudo = sudo
        self._transport = transport
        self._jumps = list(jumps)
        self._settings = settings
        self._lock = threading.Lock()
        self._remote_files: RemoteFiles | None = None
        self._uid: int | None = None
        self._privileged: bool | None = None
        self._names: dict[tuple[str, int], str] = {}

    # -- commands ---------------------------------------------------------------------------

    def run(self, argv: Sequence[str], *, timeout: float, privileged: bool = False) -> CommandResult:
        """Run ``argv`` remotely; stdout and stderr bounded to MAX_OUTPUT_BYTES, all within ``timeout``.

        ``privileged`` adds ``sudo -n`` where the inventory allows sudo and the login user is
        not root. A refusing sudo (password needed, command not allowed, no sudo) raises
        NotAssessable: the auditor lacks the privilege, the host is not at fault.
        """
        argv = list(argv)
        stdout = bytearray()
        with self.stream(argv, timeout=timeout, privileged=privileged, stderr_limit=MAX_OUTPUT_BYTES) as output:
            for chunk in output:
                stdout += chunk
                if len(stdout) > MAX_OUTPUT_BYTES:
                    raise CollectError(f"{argv[0]}: more than {MAX_OUTPUT_BYTES} bytes of output")
        if output.timed_out:
            raise CollectError(f"{argv[0]}: no answer within {timeout:g} s")
        if output.dropped:
            raise CollectError(f"{argv[0]}: more than {MAX_OUTPUT_BYTES} bytes on stderr")
        assert output.returncode is not None
        return CommandResult(tuple(argv), output.returncode, stdout.decode("utf-8", "replace"), output.stderr)

    @contextmanager
    def stream(self, argv: Sequence[str], *, timeout: float, privileged: bool = False,
               stderr_limit: int = _STREAM_STDERR_BYTES) -> Iterator[_RemoteStream]:
        """Run ``argv`` remotely and read its stdout in chunks as it arrives (``Host.stream``).

        The channel is closed (the remote command gets SIGPIPE/hang-up) at ``timeout`` or when
        the block exits early. A missing program raises CollectError and a refusing sudo
        NotAssessable, both once the command has ended.
        """
        argv = list(argv)
        use_sudo = privileged and self.sudo and self._remote_uid() != 0
        command = [*_SUDO, *argv] if use_sudo else argv
        channel = self._open(command, timeout)
        output = _RemoteStream(channel, timeout, stderr_limit, _Judge(self.name, argv[0], use_sudo))
        try:
            yield output
        finally:
            output.close()

    def _open(self, argv: Sequence[str], timeout: float) -> paramiko.Channel:
        """An exec channel running ``argv`` (quoted for the remote shell), stdin closed."""
        from auditor.hosts.paramiko_loader import paramiko  # here: loaded only when connecting
        env = [f"{key}={value}" for key, value in QUIET_ENV.items()]
        try:
            channel = self._transport.open_session(timeout=timeout)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise CollectError(f"{argv[0]}: cannot open an SSH session on {self.name}: {describe(exc)}") from None
        try:
            channel.exec_command(shlex.join(["env", *env, *argv]))
            channel.shutdown_write()  # nothing may wait for input
        except (paramiko.SSHException, OSError, EOFError) as exc:
            channel.close()
            raise CollectError(f"{argv[0]}: {describe(exc)}") from None
        return channel

    def _probe(self, argv: Sequence[str]) -> CommandResult:
        """A small command of the backend's own (which, id, getent) with the profile's command timeout."""
        return self.run(argv, timeout=self._settings.command_timeout)

    def _remote_uid(self) -> int:
        if self._uid is None:
            result = self._probe(["id", "-u"])
            self._uid = int(result.stdout.strip()) if result.ok and result.stdout.strip().isdigit() else -1
        return self._uid

    def is_privileged(self) -> bool:
        """True when the login user is root, or sudo is allowed and ``sudo -n true`` works."""
        if self._privileged is None:
            self._privileged = self._remote_uid() == 0 or (self.sudo and self._probe([*_SUDO, "true"]).ok)
        return self._privileged

    def which(self, program: str, extra_dirs: Sequence[str] = ()) -> str | None:
        """``command -v PROGRAM`` in the login shell's PATH, then ``extra_dirs`` (sbin is often not on PATH)."""
        if "/" in program:
            return program if self._executable(program) else None
        result = self._probe(["sh", "-c", 'command -v "$1" || true', "sh", program])
        found = result.stdout.strip().splitlines()[0] if result.ok and result.stdout.strip() else ""
        if found.startswith("/"):
            return found
        for directory in extra_dirs:
            candidate = f"{directory.rstrip('/')}/{program}"
            if self._executable(candidate):
                return candidate
        return None

    # -- files (SFTP, or exec channels where the server offers no SFTP) ---------------------

    def read_text(self, path: str) -> str:
        """A remote text file, at most MAX_FILE_BYTES (larger is an OSError naming the file)."""
        data = self._files().read(path, MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise OSError(errno.EFBIG, f"larger than {MAX_FILE_BYTES} bytes", path)
        return data.decode("utf-8", "replace")

    def stat(self, path: str) -> FileStat:
        """stat(2) of ``path`` (symlinks followed); owner and group names come from ``getent``."""
        mode, uid, gid = self._files().stat(path)
        return FileStat(path=path, mode=stat.S_IMODE(mode), uid=uid, gid=gid, owner=self._name("passwd", uid),
                        group=self._name("group", gid), is_file=stat.S_ISREG(mode))

    def glob(self, pattern: str) -> list[str]:
        """Sorted matches of ``pattern``, like glob(3), expanded segment by segment."""
        return expand_glob(pattern, self._files().listdir, self._exists)

    def _exists(self, path: str) -> bool:
        try:
            self.stat(path)
            return True
        except OSError:
            return False

    def _executable(self, path: str) -> bool:
        try:
            info = self.stat(path)
        except OSError:
            return False
        return info.is_file and bool(info.mode & 0o111)

    def _name(self, database: str, number: int) -> str:
        """User or group name of a number on the remote host (``getent``), else the number."""
        key = (database, number)
        if key not in self._names:
            try:
                result = self._probe(["getent", database, str(number)])
                name = result.stdout.split(":", 1)[0].strip() if result.ok else ""
            except CollectError:
                name = ""
            self._names[key] = name or str(number)
        return self._names[key]

    def _files(self) -> RemoteFiles:
        """SFTP where the server offers it; else bounded, quoted commands over exec channels.

        Hardened servers often drop the SFTP subsystem; reading a configuration file must not
        depend on it.
        """
        with self._lock:
            if self._remote_files is None:
                try:
                    self._remote_files = SFTPFiles.open(self._transport, self._settings.command_timeout)
                except OSError as exc:
                    log.info("%s: %s; reading files over exec channels", self.name, exc.strerror)
                    self._remote_files = ExecFiles(self.run, self._settings.command_timeout)
            return self._remote_files

    def close(self) -> None:
        """Close SFTP, the connection and the jump hosts' connections.

        Never waits long for the file-access lock: a collection abandoned at the target's budget
        may hold it, and closing the transports is what ends that collection.
        """
        if self._lock.acquire(timeout=1.0):
            try:
                files, self._remote_files = self._remote_files, None
            finally:
                self._lock.release()
            if files is not None:
                files.close()
        for transport in [self._transport, *reversed(self._jumps)]:
            transport.close()


class _Judge:
    """What a finished remote command's status means: sudo refused, program missing, or plain."""

    def __init__(self, host: str, program: str, sudo: bool):
        self.host, self.program, self.sudo = host, program, sudo

    def check(self, returncode: int, stderr: str, had_output: bool) -> None:
        refusal = _SUDO_REFUSED.search(stderr) if self.sudo and returncode != 0 and not had_output else None
        if refusal:
            raise NotAssessable(f"sudo -n {self.program} refused on {self.host}: {refusal.group(0).strip()}")
        if returncode == 127 and not had_output:
            raise CollectError(f"{self.program}: command not found")


class _RemoteStream:
    """stdout of a remote command in chunks, stderr kept up to a limit, closed at its deadline.

    The command has ended once the channel has had its EOF and exit status and both buffers
    are empty.
    """

    def __init__(self, channel: paramiko.Channel, timeout: float, stderr_limit: int, judge: _Judge):
        self.returncode: int | None = None
        self.timed_out = False
        self.dropped = 0  # stderr bytes beyond the limit, counted, not kept
        self._channel = channel
        self._deadline = time.monotonic() + timeout
        self._limit = stderr_limit
        self._errors = bytearray()
        self._judge = judge
        self._had_output = False

    def __iter__(self) -> Iterator[bytes]:
        channel = self._channel
        while True:
            # The end is EOF (sent after stdout *and* stderr are drained; the exit status may come
            # before the last output) plus the status. Both are read *before* the buffers, so
            # empty buffers afterwards mean nothing is left.
            finished = (channel.eof_received or channel.closed) and channel.exit_status_ready()
            if time.monotonic() >= self._deadline and not finished:
                self.timed_out = True  # also for a command that never stops talking
                break
            if channel.recv_stderr_ready():
                self._keep(channel.recv_stderr(_CHUNK))
            elif channel.recv_ready():
                chunk = channel.recv(_CHUNK)
                if chunk:
                    self._had_output = True
                    yield chunk
            elif finished:
                break
            else:
                channel.status_event.wait(min(0.02, max(0.0, self._deadline - time.monotonic())))
        self.close()
        if not self.timed_out:
            assert self.returncode is not None
            self._judge.check(self.returncode, self.stderr, self._had_output)

    @property
    def stderr(self) -> str:
        """What the command wrote to stderr (bounded), decoded."""
        text = self._errors.decode("utf-8", errors="replace")
        return text + (f"\n... ({self.dropped} more bytes)" if self.dropped else "")

    def _keep(self, chunk: bytes) -> None:
        room = max(0, self._limit - len(self._errors))
        self._errors += chunk[:room]
        self.dropped += len(chunk) - min(room, len(chunk))

    def close(self) -> None:
        """Close the channel (ending the remote command if it still runs) and settle the status."""
        if self.returncode is None:
            finished = self._channel.exit_status_ready() and not self.timed_out
            self.returncode = self._channel.recv_exit_status() if finished else -1
        self._channel.close()
