"""``auditor run local`` with a rules file: every kind of violation in the snapshot and the reports.

A real repository (data_lab) with real owners, modes and ACLs; a stale backup writable by a
read group; exports, smb.conf, rsyncd.conf, nginx and Apache configurations that share it;
a profile naming all of them. The run is the real command line, in a subprocess.
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from testkit import data_lab

pytestmark = pytest.mark.integration


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def audit(data_accounts, tmp_path_factory):
    """Runs the audit once; returns (exit code, snapshot, output directory, repository path)."""
    a = data_accounts
    base = tmp_path_factory.mktemp("e2e")
    repo = data_lab.build_repository(base, a)
    for name, group in (("legacy", a.owner), ("notes", "root")):
        (base / name).mkdir()
        os.chown(base / name, 0, data_lab._gid(group))
        (base / name).chmod(0o2750)
    backup = base / "backup" / "raw"
    backup.mkdir(parents=True)
    dump = write(backup / "raw-dump.tar", "old backup\n")
    month_ago = time.time() - 30 * 86400
    os.utime(dump, (month_ago, month_ago))
    os.chown(backup, 0, data_lab._gid(a.read))
    backup.chmod(0o2770)  # the read group may write the backup
    config = base / "etc"
    write(base / "rules.yaml", f"""\
repositories:
  - name: raw
    path: {repo}
    classification: restricted
    owner_group: {a.owner}
    read_groups: [{a.read}]
    write_groups: [{a.write}]
    backup: {{path: {backup}, max_age_days: 2}}
  - name: legacy
    path: {base}/legacy
    owner_group: {a.owner}
  - name: notes
    path: {base}/notes
    classification: internal
    owner_group: root
  - name: gone
    path: {base}/gone
    classification: public
    owner_group: {a.owner}
""")
    write(config / "exports", f"{repo} *(rw,no_root_squash,insecure)\n")
    write(config / "smb.conf", f"[global]\nmap to guest = Bad User\n[raw]\npath = {repo}\nguest ok = yes\nread only = no\n")
    write(config / "rsyncd.conf", f"[raw]\npath = {repo}\nread only = no\n")
    write(config / "nginx.conf", f"events {{}}\nhttp {{\n server {{\n  root {base};\n  autoindex on;\n }}\n}}\n")
    write(config / "apache2.conf", f"Alias /raw {repo}\n<Directory {repo}>\n Options Indexes\n</Directory>\n")
    profile = write(base / "profile.yaml", f"""\
name: data-e2e
extends: baseline
select: ["data.*"]
collectors:
  repositories: {{rules: rules.yaml, samples: 3}}
  nfs_exports: {{exports: {config}/exports, exports_dir: {config}/exports.d}}
  samba: {{config: {config}/smb.conf}}
  rsyncd: {{config: {config}/rsyncd.conf}}
  web_servers: {{nginx: {config}/nginx.conf, apache: [{config}/apache2.conf]}}
""")
    out = base / "out"
    completed = subprocess.run([sys.executable, "-m", "auditor", "run", "local", "--profile", str(profile),
                                "--out", str(out)], capture_output=True, text=True, timeout=300, cwd=base)
    snapshot = json.loads((out / "snapshot.json").read_text())
    return completed, snapshot, out, repo


def resources(snapshot: dict, check_id: str) -> set[str]:
    return {f["resource"] for f in snapshot["findings"] if f["check_id"] == check_id}


def test_every_kind_of_violation_is_in_the_snapshot(audit, data_accounts):
    completed, snapshot, _, repo = audit
    a = data_accounts
    assert completed.returncode == 1, completed.stderr  # high findings, and no check in error
    statuses = {r["check_id"]: r["status"] for r in snapshot["results"] if r["check_id"].startswith("data.")}
    assert set(statuses.values()) == {"fail"}, statuses
    expected = {
        "data.classification": {"repo:legacy:classification"},
        "data.repository-present": {"repo:gone:present"},
        "data.world-access": {"repo:raw:world-readable", "repo:raw:world-writable"},
        "data.ownership": {f"repo:raw:group:{a.other}", f"repo:raw:owner:{a.bob}", f"repo:raw:owner:{a.mallory}",
                           f"repo:raw:owner:{data_lab.DELETED_UID}"},
        "data.group-write": {f"repo:raw:group-write:{a.read}"},
        "data.setgid-dirs": {"repo:raw:setgid"},
        "data.symlinks-outside": {"repo:raw:symlinks-outside"},
        "data.setuid-files": {"repo:raw:setuid-files", "repo:raw:setgid-files"},
        "data.acl-entries": {f"repo:raw:acl:access:user:{a.mallory}", f"repo:raw:acl:access:group:{a.read}",
                             f"repo:raw:acl:access:group:{a.other}", "repo:raw:acl:default:other:other"},
        "data.nfs-exports": {f"nfs:{repo}@*:wide", f"nfs:{repo}@*:no_root_squash", f"nfs:{repo}@*:insecure",
                             f"nfs:{repo}:repo:raw"},
        "data.smb-shares": {"smb:global:map-to-guest", "smb:[raw]:guest", "smb:[raw]:repo:raw"},
        "data.rsync-modules": {"rsync:[raw]:anonymous", "rsync:[raw]:writable", "rsync:[raw]:repo:raw"},
        "data.web-listing": {"web:nginx:/repo/:repo:raw", "web:apache:/raw/:repo:raw",
                             "web:nginx:/legacy/:repo:legacy", "web:nginx:/notes/:repo:notes"},
        "data.backup": {"backup:raw:stale", "backup:raw:writable", "backup:notes:undeclared",
                        "backup:legacy:undeclared"},
    }
    for check_id, wanted in expected.items():
        assert resources(snapshot, check_id) == wanted, check_id
    fingerprints = [f["fingerprint"] for f in snapshot["findings"]]
    assert len(set(fingerprints)) == len(fingerprints)  # diff matches findings by fingerprint


def test_findings_aggregate_with_counts_and_escaped_samples(audit):
    _, snapshot, _, _ = audit
    by_resource = {f["resource"]: f for f in snapshot["findings"]}
    readable = by_resource["repo:raw:world-readable"]
    assert readable["evidence"]["count"] == "4"
    assert readable["severity"] == "medium"  # high, lowered: others cannot enter the root (2770)
    assert by_resource["repo:raw:world-writable"]["severity"] == "medium"
    assert len(readable["evidence"]["samples"].split(", ")) == 3  # samples: 3 in the profile
    owners = [f for f in snapshot["findings"] if f["check_id"] == "data.ownership"]
    assert len(owners) == 4  # one per cause, not one per file
    everything = json.dumps(snapshot)
    assert "new\\\\nline.txt" in everything or "bad\\\\xffname" in everything  # shown escaped, never raw
    assert "new\\nline.txt" not in everything.replace("\\\\n", "")


def test_prevention_and_recovery_pages_show_the_findings(audit):
    _, _, out, repo = audit
    prevention = (out / "prevention.html").read_text()
    recovery = (out / "recovery.html").read_text()
    for resource in ("repo:raw:world-readable", "repo:raw:setuid-files", f"nfs:{repo}@*:no_root_squash",
                     "smb:[raw]:guest", "rsync:[raw]:anonymous", "web:apache:/raw/:repo:raw",
                     "repo:legacy:classification"):
        assert html.escape(resource) in prevention, resource
    assert "backup:raw:stale" in recovery and "backup:raw:writable" in recovery
    assert "the newest backup of raw is 30 days old (at most 2 allowed)" in recovery
