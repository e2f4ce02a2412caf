"""The host's accounts the data checks name: the rules' groups, and the owners the walks saw.

Everything comes from ``getent`` run through the host, so local, SSH and directory-service
(LDAP, SSSD) accounts are alike. Keys are looked up in batches; unknown keys are simply absent.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auditor.checks.data.facts import Accounts, DeclaredGroup, GroupAccount, UserAccount
from auditor.hosts.base import Host

_GETENT_BATCH = 200


def lookup_groups(host: Host, names: Iterable[str], timeout: float) -> dict[str, DeclaredGroup | None]:
    """``getent group`` for each name: its gid and members, or None when the host does not know it."""
    wanted = sorted(set(names))
    found = {entry["name"]: entry for entry in _getent(host, "group", wanted, timeout)}
    return {name: (DeclaredGroup(gid=found[name]["id"], members=tuple(found[name]["members"]))
                   if name in found else None)
            for name in wanted}


def lookup_accounts(host: Host, uids: Iterable[str], gids: Iterable[str], timeout: float) -> Accounts:
    """``getent passwd`` of ``uids`` (ids or names) and ``getent group`` of ``gids``, keyed by id and name."""
    users: dict[str, UserAccount] = {}
    for entry in _getent(host, "passwd", sorted(set(uids)), timeout):
        users[str(entry["id"])] = users[entry["name"]] = UserAccount(entry["name"], entry["id"], entry["gid"])
    groups: dict[str, GroupAccount] = {}
    for entry in _getent(host, "group", sorted(set(gids)), timeout):
        record = GroupAccount(entry["name"], entry["id"], tuple(entry["members"]))
        groups[str(entry["id"])] = groups[entry["name"]] = record
    return Accounts(users=users, groups=groups)


def _getent(host: Host, database: str, keys: list[str], timeout: float) -> list[dict[str, Any]]:
    """Entries of ``getent DATABASE KEY...`` (exit status 2 only means some keys are unknown)."""
    entries = []
    for start in range(0, len(keys), _GETENT_BATCH):
        batch = keys[start:start + _GETENT_BATCH]
        result = host.run(["getent", database, "--", *batch], timeout=timeout)
        for line in result.stdout.splitlines():
            entry = parse_getent_line(database, line)
            if entry is not None:
                entries.append(entry)
    return entries


def parse_getent_line(database: str, line: str) -> dict[str, Any] | None:
    """One line of ``getent passwd`` (name:pw:uid:gid:...) or ``getent group`` (name:pw:gid:members)."""
    parts = line.rstrip("\n").split(":")
    try:
        if database == "passwd" and len(parts) >= 4:
            return {"name": parts[0], "id": int(parts[2]), "gid": int(parts[3])}
        if database == "group" and len(parts) >= 4:
            members = [member for member in parts[3].split(",") if member]
            return {"name": parts[0], "id": int(parts[2]), "members": members}
    except ValueError:
        return None
    return None
