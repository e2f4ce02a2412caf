"""A faithful sshd_config parser: the fallback when `sshd -T` cannot run.

The auditor prefers the daemon's own answer (`sshd -T [-C ...]`), because only sshd knows how
it reads its configuration. When that is impossible (no root, no sshd binary, a remote host
where we may only read files) this module computes the same answer from the files, and
prints it in the same shape and normalisation as `sshd -T`, so checks never care which of
the two produced their facts.

"Faithful" means it follows OpenSSH's servconf.c (9.x portable, as shipped by Debian 12 as
OpenSSH 9.2p1), including its less obvious rules:

* sshd reads the file twice. Pass 1 (at startup) applies the global lines, first value
  wins, and only *syntax-checks* Match blocks -- except ``Match All``, which matches even
  there. Pass 2 (per connection, and also for ``sshd -T``) starts from empty options,
  applies only the lines inside Match blocks that match the connection, first value wins
  among them, and copies what it set over the global values.
* An Include inherits the Match state of the line that includes it; a Match inside an
  included file ends at the end of that file.
* A pattern list that holds only negations (``Match User !root``) never matches: sshd needs
  a positive match.
* ``MaxStartups`` is last-value-wins, unlike almost everything else.
* Relative paths are made absolute against the daemon's working directory, which is ``/``
  for a daemon started by init (so ``Banner etc/issue`` becomes ``//etc/issue``, as sshd
  prints it).

The tests in tests/checks/test_sshd_config_vs_sshd.py compare this module with the real
sshd on many configurations; that comparison, not this docstring, is the proof.

Deliberate differences, for an auditor that must not fall over on a newer sshd's files:
keywords and algorithm names unknown to the 9.2 tables are kept and reported in ``notes``
instead of being fatal; host names in ListenAddress are not resolved (no network);
``~`` is not expanded (we do not know the target's home directories).

This module holds the public API and the driver (reading the files, following Include and
Match, running the two passes). The rest lives in private modules, lowest layer first:
_sshd_tables (data from the real daemon), _sshd_syntax (misc.c tokens and values),
_sshd_state (error, notes, options, directive), _sshd_match (Match evaluation),
_sshd_handlers and _sshd_keywords (how each keyword is parsed), _sshd_dump (defaults,
Match overlay, `sshd -T` printing).
"""

from __future__ import annotations

import errno
import glob as _glob
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from auditor.checks.ssh.sshd_config.dump import (
    DEFAULTS,
    is_set,
    note_startup_refusals,
    overlay_match,
    parse_sshd_t_output,
    render,
)
from auditor.checks.ssh.sshd_config.keywords import KEYWORDS, MATCH_COPIED
from auditor.checks.ssh.sshd_config.match import MatchContext, match_cfg_line
from auditor.checks.ssh.sshd_config.state import Directive, Notes, ServerOptions, SshdConfigError
from auditor.checks.ssh.sshd_config.syntax import WS, argv_split, strdelim
from auditor.checks.ssh.sshd_config.tables import DUMP_ORDER

__all__ = [
    "ConfigSource",
    "EffectiveConfig",
    "LocalConfigSource",
    "MatchContext",
    "SshdConfigError",
    "parse_sshd_config",
    "parse_sshd_t_output",
]

#: sshd's SERVCONF_MAX_DEPTH: the main file is depth 0, so 16 nested Includes are allowed.
MAX_INCLUDE_DEPTH = 16
#: sshd's compiled-in SSHDIR, against which relative Include paths are resolved.
DEFAULT_SSHDIR = "/etc/ssh"


# --------------------------------------------------------------------------------------
# Public types (MatchContext, SshdConfigError and parse_sshd_t_output are defined next to
# the code that uses them, in _sshd_match, _sshd_state and _sshd_dump, and re-exported here)
# --------------------------------------------------------------------------------------


class ConfigSource(Protocol):
    """Where config files are read from: the local filesystem or (later) a remote host over SFTP."""

    def read_text(self, path: str) -> str:
        """The file's text; raises FileNotFoundError / PermissionError / OSError."""
        ...

    def glob(self, pattern: str) -> list[str]:
        """Sorted matches of a glob(3) pattern (no tilde expansion, like sshd's Include)."""
        ...


