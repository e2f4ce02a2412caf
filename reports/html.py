"""Self-contained HTML reports: overview, executive summary, phase, host and owner pages; the change report.

Views are built in ``run_views``, ``overview``, ``hosts`` and ``diff_views`` as small frozen
records; this module only hands them to the templates of the one autoescaping environment (``page``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor import __version__
from auditor.fileio import write_atomic
from auditor.models import Status
from auditor.reports.grouping import reason_rows
from auditor.reports.hosts import host_view, owner_view
from auditor.reports.keys import KEYS_FILE, has_key_facts, keys_view
from auditor.reports.page import SEVERITIES, filter_context, template
from auditor.reports.run_views import (
    INDEX_FILE,
    STATUSES,
    coverage,
    outcome,
    run_date,
    unmapped_findings,
)
from auditor.reports.site import HOSTS_FILE, HOSTS_PER_PAGE, SUMMARY_FILE, RunSite, hosts_file, owner_file
from auditor.reports.views import PhaseView
from auditor.store.model import Snapshot

if TYPE_CHECKING:  # the comparison loads with the change report, not with every run's pages
    from auditor.store.diff import SnapshotDiff

# A page's HTML: whole, or in chunks as ``Template.generate`` makes them (written to the file as
# they come, so not even one large host page is held in memory as one string).
PageText = str | Iterable[str]
# A set of pages: (file name, HTML) pairs, produced one at a time so that a run of thousands of
# hosts never holds more than one page. Adding a page to every run's report is one such function
# in PAGES (and its link in ``site.NAV_PAGES`` if every page should link to it).
PageSet = Callable[[RunSite], Iterator[tuple[str, PageText]]]
# Unmapped findings and error reasons listed on the overview; the rest are counted.
MAX_UNMAPPED_SHOWN = 50
MAX_REASONS_SHOWN = 50


def _common(site: RunSite, current: str, title: str) -> dict[str, Any]:
    """What every page of a run's report shows: the run header, the navigation, the run date."""
    return {"header": site.header, "nav": site.navigation(current), "page_title": title,
            "as_of": run_date(site.snapshot).isoformat(), "generator_version": __version__,
            "host_files": site.host_files, "severities": SEVERITIES}


def index_page(site: RunSite) -> Iterator[tuple[str, PageText]]:
    """The overview: verdict, blocking findings by name, top risks, worst hosts, changes, coverage."""
    summary = site.snapshot.summary
    counts = {severity.value: count for severity, count in summary.findings.items()}
    unmapped = unmapped_findings(site.snapshot)
    errors = reason_rows((r for r in site.snapshot.results if r.status is Status.ERROR), site.titles)
    yield INDEX_FILE, template("index.html.j2").generate(
        **_common(site, INDEX_FILE, "Overview"),
        phases=site.phases,
        outcome=outcome(site.snapshot),
        overview=site.overview,
        severity_counts=tuple((severity, counts[severity]) for severity in SEVERITIES),
        waived=summary.waived,
        expired_waivers=summary.expired_waivers,
        coverage=coverage(site.phases),
        hosts_total=len(site.hosts),
        errors=errors[:MAX_REASONS_SHOWN],
        errors_total=summary.errors,
        unmapped=unmapped[:MAX_UNMAPPED_SHOWN],
        unmapped_total=len(unmapped),
        keys_href=KEYS_FILE if has_key_facts(site.snapshot) else None,
    )


def summary_page(site: RunSite) -> Iterator[tuple[str, PageText]]:
    """The executive summary: two printed pages at most, for the institution's leadership."""
    summary = site.snapshot.summary
    yield SUMMARY_FILE, template("summary.html.j2").generate(
        **_common(site, SUMMARY_FILE, "Executive summary"),
        phases=site.phases,
        outcome=outcome(site.snapshot),
        overview=site.overview,
        coverage=coverage(site.phases),
        hosts_total=len(site.hosts),
        severity_counts=tuple((severity.value, summary.findings[severity]) for severity in sorted(summary.findings,
                                                                                                reverse=True)),
        waived=summary.waived,
    )


def phase_pages(site: RunSite) -> Iterator[tuple[str, PageText]]:
    """One page per toolkit phase, every measure of the phase with its fixes."""
    for phase in site.phases:
        yield phase.href, render_phase(site, phase)


def render_phase(site: RunSite, phase: PhaseView) -> Iterator[str]:
    """One phase page; its filter counts every finding of the phase, shown or not."""
    counts = site.hosts.findings.phases.get(phase.id)
    index = site.hosts.index

    def in_phase() -> Iterator[tuple[str, tuple[int, ...]]]:
        """Every target with findings in the phase, in name order."""
        if counts is not None:
            yield from ((index.name(ordinal), row) for ordinal in index.by_name() if any(row := counts.row(ordinal)))

    return template("phase.html.j2").generate(
        **_common(site, phase.href, phase.title),
        phase=phase,
        **filter_context(in_phase, site.owners),
    )


