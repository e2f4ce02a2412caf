"""findings.jsonl (one finding per line, for SIEMs) and the snapshot document for stdout.

JSON escapes every control character; ``ensure_ascii`` escapes the rest of what a line
reader might split on (U+0085, U+2028, U+2029) and C1 controls a terminal would obey, so a
record is exactly one line whatever a target sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from auditor.models import Finding
from auditor.store.codec import snapshot_to_json
from auditor.store.model import Snapshot, waiver_state, worst_first

RECORD_SCHEMA = "rifi-auditor/finding/1"


def finding_record(snapshot: Snapshot, finding: Finding) -> dict[str, Any]:
    """A finding with what a SIEM needs to file it alone: the run, the profile and the tool."""
    return {
        "schema": RECORD_SCHEMA,
        "time": snapshot.finished_at,
        "run_started_at": snapshot.started_at,
        "tool": {"name": snapshot.tool.name, "version": snapshot.tool.version},
        "profile": {"name": snapshot.profile.name, "version": snapshot.profile.version},
        "title": snapshot.check_title(finding.check_id),
        **finding.to_dict(),
        "waiver_state": waiver_state(finding),
        "waived": finding.waived,
    }


def jsonl_lines(snapshot: Snapshot) -> Iterator[str]:
    """One line (with its newline) per finding, most severe first."""
    for finding in worst_first(snapshot.findings):
        yield json.dumps(finding_record(snapshot, finding), ensure_ascii=True, separators=(",", ":")) + "\n"


def findings_jsonl(snapshot: Snapshot) -> str:
    """findings.jsonl: ``jsonl_lines`` as one text."""
    return "".join(jsonl_lines(snapshot))


def snapshot_json_chunks(snapshot: Snapshot) -> Iterator[str]:
    """The snapshot document (as snapshot.json holds it), ASCII-escaped, in chunks for a stream."""
    encoder = json.JSONEncoder(indent=1, ensure_ascii=True)
    yield from encoder.iterencode(snapshot_to_json(snapshot))
    yield "\n"
