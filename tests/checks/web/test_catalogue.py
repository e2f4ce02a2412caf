"""The web exposure catalogue: every shipped probe against recorded answers, its loader, its evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.checks.web.catalogue import Reply, WebProbe
from auditor.checks.web.evidence import escaped, evidence_for, key_names, listing_entries, same_origin_links
from auditor.checks.web.judges import listed_matches
from auditor.checks.web.policy import shipped
from auditor.config.catalogue import load_catalogue
from auditor.config.policies import load_policy
from auditor.errors import ProfileError
from auditor.registry import default_registry
from testkit.web_answers import NEGATIVE, POSITIVE, Answer

PROBES = {probe.id: probe for probe in shipped()[1]}
SENDING = sorted(probe_id for probe_id, probe in PROBES.items() if probe.kind != "listed")


def reply(answer: Answer, probe: WebProbe) -> Reply:
    """What the collector hands a matcher: the first ``read`` bytes as Latin-1 text."""
    return Reply(answer.status, {name.lower(): value for name, value in answer.headers},
                 answer.body[: probe.read].decode("latin-1"))


def test_every_probe_that_sends_has_a_recorded_positive_and_negative() -> None:
    assert set(POSITIVE) == set(SENDING) == set(NEGATIVE)


@pytest.mark.parametrize("probe_id", SENDING)
def test_a_probe_matches_its_recorded_answer_and_not_the_nearest_other(probe_id: str) -> None:
    probe = PROBES[probe_id]
    path, positive = POSITIVE[probe_id]
    assert path in probe.paths or probe.links or any("{site}" in p for p in probe.paths), path
    assert probe.matcher.matches(reply(positive, probe)), probe_id
    assert not probe.matcher.matches(reply(NEGATIVE[probe_id][1], probe)), probe_id


def test_the_issue_s_paths_and_products_are_all_in_the_catalogue() -> None:
    paths = {path for probe in PROBES.values() for path in probe.paths}
    for path in ("/data/", "/datasets/", "/files/", "/pub/", "/share/", "/shared/", "/download/", "/downloads/",
                 "/backup/", "/backups/", "/export/", "/uploads/", "/public/", "/archive/", "/.git/HEAD",
                 "/.git/config", "/.svn/entries", "/.hg/requires", "/.env", "/{site}.sql", "/{site}.tar.gz",
                 "/{site}.bak", "/server-status", "/api/tags", "/hub/api/users", "/api/v1/targets", "/api/search"):
        assert path in paths, path
    assert PROBES["listing-linked"].links and PROBES["jupyter-api"].severity.value == "high"
    assert {"*.sql", "*.bak", "*.tar.gz"} <= set(PROBES["listed-dumps"].listed)
    assert all(probe.method in ("GET", "HEAD") and probe.read <= 65536 for probe in PROBES.values())


def test_every_probe_maps_to_toolkit_measures_and_says_how_to_fix_it() -> None:
    measures = set(load_catalogue().measures)
    for probe in PROBES.values():
        assert probe.measures and set(probe.measures) <= measures, probe.id
        assert probe.title and probe.remediation and probe.source.endswith(tuple("0123456789")), probe.id


def test_listed_globs_pick_dumps_and_secrets_from_a_listing() -> None:
    entries = ("cohort-2026.csv", "site.SQL", "db.bak", "images/", "backup.tar.gz", ".env", "notes.txt")
    assert listed_matches(PROBES["listed-dumps"], entries) == ["site.SQL", "db.bak", "backup.tar.gz", ".env"]
    assert listed_matches(PROBES["listed-dumps"], ("readme.md",)) == []


def test_env_evidence_names_keys_never_values() -> None:
    body = POSITIVE["env-file"][1].body
    evidence = evidence_for("keys", body, ())
    assert evidence == {"keys": "APP_ENV, DB_PASSWORD, S3_SECRET_KEY"}
    assert "not-a-real-password" not in str(evidence) and "abc123" not in str(evidence)
    config = evidence_for("keys", POSITIVE["git-config"][1].body, ())
    assert config == {"keys": "core.repositoryformatversion, remote.origin.url"}
    assert "ghp_" not in str(config)
    assert evidence_for("none", b"-- MySQL dump", ()) == {"bytes_read": "13"}


def test_hostile_bytes_are_escaped_and_bounded() -> None:
    assert escaped("ok\x1b[31m\x07\r\n\\") == "ok\\x1b[31m\\x07\\x0d\\x0a\\\\"
    assert escaped("x" * 500, 10) == "x" * 10 + "…"
    first = evidence_for("body", b"\x00\xff<script>" + b"A" * 10_000, ())["first_bytes"]
    assert first.startswith("\\x00\ufffd<script>") and len(first) < 200  # U+FFFD: the byte that was not UTF-8
    assert key_names(b"\n".join(b"K%d=v" % i for i in range(500))) == tuple(f"K{i}" for i in range(40))


def test_listing_entries_and_home_page_links() -> None:
    body = POSITIVE["listing-home"][1].body + b'<a href="?C=N;O=D">sort</a><a href="https://elsewhere.example/">x</a>'
    assert listing_entries(body) == ("cohort-2026.csv", "notes/")
    home = (b'<a href="/results/">results</a> <a href="data/raw/">raw</a> <a href="about.html">about</a>'
            b'<a href="https://other.example/data/">other site</a> <a href="//cdn.example/x/">cdn</a>'
            b'<a href="mailto:lab@example.org">mail</a> <a href="/../etc/">up</a> <a href="/team">team</a>'
            b'<a href="/results/">again</a> <a href="#top">top</a> <a href="/a b/">space</a>')
    assert same_origin_links(home, 20) == ("/results/", "/data/raw/", "/team")
    assert same_origin_links(home, 1) == ("/results/",)


EXTENSION = """policy: lab
version: "2"
disable: [ollama-tags]
probes:
  - id: lab-portal
    title: The lab's portal answers without login
    kind: application
    paths: [/portal/api/whoami]
    match: {status: [200], words: ['"anonymous"']}
    severity: high
    measures: [PRV-3]
    remediation: Require login.
  - id: git-head
    title: Git metadata (stricter)
    kind: file
    paths: [/.git/HEAD]
    read: 128
    match: {status: [200], regex: ['\\Aref: ']}
    severity: critical
    measures: [PRV-5]
    remediation: Remove it.
