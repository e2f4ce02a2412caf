"""The one Jinja2 environment of every report page, its Content-Security-Policy and the findings filter.

All text in a snapshot can be attacker-controlled (banners, certificate names, config values),
so one Environment with autoescape on for every template renders everything.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import shutil
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import jinja2
from jinja2 import BaseLoader, Environment, FileSystemLoader, ModuleLoader, StrictUndefined, Template
from markupsafe import Markup

from auditor import resources
from auditor.models import Severity
from auditor.reports.members import fix_group

SEVERITIES = tuple(severity.value for severity in sorted(Severity, reverse=True))  # critical first

# Pages may run exactly one script, ours, pinned by its hash; nothing may load from anywhere.
# Even if hostile text ever escaped escaping, the browser would refuse to run or fetch it.
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
        "script-src {}")


@functools.cache
def filter_script() -> str:
    """The findings filter (reports/templates/filters.js), inlined so pages stay self-contained."""
    return (resources.templates_dir() / "filters.js").read_text(encoding="utf-8")


def content_security_policy(script: str | None) -> str:
    """The CSP of a page: no script at all, or only ``script`` (by SHA-256)."""
    if script is None:
        return _CSP.format("'none'")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return _CSP.format(f"'sha256-{digest}'")


# The templates compiled to Python modules (reports/compiled, by ``python -m auditor.reports.page``),
# so a run does not parse and compile them again: that took 0.1-0.2 s of every run. They are used
# only while their manifest matches the installed Jinja2 and every .j2 source byte for byte;
# otherwise the sources are compiled as before (tests/reports/test_compiled_templates.py fails
# until they are regenerated). Either way the same environment settings apply: autoescape on.
MANIFEST = "manifest.json"


def compiled_dir() -> Path:
    """Where the compiled templates and their manifest live (``reports/compiled``)."""
    return resources.templates_dir().parent / "compiled"


def _sources() -> dict[str, str]:
    """SHA-256 of every template source, by name."""
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(resources.templates_dir().glob("*.j2"))}


def manifest() -> dict[str, Any]:
    """What the compiled templates must have been built from to be used."""
    return {"jinja2": jinja2.__version__, "sources": _sources()}


def _compiled_loader() -> BaseLoader | None:
    try:
        shipped = json.loads((compiled_dir() / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return ModuleLoader(compiled_dir()) if shipped == manifest() else None


def _environment(loader: BaseLoader) -> Environment:
    env = Environment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(csp=content_security_policy(None), script=None, filters=None, fix_group=fix_group)
    return env


def source_environment() -> Environment:
    """The environment over the .j2 sources (what the compiled templates are compiled from)."""
    return _environment(FileSystemLoader(resources.templates_dir()))


@functools.cache
def environment() -> Environment:
    """The one Jinja2 environment: autoescape for every template, undefined names are errors."""
    compiled = _compiled_loader()
    return _environment(compiled) if compiled is not None else source_environment()


def compile_templates(target: Path) -> None:
    """Compile every .j2 template into modules in ``target`` (emptied first), with the manifest."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    source_environment().compile_templates(target, filter_func=lambda name: name.endswith(".j2"),
                                           zip=None, ignore_errors=False)
    (target / MANIFEST).write_text(json.dumps(manifest(), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def template(name: str) -> Template:
    """A report template from the one environment."""
    return environment().get_template(name)


@dataclass(frozen=True)
class FilterChoice:
    """One target or owner of a findings filter, with how many findings it has per severity.

    The counts make the filter count what the run has, not only what the page lists.
    """

    value: str
    counts: str  # findings per severity, critical first, comma-separated (a data attribute)
    owner: str = ""  # a target's owner: target and owner filters combine through it


@dataclass(frozen=True)
class Filters:
    """The choices of a page's findings filter and the counts behind them."""

    severities: tuple[str, ...]
    targets: Iterable[FilterChoice]  # read once, as the page is written (``TargetChoices``)
    owners: tuple[FilterChoice, ...]
    counts: str  # every finding of the page's scope per severity, critical first
    total: int


def _counts(by_severity: Sequence[int]) -> str:
    return ",".join(map(str, by_severity))


# (target, its findings per severity, critical first), in target name order.
PerTarget: TypeAlias = Callable[[], Iterable[tuple[str, Sequence[int]]]]


@dataclass(frozen=True)
class TargetChoices:
    """The target choices of a filter, made one at a time as the page is written, never all at once."""

    per_target: PerTarget
    owners: Mapping[str, str]

    def __iter__(self) -> Iterator[FilterChoice]:
        return (FilterChoice(target, _counts(counts), self.owners.get(target, ""))
                for target, counts in self.per_target())


def filter_context(per_target: PerTarget, owners: Mapping[str, str]) -> dict[str, Any]:
    """Template variables for a page with the findings filter: its choices and counts, the script, the CSP.

    ``per_target`` gives, each time it is called, (target, its findings per severity, critical first)
    for every target with findings in the page's scope (open and waived), listed in full or not, in
    target name order: it is read twice (the totals, then the page's choices), so a fleet's choices
    are never all held.
    """
    per_owner: dict[str, list[int]] = defaultdict(lambda: [0] * len(SEVERITIES))
    every = [0] * len(SEVERITIES)
    for target, counts in per_target():
        owner = owners.get(target, "")
        for column, count in enumerate(counts):
            every[column] += count
            if owner:
                per_owner[owner][column] += count
    script = filter_script()
    return {
        "filters": Filters(
            SEVERITIES,
            TargetChoices(per_target, owners),
            tuple(FilterChoice(owner, _counts(per_owner[owner])) for owner in sorted(per_owner)),
            _counts(every), sum(every)),
        "script": Markup(script),  # our own static file, never data  # noqa: S704
        "csp": content_security_policy(script),
    }


if __name__ == "__main__":
    compile_templates(compiled_dir())
    sys.stderr.write(f"compiled the templates into {compiled_dir()}\n")
