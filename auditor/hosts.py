"""Hosts: where host checks read files and run commands (this machine now, SSH later).

Every command is an argument list; nothing is ever passed through a shell.
"""

from __future__ import annotations

import glob
import grp
import os
import pwd
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

from auditor.errors import CollectError

# Commands run during an audit must not hang on a prompt or a pager.
_QUIET_ENV = {"LC_ALL": "C", "PAGER": "cat", "SYSTEMD_PAGER": ""}


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

    def run(self, argv: Sequence[str], *, timeout: float) -> CommandResult:
        """Run a command (argument list, no shell) and capture its output."""

    def read_text(self, path: str) -> str:
        """Read a text file; raises FileNotFoundError / PermissionError / OSError."""

    def glob(self, pattern: str) -> list[str]:
        """Sorted paths matching ``pattern``, like glob(3)."""

    def stat(self, path: str) -> FileStat:
        """stat(2) of ``path``; raises FileNotFoundError / PermissionError."""

    def is_privileged(self) -> bool:
        """True when commands run as root."""


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

    def run(self, argv: Sequence[str], *, timeout: float) -> CommandResult:
        """Run ``argv`` with a timeout; a missing program or a timeout is a CollectError."""
        env = {**os.environ, **_QUIET_ENV}
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
