"""Accounts and key revocation (RSP-4, PRV-2, PRV-3) from recorded Debian 12, Ubuntu 24.04 and Rocky 9 machines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess

import pytest

from auditor.checks.host.accounts_parse import nopasswd_all, parse_last, parse_lastlog, password_state
from auditor.checks.host.authorized_keys import fingerprint_of, parse_line
from auditor.checks.host.collector_accounts import AccountsCollector
from auditor.checks.host.facts import AccountsFacts
from auditor.config.profile import load_profile
from auditor.errors import NotAssessable, ProfileError
from auditor.facts import facts_to_json
from testkit.hostkit import MACHINES, REGISTRY, collect, judge, recorded

ALICE_LAPTOP = "SHA256:Fs45zcqKEXkEIjS3mHXXASi08Z2KdIg/QyrIDFbY8+4"  # ssh-keygen -lf on the fixture keys
ALICE_DESKTOP = "SHA256:jKB0n82GRR1DlFQiIktdb0aLHaWP8QzUPp7Sl85sNj8"
BOB_OLD = "SHA256:Js79oKoIEKU/dkKXhymm+QzR/Q0QtaB373mSWy2DyWo"
BACKUP = "SHA256:Mm/eJhfU1cDX29517XQWGCb2WOL9G2vY8btcKJ+IOeE"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC).timestamp()


def debian() -> AccountsFacts:
    facts: AccountsFacts = collect(AccountsCollector(), recorded("debian12"))
    return dataclasses.replace(facts, collected_at=NOW)


def test_key_lines_fingerprints_sizes_and_options_without_comments() -> None:
    text = (MACHINES / "debian12/files/etc/ssh/keys/svc-backup").read_text()
    parsed = parse_line(text)
    assert parsed is not None
    options, key = parsed
    assert (key.type, key.bits, key.fingerprint) == ("ssh-rsa", 3072, BACKUP)
    assert options == ("restrict", 'command="/usr/bin/rrsync -ro /srv/data"', 'from="198.51.100.7"')
    carol = parse_line((MACHINES / "debian12/files/home/carol/.ssh/authorized_keys").read_text())
    assert carol is not None and carol[0] == ("environment", "restrict")  # the value may be a secret
    assert parse_line("# a comment") is None and parse_line("ssh-ed25519 !!notbase64") is None
    assert fingerprint_of((MACHINES / "debian12/files/home/bob/.ssh/authorized_keys").read_text()) == BOB_OLD


def test_password_states_and_lastlog() -> None:
    assert [password_state(v) for v in ("", "*", "!", "!!", "!$y$x", "$6$x")] == [
        "empty", "no-password", "no-password", "no-password", "locked", "set"]
    last = parse_lastlog((MACHINES / "debian12/outputs/lastlog.txt").read_text())
    assert last["daemon"] is None and last["alice"] == dt.datetime(2026, 11, 24, 17, 3, 9, tzinfo=dt.UTC).timestamp()
    assert nopasswd_all("alice ALL=(ALL) NOPASSWD:ALL") and not nopasswd_all("%sudo ALL=(ALL:ALL) ALL")


def test_debian12_facts_hold_states_never_hashes_nor_comments() -> None:
    facts = debian()
    stored = json.dumps(facts_to_json(facts))
    assert "$y$" not in stored and "FIXTURE" not in stored and "s3cr3t" not in stored
    assert "laptop-stolen" not in stored and "alice@desktop" not in stored
    states = {account.name: (account.password, account.expired) for account in facts.accounts}
    assert states["bob"] == ("locked", False) and states["carol"] == ("set", True) and states["dave"] == ("empty", False)
    svc = [key for key in facts.keys if key.account == "svc-backup"]
    assert [key.file for key in svc] == ["/etc/ssh/keys/svc-backup"]  # Match User svc-backup applied


def test_debian12_account_checks() -> None:
    facts = debian()
    assert [f.resource for f in judge("host.uid0-accounts", facts)[0]] == ["account:toor"]
    assert [f.resource for f in judge("host.empty-passwords", facts)[0]] == ["account:dave"]
    dormant = {f.resource: f.evidence["last_login_days"] for f in judge("host.dormant-accounts", facts)[0]}
    # bob: 321 days; toor shares root's home and so root's key, and never logged in; dave has only an
    # empty password (host.empty-passwords) and no key
    assert dormant == {"account:bob": "321", "account:toor": "never"}
    locked = judge("host.locked-accounts-with-keys", facts)[0]
    assert [(f.resource, f.evidence["state"]) for f in locked] == [("account:bob", "locked"),
                                                                     ("account:carol", "expired")]
    sudo = judge("host.sudo-nopasswd-all", facts)[0]
    assert [f.resource for f in sudo] == ["sudoers:/etc/sudoers.d/90-cloud-init-users:4"]  # old.disabled skipped
    weak = judge("host.weak-authorized-keys", facts)[0]
    assert [f.resource for f in weak] == [f"key:bob:{BOB_OLD}"]
    inventory = {f.resource: f.evidence["accounts"] for f in judge("host.key-inventory", facts)[0]}
    assert inventory[f"key:{ALICE_LAPTOP}"] == "alice, carol" and inventory[f"key:{BACKUP}"] == "svc-backup"


def test_revocation_names_every_account_holding_the_key_and_departed_users() -> None:
    facts = debian()
    findings, _ = judge("host.revoked-access", facts, options={"keys": [ALICE_LAPTOP], "users": ["carol", "erin"]})
    assert sorted(f.resource for f in findings) == [f"key:alice:{ALICE_LAPTOP}", f"key:carol:{ALICE_LAPTOP}"]
    # carol is expired: she cannot log in, though her account still holds a key (locked-accounts-with-keys says so)
    findings, _ = judge("host.revoked-access", facts, options={"keys": [], "users": ["alice"]})
    assert [f.resource for f in findings] == ["account:alice"]


def test_revocation_list_is_validated_at_profile_load(tmp_path) -> None:
    key_line = (MACHINES / "debian12/files/home/bob/.ssh/authorized_keys").read_text().strip()
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\nextends: baseline\noptions:\n  host.revoked-access:\n    keys:\n      - '{key_line}'\n"
                    f"      - {ALICE_LAPTOP}\n    users: [carol]\n")
    options = load_profile(str(path), REGISTRY).options["host.revoked-access"]
    assert options == {"keys": sorted([BOB_OLD, ALICE_LAPTOP]), "users": ["carol"]}
    path.write_text("name: p\nextends: baseline\noptions:\n  host.revoked-access:\n    keys: [not-a-key]\n")
    with pytest.raises(ProfileError, match="neither a public key line nor a SHA256"):
        load_profile(str(path), REGISTRY)


def test_ubuntu_without_root_or_lastlog_is_not_assessable() -> None:
    facts = collect(AccountsCollector(), recorded("ubuntu2404", privileged=False))
    assert facts.shadow_error.endswith("permission denied (run as root to read it)")
    with pytest.raises(NotAssessable, match="permission denied"):
        judge("host.empty-passwords", facts)
    with pytest.raises(NotAssessable, match="lastlog"):
        judge("host.dormant-accounts", facts)
    with pytest.raises(NotAssessable, match="sudoers: permission denied"):
        judge("host.sudo-nopasswd-all", facts)
    inventory = judge("host.key-inventory", facts)[0]
    assert [f.evidence["accounts"] for f in inventory] == ["ubuntu"]


def test_rocky9_cloud_user_nopasswd_and_dormant_olduser() -> None:
    facts = dataclasses.replace(collect(AccountsCollector(), recorded("rocky9")), collected_at=NOW)
    assert [f.resource for f in judge("host.sudo-nopasswd-all", facts)[0]] == [
        "sudoers:/etc/sudoers.d/90-cloud-init-users:4"]  # the commented %wheel NOPASSWD line is not a rule
    assert judge("host.dormant-accounts", facts)[0] == []  # olduser is locked without keys: cannot log in
    assert judge("host.uid0-accounts", facts)[0] == [] and judge("host.empty-passwords", facts)[0] == []


def test_key_map_command_prints_every_door_a_key_opens(tmp_path, capsys) -> None:
    from auditor.checks.host.keymap import main
    from auditor.facts import facts_to_json

    snapshot = {"facts": {"ssh://root@a": {"host_accounts": {"status": "ok", "value": facts_to_json(debian())}},
                          "ssh://root@b": {"host_accounts": {"status": "not-assessable", "reason": "x"}}}}
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(snapshot))
    assert main([str(path), "--key", ALICE_LAPTOP]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("fingerprint,type,bits,hosts,target,account")
    assert [row.split(",")[5] for row in rows[1:]] == ["alice", "carol"]


def test_wtmp_login_records_where_lastlog_is_gone() -> None:
    logins, begins = parse_last((MACHINES / "debian12/outputs/last-w-iso.txt").read_text())
    assert logins == {"alice": dt.datetime(2026, 11, 24, 17, 3, 9, tzinfo=dt.UTC).timestamp(),
                      "bob": dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC).timestamp(),  # the newest of two
                      "a-very-long-user-name": dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC).timestamp()}
    assert begins == dt.datetime(2026, 11, 1, 0, 0, 5, tzinfo=dt.UTC).timestamp()  # "reboot" is not an account
    assert parse_last("wtmp begins Sun Nov  1 00:00:05 2026\n")[1] == begins
    assert parse_last("") == ({}, None)


def test_debian13_dormant_accounts_from_wtmpdb() -> None:
    facts = dataclasses.replace(collect(AccountsCollector(), recorded("debian13")), collected_at=NOW)
    assert facts.logins_source == "wtmpdb last" and facts.lastlog_error == ""
    findings, ctx = judge("host.dormant-accounts", facts)
    assert ctx.details["logins_from"] == "wtmpdb last"
    by_resource = {finding.resource: finding for finding in findings}
    assert sorted(by_resource) == ["account:erin", "account:frank"]  # alice logged in a week ago
    assert by_resource["account:frank"].message == "account 'frank' can log in but has not for 152 days"
    assert by_resource["account:erin"].message == ("account 'erin' can log in but has not since at least 2026-06-01 "
                                                  "(where the login records begin, 183 days ago)")
    assert by_resource["account:erin"].evidence["last_login_days"] == "more than 183"
    short = dataclasses.replace(facts, logins_since=dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp())
    assert [f.resource for f in judge("host.dormant-accounts", short)[0]] == ["account:frank"]  # erin: not known
    assert judge("host.dormant-accounts", facts, options={"include_never": False})[0][0].resource == "account:frank"


@pytest.mark.skipif(shutil.which("last") is None, reason="util-linux last is not installed")
def test_this_machines_last_says_where_its_records_begin() -> None:
    result = subprocess.run(["last", "-w", "--time-format", "iso"], capture_output=True, text=True, timeout=30,
                            check=True)
    logins, begins = parse_last(result.stdout)
    assert begins is not None and begins <= dt.datetime.now(dt.UTC).timestamp()
    assert all(stamp >= begins for stamp in logins.values())
