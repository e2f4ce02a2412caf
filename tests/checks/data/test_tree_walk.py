"""The streamed tree walk: real trees with real modes, owners and odd names, budgets, denied subtrees.

Recorded fixtures in tests/fixtures/data/ (see its README): find-printf.bin is the walk
command's raw output on a small tree with a newline and a 0xff byte in names; the
find-stderr-*.txt files are what find printed as 'nobody' in the C and C.UTF-8 locales.
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
from pathlib import Path

import pytest

import testkit
from auditor.checks.data.tree_walk import (
    WalkLimits,
    display_path,
    fold_output,
    summarize,
    summarize_stderr,
    walk_tree,
)
from auditor.errors import CollectError
from auditor.hosts.local import LocalHost
from testkit import data_lab

FIXTURES = testkit.FIXTURES / "data"
RECORDED_ROOT = "/tmp/rec/srv/repo"


def test_display_path_escapes_what_a_terminal_or_report_could_misread():
    assert display_path(b"plain/name.txt") == "plain/name.txt"
    assert display_path(b"new\nline\ttab") == "new\\nline\\ttab"
    assert display_path(b"bad\xffbyte") == "bad\\xffbyte"
    assert display_path(b"back\\slash") == "back\\\\slash"  # so "\\n" cannot be confused with "\n"
    assert display_path("caf\u00e9 \u00fcber".encode()) == "caf\u00e9 \u00fcber"
    assert display_path(b"esc\x1b[31m") == "esc\\x1b[31m"


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 64, 1 << 16])
def test_recorded_output_parses_the_same_at_any_chunk_boundary(chunk_size):
    raw = (FIXTURES / "find-printf.bin").read_bytes()
    chunks = [raw[index:index + chunk_size] for index in range(0, len(raw), chunk_size)]
    facts = summarize(fold_output(chunks, RECORDED_ROOT, WalkLimits()), WalkLimits(), stderr="", returncode=0,
                      timed_out=False)
    assert facts["entries"] == 7 and facts["types"] == {"d": 2, "f": 3, "l": 2}
    assert facts["world_writable"]["samples"] == [f"{RECORDED_ROOT}/new\\nline"]
    assert facts["setuid"]["samples"] == [f"{RECORDED_ROOT}/plain"]
    assert facts["links_outside"]["samples"] == [f"{RECORDED_ROOT}/sub/out -> /etc/passwd"]
    assert f"{RECORDED_ROOT}/bad\\xff" in facts["owners"]["0"]["samples"]


@pytest.mark.parametrize("name", ["find-stderr-c.txt", "find-stderr-utf8.txt"])
def test_recorded_permission_denied_messages_become_partial(name):
    partial = summarize_stderr((FIXTURES / name).read_text(), 5, 1, False, 60, "find")
    assert partial == {"permission_denied": {"count": 2, "samples": ["/srv/repo/secret", "/srv/repo/se\\ncret"]}}


def test_other_messages_a_timeout_and_a_bare_exit_status_are_reported():
    assert summarize_stderr("find: weird failure\n", 5, 1, False, 60, "find") == {
        "errors": {"count": 1, "samples": ["find: weird failure"]}}
    assert summarize_stderr("", 5, -9, True, 60, "find") == {"timeout": "find stopped at the time limit of 60 s"}
    assert summarize_stderr("", 5, 2, False, 60, "find")["errors"]["samples"] == ["find exited with status 2"]


@pytest.fixture(scope="module")
def repository(data_accounts, tmp_path_factory):
    return data_lab.build_repository(tmp_path_factory.mktemp("walk"), data_accounts)


@pytest.mark.integration
def test_walk_of_a_real_tree(repository, data_accounts):
    facts = walk_tree(LocalHost(), str(repository), WalkLimits(samples=10))
    expected = data_lab.EXPECTED
    assert facts["exists"] is True and facts["type"] == "d" and facts["mode"] == "2770"
    assert facts["partial"] == {} and facts["types"] == expected["types"]
    for kind in ("world_readable", "world_writable", "setuid", "setgid", "links_outside"):
        assert data_lab.relative(facts[kind]["samples"], repository) == expected[kind], kind
        assert facts[kind]["count"] == len(expected[kind])
    gid = {name: str(data_lab._gid(name)) for name in (data_accounts.owner, data_accounts.read, data_accounts.other)}
    readers = facts["groups"][gid[data_accounts.read]]
    assert data_lab.relative(readers["group_writable"]["samples"], repository) == {"readers", "readers/r.txt"}
    assert data_lab.relative(readers["dirs_without_setgid"]["samples"], repository) == {"readers"}
    assert "dirs_without_setgid" not in facts["groups"][gid[data_accounts.owner]]  # all its dirs are setgid
    assert data_lab.relative(facts["groups"][gid[data_accounts.other]]["entries"]["samples"], repository) == {"stray"}
    assert facts["owners"][str(data_lab.DELETED_UID)]["count"] == 1
    assert f"{repository}/data/bad\\xffname" in facts["owners"][str(data_lab._uid(data_accounts.alice))]["samples"]


@pytest.mark.integration
def test_budgets_stop_the_walk_and_say_so(repository):
    facts = walk_tree(LocalHost(), str(repository), WalkLimits(max_files=5))
    assert facts["entries"] == 5
    assert facts["partial"] == {"file_budget": "stopped after 5 entries (max_files 5)"}
    facts = walk_tree(LocalHost(), str(repository), WalkLimits(max_depth=3))
    assert facts["partial"]["depth_budget"] == {"count": 1, "samples": [f"{repository}/deep/1/2"]}
    assert f"{repository}/deep/1/2/3" not in json.dumps(facts)


@pytest.mark.integration
def test_missing_path_symlinked_root_and_a_file(tmp_path):
    missing = walk_tree(LocalHost(), str(tmp_path / "absent"), WalkLimits())
    assert missing["exists"] is False and missing["partial"] == {} and missing["entries"] == 0
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "x").write_text("x")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    linked = walk_tree(LocalHost(), str(tmp_path / "alias"), WalkLimits())
    assert linked["type"] == "d" and linked["entries"] == 2  # the start point is followed (-H)
    single = walk_tree(LocalHost(), str(tmp_path / "real" / "x"), WalkLimits())
    assert single["exists"] is True and single["type"] == "f"


@pytest.mark.integration
def test_a_symlink_loop_does_not_hang_the_walk(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "up").symlink_to("..")
    facts = walk_tree(LocalHost(), str(tmp_path), WalkLimits(timeout=20))
    assert facts["types"] == {"d": 2, "l": 3} and facts["partial"] == {}


@pytest.mark.integration
def test_a_mount_point_inside_is_not_crossed_and_is_reported(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    inner = tmp_path / "mnt"
    inner.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(inner)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        (inner / "hidden").write_text("x")
        facts = walk_tree(LocalHost(), str(tmp_path), WalkLimits())
    finally:
        subprocess.run(["umount", str(inner)], check=True)
    assert facts["other_filesystems"] == {"count": 1, "samples": [str(inner)]}
    assert "hidden" not in json.dumps(facts)


UNPRIVILEGED_WALK = """
import json, site, sys
sys.path.insert(0, sys.argv[1])  # the venv's packages before the system's (newer cryptography)
site.addsitedir(sys.argv[1])  # and its .pth files (the editable install)
from auditor.checks.data.tree_walk import WalkLimits, walk_tree
from auditor.errors import CollectError
from auditor.hosts.local import LocalHost
print(json.dumps(walk_tree(LocalHost(), sys.argv[2], WalkLimits())))
"""


@pytest.mark.integration
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
@pytest.mark.skipif(not Path("/usr/bin/python3").exists(), reason="needs Debian's python3 for the unprivileged run")
def test_denied_subtrees_are_partial_not_a_failure(world_readable_dir):
    """As 'nobody', two closed directories are reported; everything else is still walked."""
    root = world_readable_dir
    (root / "ok").mkdir(mode=0o755)
    (root / "ok" / "file").write_text("x")
    for name in ("secret", "se\ncret"):
        (root / name).mkdir()
        (root / name / "hidden").write_text("x")
        (root / name).chmod(0o000)
    completed = subprocess.run(
        ["runuser", "-u", "nobody", "--", "/usr/bin/python3", "-I", "-S", "-c", UNPRIVILEGED_WALK,
         sysconfig.get_paths()["purelib"], str(root)],
        capture_output=True, text=True, timeout=60, cwd="/",
    )
    assert completed.returncode == 0, completed.stderr
    facts = json.loads(completed.stdout)
    assert facts["exists"] is True and facts["types"] == {"d": 4, "f": 1}
    denied = facts["partial"]["permission_denied"]
    assert denied["count"] == 2
    assert sorted(denied["samples"]) == sorted([f"{root}/secret", f"{root}/se\\ncret"])
    assert set(facts["partial"]) == {"permission_denied"}


def record(kind: bytes, mode: bytes, uid: int, path: bytes, depth: int = 1) -> bytes:
    return b"\0".join([kind, mode, str(uid).encode(), b"1", str(depth).encode(), b"7", path, b""]) + b"\0"


def test_hostile_output_is_bounded_and_reported():
    """What a compromised host could send instead of find's output: nonsense modes, endless ids, no NULs."""
    output = record(b"d", b"755", 0, b"/r", depth=0) + record(b"f", b"zz9", 1, b"/r/x")
    output += b"".join(record(b"f", b"644", uid, b"/r/f%d" % uid) for uid in range(1000, 1300))
    facts = summarize(fold_output([output], "/r", WalkLimits()), WalkLimits(), stderr="", returncode=0,
                      timed_out=False)
    assert facts["partial"] == {"errors": {"count": 1, "samples": ["1 records with an unreadable mode"]}}
    assert len(facts["owners"]) == 201 and facts["owners"]["(more)"]["count"] == 101
    with pytest.raises(CollectError, match="field longer than"):
        fold_output([b"x" * (1 << 16)] * 20, "/r", WalkLimits())


@pytest.mark.integration
def test_local_stream_status_bounded_stderr_timeout_and_early_exit():
    host = LocalHost()
    with host.stream(["sh", "-c", "printf 'a\\0b'; head -c 200000 /dev/zero | tr '\\0' x >&2; exit 3"],
                     timeout=10) as output:
        assert b"".join(output) == b"a\0b"
    assert output.returncode == 3 and not output.timed_out
    assert output.stderr.startswith("x" * 1000) and output.stderr.endswith("(134464 more bytes)")
    with host.stream(["sleep", "30"], timeout=0.3) as output:
        assert list(output) == []
    assert output.timed_out and output.returncode == -9
    with host.stream(["yes"], timeout=10) as output:
        next(iter(output))  # the caller stops early: the command is killed, not left running
    assert output.returncode == -9
    with pytest.raises(CollectError, match="no-such-program: command not found"), \
            host.stream(["no-such-program"], timeout=1):
        pass
