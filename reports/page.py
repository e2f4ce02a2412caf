"""The one Jinja2 environment of every report page, its Content-Security-Policy and the findings filter.

All text in a snapshot can be attacker-controlled (banners, certificate names, config values),
so one Environment with autoescape on for every template renders everything.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from auditor import resources
from auditor.models import Severity
from auditor.reports.views import FindingView

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


@functools.cache
def environment() -> Environment:
    """The one Jinja2 environment: autoescape for every template, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(resources.templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(csp=content_security_policy(None), script=None, filters=None)
    return env


def template(name: str) -> Template:
    """A report template from the one environment."""
    return environment().get_template(name)


@dataclass(frozen=True)
class Filters:
    """The choices of a page's findings filter."""

    severities: tuple[str, ...]
    targets: tuple[str, ...]
    owners: tuple[str, ...]


def filter_context(findings: Iterable[FindingView]) -> dict[str, Any]:
    """Template variables for a page with the findings filter: its choices, the script, the CSP."""
    findings = list(findings)
    script = filter_script()
    return {
        "filters": Filters(SEVERITIES, tuple(sorted({f.target for f in findings})),
                           tuple(sorted({f.owner for f in findings if f.owner}))),
        "script": Markup(script),  # our own static file, never data  # noqa: S704
        "csp": content_security_policy(script),
    }
