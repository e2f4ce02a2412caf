"""The ``sshd`` facts keep the JSON shape snapshots have always stored, and read back into the same types."""

from __future__ import annotations

import grp
import json
import os
import pwd
from pathlib import Path
from typing import Any

import pytest

import testkit
from auditor.check import CollectEnv
from auditor.checks.ssh.collector import SshdCollector
from auditor.checks.ssh.facts import (
    BannerFile,
    BannerText,
    MissingFile,
    NoBanner,
    SshdContext,
    SshdFacts,
    StatFile,
    UnreadableBanner,
    UnstattableFile,
)
from auditor.checks.ssh.sshd_config.parser import MatchContext, parse_sshd_t_output
from auditor.facts import facts_from_json, facts_to_json
from auditor.hosts.local import LocalHost
from auditor.models import Target, TargetKind

RECORDED = testkit.FIXTURES / "sshd-facts" / "parsed-lab.json"
KEY = StatFile(path="/etc/ssh/ssh_host_ed25519_key", mode="0600", uid=0, gid=0, owner="root", group="root",
               is_file=True)


def write_lab(directory: Path) -> Path:
    """The tree tests/fixtures/sshd-facts/parsed-lab.json was recorded from."""
    (directory / "conf.d").mkdir()
    (directory / "conf.d" / "10-hardening.conf").write_text("PasswordAuthentication no\nMaxAuthTries 3\n")
    key = directory / "ssh_host_ed25519_key"
    key.write_text("not a real key\n")
    key.chmod(0o600)
    (directory / "issue.net").write_text("Authorised use only. Security contact: cert@example.org\n")
    (directory / "issue.net").chmod(0o644)
    config = directory / "sshd_config"
    config.write_text(
        f"Include {directory}/conf.d/*.conf\n"
        f"HostKey {key}\n"
        f"HostKey {directory}/ssh_host_rsa_key\n"
        f"Banner {directory}/issue.net\n"
        "PermitRootLogin no\n"
        "Match User backup\n"
        "    PasswordAuthentication yes\n"
    )
    return config


def recorded_for(directory: Path) -> dict[str, Any]:
    """The recorded JSON for a lab in ``directory``, with the owners of the files this run created."""
    recorded: dict[str, Any] = json.loads(RECORDED.read_text().replace("@LAB@", str(directory)))
    for entry in [*recorded["host_keys"], recorded["banner"]]:
        if entry.get("exists"):
            stat = os.stat(entry["path"])
            entry.update(uid=stat.st_uid, gid=stat.st_gid, owner=pwd.getpwuid(stat.st_uid).pw_name,
                         group=grp.getgrgid(stat.st_gid).gr_name)
    return recorded


def collect_lab(directory: Path) -> SshdFacts:
    options = {**SshdCollector.options, "config": str(write_lab(directory)), "binary": "no-such-sshd",
               "match_contexts": [MatchContext(user="backup", addr="192.0.2.7")]}
    return SshdCollector().collect(CollectEnv(Target("local", TargetKind.LOCAL), LocalHost(), options, 20))


def test_collected_facts_are_the_json_the_untyped_collector_wrote(tmp_path: Path) -> None:
    facts = collect_lab(tmp_path)
    recorded = recorded_for(tmp_path)
    # Same keys in the same order, same values: snapshots keep their shape.
    assert json.dumps(facts_to_json(facts), indent=1) == json.dumps(recorded, indent=1)
    assert facts_from_json(SshdFacts, recorded) == facts
    assert facts_from_json(SshdFacts, recorded, version=1) == facts


def test_recorded_lab_facts_read_back_as_records(tmp_path: Path) -> None:
    write_lab(tmp_path)
    facts = facts_from_json(SshdFacts, recorded_for(tmp_path))
    assert [type(key) for key in facts.host_keys] == [StatFile, MissingFile]
    assert isinstance(facts.banner, BannerText) and facts.banner.text.startswith("Authorised use only")
    assert facts.contexts[1].value("passwordauthentication") == "yes"
    assert facts.global_context.value("maxauthtries") == "3"


@pytest.mark.parametrize("banner, expected", [
    (NoBanner(), {"path": None}),
    (MissingFile(path="/etc/issue.net"), {"path": "/etc/issue.net", "exists": False}),
    (UnstattableFile(path="/etc/issue.net", error="Permission denied"),
     {"path": "/etc/issue.net", "exists": None, "error": "Permission denied"}),
    (UnreadableBanner(path="/etc/issue.net", mode="0000", uid=0, gid=0, owner="root", group="root", is_file=True,
                      error="Permission denied"),
     {"path": "/etc/issue.net", "mode": "0000", "uid": 0, "gid": 0, "owner": "root", "group": "root",
      "is_file": True, "exists": True, "error": "Permission denied"}),
])
def test_every_file_shape_keeps_its_keys_and_reads_back(banner: BannerFile, expected: dict[str, Any]) -> None:
    settings = parse_sshd_t_output((testkit.FIXTURES / "sshd-t" / "hardened.txt").read_text())
    context = SshdContext(label="global", match="", settings={key: tuple(value) for key, value in settings.items()})
    facts = SshdFacts(source="sshd -T", contexts=(context,), files=("/etc/ssh/sshd_config",), binary="/usr/sbin/sshd",
                      host_keys=(KEY, MissingFile(path="/etc/ssh/ssh_host_rsa_key")), banner=banner)
    stored = json.loads(json.dumps(facts_to_json(facts)))
    assert stored["banner"] == expected
    assert stored["host_keys"][1] == {"path": "/etc/ssh/ssh_host_rsa_key", "exists": False}
    assert stored["contexts"][0]["settings"]["ciphers"] == settings["ciphers"]
    assert facts_from_json(SshdFacts, stored) == facts
