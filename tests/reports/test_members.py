"""The members of a fix group as list items: every collected value escaped, links only where asked."""

from __future__ import annotations

from markupsafe import escape

from auditor.models import Finding, Severity, Waiver
from auditor.reports.grouping import group_findings
from auditor.reports.members import escape_all, fix_group, member_rows

HOSTILE = '"><script>alert(1)</script>'


def hostile(waiver: Waiver | None = None, expired: bool = False) -> Finding:
    return Finding("tls.ciphers", f"web{HOSTILE}", f"tcp/443:{HOSTILE}", Severity.HIGH, f"offers {HOSTILE}",
                   ("PRV-4",), "fix", {f"key{HOSTILE}": f"value{HOSTILE}"}, waiver, expired)


def test_every_collected_value_is_escaped() -> None:
    waiver = Waiver("tls.ciphers", "web", "x", f"why{HOSTILE}", f"owner{HOSTILE}", f"2099{HOSTILE}")
    finding = hostile()
    html = member_rows([finding, hostile(waiver), hostile(waiver, expired=True)],
                       {finding.target: f"lab{HOSTILE}"}, None)
    assert "<script" not in html and '"><script' not in html
    escaped = "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    for value in ("web", "tcp/443:", "offers ", "key", "value", "why", "owner", "2099", "lab"):
        assert f"{value}{escaped}" in html, value
    assert html.count("<li ") == 3 and html.count("</li>\n") == 3
    assert 'class="flag waived">Waived by owner' in html and 'class="flag">Waiver expired on 2099' in html


def test_targets_link_to_their_page_only_where_pages_are_given() -> None:
    finding = hostile()
    assert "<a " not in member_rows([finding], {}, None)
    linked = member_rows([finding], {}, {finding.target: "host-web-0123456789ab.html"})
    assert '<a href="host-web-0123456789ab.html">web&#34;&gt;&lt;script&gt;' in linked


def test_escaping_values_together_is_escaping_each_even_around_a_nul() -> None:
    values = [HOSTILE, "a\x00b<", "", "&'", "plain"]
    assert escape_all(values) == [str(escape(value)) for value in values]
    assert escape_all(values[2:]) == ["", "&amp;&#39;", "plain"]


def test_a_fix_escapes_its_title_fix_and_hosts_and_counts_what_it_does_not_list() -> None:
    findings = [Finding("tls.ciphers", f"web{n}{HOSTILE}", f"tcp/443:c{n}", Severity.HIGH, "weak", ("PRV-4",),
                        f"fix{HOSTILE}") for n in range(12)]
    group = group_findings(findings, {"tls.ciphers": f"title{HOSTILE}"})[0]
    html = fix_group(group, {f.target: f"host-web{n}-0123456789ab.html" for n, f in enumerate(findings)}, 5)
    assert "<script" not in html and '"><script' not in html
    escaped = "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<strong>title{escaped}</strong>" in html and f"Fix:</span> fix{escaped}</p>" in html
    assert f'<a href="host-web0-0123456789ab.html">web0{escaped}</a>' in html and "12 hosts" in html
    assert " and 2 more." in html and html.count("<li ") == 5 and "7 more: each is on its host" in html
