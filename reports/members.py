"""A fix group as HTML, with its members as list items: what a large run repeats 100,000 times.

Rendering fixes and their members through the template cost most of the time of a
100,000-finding report (a macro call, attribute lookups and an escape per value, for every
fix and every row). Here each is one string with every value escaped by ``markupsafe.escape``,
the same escaping the autoescaping templates apply; nothing collected is inserted unescaped.
The templates call ``fix_group`` (a global of the one environment) where they list fixes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from auditor.models import Finding, Severity
from auditor.store.model import waiver_state

if TYPE_CHECKING:  # grouping imports nothing from here; the pages hand its groups in
    from auditor.reports.grouping import FixGroup

_SEPARATOR = "\x00"
# Each severity's badge text, escaped once (our own words, escaped all the same).
_SEVERITY = {severity: str(escape(severity.value)) for severity in Severity}


def escape_all(values: Sequence[str]) -> list[str]:
    """``markupsafe.escape`` of every value, in one call rather than one per value (15 times faster).

    Escaping replaces characters one by one, so escaping the values joined by NUL and splitting
    at NUL escapes each; when a value holds a NUL itself the count differs and each is escaped alone.
    """
    escaped = str(escape(_SEPARATOR.join(values))).split(_SEPARATOR)
    if len(escaped) != len(values):
        return [str(escape(value)) for value in values]
    return escaped


def waiver_flag(finding: Finding) -> str:
    """The waiver note of a waived finding or one whose waiver expired ("" for any other)."""
    state, waiver = waiver_state(finding), finding.waiver
    if waiver is None or state == "none":
        return ""
    owner, expires, why = escape_all((waiver.owner, waiver.expires, waiver.justification))
    if state == "expired":
        return (f'<span class="flag">Waiver expired on {expires}: this finding counts as open again '
                f"(was waived by {owner}: {why}).</span>\n")
    return f'<span class="flag waived">Waived by {owner} until {expires}: {why}</span>\n'


def _values(findings: Sequence[Finding]) -> list[str]:
    """The collected values the rows show, in the order ``_row`` takes them."""
    values: list[str] = []
    for finding in findings:
        values += (finding.fingerprint, finding.resource, finding.message)
        for pair in finding.evidence.items():
            values += pair
    return values


def _row(finding: Finding, escaped: Iterator[str], target: tuple[str, str, str]) -> str:
    """One ``<li>``: ``escaped`` yields the values ``_values`` lists, escaped; ``target`` is (name, owner, shown)."""
    name, owner, shown = target
    fingerprint, resource, message = next(escaped), next(escaped), next(escaped)
    evidence = ""
    if finding.evidence:
        pairs = "".join(f"<span>{next(escaped)}: <code>{next(escaped)}</code></span>" for _ in finding.evidence)
        evidence = f' <span class="muted evidence">{pairs}</span>'
    severity = _SEVERITY[finding.severity]
    return (f'    <li data-severity="{severity}" data-target="{name}" data-owner="{owner}" data-id="{fingerprint}">'
            f'<span class="badge sev-{severity}">{severity}</span> {shown} <code>{resource}</code> {message}'
            f"{evidence}{waiver_flag(finding) if finding.waiver is not None else ''}</li>\n")


def member_rows(findings: Sequence[Finding], owners: Mapping[str, str],
                host_files: Mapping[str, str] | None) -> Markup:
    """One ``<li>`` per finding, each on its own line; targets link to their page when ``host_files`` is given.

    Each item carries what the page's filter reads: severity, target, owner and fingerprint.
    """
    escaped = iter(escape_all(_values(findings)))
    targets: dict[str, tuple[str, str, str]] = {}  # target -> (escaped name, its owner, its shown form)
    rows = []
    for finding in findings:
        target = targets.get(finding.target)
        if target is None:
            name, owner = escape_all((finding.target, owners.get(finding.target, "")))
            shown = f'<a href="{escape(host_files[finding.target])}">{name}</a>' if host_files else name
            target = targets[finding.target] = (name, owner, shown)
        rows.append(_row(finding, escaped, target))
    return Markup("".join(rows))  # noqa: S704 - every value above is escaped


def _plural(count: int, word: str, plural: str = "s") -> str:
    return f"{count} {word}{'' if count == 1 else plural}"


def _head(group: FixGroup, host_files: Mapping[str, str] | None) -> str:
    """The fix's heading: severity, check, how many findings on which hosts, and the mix of severities."""
    title, check_id, first_host = escape_all((group.check_title, group.check_id, group.targets[0]))
    hosts = group.target_count
    if hosts > 1:
        where = f"{hosts} hosts"
    elif host_files:
        where = f'<a href="{escape(host_files[group.targets[0]])}">{first_host}</a>'
    else:
        where = first_host
    mix = ""
    if len(group.severities) > 1:
        mix = f'<span class="muted">({", ".join(f"{n} {_SEVERITY[Severity(s)]}" for s, n in group.severities)})</span>'
    severity = _SEVERITY[Severity(group.severity)]
    return (f'<div class="item fix" data-count="{group.count}">\n  <div class="item-head">\n'
            f'    <span class="badge sev-{severity}">{severity}</span>\n'
            f'    <strong>{title}</strong> <code class="muted">{check_id}</code>\n'
            f'    <span class="fix-count">{_plural(group.count, "finding")}</span>\n'
            f"    <span>on {where}</span>\n{mix}  </div>\n")


def _hosts(group: FixGroup, host_files: Mapping[str, str]) -> str:
    """The first ten hosts of a fix on several hosts, linked, and how many more."""
    shown = group.targets[:10]
    links = ", ".join(f'<a href="{href}">{name}</a>'
                      for href, name in zip(escape_all([host_files[t] for t in shown]), escape_all(shown), strict=True))
    more = f" and {group.target_count - 10} more" if group.target_count > 10 else ""
    return f'  <p class="muted">Hosts: {links}{more}.</p>\n'


def fix_group(group: FixGroup, host_files: Mapping[str, str] | None, limit: int = 25) -> Markup:
    """One fix: its heading, the fix, its hosts and its first ``limit`` members (the rest counted).

    ``host_files`` is none on a host's own page, where every member is on that host.
    """
    parts = [_head(group, host_files)]
    if group.remediation:
        parts.append(f'<p><span class="muted">Fix:</span> {escape(group.remediation)}</p>')
    if group.target_count > 1:  # only on pages that link hosts: a host's own page has one
        parts.append(_hosts(group, host_files or {}))
    several = group.count > 1
    if several:
        parts.append(f"<details><summary>The {group.count} findings "
                     f"({_plural(group.resource_count, 'resource')})</summary>")
    parts += ('  <ul class="members">\n', member_rows(group.listed(limit), group.owners, host_files), "  </ul>\n")
    if several:
        if group.count > limit:
            parts.append(f'<p class="muted">{group.count - limit} more: each is on its host\'s page and in '
                         "<code>findings.csv</code>.</p>")
        parts.append("  </details>\n")
    parts.append("</div>\n")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped
