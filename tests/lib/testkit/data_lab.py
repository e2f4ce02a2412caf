"""Real repository trees for the data-repository tests: modes, owners, groups, ACLs, odd names.

``build_repository`` makes one tree with every kind of violation the data checks know, plus
correct entries that must not be reported; ``EXPECTED`` says what a walk must find there.
Everything is created for real (chmod, chown, setfacl, symlinks), as root.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

ODD_NEWLINE = "new\nline.txt"
ODD_BYTES = b"bad\xffname"
DELETED_UID = 54321  # no account has this uid in the test environment


def _make(path: Path, mode: int, owner: str | int = "root", group: str = "root", *, directory: bool = False,
          text: str = "data\n") -> Path:
    if directory:
        path.mkdir(exist_ok=True)
    else:
        path.write_text(text)
    os.chown(path, owner if isinstance(owner, int) else _uid(owner), _gid(group))
    path.chmod(mode)  # after chown, which clears setuid/setgid bits
    return path


def _uid(name: str) -> int:
    import pwd
    return pwd.getpwnam(name).pw_uid


def _gid(name: str) -> int:
    import grp
    return grp.getgrnam(name).gr_gid


def setfacl(*args: str) -> None:
    """Run setfacl (real ACLs; the test filesystem must support them)."""
    subprocess.run(["setfacl", *args], check=True)


def build_repository(base: Path, a: Any) -> Path:
    """The test repository under ``base`` (``a``: the DataAccounts). Returns its path."""
    repo = _make(base / "repo", 0o2770, "root", a.owner, directory=True)
    data = _make(repo / "data", 0o2770, "root", a.owner, directory=True)
    _make(data / "a.csv", 0o640, a.alice, a.owner)
    _make(data / "world.csv", 0o644, a.alice, a.owner)
    _make(data / "ww.csv", 0o666, a.alice, a.owner)
    _make(data / ODD_NEWLINE, 0o644, a.alice, a.owner)
    odd = os.path.join(os.fsencode(data), ODD_BYTES)
    Path(os.fsdecode(odd)).write_text("x")
    os.chown(odd, _uid(a.alice), _gid(a.owner))
    os.chmod(odd, 0o600)
    readers = _make(repo / "readers", 0o770, "root", a.read, directory=True)  # group write, no setgid
    _make(readers / "r.txt", 0o660, a.bob, a.read)
    writers = _make(repo / "writers", 0o2770, a.wendy, a.write, directory=True)
    _make(writers / "w.txt", 0o660, a.wendy, a.write)
    stray = _make(repo / "stray", 0o2750, "root", a.other, directory=True)
    _make(stray / "m.txt", 0o640, a.mallory, a.owner)
    _make(repo / "orphan.txt", 0o640, DELETED_UID, a.owner)
    tools = _make(repo / "tools", 0o2750, "root", a.owner, directory=True)
    _make(tools / "suid-bin", 0o4755, "root", a.owner)
    _make(tools / "sgid-file", 0o2750, "root", a.owner)
    links = _make(repo / "links", 0o2750, "root", a.owner, directory=True)
    for name, target in (("out", "/etc/passwd"), ("up", "../../.."), ("in", "../data/a.csv"),
                         ("loop1", "loop2"), ("loop2", "loop1"), ("self", ".")):
        os.symlink(target, links / name)
    acl = _make(repo / "acl", 0o2770, "root", a.owner, directory=True)
    setfacl("-m", f"u:{a.mallory}:rwx,g:{a.read}:rwx,g:{a.other}:r-x", str(acl))
    setfacl("-d", "-m", f"g:{a.write}:rwx,o::r--", str(acl))
    _make(acl / "f.txt", 0o640, "root", a.owner)
    setfacl("-m", f"u:{a.bob}:r--", str(acl / "f.txt"))
    deep = repo / "deep"
    for part in ("", "1", "2", "3", "4"):
        deep = _make(deep / part if part else deep, 0o2750, "root", a.owner, directory=True)
    return repo


# What a full walk of the repository must report (paths relative to the repository).
EXPECTED: dict[str, Any] = {
    "types": {"d": 13, "f": 12, "l": 6},
    "world_readable": {"data/world.csv", "data/ww.csv", "data/new\\nline.txt", "tools/suid-bin"},
    "world_writable": {"data/ww.csv"},
    "setuid": {"tools/suid-bin"},
    "setgid": {"tools/sgid-file"},
    "links_outside": {"links/out -> /etc/passwd", "links/up -> ../../.."},
}


def relative(samples: list[str], repo: Path) -> set[str]:
    """Sample paths relative to the repository."""
    prefix = f"{repo}/"
    return {sample.replace(prefix, "") for sample in samples}
