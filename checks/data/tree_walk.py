"""Walking a repository tree on any host through one streamed ``find -printf`` command.

Local and remote hosts share this code path: the host runs ``find`` (an argument list, never a
shell) and streams its output back. Fields and records are NUL-separated, so newlines and
undecodable bytes in names survive; names are kept as bytes while walking and shown escaped
(``display_path``). The output is parsed as a stream and folded into tallies as it arrives:
entries are grouped by (type, mode, owner, group), which takes a few hundred groups even for
millions of files, so memory stays flat in the size of the tree. ``summarize`` then derives
the neutral facts the checks judge (world access, groups, setgid, symlinks leaving the tree).

Nothing is skipped silently: permission-denied subtrees (from find's stderr), the file and
depth budgets, other filesystems not crossed (``-xdev``) and a timeout all end up in
``partial``. Symbolic links are never followed below the starting point (``-H``), so link
loops cannot make the walk hang.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from auditor.errors import CollectError
from auditor.hosts.base import Host

# type, permission bits (with setuid/setgid/sticky), uid, gid, depth, device, path, link target
_FIELDS = ("%y", "%m", "%U", "%G", "%d", "%D", "%p", "%l")
_MTIME_FIELD = "%T@"  # seconds since the epoch, for backups
# Messages start with the program as it was run (e.g. "/usr/bin/find: ").
_DENIED = re.compile(r"^(?:\S*/)?(?:find|getfacl): (.+): Permission denied$")
_GONE = re.compile(r"^(?:\S*/)?(?:find|getfacl): (.+): No such file or directory$")
_MAX_KEYS = 200  # distinct owners/groups reported per repository; the rest is counted as "other"
OTHER = "(more)"  # the key everything beyond the limits is counted under (never an id)
_MAX_COMBOS = 50_000  # distinct (type, mode, owner, group) kept; a hostile host cannot exhaust memory
_MAX_FIELD = 1 << 20  # no path is this long: a longer field means the output is not find's


@dataclass(frozen=True)
class WalkLimits:
    """The budget of one walk: entries and depth, how many sample paths to keep, and time."""

    max_files: int = 5_000_000
    max_depth: int = 256
    samples: int = 5
    timeout: float = 1800.0


def find_argv(path: str, limits: WalkLimits, *, mtime: bool = False, program: str = "find") -> list[str]:
    """The find command for ``path``: the start point followed if a link, nothing below it."""
    fields = _FIELDS + ((_MTIME_FIELD,) if mtime else ())
    fmt = "".join(f"{spec}\\0" for spec in fields)
    return [program, "-H", path, "-xdev", "-maxdepth", str(limits.max_depth), "-printf", fmt]


class Tally:
    """A count with the first few sample paths (display form)."""

    __slots__ = ("count", "samples")

    def __init__(self) -> None:
        self.count = 0
        self.samples: list[str] = []

    def add(self, count: int, samples: Iterable[str], keep: int) -> None:
        """Count ``count`` more entries and keep samples up to ``keep``."""
        self.count += count
        for sample in samples:
            if len(self.samples) >= keep:
                break
            self.samples.append(sample)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"count": self.count, "samples": list(self.samples)}


@dataclass
class Walk:
    """What one streamed walk saw, before it is summarised."""

    root: bytes
    keep: int
    entries: int = 0
    root_type: str | None = None  # None: the start point was not listed (missing or unreadable)
    root_mode: int | None = None
    root_dev: bytes | None = None
    combos: dict[tuple[bytes, bytes, bytes, bytes], list[Any]] = field(default_factory=dict)
    links_outside: Tally = field(default_factory=Tally)
    other_filesystems: Tally = field(default_factory=Tally)
    depth_limited: Tally = field(default_factory=Tally)
    newest_mtime: float | None = None
    newest_path: str | None = None
    budget_reached: bool = False
    malformed: int = 0  # records whose mode could not be read


def display_path(raw: bytes) -> str:
    """A name as text that is safe to show: invalid UTF-8 as ``\\xNN``, control characters escaped."""
    text = raw.decode("utf-8", errors="surrogateescape")
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte, kept by surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    return "".join(out)


def walk_tree(host: Host, path: str, limits: WalkLimits, *, mtime: bool = False,
              find: str = "find") -> dict[str, Any]:
    """Walk ``path`` on ``host`` and return its summary facts (see ``summarize``)."""
    argv = find_argv(path, limits, mtime=mtime, program=find)
    with host.stream(argv, timeout=limits.timeout, privileged=True) as output:
        walk = fold_output(output, path, limits, mtime=mtime)
    return summarize(walk, limits, stderr=output.stderr, returncode=output.returncode,
                     timed_out=output.timed_out)


def fold_output(chunks: Iterable[bytes], path: str, limits: WalkLimits, *, mtime: bool = False) -> Walk:
    """Fold find's NUL-separated output, chunk by chunk, into a Walk; stops at the file budget."""
    walk = Walk(root=os.fsencode(path), keep=limits.samples)
    width = len(_FIELDS) + (1 if mtime else 0)
    for records in _records(chunks, width):
        room = limits.max_files - walk.entries
        if len(records) > room * width:
            del records[room * width:]
            walk.budget_reached = True
        if mtime:
            _note_mtimes(walk, records)
            del records[len(_FIELDS)::width]  # now plain 8-field records
        _fold(walk, records, limits.max_depth)
        if walk.budget_reached:
            break
    return walk


