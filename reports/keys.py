"""The fleet key page's view (``keys.html``, rendered by ``html.keys_page``): which SSH key opens
which accounts on which hosts.

Built from the ``host_accounts`` facts (their JSON) every host target recorded (the same source as
``python -m auditor.checks.host.keymap``), so it needs no check to have run. The fingerprint is
each key's identity; key comments are never collected, so none can be shown. Keys the profile
revokes (``host.revoked-access`` options, or that check's findings) come first, then the keys
that open the most hosts. Hosts whose keys could not be read are listed with the reason, so an
absent key is never mistaken for a key that opens nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.store.model import Snapshot

KEYS_FILE = "keys.html"
REVOKED_CHECK = "host.revoked-access"
FACTS = "host_accounts"  # the host area's facts, read as the snapshot stores them: reporters import no check area


@dataclass(frozen=True)
class KeyGrant:
    """One account on one host that a key opens, and where it is authorised."""

    target: str
    account: str
    location: str  # FILE:LINE
    options: str  # restrict, from="...", ... ("" when none)


@dataclass(frozen=True)
class KeyRow:
    """One key across the fleet."""

    fingerprint: str
    key_type: str
    bits: int
    revoked: bool
    grants: tuple[KeyGrant, ...]

    @property
    def hosts(self) -> int:
        """How many hosts the key opens."""
        return len({grant.target for grant in self.grants})

    @property
    def accounts(self) -> int:
        """How many (host, account) pairs the key opens."""
        return len({(grant.target, grant.account) for grant in self.grants})


@dataclass(frozen=True)
class HostNote:
    """A host whose key inventory is missing or incomplete, and why."""

    target: str
    note: str


@dataclass(frozen=True)
class KeysView:
    """Everything the key page shows."""

    keys: tuple[KeyRow, ...]
    hosts_read: tuple[str, ...]
    notes: tuple[HostNote, ...]
    revoked_not_found: tuple[str, ...]  # revoked fingerprints no host holds (good news, with evidence)


def has_key_facts(snapshot: Snapshot) -> bool:
    """True when some target recorded (or tried to record) its accounts: the page has a subject."""
    return any(FACTS in records for records in snapshot.facts.values())


def revoked_fingerprints(snapshot: Snapshot) -> frozenset[str]:
    """Fingerprints the profile revoked, from the check's options and from its findings."""
    meta = snapshot.checks.get(REVOKED_CHECK)
    listed = meta.options.get("keys") if meta is not None else None
    # Its key findings' resources are key:ACCOUNT:SHA256:... (an account name holds no colon).
    found = {finding.resource.split(":", 2)[2] for finding in snapshot.findings
             if finding.check_id == REVOKED_CHECK and finding.resource.startswith("key:")
             and finding.resource.count(":") >= 3}
    return frozenset({str(item) for item in (listed if isinstance(listed, list) else [])} | found)


def keys_view(snapshot: Snapshot) -> KeysView:
    """The key rows, worst first: revoked keys, then keys opening the most hosts and accounts."""
    revoked = revoked_fingerprints(snapshot)
    by_fingerprint: dict[str, list[tuple[str, _Key]]] = {}
    hosts_read: list[str] = []
    notes: list[HostNote] = []
    for target, records in sorted(snapshot.facts.items()):
        record = records.get(FACTS)
        if record is None:
            continue
        if not record.ok:
            notes.append(HostNote(target, f"keys not read ({record.status}): {record.reason}"))
            continue
        keys = _keys(record.value)
        if keys is None or not isinstance(record.value, Mapping):
            notes.append(HostNote(target, "keys cannot be read from this snapshot (unexpected shape)"))
            continue
        hosts_read.append(target)
        notes.extend(_incomplete(target, record.value))
        for key in keys:
            by_fingerprint.setdefault(key.fingerprint, []).append((target, key))
    rows = [_row(fingerprint, held, fingerprint in revoked) for fingerprint, held in by_fingerprint.items()]
    rows.sort(key=lambda row: (not row.revoked, -row.hosts, -row.accounts, row.fingerprint))
    return KeysView(tuple(rows), tuple(hosts_read), tuple(notes),
                    tuple(sorted(revoked - set(by_fingerprint))))


@dataclass(frozen=True)
class _Key:
    """An authorized_keys entry as the host_accounts facts record it (never a comment)."""

    account: str
    file: str
    line: int
    type: str
    bits: int
    fingerprint: str
    options: tuple[str, ...]


def _keys(value: Any) -> list[_Key] | None:
    """The facts' ``keys``, or None when they do not have the shape the host area writes."""
    if not isinstance(value, Mapping) or not isinstance(value.get("keys", []), list):
        return None
    keys = []
    for item in value.get("keys", []):
        try:
            keys.append(_Key(str(item["account"]), str(item["file"]), int(item["line"]), str(item["type"]),
                             int(item["bits"]), str(item["fingerprint"]),
                             tuple(str(option) for option in item.get("options", []))))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
    return keys


def _row(fingerprint: str, held: list[tuple[str, _Key]], revoked: bool) -> KeyRow:
    first = held[0][1]
    grants = sorted({KeyGrant(target, key.account, f"{key.file}:{key.line}", ",".join(key.options))
                     for target, key in held}, key=lambda g: (g.target, g.account, g.location))
    return KeyRow(fingerprint, first.type, first.bits, revoked, tuple(grants))


def _incomplete(target: str, value: Mapping[str, Any]) -> Iterable[HostNote]:
    """What the host's inventory could not see: unreadable key files, keys from a command."""
    unreadable = value.get("keys_unreadable") or []
    if unreadable:
        yield HostNote(target, f"key files not readable (run as root): {', '.join(map(str, unreadable))}")
    command = value.get("keys_command") or ""
    if command:
        yield HostNote(target, f"more keys may come from AuthorizedKeysCommand {command} (not seen here)")
