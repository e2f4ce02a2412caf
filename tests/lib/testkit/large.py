"""A generated fleet audit of any size (10,000 findings by default) for report size, speed and grouping.

Every finding is a function of its host's number, so runs are reproducible. The fleet has:
web servers sharing one weak ``ssl_ciphers`` line (the same 26 ciphers on tcp/443), hosts with
password login on, exposed ports, stale backups, results that could not be checked for a few
reasons, owners, and one legacy server (``LEGACY``) with a hostile banner and certificate subject
and its own 26 weak ciphers on tcp/8443 (one fix: one row of 26).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from auditor.store.model import Snapshot
from testkit.snapshots import XSS_ATTR, XSS_SCRIPT, finding, make_snapshot, result

LEGACY = "legacy01.example.org"
HOSTILE_OWNER = f"lab-{XSS_SCRIPT}"
CIPHERS = tuple(f"TLS_RSA_WITH_WEAK_{n:02d}" for n in range(26))
SSL_CIPHERS_FIX = "Set ssl_ciphers to the Mozilla intermediate list in nginx.conf and reload nginx."
HOSTILE_BANNER = f"SSH-2.0-OpenSSH_5.3 {XSS_SCRIPT}"
HOSTILE_SUBJECT = f"CN={XSS_ATTR},O=<svg onload=alert(2)>"
_NOT_CHECKED = (("not-assessable", "needs root"), ("skipped", "no TLS port"), ("error", "backup path unreadable"))


def host_name(number: int) -> str:
    """The name of host ``number``."""
    return f"host{number:04d}.example.org"


def _legacy_findings() -> list[dict[str, Any]]:
    ciphers = [finding("tls.protocols", LEGACY, f"tcp/8443:cipher/{name}", "critical" if n < 4 else "high",
                       message=f"port 8443 offers {name}", remediation=SSL_CIPHERS_FIX,
                       evidence={"subject": HOSTILE_SUBJECT, "observed": name})
               for n, name in enumerate(CIPHERS)]
    banner = finding("ssh.password-authentication", LEGACY, "tcp/22:auth/password", "critical",
                     message=f"banner {HOSTILE_BANNER} offers password login", remediation="PasswordAuthentication no",
                     evidence={"banner": HOSTILE_BANNER})
    return [*ciphers, banner]


def _host_findings(number: int) -> Iterator[dict[str, Any]]:
    """As many findings as host ``number`` can have, worst kinds first."""
    host = host_name(number)
    if number % 5:
        yield finding("ssh.password-authentication", host, "sshd:PasswordAuthentication", "high",
                      remediation="PasswordAuthentication no")
    if number % 3 == 0:  # web servers with one shared, weak nginx configuration
        for n, name in enumerate(CIPHERS):
            yield finding("tls.protocols", host, f"tcp/443:cipher/{name}", "high" if n < 4 else "medium",
                          message=f"port 443 offers {name}", remediation=SSL_CIPHERS_FIX)
    if number % 2:
        yield finding("ssh.root-login", host, "sshd:PermitRootLogin", "medium", remediation="PermitRootLogin no")
    for port in range(40):
        yield finding("services.exposed", host, f"tcp/{6000 + (number + port) % 300}", "low",
                      message="service reachable", remediation="Close or firewall the port.")


def large_snapshot(findings: int = 10_000, hosts: int = 500, *, started_at: str = "2026-03-01T10:00:00+00:00",
                   skip_every: int = 0) -> Snapshot:
    """A fleet audit with exactly ``findings`` findings over ``hosts`` hosts plus ``LEGACY``.

    ``skip_every`` > 0 leaves out every n-th host's findings: a previous run with other findings.
    """
    names = [host_name(n) for n in range(hosts)]
    items = _legacy_findings()
    streams = [_host_findings(n) for n in range(hosts) if not (skip_every and n % skip_every == 0)]
    while len(items) < findings and streams:  # round-robin, so every host gets its share
        for stream in list(streams):
            if len(items) >= findings:
                break
            item = next(stream, None)
            if item is None:
                streams.remove(stream)
            else:
                items.append(item)
    by_result: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in items:
        by_result.setdefault((item["check_id"], item["target"]), []).append(item)
    results = [result(check_id, host, "fail", found) for (check_id, host), found in by_result.items()]
    for n, host in enumerate(names):
        status, reason = _NOT_CHECKED[n % len(_NOT_CHECKED)]
        check = {"not-assessable": "ssh.log-level", "skipped": "web.security-txt", "error": "data.backups"}[status]
        results.append(result(check, host, status, reason=reason))
        if ("ssh.password-authentication", host) not in by_result:
            results.append(result("ssh.password-authentication", host, "pass", details={"source": "sshd -T"}))
    snapshot = make_snapshot(results, items, started_at=started_at, targets=(LEGACY, *names))
    owned = tuple(dataclasses.replace(record, target=dataclasses.replace(
        record.target, owner=HOSTILE_OWNER if record.name == LEGACY else f"lab-{index % 12:02d}"))
        for index, record in enumerate(snapshot.targets))
    return dataclasses.replace(snapshot, targets=owned)
