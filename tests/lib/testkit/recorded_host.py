"""A ``Host`` that answers from recorded outputs: collectors run unchanged against a machine's
files and command outputs kept under tests/fixtures (Debian 12, Ubuntu 24.04, Rocky 9, ...).

A machine is a folder: ``files/`` mirrors the root file system (``files/etc/os-release``), and
``commands.yaml`` maps a command (program basename and arguments joined by spaces) to its exit
status and output, either inline or as a file under ``outputs/``. Missing commands and files
behave like missing programs and files on a real host.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import CollectError
from auditor.hosts.base import CommandResult, FileStat

_ROOT_ONLY = ("/etc/shadow", "/etc/gshadow", "/etc/sudoers")  # mode 0640/0440 on every distribution


class RecordedHost:
    """A host whose files and commands come from a fixture folder."""

    def __init__(self, folder: Path, *, privileged: bool = True, name: str = "recorded"):
        self.name = name
        self.folder = folder
        self.files = folder / "files"
        data = yaml.safe_load((folder / "commands.yaml").read_text()) if (folder / "commands.yaml").exists() else {}
        self.commands: dict[str, Any] = data.get("commands", {}) or {}
        self.programs: dict[str, str] = data.get("programs", {}) or {}
        self.unreadable: set[str] = set(data.get("unreadable", []) or [])
        # Empty folders of the recorded machine: git keeps no empty directory in the fixtures.
        self.directories: set[str] = set(data.get("directories", []) or [])
        self.privileged = privileged
        self.calls: list[tuple[str, ...]] = []

    def which(self, program: str, extra_dirs: Sequence[str] = ()) -> str | None:
        return self.programs.get(program.rsplit("/", 1)[-1])

    def run(self, argv: Sequence[str], *, timeout: float, privileged: bool = False) -> CommandResult:
        self.calls.append(tuple(argv))
        key = " ".join([argv[0].rsplit("/", 1)[-1], *argv[1:]])
        if key not in self.commands and argv[:3] == ["grep", "-H", "-n"] and "--" in argv:
            return self._grep(list(argv[argv.index("--") + 1:]))
        if key not in self.commands:
            raise CollectError(f"{argv[0]}: command not found")
        entry = self.commands[key]
        stdout = entry.get("stdout", "")
        if "output" in entry:
            stdout = (self.folder / "outputs" / entry["output"]).read_text()
        return CommandResult(tuple(argv), int(entry.get("rc", 0)), stdout, entry.get("stderr", ""))

    def _grep(self, paths: list[str]) -> CommandResult:
        """``grep -H -n '' -- PATHS``: every line of the files, with grep's error messages."""
        out, err = [], []
        for path in paths:
            try:
                text = self.read_text(path)
            except PermissionError:
                err.append(f"grep: {path}: Permission denied")
                continue
            except OSError:
                err.append(f"grep: {path}: No such file or directory")
                continue
            out += [f"{path}:{number}:{line}" for number, line in enumerate(text.splitlines(), 1)]
        return CommandResult(("grep",), 2 if err else 0, "".join(f"{line}\n" for line in out),
                             "".join(f"{line}\n" for line in err))

    def stream(self, argv: Sequence[str], *, timeout: float, privileged: bool = False) -> Any:
        raise CollectError("streaming is not recorded")

    def _path(self, path: str) -> Path:
        if path in self.unreadable or (not self.privileged and path in _ROOT_ONLY):
            raise PermissionError(13, "Permission denied", path)
        return self.files / path.lstrip("/")

    def read_text(self, path: str) -> str:
        return self._path(path).read_text()

    def glob(self, pattern: str) -> list[str]:
        root = str(self.files)
        found = [str(path)[len(root):] for path in self.files.rglob("*")] + sorted(self.directories)
        return sorted(path for path in found if fnmatch.fnmatchcase(path, pattern)
                      and path.count("/") == pattern.count("/"))

    def stat(self, path: str) -> FileStat:
        if path in self.directories:
            return FileStat(path, 0o755, 0, 0, "root", "root", False)
        real = self._path(path)
        if not real.exists():
            raise FileNotFoundError(2, "No such file or directory", path)
        return FileStat(path, 0o644, 0, 0, "root", "root", real.is_file())

    def is_privileged(self) -> bool:
        return self.privileged

    def close(self) -> None:
        pass
