"""The store and the reporters stand on their own: loading them never loads the runner or SSH."""

from __future__ import annotations

import subprocess
import sys

MODULES = (
    "auditor.store.model", "auditor.store.codec", "auditor.store.decode", "auditor.store.validation",
    "auditor.store.diff", "auditor.store.merge", "auditor.store.history", "auditor.store.signing",
    "auditor.reports.html", "auditor.reports.machine", "auditor.reports.history",
)
FORBIDDEN = ("paramiko", "auditor.runner", "auditor.registry", "auditor.hosts", "auditor.checks")

PROBE = f"""
import importlib, sys
for name in {MODULES!r}:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))
print("\\n".join(loaded))
"""


def test_store_and_reports_import_neither_the_runner_nor_paramiko_nor_check_areas() -> None:
    # A fresh interpreter: this test process has long imported everything.
    loaded = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    assert loaded.split() == []
