"""findings.csv (one row per finding, formula-safe) and junit.xml (a test case per check and target)."""

from __future__ import annotations

import csv
import io
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from auditor.models import CheckResult, Status
from auditor.reports.formats.text import csv_cell, xml_text
from auditor.store.model import Snapshot, by_target, worst_first

CSV_COLUMNS = (
    "fingerprint", "severity", "target", "check_id", "resource", "message", "measures",
    "waived", "waiver_expired", "waiver_owner", "waiver_expires", "remediation",
)


def findings_csv(snapshot: Snapshot) -> str:
    """One row per finding, most severe first; every cell quoted, one line, never a formula."""
    return "".join(findings_csv_chunks(snapshot))


def findings_csv_chunks(snapshot: Snapshot) -> Iterator[str]:
    """``findings_csv`` a row at a time: a fleet's rows as one text took more memory than the audit."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for finding in worst_first(snapshot.findings):
        waiver = finding.waiver
        writer.writerow(csv_cell(value) for value in (
            finding.fingerprint, finding.severity.value, finding.target, finding.check_id,
            finding.resource, finding.message, " ".join(finding.measures),
            "yes" if finding.waived else "no", "yes" if finding.waiver_expired else "no",
            waiver.owner if waiver else "", waiver.expires if waiver else "", finding.remediation,
        ))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def junit_xml(snapshot: Snapshot) -> str:
    """One test case per check and target; a suite per target. fail -> failure, error -> error.

    Every name and message passes through ``xml_text``: the document is well-formed XML 1.0
    whatever a target sent.
    """
    return "".join(junit_chunks(snapshot))


_CONTENT = "\x00"  # marks where the suites go inside <testsuites>; XML text never holds a NUL


def junit_chunks(snapshot: Snapshot) -> Iterator[str]:
    """``junit_xml`` a suite (target) at a time: one element tree for a fleet took gigabytes."""
    suites_of = by_target(snapshot.results)  # a spooled run's: one target in memory at a time
    suites = ET.Element("testsuites", name=xml_text(f"auditor {snapshot.profile.name}"))
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    first = next(suites_of, None)
    if first is None:
        yield ET.tostring(suites, encoding="unicode") + "\n"
        return
    suites.text = _CONTENT
    opening, closing = ET.tostring(suites, encoding="unicode").split(_CONTENT)
    yield opening
    for target, results in itertools.chain([first], suites_of):
        suite = ET.Element("testsuite", name=xml_text(target), tests=str(len(results)))
        counts = {"failures": 0, "errors": 0, "skipped": 0}
        for result in results:
            case = ET.SubElement(suite, "testcase", classname=xml_text(target), name=xml_text(result.check_id))
            kind = _junit_outcome(result, case)
            if kind:
                counts[kind] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
        ET.indent(suite, level=1)  # as ET.indent of the whole document places it
        yield "\n  " + ET.tostring(suite, encoding="unicode")
    yield "\n" + closing + "\n"


def _junit_outcome(result: CheckResult, case: ET.Element) -> str:
    status = result.status
    if status is Status.FAIL:
        open_findings = [f for f in result.findings if not f.waived]
        if not open_findings:
            return ""  # every finding waived: the waiver is the accepted answer
        failure = ET.SubElement(case, "failure", message=xml_text(open_findings[0].message),
                                type=max(f.severity for f in open_findings).value)
        failure.text = xml_text("\n".join(f"[{f.severity.value}] {f.resource}: {f.message}" for f in open_findings))
        return "failures"
    if status is Status.ERROR:
        ET.SubElement(case, "error", message=xml_text(result.reason))
        return "errors"
    if status in (Status.SKIPPED, Status.NOT_ASSESSABLE):
        ET.SubElement(case, "skipped", message=xml_text(f"{status.value}: {result.reason}"))
        return "skipped"
    return ""