def hosts_page(site: RunSite) -> Iterator[tuple[str, PageText]]:
    """Every target, worst first, HOSTS_PER_PAGE to a page (``hosts.html``, ``hosts-2.html``, ...); then the owners."""
    table = site.hosts
    order = table.worst_first
    count = max(1, -(-len(order) // HOSTS_PER_PAGE))
    files = tuple(hosts_file(number) for number in range(1, count + 1))
    for index, name in enumerate(files):
        yield name, template("hosts.html.j2").generate(
            **{**_common(site, name, "Hosts"), "nav": site.navigation(HOSTS_FILE)},
            rows=table.rows(order[index * HOSTS_PER_PAGE:(index + 1) * HOSTS_PER_PAGE]),
            first=index * HOSTS_PER_PAGE + 1, hosts_total=len(order), pages=files, current=name, statuses=STATUSES,
            owners=_owner_rows(site) if index == 0 else ())


def _owner_rows(site: RunSite) -> tuple[tuple[str, str, int, int], ...]:
    """(owner, its page, its hosts, their open findings) for every owner, by name: one pass over the columns."""
    owners, severities = site.owners, site.hosts.findings.severities
    hosts, open_findings = [0] * (len(owners.names) + 1), [0] * (len(owners.names) + 1)
    for ordinal in range(len(site.hosts)):
        owner = owners.id_of(ordinal)
        hosts[owner] += 1
        open_findings[owner] += severities.total(ordinal)
    return tuple((owner, owner_file(owner), hosts[number], open_findings[number])
                 for number, owner in enumerate(owners.names, start=1))


def host_pages(site: RunSite) -> Iterator[tuple[str, PageText]]:
    """One page per target, built and written one at a time."""
    for ordinal in site.target_order():
        view = host_view(site, site.index.name(ordinal))
        yield view.row.file, template("host.html.j2").generate(
            **_common(site, view.row.file, view.row.name), host=view, statuses=STATUSES)


def owner_pages(site: RunSite) -> Iterator[tuple[str, PageText]]:
    """One page per owner: its hosts and the fixes across them."""
    for owner in site.owner_names:
        view = owner_view(site, owner)
        yield view.file, template("owner.html.j2").generate(**_common(site, view.file, owner), owner=view)


def keys_page(site: RunSite) -> Iterator[tuple[str, str]]:
    """Which SSH key opens which accounts on which hosts (only where some host's keys were read)."""
    if has_key_facts(site.snapshot):
        yield KEYS_FILE, template("keys.html.j2").render(**_common(site, KEYS_FILE, "SSH keys across the fleet"),
                                                         view=keys_view(site.snapshot))


PAGES: tuple[PageSet, ...] = (index_page, summary_page, phase_pages, hosts_page, host_pages, owner_pages,
                              keys_page)


# The templates of a run's pages and those they extend or import.
RUN_TEMPLATES = ("base.html.j2", "macros.html.j2", "run.html.j2", "index.html.j2", "summary.html.j2",
                 "phase.html.j2", "hosts.html.j2", "host.html.j2", "owner.html.j2", "keys.html.j2")


def prepare_templates() -> None:
    """Load the run pages' templates now rather than when each page is first rendered.

    ``auditor run`` calls it in the background while the audit waits on the network; the
    environment keeps what it loaded, so the pages render the same, only sooner.
    """
    for name in RUN_TEMPLATES:
        template(name)


def write_run_reports(snapshot: Snapshot, out_dir: Path, previous: Snapshot | None = None) -> list[Path]:
    """Write every page of ``PAGES`` into ``out_dir``, one at a time; return the paths written.

    ``previous`` is the run before this one (from ``--history``): the overview, the executive
    summary and the host pages then say what changed since.
    """
    out_dir = Path(out_dir)
    site = RunSite(snapshot, previous)
    len(site.index)  # indexed now: a target listed twice is refused (ValueError) before any page is written
    written: dict[str, Path] = {}
    for pages in PAGES:
        for name, text in pages(site):
            if name in written:  # two pages under one name would silently lose one
                raise ValueError(f"two report pages named {name}")
            written[name] = out_dir / name
            write_atomic(written[name], text, durable=False)  # pages are remade from the snapshot
    return list(written.values())


def render_diff_html(diff: SnapshotDiff) -> str:
    """The change report page for ``auditor diff --html``."""
    from auditor.reports.diff_views import diff_sections, meta_rows, version_changes  # only the change report

    return template("diff.html.j2").render(
        page_title="Change report",
        meta=meta_rows(diff),
        rejudged=diff.rejudged_notes,
        version_changes=version_changes(diff),
        targets_added=tuple(diff.targets_added),
        targets_removed=tuple(diff.targets_removed),
        judged_differently=tuple(sorted(diff.judged_differently.items())),
        ports_opened=tuple(diff.ports_opened),
        ports_closed=tuple(diff.ports_closed),
        sections=diff_sections(diff),
        has_changes=diff.has_changes,
        generator_version=__version__,
    )