def _records(chunks: Iterable[bytes], width: int) -> Iterator[list[bytes]]:
    """Lists of complete records' fields (``width`` fields each) from NUL-terminated fields."""
    tail = b""
    carry: list[bytes] = []
    for chunk in chunks:
        fields = (tail + chunk).split(b"\0")
        tail = fields.pop()  # the unterminated end of the chunk
        if len(tail) > _MAX_FIELD:
            raise CollectError(f"find printed a field longer than {_MAX_FIELD} bytes: not the expected output")
        if carry:
            fields[:0] = carry
        usable = len(fields) - len(fields) % width
        carry = fields[usable:]
        del fields[usable:]
        if fields:
            yield fields


def _fold(walk: Walk, fields: list[bytes], max_depth: int) -> None:
    """Add complete records to the walk's tallies. This is the hot loop: keep it lean."""
    if walk.root_type is None and walk.entries == 0:
        _note_root(walk, fields)
    combos = walk.combos
    keep = walk.keep
    root_dev = walk.root_dev
    depth_limit = str(max_depth).encode()
    column = iter(fields)
    for kind, mode, uid, gid, depth, dev, path, target in zip(column, column, column, column,
                                                              column, column, column, column, strict=False):
        key = (kind, mode, uid, gid)
        bucket = combos.get(key)
        if bucket is None:
            if len(combos) >= _MAX_COMBOS:
                key = (kind, mode, OTHER.encode(), OTHER.encode())
            bucket = combos.setdefault(key, [0, []])
        bucket[0] += 1
        if bucket[0] <= keep:
            bucket[1].append(path)
        if kind == b"l":
            _note_link(walk, path, target)
        elif kind == b"d":
            if dev != root_dev:
                walk.other_filesystems.add(1, [display_path(path)], keep)
            if depth == depth_limit:
                walk.depth_limited.add(1, [display_path(path)], keep)
    walk.entries += len(fields) // len(_FIELDS)


def _note_root(walk: Walk, fields: list[bytes]) -> None:
    """The first record is the start point itself (depth 0)."""
    if len(fields) > 5 and fields[4] == b"0":
        walk.root_type = fields[0].decode("ascii", "replace")
        walk.root_mode = _octal(fields[1])
        walk.root_dev = fields[5]


