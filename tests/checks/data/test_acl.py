"""POSIX ACLs: parsing getfacl's output (recorded), and reading real ACLs set with setfacl."""

from __future__ import annotations

import pytest

import testkit
from auditor.checks.data.acl import (
    AclTallies,
    parse_entry,
    parse_getfacl,
    read_acls,
    unescape_name,
)
from auditor.checks.data.tree_walk import WalkLimits
from auditor.hosts.local import LocalHost
from testkit import data_lab

FIXTURES = testkit.FIXTURES / "data"


def test_names_are_unescaped_to_the_original_bytes():
    assert unescape_name(rb"/srv/a\012b") == b"/srv/a\nb"
    assert unescape_name(rb"/srv/e\\f") == b"/srv/e\\f"
    assert unescape_name(b"/srv/c\xffd") == b"/srv/c\xffd"


@pytest.mark.parametrize("line, expected", [
    ("user:bob:rw-", {"scope": "access", "tag": "user", "qualifier": "bob", "perms": "rw-", "effective": "rw-"}),
    ("group:lab:rwx\t#effective:r--", {"scope": "access", "tag": "group", "qualifier": "lab", "perms": "rwx",
                                       "effective": "r--"}),
    ("default:other::r--", {"scope": "default", "tag": "other", "qualifier": "", "perms": "r--", "effective": "r--"}),
    ("user::rwx", None), ("group::r-x", None), ("mask::rwx", None), ("other::r--", None),
    ("default:mask::r-x", None), ("garbage", None), ("user:bob:rwz", None),
])
def test_entries_beyond_the_mode_bits_are_kept(line, expected):
    assert parse_entry(line) == expected


def test_recorded_getfacl_output():
    lines = (FIXTURES / "getfacl.txt").read_bytes().split(b"\n")
    tallies = AclTallies(keep=5)
    for name, entry in parse_getfacl(lines):
        tallies.add(name, entry)
    facts = tallies.to_dict()
    assert facts["files"] == 4
    by_key = {(e["scope"], e["tag"], e["qualifier"], e["effective"]): e for e in facts["entries"]}
    nobody = by_key[("access", "user", "nobody", "rw-")]
    assert nobody["count"] == 3
    assert sorted(nobody["samples"]) == ["/srv/repo/a\\nb", "/srv/repo/c\\xffd", "/srv/repo/e\\\\f"]
    assert by_key[("access", "group", "nogroup", "r--")]["samples"] == ["/srv/repo/sub"]  # masked
    assert ("default", "group", "nogroup", "r-x") in by_key and ("default", "other", "", "r--") in by_key
    assert len(by_key) == 4


@pytest.mark.integration
def test_real_acls_of_the_test_repository(data_accounts, tmp_path):
    repo = data_lab.build_repository(tmp_path, data_accounts)
    facts = read_acls(LocalHost(), str(repo), WalkLimits(), "getfacl")
    a = data_accounts
    found = {(e["scope"], e["tag"], e["qualifier"], e["effective"]): data_lab.relative(e["samples"], repo)
             for e in facts["entries"]}
    assert found == {
        ("access", "user", a.mallory, "rwx"): {"acl"},
        ("access", "group", a.read, "rwx"): {"acl"},
        ("access", "group", a.other, "r-x"): {"acl"},
        ("default", "group", a.write, "rwx"): {"acl"},
        ("default", "other", "", "r--"): {"acl"},
        ("access", "user", a.bob, "r--"): {"acl/f.txt"},
        # inherited from the directory's default ACL (setfacl then recalculated the mask)
        ("access", "group", a.write, "rwx"): {"acl/f.txt"},
    }
    assert facts["partial"] == {} and facts["files"] == 2
