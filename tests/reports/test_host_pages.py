"""A legacy server's audit read worst-first: the overview names what blocks, each host and owner has a page."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from auditor.reports.html import write_run_reports
from auditor.reports.site import host_file, owner_file
from auditor.store.model import Snapshot
from testkit.snapshots import XSS_ATTR, XSS_SCRIPT, finding, make_snapshot, result

LEGACY = "legacy01"
SSL_FIX = "Set ssl_ciphers HIGH:!aNULL:!MD5 in nginx.conf."
HOSTILE_HOST = f"lab{XSS_ATTR}"


def legacy_run(extra: tuple[dict[str, Any], ...] = (), started_at: str = "2025-03-01T10:00:00+00:00") -> Snapshot:
    ciphers = [finding("tls.protocols", LEGACY, f"tcp/443:cipher/WEAK{n:02d}", "high", remediation=SSL_FIX)
               for n in range(26)]
    password = finding("ssh.password-authentication", LEGACY, "sshd:PasswordAuthentication", "critical",
                       message=f"banner {XSS_SCRIPT}", remediation="PasswordAuthentication no")
    root = finding("ssh.root-login", LEGACY, "sshd:PermitRootLogin", "medium", remediation="PermitRootLogin no")
    findings = [*ciphers, password, root, *extra]
    results = [result("tls.protocols", LEGACY, "fail", ciphers),
               result("ssh.password-authentication", LEGACY, "fail", [password]),
               result("ssh.root-login", LEGACY, "fail", [root]),
               result("ssh.log-level", LEGACY, "pass", details={"source": "sshd -T"}),
               result("data.backups", LEGACY, "not-assessable", reason="needs root"),
               result("web.security-txt", LEGACY, "skipped", reason="no HTTPS port"),
               *(result(f["check_id"], f["target"], "fail", [f]) for f in extra)]
    snapshot = make_snapshot(results, findings, started_at=started_at, targets=(LEGACY, HOSTILE_HOST))
    owned = tuple(dataclasses.replace(r, target=dataclasses.replace(r.target, owner="physics-lab"))
                  for r in snapshot.targets)
    return dataclasses.replace(snapshot, targets=owned)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_overview_names_blocking_findings_and_top_risks(tmp_path: Path) -> None:
    write_run_reports(legacy_run(), tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    text = text_of(index)
    assert "Blocking findings (27 in 2 fixes)" in text
    blocking = text[text.index("Blocking findings (27"):text.index("Top risks")]
    assert blocking.index("SSH password authentication") < blocking.index("TLS protocol versions tls.protocols 26 findings")
    assert "SSH root login" not in blocking  # medium: below the profile's fail_on (high)
    risks = index[index.index('id="top-risks"'):index.index('id="worst-hosts"')]
    assert re.findall(r'badge sev-(\w+)', risks) == ["critical", "high", "medium"]
    assert SSL_FIX in risks and f'href="{host_file(LEGACY)}"' in risks
    assert "&lt;script&gt;" in index and XSS_SCRIPT not in index


def test_every_host_has_a_page_grouped_by_area_and_fix(tmp_path: Path) -> None:
    write_run_reports(legacy_run(), tmp_path)
    page = (tmp_path / host_file(LEGACY)).read_text(encoding="utf-8")
    text = text_of(page)
    assert "Open findings (28)" in text
    assert text.index("ssh (2 findings, 2 fixes)") < text.index("tls (26 findings, 1 fix)")  # critical area first
    assert len(re.findall(r'class="item fix" data-count="26"', page)) == 1
    assert re.search(r'<details class="passed"><summary>Show the 1 passed checks', page)
    assert "needs root" in text and "no HTTPS port" in text and "Not checked (2)" in text
    assert f'href="{owner_file("physics-lab")}"' in page
    hostile = (tmp_path / host_file(HOSTILE_HOST)).read_text(encoding="utf-8")
    assert "<img" not in hostile and "No open findings on this host." in hostile
    owner = text_of((tmp_path / owner_file("physics-lab")).read_text(encoding="utf-8"))
    assert "Hosts (2)" in owner and "Open findings by fix (3 fixes)" in owner


def test_pages_say_what_changed_since_the_previous_run(tmp_path: Path) -> None:
    previous = legacy_run()
    fresh = finding("services.exposed", LEGACY, "tcp/6379", "high", message="Redis open",
                    remediation="Bind Redis to localhost.")
    snapshot = legacy_run((fresh,), started_at="2025-04-01T10:00:00+00:00")
    write_run_reports(snapshot, tmp_path, previous)
    index = text_of((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert "Compared with the run of 2025-03-01T10:00:00+00:00: 1 new open findings, 0 resolved." in index
    host = text_of((tmp_path / host_file(LEGACY)).read_text(encoding="utf-8"))
    assert "28 open findings; now 29 — 1 new, 0 resolved" in host and "Exposed services (1)" in host
    summary = text_of((tmp_path / "summary.html").read_text(encoding="utf-8"))
    assert "Since the run of 2025-03-01T10:00:00+00:00: 1 new open findings, 0 resolved." in summary
    write_run_reports(snapshot, tmp_path / "alone")
    assert "Since the previous run" not in (tmp_path / "alone" / "index.html").read_text(encoding="utf-8")


def test_a_target_with_thousands_of_fixes_keeps_a_bounded_page(tmp_path: Path) -> None:
    ports = [finding("services.exposed", "10.0.0.0/16", f"tcp/{1000 + n}", "low", remediation="Close it.")
             for n in range(1500)]
    snapshot = make_snapshot([result("services.exposed", "10.0.0.0/16", "fail", ports)], ports,
                             targets=("10.0.0.0/16",))
    write_run_reports(snapshot, tmp_path)
    page = (tmp_path / host_file("10.0.0.0/16")).read_text(encoding="utf-8")
    assert page.count('class="item fix"') == 300
    assert "1200 more fixes (1200 findings) are in" in text_of(page)
