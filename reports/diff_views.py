"""The change report's views, built from a snapshot comparison."""

from __future__ import annotations

from auditor.reports.grouping import finding_view, finding_views
from auditor.reports.views import ChangeView, DiffSection, MetaRow
from auditor.store.diff import SnapshotDiff

_META_LABELS = (
    ("started_at", "Run started"),
    ("tool_version", "Tool version"),
    ("profile", "Profile"),
    ("catalogue_version", "Catalogue version"),
)


def meta_rows(diff: SnapshotDiff) -> tuple[MetaRow, ...]:
    """The old/new comparison table of the page header."""
    return tuple(
        MetaRow(label, diff.old_meta.get(key, ""), diff.new_meta.get(key, ""), key in diff.version_changes)
        for key, label in _META_LABELS
    )


def version_changes(diff: SnapshotDiff) -> tuple[MetaRow, ...]:
    """Versions (tool, profile, catalogue) that differ between the runs."""
    return tuple(MetaRow(key.replace("_", " "), old, new) for key, (old, new) in diff.version_changes.items())


def diff_sections(diff: SnapshotDiff) -> tuple[DiffSection, ...]:
    """The change report's sections, in reading order, persisting findings last and collapsed."""
    return (
        DiffSection("new", "New findings", "findings", finding_views(diff.new)),
        DiffSection("resolved", "Resolved findings", "findings", finding_views(diff.resolved)),
        DiffSection("severity", "Severity changed", "severity", tuple(
            ChangeView(c.old.severity.value, c.new.severity.value, finding_view(c.new))
            for c in diff.severity_changed)),
        DiffSection("waiver", "Waiver changed", "waiver", tuple(
            ChangeView(c.old, c.new, finding_view(c.finding)) for c in diff.waiver_changed)),
        DiffSection("status", "Check status changed", "status", tuple(diff.status_changed)),
        DiffSection("persisting", "Persisting findings", "findings", finding_views(diff.persisting), collapsed=True),
    )
