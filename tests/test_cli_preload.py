"""``auditor run`` preloads, in the background while the audit waits: the audit's own lazily imported
modules first, then the writers; the interpreter hands over to the audit's threads sooner meanwhile."""

from __future__ import annotations

import importlib
import sys

import pytest

from auditor.cli import output


def test_the_audits_modules_load_before_the_writers_with_a_short_switch_interval(
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, float]] = []
    real = importlib.import_module

    def recording(name: str, package: str | None = None) -> object:
        seen.append((name, sys.getswitchinterval()))
        return real(name, package)

    monkeypatch.setattr(output.importlib, "import_module", recording)
    before = sys.getswitchinterval()
    output.preload_in_background(("json.tool",)).join(timeout=60)
    wanted = ["json.tool", "auditor.reports.html", "auditor.reports.machine"]
    assert [name for name, _ in seen if name in wanted] == wanted
    assert all(interval == output.PRELOAD_SWITCH_INTERVAL for _, interval in seen)
    assert sys.getswitchinterval() == before  # restored once done


def test_a_module_that_fails_to_load_ends_the_preload_quietly_and_restores_the_interval() -> None:
    before = sys.getswitchinterval()
    output.preload_in_background(("auditor.no_such_module",)).join(timeout=60)
    assert sys.getswitchinterval() == before
    with pytest.raises(ModuleNotFoundError):  # the one who needs it meets the error
        importlib.import_module("auditor.no_such_module")
