"""The fleet-wide key map: which SSH key opens which accounts on which hosts, from a snapshot.

Reads the ``host_accounts`` facts every host target recorded (no network, no checks) and
prints one CSV row per key, host and account:

    python -m auditor.checks.host.keymap audit-*/snapshot.json [--key SHA256:...]

Every run's report shows the same map as a page, ``keys.html``. The day a laptop is stolen,
``--key`` with its fingerprint lists every door it opens (and ``host.revoked-access`` in the
profile turns those into findings on the next run).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class KeyGrant:
    """One key authorised for one account on one host."""

    fingerprint: str
    key_type: str
    bits: int
    target: str
    account: str
    file: str
    line: int
    options: str


def key_map(snapshot: Mapping[str, Any]) -> dict[str, list[KeyGrant]]:
    """Fingerprint -> every (host, account) it opens, from a snapshot's JSON, sorted by host and account."""
    grants: dict[str, list[KeyGrant]] = {}
    for target, facts in sorted((snapshot.get("facts") or {}).items()):
        record = facts.get("host_accounts") or {}
        if record.get("status") != "ok":
            continue
        for key in record["value"].get("keys", []):
            grants.setdefault(key["fingerprint"], []).append(KeyGrant(
                key["fingerprint"], key["type"], key["bits"], target, key["account"], key["file"], key["line"],
                ",".join(key.get("options", []))))
    return {fingerprint: sorted(items, key=lambda g: (g.target, g.account, g.file, g.line))
            for fingerprint, items in sorted(grants.items())}


def main(argv: list[str] | None = None) -> int:
    """Print the key map of one or more snapshots as CSV."""
    parser = argparse.ArgumentParser(description="Which SSH key opens which accounts on which hosts.")
    parser.add_argument("snapshots", nargs="+", type=Path)
    parser.add_argument("--key", action="append", default=[], help="only this SHA256 fingerprint (repeatable)")
    args = parser.parse_args(argv)
    writer = csv.writer(sys.stdout)
    writer.writerow(["fingerprint", "type", "bits", "hosts", "target", "account", "file", "line", "options"])
    for path in args.snapshots:
        grants = key_map(json.loads(path.read_text()))
        for fingerprint, items in grants.items():
            if args.key and fingerprint not in args.key:
                continue
            hosts = len({item.target for item in items})
            for item in items:
                writer.writerow([fingerprint, item.key_type, item.bits, hosts, item.target, item.account,
                                 item.file, item.line, item.options])
    return 0


if __name__ == "__main__":
    sys.exit(main())
