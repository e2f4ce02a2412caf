"""The objects every stage of the sshd_config parser shares.

SshdConfigError (public, re-exported by _sshd_config) is how a configuration sshd would
refuse is reported; Notes collects what an auditor should know without failing;
ServerOptions is servconf.c's ServerOptions, the options one pass has set so far; Directive
is one configuration line being handled, with a cursor over its arguments. They sit below
the keyword handlers, the Match evaluation and the file walker so that none of those has to
import another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.checks.ssh.sshd_config.syntax import WS


class SshdConfigError(Exception):
    """The configuration is one sshd would refuse; the message names the file and line."""


class Notes:
    """Ordered, de-duplicated notes (both passes see every line, notes must appear once)."""

    def __init__(self) -> None:
        self._items: dict[str, None] = {}

    def add(self, text: str) -> None:
        """Record a note, unless the same text was recorded before."""
        self._items.setdefault(text, None)

    def as_tuple(self) -> tuple[str, ...]:
        """The notes in the order they were first recorded."""
        return tuple(self._items)


@dataclass
class ServerOptions:
    """One ServerOptions: option name -> value as parsed (unset options are absent)."""

    notes: Notes
    vals: dict[str, Any] = field(default_factory=dict)
    #: ListenAddress lines (host, port, rdomain, where), queued until all Ports are known
    #: (servconf.c queue_listen_addr)
    listen: list[tuple[str | None, int, str | None, str]] = field(default_factory=list)
    #: unknown keywords, kept as written (first value wins)
    unknown: dict[str, list[str]] = field(default_factory=dict)

    def set_first(self, name: str, value: Any, active: bool) -> None:
        """The rule for nearly every option: only an active line, only if not set yet."""
        if active and name not in self.vals:
            self.vals[name] = value

    def set_last(self, name: str, value: Any, active: bool) -> None:
        """The rule for the few options sshd overwrites: every active line replaces the value."""
        if active:
            self.vals[name] = value


@dataclass
class Directive:
    """One configuration line, split like servconf.c does, with an argument cursor."""

    keyword: str  # as written, for messages
    name: str  # canonical option name (what sshd -T prints)
    args: list[str]
    rest: str  # the raw text after the keyword (ForceCommand & co. keep it verbatim)
    file: str
    line: int
    pos: int = 0

    @property
    def where(self) -> str:
        """``<file> line <n>``, the prefix of every message about this line."""
        return f"{self.file} line {self.line}"

    def error(self, message: str) -> SshdConfigError:
        """The error sshd reports for this line (to be raised by the caller)."""
        return SshdConfigError(f"{self.where}: {message}")

    def next(self) -> str | None:
        """The next argument, or None when there is none left."""
        if self.pos >= len(self.args):
            return None
        self.pos += 1
        return self.args[self.pos - 1]

    def need(self, what: str = "argument") -> str:
        """The next argument; a missing or empty one is the error sshd reports."""
        arg = self.next()
        if arg is None or arg == "":
            raise self.error(f"{self.keyword} missing {what}.")
        return arg

    def remaining(self) -> int:
        """How many arguments have not been taken yet."""
        return len(self.args) - self.pos

    def consume_all(self) -> list[str]:
        """Every argument not taken yet; afterwards none remain."""
        taken, self.pos = self.args[self.pos :], len(self.args)
        return taken

    def take_rest_of_line(self) -> str:
        """The raw text after the keyword, comments and all; every argument counts as taken."""
        self.consume_all()
        return self.rest.lstrip(WS)