class LocalConfigSource:
    """ConfigSource for this machine's filesystem."""

    def read_text(self, path: str) -> str:
        """The file's text, read as UTF-8; raises FileNotFoundError / PermissionError / OSError."""
        # surrogateescape: a stray non-UTF-8 byte in a comment must not stop the audit.
        return Path(path).read_text(encoding="utf-8", errors="surrogateescape")

    def glob(self, pattern: str) -> list[str]:
        """Sorted matches of `pattern`; PermissionError if the directory to list is unreadable."""
        # glob(3) and Python's glob agree on what matters here: '*', '?', '[..]', no
        # match for leading dots, and a pattern without magic matches only if it exists.
        # Both also silently match nothing in a directory they cannot read; sshd runs as
        # root and would see the files, so say so instead of auditing half a config.
        parent = Path(pattern)
        while re.search(r"[*?[]", str(parent)):
            parent = parent.parent
        if parent.is_dir() and not os.access(parent, os.R_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(parent))
        return sorted(_glob.glob(pattern))


@dataclass(frozen=True)
class EffectiveConfig:
    """The effective configuration, shaped and normalised exactly like `sshd -T` output."""

    #: lowercase keyword -> one element per line `sshd -T` prints for it (text after the keyword)
    settings: dict[str, list[str]]
    #: keywords whose value came from built-in defaults, not from a file
    defaulted: frozenset[str]
    #: every file read, in order (main config + includes)
    files: tuple[str, ...]
    #: things an auditor should know, e.g. unknown keywords or Match criteria not evaluated
    notes: tuple[str, ...]


# --------------------------------------------------------------------------------------
# Walking the files: Include and Match (servconf.c parse_server_config_depth)
# --------------------------------------------------------------------------------------

# Include flags, as in servconf.c.
_NEVERMATCH = 0x04  # included from an inactive Match block: its Match lines can never match
_MATCH_ONLY = 0x08  # per-connection pass, before the file's first Match line


class _Loader:
    """Reads files and expands Include globs once, caching both like sshd's include list."""

    def __init__(self, source: ConfigSource) -> None:
        self.source = source
        self.files: list[str] = []
        self._texts: dict[str, list[str]] = {}
        self._globs: dict[str, list[str]] = {}

    def lines(self, path: str, where: str | None = None) -> list[str]:
        """The file's lines, leading whitespace stripped as load_server_config() does."""
        if path not in self._texts:
            try:
                text = self.source.read_text(path)
            except IsADirectoryError:
                text = ""  # sshd reads a directory as an empty file
            except OSError as exc:
                # Propagated as is: callers tell "missing" from "unreadable" (not root) by type.
                if where is not None:
                    exc.add_note(f"included from {where}")
                raise
            self._texts[path] = [line.lstrip(" \t\r") for line in text.split("\n")]
            self.files.append(path)
        return self._texts[path]

    def glob(self, pattern: str, where: str) -> list[str]:
        if pattern not in self._globs:
            try:
                self._globs[pattern] = list(self.source.glob(pattern))
            except OSError as exc:
                exc.add_note(f"Include at {where}")
                raise
        return self._globs[pattern]


