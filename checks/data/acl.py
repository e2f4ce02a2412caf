"""POSIX ACLs of a repository tree: the extended entries ``getfacl`` reports, tallied.

One streamed command per repository, the same on every host: ``find`` walks the tree as the
permission walk does (``-H``, ``-xdev``, the same depth budget, symlinks skipped) and hands
batches of names to ``getfacl -s``, which prints only files that carry extended ACL entries.
getfacl escapes names in its output (``\\012`` for a newline, ``\\\\`` for a backslash), so
the output is line-based; undecodable bytes come through raw and are shown escaped.

Entries are tallied by (access/default, tag, qualifier, effective permissions) with a count
and sample paths, like the permission walk, so the facts stay small for any tree size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from auditor.checks.data.tree_walk import Tally, WalkLimits, display_path, summarize_stderr
from auditor.hosts.base import Host

_OCTAL = re.compile(rb"\\([0-7]{3})|\\\\")
_PERMS = re.compile(r"^[r-][w-][x-]$")


def acl_argv(path: str, limits: WalkLimits, *, find: str = "find", getfacl: str = "getfacl") -> list[str]:
    """find batches every non-link entry to ``getfacl -s`` (skip files without extended ACLs)."""
    return [find, "-H", path, "-xdev", "-maxdepth", str(limits.max_depth), "!", "-type", "l",
            "-exec", getfacl, "--skip-base", "--physical", "--absolute-names", "--", "{}", "+"]


def read_acls(host: Host, path: str, limits: WalkLimits, getfacl: str) -> dict[str, Any]:
    """Tally the extended ACL entries under ``path`` on ``host``."""
    tallies = AclTallies(limits.samples)
    with host.stream(acl_argv(path, limits, getfacl=getfacl), timeout=limits.timeout, privileged=True) as output:
        for name, entry in parse_getfacl(_lines(output)):
            tallies.add(name, entry)
    facts = tallies.to_dict()
    facts["partial"] = summarize_stderr(output.stderr, limits.samples, output.returncode, output.timed_out,
                                        limits.timeout, command="getfacl")
    return facts


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines of a byte stream (the last one may lack its newline)."""
    tail = b""
    for chunk in chunks:
        lines = (tail + chunk).split(b"\n")
        tail = lines.pop()
        yield from lines
    if tail:
        yield tail


def unescape_name(raw: bytes) -> bytes:
    """Undo getfacl's escaping of a file name (``\\ooo`` octal bytes and ``\\\\``)."""
    return _OCTAL.sub(lambda match: bytes([int(match.group(1), 8)]) if match.group(1) else b"\\", raw)


def parse_getfacl(lines: Iterable[bytes]) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """(file name, entry) for every entry that grants beyond the mode bits.

    That is every named entry (``user:NAME:``, ``group:NAME:``, access or default) and the
    default ``other::`` entry (what every new file will grant to everyone). An entry is
    ``{"scope": "access"|"default", "tag": "user"|"group"|"other", "qualifier": str,
    "perms": "rwx", "effective": "r-x"}``; the other entries mirror the mode bits, which the
    permission walk judges.
    """
    name: bytes | None = None
    for raw in lines:
        line = raw.rstrip(b"\r")
        if line.startswith(b"# file: "):
            name = unescape_name(line[len(b"# file: "):])
            continue
        if not line or line.startswith(b"#") or name is None:
            continue
        entry = parse_entry(line.decode("utf-8", errors="surrogateescape"))
        if entry is not None:
            yield name, entry


def parse_entry(text: str) -> dict[str, Any] | None:
    """One ACL line such as ``default:group:lab:rwx`` or ``user:bob:rw-\\t#effective:r--``."""
    body, _, comment = text.partition("#")
    parts = body.strip().split(":")
    scope = "access"
    if parts and parts[0] == "default":
        scope, parts = "default", parts[1:]
    if len(parts) != 3 or not _PERMS.match(parts[2]):
        return None
    tag, qualifier, perms = parts
    named = tag in ("user", "group") and qualifier
    if not (named or (scope == "default" and tag == "other")):
        return None
    effective = perms
    if comment.strip().startswith("effective:"):
        effective = comment.strip()[len("effective:"):].strip()
    return {"scope": scope, "tag": tag, "qualifier": display_path(qualifier.encode("utf-8", "surrogateescape")),
            "perms": perms, "effective": effective}


class AclTallies:
    """Entries grouped by (scope, tag, qualifier, effective permissions), each with samples."""

    def __init__(self, keep: int):
        self.keep = keep
        self.files = 0
        self._last: bytes | None = None
        self._entries: dict[tuple[str, str, str, str], Tally] = {}

    def add(self, name: bytes, entry: dict[str, Any]) -> None:
        """Count one entry of file ``name``."""
        if name != self._last:
            self.files += 1
            self._last = name
        key = (entry["scope"], entry["tag"], entry["qualifier"], entry["effective"])
        tally = self._entries.get(key)
        if tally is None:
            tally = self._entries[key] = Tally()
        tally.add(1, [display_path(name)] if len(tally.samples) < self.keep else [], self.keep)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: files with extended ACLs and the tallied entries."""
        return {
            "files": self.files,
            "entries": [
                {"scope": scope, "tag": tag, "qualifier": qualifier, "effective": effective, **tally.to_dict()}
                for (scope, tag, qualifier, effective), tally in sorted(self._entries.items())
            ],
        }
