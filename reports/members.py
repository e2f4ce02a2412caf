"""The members of a fix group as HTML list items: the one row a large run repeats 100,000 times.

Rendering that row through the template cost most of the time of a 100,000-finding report (a
macro call, attribute lookups and an escape per value, for every row). Here each row is one
string with every value of the finding escaped by ``markupsafe.escape``, the same escaping
the autoescaping templates apply; nothing collected is ever inserted unescaped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from markupsafe import Markup, escape

from auditor.models import Finding, Severity
from auditor.store.model import waiver_state

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