def _note_link(walk: Walk, path: bytes, target: bytes) -> None:
    """Count a symlink whose target (resolved lexically, as written) leaves the repository."""
    if target.startswith(b"/"):
        resolved = os.path.normpath(target)
    else:
        resolved = os.path.normpath(os.path.dirname(path) + b"/" + target)
    root = walk.root
    if resolved == root or resolved.startswith(root.rstrip(b"/") + b"/"):
        return
    walk.links_outside.add(1, [f"{display_path(path)} -> {display_path(target)}"], walk.keep)


def _note_mtimes(walk: Walk, fields: list[bytes]) -> None:
    """The newest regular file among 9-field records (the ninth field is the mtime)."""
    width = len(_FIELDS) + 1
    for kind, path, stamp in zip(fields[0::width], fields[6::width], fields[8::width], strict=False):
        if kind != b"f":
            continue
        try:
            value = float(stamp)
        except ValueError:
            continue
        if walk.newest_mtime is None or value > walk.newest_mtime:
            walk.newest_mtime = value
            walk.newest_path = display_path(path)


def summarize(walk: Walk, limits: WalkLimits, *, stderr: str, returncode: int | None,
              timed_out: bool) -> dict[str, Any]:
    """Neutral facts of a walk: what was seen, grouped, and what could not be seen (``partial``)."""
    denied, gone, errors = _stderr_problems(stderr, walk.keep)
    facts: dict[str, Any] = {
        "path": display_path(walk.root),
        "exists": _root_exists(walk, denied, gone),
        "type": walk.root_type,
        "mode": f"{walk.root_mode:04o}" if walk.root_mode is not None else None,
        "entries": walk.entries,
        "limits": {"max_files": limits.max_files, "max_depth": limits.max_depth},
    }
    facts.update(_mode_tallies(walk))
    facts["links_outside"] = walk.links_outside.to_dict()
    facts["other_filesystems"] = walk.other_filesystems.to_dict()
    if walk.newest_mtime is not None:
        facts["newest"] = {"mtime": walk.newest_mtime, "path": walk.newest_path}
    status: int | None = returncode
    if facts["exists"] is False:
        gone, status = Tally(), None  # a missing start point is "exists": false, not partial
    if walk.budget_reached:
        status = None  # the walk was stopped on purpose: its exit status says nothing
    partial = _partial(denied, gone, errors, status, timed_out, limits.timeout, "find")
    if walk.budget_reached:
        partial["file_budget"] = f"stopped after {walk.entries} entries (max_files {limits.max_files})"
    if walk.depth_limited.count:
        partial["depth_budget"] = walk.depth_limited.to_dict()
    if walk.malformed:
        errors.add(walk.malformed, [f"{walk.malformed} records with an unreadable mode"], walk.keep)
        partial["errors"] = errors.to_dict()
    facts["partial"] = partial
    return facts


def summarize_stderr(stderr: str, keep: int, returncode: int | None, timed_out: bool, timeout: float,
                     command: str) -> dict[str, Any]:
    """What a streamed command could not see: denied and vanished paths, errors, a timeout."""
    return _partial(*_stderr_problems(stderr, keep), returncode, timed_out, timeout, command)


def _partial(denied: Tally, gone: Tally, errors: Tally, returncode: int | None, timed_out: bool,
             timeout: float, command: str) -> dict[str, Any]:
    partial: dict[str, Any] = {}
    if denied.count:
        partial["permission_denied"] = denied.to_dict()
    if gone.count:
        partial["vanished"] = gone.to_dict()  # removed while walking
    if errors.count:
        partial["errors"] = errors.to_dict()
    if timed_out:
        partial["timeout"] = f"{command} stopped at the time limit of {timeout:g} s"
    elif returncode not in (0, None) and not (denied.count or gone.count or errors.count):
        partial["errors"] = {"count": 1, "samples": [f"{command} exited with status {returncode}"]}
    return partial


def _root_exists(walk: Walk, denied: Tally, gone: Tally) -> bool | None:
    """True when the start point was listed, False when find said it is missing, else None."""
    if walk.root_type is not None:
        return True
    root = display_path(walk.root)
    if root in gone.samples:
        return False
    return None  # e.g. a parent directory that cannot be searched: unknown, reported as partial


def _stderr_problems(stderr: str, keep: int) -> tuple[Tally, Tally, Tally]:
    """Permission-denied paths, vanished paths and other errors find reported."""
    denied, gone, errors = Tally(), Tally(), Tally()
    for line in stderr.splitlines():
        line = line.strip()
        if not line:
            continue
        if match := _DENIED.match(line):
            denied.add(1, [_unquote(match.group(1))], keep)
        elif match := _GONE.match(line):
            gone.add(1, [_unquote(match.group(1))], keep)
        else:
            errors.add(1, [line], keep)
    return denied, gone, errors


def _unquote(text: str) -> str:
    """find quotes names in its messages ('name', or ‘name’ in UTF-8 locales); escapes inside are kept."""
    if len(text) >= 2 and (text[0], text[-1]) in (("'", "'"), ('"', '"'), ("\u2018", "\u2019")):
        return text[1:-1]
    return text


def _mode_tallies(walk: Walk) -> dict[str, Any]:
    """World access, setuid/setgid files, and per-owner / per-group tallies (symlinks excluded)."""
    keep = walk.keep
    kinds = {name: Tally() for name in ("world_readable", "world_writable", "setuid", "setgid")}
    types: dict[str, int] = {}
    owners: dict[str, Tally] = {}
    groups: dict[str, dict[str, Tally]] = {}
    for (kind, mode_text, uid_text, gid_text), (count, raw_samples) in walk.combos.items():
        type_name = kind.decode("ascii", "replace")
        types[type_name] = types.get(type_name, 0) + count
        if kind == b"l":
            continue  # a link's own mode and owner grant nothing
        samples = [display_path(path) for path in raw_samples]
        mode = _octal(mode_text)
        if mode is None:
            walk.malformed += count
            continue
        if mode & 0o004:
            kinds["world_readable"].add(count, samples, keep)
        if mode & 0o002:
            kinds["world_writable"].add(count, samples, keep)
        if kind == b"f" and mode & 0o4000:
            kinds["setuid"].add(count, samples, keep)
        if kind == b"f" and mode & 0o2000:
            kinds["setgid"].add(count, samples, keep)
        _bucket(owners, uid_text.decode("ascii", "replace"), lambda: Tally()).add(count, samples, keep)
        group = _bucket(groups, gid_text.decode("ascii", "replace"), lambda: {"entries": Tally()})
        group["entries"].add(count, samples, keep)
        if mode & 0o020:
            group.setdefault("group_writable", Tally()).add(count, samples, keep)
            if kind == b"d" and not mode & 0o2000:
                group.setdefault("dirs_without_setgid", Tally()).add(count, samples, keep)
    return {
        "types": types,
        **{name: tally.to_dict() for name, tally in kinds.items()},
        "owners": {uid: tally.to_dict() for uid, tally in owners.items()},
        "groups": {gid: {name: tally.to_dict() for name, tally in entry.items()} for gid, entry in groups.items()},
    }


def _octal(text: bytes) -> int | None:
    try:
        return int(text, 8)
    except ValueError:
        return None


def _bucket(table: dict[str, Any], key: str, make: Any) -> Any:
    """``table[key]``, created on first use; past ``_MAX_KEYS`` keys everything goes to "other"."""
    if key not in table and len(table) >= _MAX_KEYS:
        key = OTHER
    if key not in table:
        table[key] = make()
    return table[key]


def require_find(host: Host) -> str:
    """Path of ``find`` on the host; CollectError when it is missing."""
    program = host.which("find")
    if program is None:
        raise CollectError("find is not installed on the host: repository trees cannot be walked")
    return program
