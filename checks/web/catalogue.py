"""The web exposure catalogue: read-only HTTP probes kept as data, typed and validated once.

Each probe (like a nuclei template, much smaller) names its request (``GET`` or ``HEAD`` of a
path, or of the home page's same-origin links), how much of the body to read, its matcher, the
check that judges a match (``kind``), severity, toolkit measures, remediation, and what its
evidence may keep (``evidence``: the first bytes, the keys of a ``KEY=value`` file, a listing's
entries, or nothing). Probes of kind ``listed`` send nothing: their ``listed`` globs are
matched against the entries of the directory listings the other probes found.

The shipped catalogue is ``catalogue.yaml`` beside this module; a profile's ``web-exposure``
policy file adds probes (same id: replaces the shipped one) and disables others.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from auditor.config.yamlfile import MapReader
from auditor.models import Severity

Kind = Literal["listing", "file", "application", "listed"]
Method = Literal["GET", "HEAD"]
EvidenceMode = Literal["body", "keys", "listing", "none"]
Condition = Literal["all", "any"]

MAX_READ = 64 * 1024  # no probe reads more of a body than this
SITE = "{site}"  # placeholder in a path, replaced by the names the site goes by
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_MEASURE = re.compile(r"^[A-Z]{3}-[0-9]+$")
_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@/%?{}-]*$")


@functools.cache
def compiled(pattern: str) -> re.Pattern[str]:
    """A catalogue regular expression, compiled once (they were validated when loaded)."""
    return re.compile(pattern)


@dataclass(frozen=True)
class HeaderRule:
    """A response header (lower-case name) whose value must match a regular expression."""

    name: str
    pattern: str


@dataclass(frozen=True)
class Reply:
    """What a matcher sees of one response: status, lower-cased headers, body as Latin-1 text.

    Latin-1 maps every byte to one character, so byte signatures (``\\x1f\\x8b``) and ASCII
    words match alike.
    """

    status: int
    headers: Mapping[str, str]
    text: str


@dataclass(frozen=True)
class Matcher:
    """Status, header and body tests combined by ``condition``; ``not_words`` always veto.

    ``words`` is satisfied by any one word, ``regex`` by any one expression (both case-sensitive,
    as nuclei's default); each header rule is a test of its own.
    """

    condition: Condition = "all"
    status: tuple[int, ...] = ()
    headers: tuple[HeaderRule, ...] = ()
    words: tuple[str, ...] = ()
    regex: tuple[str, ...] = ()
    not_words: tuple[str, ...] = ()

    def matches(self, reply: Reply) -> bool:
        """True when the reply satisfies the matcher."""
        if any(word in reply.text for word in self.not_words):
            return False
        tests = []
        if self.status:
            tests.append(reply.status in self.status)
        tests += [rule.name in reply.headers and bool(compiled(rule.pattern).search(reply.headers[rule.name]))
                  for rule in self.headers]
        if self.words:
            tests.append(any(word in reply.text for word in self.words))
        if self.regex:
            tests.append(any(compiled(pattern).search(reply.text) for pattern in self.regex))
        if not tests:
            return False
        return all(tests) if self.condition == "all" else any(tests)


@dataclass(frozen=True)
class WebProbe:
    """One catalogue entry (see the module docstring); ``source`` is its ``file:line``."""

    id: str
    title: str
    kind: Kind
    method: Method
    paths: tuple[str, ...]
    links: bool  # also the home page's same-origin links (one level)
    first_match: bool  # the paths are alternatives: stop at the first that matches
    listed: tuple[str, ...]  # globs for kind "listed"
    read: int
    matcher: Matcher
    severity: Severity
    measures: tuple[str, ...]
    remediation: str
    evidence: EvidenceMode
    source: str


_PROBE_KEYS = frozenset({"id", "title", "kind", "method", "paths", "links", "first_match", "listed", "read",
                         "match", "severity", "measures", "remediation", "evidence"})
_MATCH_KEYS = frozenset({"condition", "status", "headers", "words", "regex", "not_words"})


def read_probe(entry: MapReader) -> WebProbe:
    """One probe from the catalogue or a profile's extension; errors name file, line and key."""
    entry.reject_unknown(_PROBE_KEYS)
    probe_id = entry.string("id")
    if not _ID.match(probe_id):
        entry.fail("id", f"'{probe_id}' is not an id of lower-case letters, digits and '-'")
    kind = entry.choice("kind", list(get_args(Kind)))
    paths = tuple(entry.strings("paths", []))
    for path in paths:
        if not _PATH.match(path):
            entry.fail("paths", f"'{path}' is not an absolute URL path (no spaces, no scheme or host)")
    links = entry.boolean("links", False)
    listed = tuple(entry.strings("listed", []))
    if kind == "listed" and (not listed or paths or links):
        entry.fail("listed", "a 'listed' probe names globs in 'listed' and sends nothing (no paths, no links)")
    if kind != "listed" and not (paths or links):
        entry.fail("paths", "a probe needs 'paths' or 'links: true'")
    read = entry.integer("read", 4096, minimum=0, maximum=MAX_READ)
    method = entry.choice("method", list(get_args(Method)), "GET")
    evidence = entry.choice("evidence", list(get_args(EvidenceMode)), "body")
    if kind != "listed" and not entry.has("match"):
        entry.fail(None, "missing required key 'match'")
    matcher = read_matcher(entry.mapping("match")) if entry.has("match") else Matcher()
    measures = tuple(entry.strings("measures"))
    for measure in measures:
        if not _MEASURE.match(measure):
            entry.fail("measures", f"'{measure}' is not a measure id such as PRV-5")
    return WebProbe(
        id=probe_id, title=entry.string("title"), kind=kind, method=method, paths=paths, links=links,
        first_match=entry.boolean("first_match", False), listed=listed, read=read, matcher=matcher,
        severity=Severity(entry.choice("severity", [s.value for s in Severity])), measures=measures,
        remediation=entry.string("remediation"), evidence=evidence, source=f"{entry.path}:{entry.line()}",
    )


def read_matcher(match: MapReader) -> Matcher:
    """A matcher; every regular expression must compile."""
    match.reject_unknown(_MATCH_KEYS)
    status = match.raw("status", [])
    if not isinstance(status, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in status):
        match.fail("status", "expected a list of HTTP status codes (100-599)")
    headers = match.mapping("headers", None)
    rules = []
    if headers is not None:
        for name in headers.data:
            rules.append(HeaderRule(str(name).lower(), _pattern(headers, str(name), headers.string(str(name)))))
    regex = tuple(match.strings("regex", []))
    for pattern in regex:
        _pattern(match, "regex", pattern)
    matcher = Matcher(condition=match.choice("condition", list(get_args(Condition)), "all"), status=tuple(status),
                      headers=tuple(rules), words=tuple(match.strings("words", [])), regex=regex,
                      not_words=tuple(match.strings("not_words", [])))
    if not (matcher.status or matcher.headers or matcher.words or matcher.regex):
        match.fail(None, "a matcher needs at least one of status, headers, words, regex")
    return matcher


def _pattern(reader: MapReader, key: str, pattern: str) -> str:
    try:
        compiled(pattern)
    except re.error as exc:
        reader.fail(key, f"invalid regular expression '{pattern}': {exc}")
    return pattern


def read_probes(root: MapReader, key: str = "probes") -> list[WebProbe]:
    """The probes listed under ``key``; an id used twice in one file is an error."""
    probes: list[WebProbe] = []
    seen: set[str] = set()
    for item in root.items(key):
        probe = read_probe(item)
        if probe.id in seen:
            item.fail("id", f"'{probe.id}' is used twice in this file")
        seen.add(probe.id)
        probes.append(probe)
    return probes