class _Walker:
    """One pass over the configuration: pass 1 (global, ctx None) or pass 2 (per connection)."""

    def __init__(self, loader: _Loader, state: ServerOptions, ctx: MatchContext | None, sshdir: str) -> None:
        self.loader = loader
        self.state = state
        self.ctx = ctx
        self.sshdir = sshdir
        self.notes = state.notes
        # sshd's *activep: pass 1 starts in the global section, pass 2 outside any match.
        self.active = ctx is None

    def run(self, path: str) -> None:
        self._file(path, self.loader.lines(path), _MATCH_ONLY if self.ctx is not None else 0, 0, [])

    def _file(self, path: str, lines: list[str], flags: int, depth: int, stack: list[str]) -> None:
        stack = [*stack, path]
        for number, raw in enumerate(lines, start=1):
            flags = self._line(raw, path, number, flags, depth, stack)

    def _line(self, raw: str, path: str, number: int, flags: int, depth: int, stack: list[str]) -> int:
        """Process one line; returns the file's (possibly changed) Match flags."""
        line = raw.rstrip(WS + "\f")
        keyword, rest = strdelim(line)
        if keyword == "":
            keyword, rest = strdelim(rest)
        if not keyword or keyword.startswith("#"):
            return flags
        where = f"{path} line {number}"
        if not rest:
            raise SshdConfigError(f'{where}: no argument after keyword "{keyword}"')
        args = argv_split(rest)
        if args is None:
            raise SshdConfigError(f"{where}: invalid quotes")
        if keyword.lower() == "match":
            return self._match_line(keyword, rest, args, where, flags)
        if keyword.lower() == "include":
            self._include(args, where, flags, depth, stack)
            return flags
        spec = KEYWORDS.get(keyword.lower())
        if spec is None:
            self._unknown(keyword, args, where)
            return flags
        d = Directive(keyword, spec.name, args, rest, path, number)
        if not self.active and not spec.in_match:
            if self.ctx is None:
                raise d.error(f"Directive '{keyword}' is not allowed within a Match block")
            return flags  # pass 2: a global line, already applied by pass 1
        spec.handler(self.state, d, self.active)
        if d.remaining() > 0:
            raise d.error(f"keyword {keyword} extra arguments at end of line")
        return flags

    def _unknown(self, keyword: str, args: list[str], where: str) -> None:
        # sshd refuses to start on an unknown keyword. A newer sshd may know it, though, so
        # we keep it (and report it) rather than refusing to audit the rest.
        self.notes.add(f"{where}: unknown keyword {keyword!r} (OpenSSH 9.2 would refuse it); kept as is")
        if self.ctx is None and self.active:
            self.state.unknown.setdefault(keyword.lower(), [" ".join(args)])

    def _match_line(self, keyword: str, rest: str, args: list[str], where: str, flags: int) -> int:
        """A Match line ends the previous block and decides whether the next lines apply."""
        never = bool(flags & _NEVERMATCH)
        # Pass 1 and never-matching includes only check the syntax (ctx None); pass 2
        # evaluates the criteria against the connection.
        matched = match_cfg_line(rest, None if never else self.ctx, where, self.notes)
        self.active = False if never else matched
        return flags & ~_MATCH_ONLY  # MATCH_ONLY only lasts until a file's first Match

    def _include(self, args: list[str], where: str, flags: int, depth: int, stack: list[str]) -> None:
        """Include: each glob, sorted, parsed in the Match state of the including line."""
        if not args:
            raise SshdConfigError(f"{where}: Include missing filename argument")
        for arg in args:
            if arg == "":
                raise SshdConfigError(f"{where}: keyword Include empty argument")
            # sshd resolves relative Include paths against SSHDIR, not the including file.
            pattern = arg if arg.startswith(("/", "~")) else f"{self.sshdir}/{arg}"
            outer_active = self.active
            child_flags = _MATCH_ONLY if flags & _MATCH_ONLY else (0 if outer_active else _NEVERMATCH)
            paths = self.loader.glob(pattern, where)
            if not paths:
                self.notes.add(f"{where}: Include {pattern} matches no file")
            for path in paths:
                if path in stack:
                    raise SshdConfigError(f"{where}: Include loop: {path} is already being read ({' -> '.join(stack)})")
                if depth + 1 > MAX_INCLUDE_DEPTH:
                    raise SshdConfigError(
                        f"{where}: Too many recursive configuration includes (sshd allows {MAX_INCLUDE_DEPTH} levels)"
                    )
                self._file(path, self.loader.lines(path, where), child_flags, depth + 1, stack)
                self.active = outer_active  # a Match inside the included file ends with it


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def parse_sshd_config(
    source: ConfigSource,
    path: str,
    context: MatchContext | None = None,
    *,
    sshdir: str = DEFAULT_SSHDIR,
) -> EffectiveConfig:
    """The effective sshd configuration for `context`, as `sshd -T [-C context]` would print it.

    `context=None` is `sshd -T` without `-C`: no Match block applies except ``Match All``
    (sshd matches that one even without a connection). Relative Include paths are resolved
    against `sshdir`, like sshd's compiled-in SSHDIR.

    Raises SshdConfigError for a configuration sshd would refuse (bad syntax or values,
    Include loops or too deep, unknown Match criteria), and the source's OSError
    (FileNotFoundError, PermissionError, ...) when a file cannot be read: the main file, an
    included one (the exception then carries a note naming the Include line), or a
    directory an Include pattern must list.
    """
    notes = Notes()
    loader = _Loader(source)
    # Pass 1: the daemon at startup.
    global_state = ServerOptions(notes)
    _Walker(loader, global_state, None, sshdir).run(path)
    explicitly_set = {key for key in DUMP_ORDER if is_set(key, global_state)}
    # Pass 2: a connection (sshd -T runs it too, with an empty connection when -C is absent).
    match_state = ServerOptions(notes)
    _Walker(loader, match_state, context or MatchContext(), sshdir).run(path)
    overlay_match(global_state, match_state)
    explicitly_set |= {key for key in DUMP_ORDER if key in MATCH_COPIED and is_set(key, match_state)}

    settings: dict[str, list[str]] = {}
    for key in DUMP_ORDER:
        lines = render(key, global_state)
        if lines:
            settings[key] = lines
    for key, value in global_state.unknown.items():
        settings.setdefault(key, value)
    defaulted = frozenset(key for key in settings if key in DEFAULTS and key not in explicitly_set)
    note_startup_refusals(settings, notes)
    return EffectiveConfig(settings, defaulted, tuple(loader.files), notes.as_tuple())