"""


def test_a_profile_policy_adds_replaces_and_disables_probes(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(EXTENSION)
    policy = load_policy("web-exposure", "web.yaml", tmp_path, default_registry().policies)
    probes = {probe.id: probe for probe in policy["probes"]}
    assert "ollama-tags" not in probes and "lab-portal" in probes
    assert probes["git-head"].severity.value == "critical" and probes["git-head"].source == f"{tmp_path}/web.yaml:13"
    assert len(probes) == len(PROBES)  # one added, one disabled, one replaced
    assert policy["version"] == "2 (catalogue 1.0.0)"


@pytest.mark.parametrize("entry, where", [
    ("  - {id: x1, title: t, kind: file, paths: [/a], method: POST, match: {status: [200]}, severity: high, "
     "measures: [PRV-5], remediation: r}", "probes[0].method: 'POST' is not one of: GET, HEAD"),
    ("  - {id: x1, title: t, kind: file, paths: [/a], read: 100000, match: {status: [200]}, severity: high, "
     "measures: [PRV-5], remediation: r}", "probes[0].read: must be at most 65536"),
    ("  - {id: x1, title: t, kind: file, paths: [/a], match: {regex: ['(']}, severity: high, "
     "measures: [PRV-5], remediation: r}", "probes[0].match.regex: invalid regular expression"),
    ("  - {id: x1, title: t, kind: file, paths: ['http://evil.example/'], match: {status: [200]}, severity: high, "
     "measures: [PRV-5], remediation: r}", "probes[0].paths: 'http://evil.example/' is not an absolute URL path"),
    ("  - {id: x1, title: t, kind: file, paths: [/a], match: {status: [200]}, severity: high, "
     "measures: [PRV5], remediation: r, colour: red}", "probes[0].colour: unknown key"),
    ("  - {id: x1, title: t, kind: file, paths: [/a], match: {}, severity: high, measures: [PRV-5], remediation: r}",
     "probes[0].match: a matcher needs at least one of"),
])
def test_a_bad_probe_names_file_line_and_key(tmp_path: Path, entry: str, where: str) -> None:
    (tmp_path / "web.yaml").write_text(f"policy: lab\nprobes:\n{entry}\n")
    with pytest.raises(ProfileError) as caught:
        load_policy("web-exposure", "web.yaml", tmp_path, default_registry().policies)
    assert str(caught.value).startswith(f"{tmp_path}/web.yaml:3: {where}"), str(caught.value)


def test_matcher_conditions_headers_and_vetoes() -> None:
    from auditor.checks.web.catalogue import HeaderRule, Matcher

    reply = Reply(200, {"server": "CouchDB/3.3.3", "content-type": "application/json"}, '["_users"]')
    every = Matcher(status=(200,), headers=(HeaderRule("server", "CouchDB"),), regex=(r"\A\[",))
    assert every.matches(reply)
    assert not every.matches(Reply(401, reply.headers, reply.text))  # all: one failing test fails it
    assert not every.matches(Reply(200, {"content-type": "application/json"}, reply.text))  # header absent
    either = Matcher(condition="any", status=(500,), words=("_users",))
    assert either.matches(reply) and not either.matches(Reply(200, {}, "[]"))
    assert not Matcher(status=(200,), not_words=("_users",)).matches(reply)  # a veto wins over everything
    assert not Matcher().matches(reply)  # nothing to test: never a match


def test_site_named_paths_follow_the_host_s_names_and_are_dropped_for_bare_addresses() -> None:
    from auditor.checks.web.collector import planned_paths, site_names

    assert site_names(("web01.example.org", "127.77.1.1", "web01.example.org", "bad name;rm")) == (
        "web01.example.org", "web01")
    sites = site_names(("web01.example.org",))
    assert planned_paths(PROBES["sql-dump"], (), sites)[:3] == ["/web01.example.org.sql", "/web01.sql", "/backup.sql"]
    assert "/{site}.sql" not in planned_paths(PROBES["sql-dump"], (), ())
    assert planned_paths(PROBES["sql-dump"], (), ())[0] == "/backup.sql"
    assert planned_paths(PROBES["listing-linked"], ("/results/", "/team"), sites) == ["/results/", "/team"]
