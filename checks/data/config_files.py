"""Reading service configuration files on a host: includes, problems with file and line, INI syntax.

The sharing-service parsers (NFS exports, Samba, rsyncd, nginx, Apache) read through a
``ConfigFiles``: it reads via the host (local or remote alike), bounds how many files an
include chain may pull in (include loops end there), and collects every problem as
``{"file", "line", "message"}`` so a syntax error becomes a clear result, never a crash.
``parse_ini`` reads the Samba-style INI dialect that both ``smb.conf`` and ``rsyncd.conf`` use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from auditor.hosts.base import Host

MAX_FILES = 256  # files one service's configuration may include, loops included
MAX_NESTING = 32  # include depth (nginx, Apache): deeper means a loop the file budget has not caught yet
_MAX_BYTES = 4 * 1024 * 1024  # a configuration file larger than this is not read


@dataclass
class ConfigFiles:
    """Files read for one service, and the problems met on the way."""

    host: Host
    files: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, file: str, line: int | None, message: str) -> None:
        """Record a problem at ``file:line``."""
        self.problems.append({"file": file, "line": line, "message": message})

    def read(self, path: str, *, origin: tuple[str, int] | None = None) -> str | None:
        """Text of ``path``, or None (a missing file is a problem when it was included from ``origin``)."""
        where_file, where_line = origin if origin else (path, None)
        if path in self.files:
            self.problem(where_file, where_line, f"{path} is included again (include loop); not read twice")
            return None
        if len(self.files) >= MAX_FILES:
            self.problem(where_file, where_line, f"more than {MAX_FILES} files included; {path} not read")
            return None
        try:
            text = self.host.read_text(path)
        except FileNotFoundError:
            if origin:
                self.problem(where_file, where_line, f"included file {path} does not exist")
            return None
        except PermissionError:
            self.problem(where_file, where_line, f"{path}: permission denied (run as root to read it)")
            return None
        except (IsADirectoryError, OSError) as exc:
            self.problem(where_file, where_line, f"{path}: cannot read: {exc.strerror or exc}")
            return None
        if len(text) > _MAX_BYTES:
            self.problem(where_file, where_line, f"{path} is larger than {_MAX_BYTES} bytes; not read")
            return None
        self.files.append(path)
        return text

    def glob(self, pattern: str) -> list[str]:
        """Sorted paths matching ``pattern`` on the host."""
        return self.host.glob(pattern)

    def is_dir(self, path: str) -> bool:
        """True when ``path`` exists on the host and is not a regular file (a directory)."""
        try:
            return not self.host.stat(path).is_file
        except OSError:
            return False

    def to_dict(self) -> dict[str, Any]:
        """The files read and the problems, for facts."""
        return {"files": list(self.files), "problems": list(self.problems)}


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) with backslash-newline continuations joined."""
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        yield start, "".join(pending)
        pending = []
    if pending:
        yield start, "".join(pending)


def normal_key(name: str) -> str:
    """Samba/rsync parameter names ignore case and all whitespace."""
    return re.sub(r"\s+", "", name).lower()


def truth(value: str | None, default: bool = False) -> bool:
    """yes/no, true/false, 1/0 (any case); ``default`` for a missing or unknown value."""
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in ("yes", "true", "1", "on"):
        return True
    if lowered in ("no", "false", "0", "off"):
        return False
    return default


@dataclass
class IniSection:
    """One ``[section]`` (or the global part before the first one) with its parameters."""

    name: str
    file: str
    line: int
    params: dict[str, str] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # parameter -> "file:line" it was set at

    @property
    def source(self) -> str:
        """Where the section starts, as ``file:line``."""
        return f"{self.file}:{self.line}"

    def effective(self, globals_: IniSection, key: str) -> tuple[str | None, str]:
        """The value of ``key`` here, else the global default; with the ``file:line`` it was set at."""
        for scope in (self, globals_):
            if key in scope.params:
                return scope.params[key], scope.where[key]
        return None, ""


def parse_ini(config: ConfigFiles, path: str, include: Callable[[IniSection, str, str, int], list[str] | None],
              *, comments: str = "#;", synonyms: dict[str, tuple[str, bool]] | None = None,
              ) -> tuple[IniSection, list[IniSection]]:
    """Parse a Samba-style INI file: (globals, sections in order; a repeated name is merged).

    ``include(section, key, value, line)`` returns the files an ``include``-like parameter or
    directive pulls in at that point (None: the line is an ordinary parameter). ``synonyms``
    maps a parameter to (its canonical name, whether its boolean value is inverted), so the
    last setting wins whichever spelling it used.
    """
    globals_ = IniSection("global", path, 0)
    sections: dict[str, IniSection] = {}
    state = {"current": globals_}

    def parse(file: str, text: str) -> None:
        for number, raw in logical_lines(text):
            line = raw.strip()
            if not line or line[0] in comments:
                continue
            if line.startswith("["):
                if not line.endswith("]") or len(line) < 3:
                    config.problem(file, number, f"malformed section header: {line[:80]}")
                    continue
                name = line[1:-1].strip()
                if name.lower() == "global":
                    state["current"] = globals_
                else:
                    state["current"] = sections.setdefault(name.lower(), IniSection(name, file, number))
                continue
            key, equals, value = line.partition("=")
            directive = line.split(None, 1) if line.startswith("&") else None
            if directive:
                key, value = directive[0], directive[1] if len(directive) > 1 else ""
            elif not equals or not key.strip():
                config.problem(file, number, f"not a 'name = value' line: {line[:80]}")
                continue
            key, value = normal_key(key), value.strip()
            if synonyms and key in synonyms:
                key, inverted = synonyms[key]
                value = ("no" if truth(value) else "yes") if inverted else value
            included = include(state["current"], key, value, number)
            if included is not None:
                parent_section = state["current"]
                for child in included:
                    text_of_child = config.read(child, origin=(file, number))
                    if text_of_child is not None:
                        parse(child, text_of_child)
                state["current"] = parent_section  # the including file goes on where it was
                continue
            if directive:
                config.problem(file, number, f"unknown directive {key}")
                continue
            state["current"].params[key] = value
            state["current"].where[key] = f"{file}:{number}"

    text = config.read(path)
    if text is not None:
        parse(path, text)
    return globals_, list(sections.values())
