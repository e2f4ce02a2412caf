"""The members of a fix group as HTML list items: the one row a large run repeats 100,000 times.

Rendering that row through the template cost most of the time of a 100,000-finding report (a
macro call, attribute lookups and an escape per value, for every row). Here each row is one
string with every value of the finding escaped by ``markupsafe.escape``, the same escaping
the autoescaping templates apply; nothing collected is ever inserted unescaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from auditor.models import Finding
from auditor.store.model import waiver_state


def waiver_flag(finding: Finding) -> str:
    """The waiver note of a waived finding or one whose waiver expired ("" for any other)."""
    state, waiver = waiver_state(finding), finding.waiver
    if waiver is None or state == "none":
        return ""
    owner, expires, why = escape(waiver.owner), escape(waiver.expires), escape(waiver.justification)
    if state == "expired":
        return (f'<span class="flag">Waiver expired on {expires}: this finding counts as open again '
                f"(was waived by {owner}: {why}).</span>\n")
    return f'<span class="flag waived">Waived by {owner} until {expires}: {why}</span>\n'


def evidence(finding: Finding) -> str:
    """A finding's evidence as ``key: value`` spans ("" without evidence)."""
    if not finding.evidence:
        return ""
    pairs = "".join(f"<span>{escape(key)}: <code>{escape(value)}</code></span>"
                    for key, value in finding.evidence.items())
    return f' <span class="muted evidence">{pairs}</span>'


def member_rows(findings: Sequence[Finding], owners: Mapping[str, str],
                host_files: Mapping[str, str] | None) -> Markup:
    """One ``<li>`` per finding, each on its own line; targets link to their page when ``host_files`` is given.

    Each item carries what the page's filter reads: severity, target, owner and fingerprint.
    """
    targets: dict[str, tuple[str, str, str]] = {}  # target -> (escaped name, its owner, its shown form)
    rows = []
    for finding in findings:
        known = targets.get(finding.target)
        if known is None:
            name = str(escape(finding.target))
            shown = f'<a href="{escape(host_files[finding.target])}">{name}</a>' if host_files else name
            known = targets[finding.target] = (name, str(escape(owners.get(finding.target, ""))), shown)
        name, owner, shown = known
        severity = escape(finding.severity.value)
        rows.append(
            f'    <li data-severity="{severity}" data-target="{name}" data-owner="{owner}" '
            f'data-id="{escape(finding.fingerprint)}"><span class="badge sev-{severity}">{severity}</span> '
            f"{shown} <code>{escape(finding.resource)}</code> {escape(finding.message)}"
            f"{evidence(finding)}{waiver_flag(finding)}</li>\n")
    return Markup("".join(rows))  # noqa: S704 - every value above is escaped
