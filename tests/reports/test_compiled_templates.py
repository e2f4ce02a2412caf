"""The templates shipped compiled (reports/compiled) are in step with the .j2 sources and render alike."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from jinja2 import ModuleLoader

from auditor.reports import page
from auditor.reports.history import render_history
from auditor.reports.html import render_diff_html, write_run_reports
from auditor.store.diff import compare
from auditor.store.history import history_entries
from auditor.store.model import FactRecord
from testkit.snapshots import XSS_SCRIPT, sample_snapshot


def test_compiled_templates_match_the_sources(tmp_path: Path) -> None:
    # After editing a template, regenerate with: python -m auditor.reports.page
    page.compile_templates(tmp_path / "compiled")
    fresh = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "compiled").iterdir()}
    shipped = {path.name: path.read_text(encoding="utf-8") for path in page.compiled_dir().iterdir()
               if path.is_file()}
    assert fresh == shipped


def test_the_compiled_templates_are_the_ones_used_with_autoescape() -> None:
    env = page.environment()
    assert isinstance(env.loader, ModuleLoader)
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert "&lt;script&gt;" in page.template("base.html.j2").render(page_title="<script>", generator_version="1")


def test_stale_compiled_templates_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    real = page.manifest()
    monkeypatch.setattr(page, "manifest", lambda: {**real, "sources": {**real["sources"], "base.html.j2": "edited"}})
    assert page._compiled_loader() is None


def _pages(tmp_path: Path) -> dict[str, str]:
    snapshot = sample_snapshot()
    out = tmp_path / "run"
    pages = {path.name: path.read_text(encoding="utf-8") for path in write_run_reports(snapshot, out)}
    later = dataclasses.replace(snapshot, started_at="2099-01-01T00:00:00+00:00")
    pages["diff.html"] = render_diff_html(compare(snapshot, later))
    (tmp_path / "history").mkdir(exist_ok=True)
    history = tmp_path / "history"
    pages["history.html"] = render_history(history_entries(history, None, history), history / "h.html").html
    return pages


def test_compiled_and_source_templates_render_the_same_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = _pages(tmp_path / "compiled")
    assert XSS_SCRIPT not in compiled["index.html"] or "&lt;script" in compiled["index.html"]
    monkeypatch.setattr(page, "environment", page.source_environment)
    assert _pages(tmp_path / "source") == compiled


def test_prepared_templates_are_all_a_run_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `auditor run` loads RUN_TEMPLATES in the background while it audits; after that, writing
    # the pages (keys page included) must not have to load any template from the loader.
    from auditor.reports.html import prepare_templates

    env = page.environment()
    assert env.cache is not None
    env.cache.clear()  # whatever other tests rendered before
    prepare_templates()

    def no_loading(environment: object, name: str, *args: object) -> None:
        raise AssertionError(f"template {name} loaded while writing the pages")

    monkeypatch.setattr(env.loader, "load", no_loading)
    snapshot = sample_snapshot()
    # A host whose accounts were tried (the keys page) and which names an owner (an owner page).
    first = snapshot.targets[0]
    owned = dataclasses.replace(first, target=dataclasses.replace(first.target, owner="lab-it"))
    tried = FactRecord("not-assessable", reason="needs root to read /etc/shadow")
    snapshot = dataclasses.replace(snapshot, targets=(owned, *snapshot.targets[1:]),
                                   facts={**snapshot.facts, first.name: {**snapshot.facts.get(first.name, {}),
                                                                         "host_accounts": tried}})
    names = {path.name for path in write_run_reports(snapshot, tmp_path / "run")}
    assert {"index.html", "summary.html", "hosts.html", "keys.html"} <= names
    assert any(name.startswith("owner-") for name in names), names
