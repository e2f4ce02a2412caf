"""Outputs for other tools, read from a snapshot: the registry of machine-readable files.

Each format lives in ``reports/formats``; everything a target sent (banners, certificate
names, paths, messages, evidence) may be hostile, and each format neutralises it for its
readers: CSV cells never break a row or run as formulas, XML holds only characters XML 1.0
allows, JSON Lines records are one line each, SARIF locations are percent-encoded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from auditor.reports.formats.jsonl import findings_jsonl, jsonl_lines
from auditor.reports.formats.ocsf import findings_ocsf, ocsf_chunks
from auditor.reports.formats.sarif import SARIF_SCHEMA, sarif, sarif_chunks
from auditor.reports.formats.tabular import CSV_COLUMNS, findings_csv, findings_csv_chunks, junit_chunks, junit_xml
from auditor.store.model import Snapshot

__all__ = ["CSV_COLUMNS", "MACHINE_OUTPUTS", "SARIF_SCHEMA", "findings_csv", "findings_jsonl", "findings_ocsf",
           "junit_xml", "machine_outputs", "sarif"]

# Each renders the file's text in chunks: a fleet's outputs never become one string in memory.
MACHINE_OUTPUTS: dict[str, Callable[[Snapshot], Iterable[str]]] = {
    "findings.csv": findings_csv_chunks,
    "junit.xml": junit_chunks,
    "results.sarif": sarif_chunks,
    "findings.jsonl": jsonl_lines,
    "findings.ocsf.json": ocsf_chunks,
}


def machine_outputs(snapshot: Snapshot) -> Iterable[tuple[str, Iterable[str]]]:
    """(file name, content in chunks) of every machine-readable output."""
    return ((name, render(snapshot)) for name, render in MACHINE_OUTPUTS.items())
