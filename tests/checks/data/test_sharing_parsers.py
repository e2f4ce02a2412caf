"""Parsers of the sharing services' configuration: NFS exports, smb.conf, rsyncd.conf, nginx, Apache.

The fixture files in tests/fixtures/data/ have includes, comments and deliberate syntax errors;
each test copies one directory to a tmp directory (``@DIR@`` becomes its path) and parses it
through the real local host. nginx's own ``nginx -t`` cross-checks the nginx fixtures.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import testkit
from auditor.checks.data.apache_config import parse_apache
from auditor.checks.data.config_files import ConfigFiles, logical_lines, normal_key
from auditor.checks.data.exports import classify_client, parse_exports
from auditor.checks.data.nginx_config import nginx_tokens, parse_nginx
from auditor.checks.data.rsyncd import parse_rsyncd_conf
from auditor.checks.data.sharing_facts import NfsExportsFacts, RsyncdFacts, SambaFacts, WebServersFacts
from auditor.checks.data.smb import parse_smb_conf
from auditor.checks.data.web_listing import apply_options, exposures
from auditor.facts import decode, facts_from_json, facts_to_json
from auditor.hosts.local import LocalHost

FIXTURES = testkit.FIXTURES / "data"


def copy_fixture(name: str, tmp_path: Path) -> Path:
    """The fixture directory ``name`` copied into tmp_path, with @DIR@ replaced by the copy's path."""
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    for path in target.rglob("*"):
        if path.is_file():
            path.write_text(path.read_text().replace("@DIR@", str(target)))
    return target


def problems(facts) -> list[tuple[str, int, str]]:
    return [(Path(p["file"]).name, p["line"], p["message"]) for p in facts["problems"]]


def test_logical_lines_and_keys():
    assert list(logical_lines("a \\\n  b\nc\n")) == [(1, "a   b"), (3, "c")]
    assert normal_key("Guest  OK") == "guestok" == normal_key("guestok")


# --- NFS ------------------------------------------------------------------------------------


def test_exports_with_defaults_continuations_includes_and_errors(tmp_path):
    directory = copy_fixture("exports", tmp_path)
    facts = parse_exports(ConfigFiles(LocalHost()), str(directory / "exports"), str(directory / "exports.d"))
    assert facts["present"] and [Path(f).name for f in facts["files"]] == ["exports", "10-data.exports"]
    by_path = {export["path"]: export for export in facts["exports"]}
    assert list(by_path) == ["/srv/public", "/srv/projects", "/srv/with space", "/srv/oops", "/srv/nothing",
                             "/srv/v6", "/srv/data/restricted"]
    public = by_path["/srv/public"]["clients"][0]
    assert (public["spec"], public["kind"], public["access"], public["squash"]) == ("*", "everyone", "ro", "all_squash")
    projects = by_path["/srv/projects"]["clients"]  # continued over two lines
    assert [(c["spec"], c["access"], c["squash"]) for c in projects] == [
        ("192.0.2.0/24", "rw", "root_squash"), ("10.0.0.0/8", "rw", "root_squash"),
        ("fileserver.example.org", "rw", "no_root_squash")]
    spaced = by_path["/srv/with space"]["clients"]  # quoted path, default options for both clients
    assert [(c["kind"], c["access"], c["secure"]) for c in spaced] == [
        ("netgroup", "ro", False), ("wildcard", "ro", False)]
    oops = by_path["/srv/oops"]["clients"]  # "host1 (rw)": host1 read-only, everyone read-write
    assert [(c["spec"], c["access"]) for c in oops] == [("host1", "ro"), ("*", "rw")]
    assert "space before '('" in oops[1]["note"]
    assert by_path["/srv/nothing"]["clients"][0]["kind"] == "everyone"
    assert problems(facts) == [
        ("exports", 9, "export path 'relative/path' is not absolute"),
        ("exports", 10, "unterminated or malformed option list in 'host(rw,sync'"),
        ("exports", 11, "unknown export option 'frobnicate'"),
    ]


@pytest.mark.parametrize("spec, expected", [
    ("*", {"kind": "everyone"}), ("@lab", {"kind": "netgroup"}), ("*.example.org", {"kind": "wildcard"}),
    ("192.0.2.0/255.255.255.0", {"kind": "network", "prefix": 24, "version": 4}),
    ("2001:db8::/48", {"kind": "network", "prefix": 48, "version": 6}), ("host1", {"kind": "host"}),
])
def test_client_specifications(spec, expected):
    assert classify_client(spec) == expected


def test_missing_exports_file_is_not_present(tmp_path):
    facts = parse_exports(ConfigFiles(LocalHost()), str(tmp_path / "exports"), str(tmp_path / "exports.d"))
    assert facts == {"present": False, "exports": [], "files": [], "problems": []}


# --- Samba ----------------------------------------------------------------------------------


def test_smb_conf_with_globals_synonyms_includes_and_errors(tmp_path):
    directory = copy_fixture("samba", tmp_path)
    facts = parse_smb_conf(ConfigFiles(LocalHost()), str(directory / "smb.conf"))
    assert facts["map_to_guest"] == "Bad User" and facts["map_to_guest_source"].endswith("smb.conf:4")
    shares = {share["name"]: share for share in facts["shares"]}
    assert set(shares) == {"projects", "cohort", "homes", "public", "dropbox"}  # no printers
    assert (shares["public"]["guest_ok"], shares["public"]["writable"]) == (True, True)  # [Public] merged
    assert shares["public"]["writable_source"].endswith("smb.conf:30")
    assert (shares["dropbox"]["guest_ok"], shares["dropbox"]["writable"]) == (True, True)  # public/writable
    assert (shares["projects"]["guest_ok"], shares["projects"]["writable"]) == (False, True)
    assert shares["projects"]["source"].endswith("shares.conf:1")
    assert shares["homes"]["path"] is None
    assert problems(facts) == [
        ("smb.conf", 6, "include of /etc/samba/%m.conf uses a substitution variable; not followed"),
        ("smb.conf", 32, "malformed section header: [broken"),
        ("smb.conf", 33, "not a 'name = value' line: this line is garbage"),
    ]


def test_smb_include_loop_and_missing_include(tmp_path):
    (tmp_path / "a.conf").write_text(f"[global]\ninclude = {tmp_path}/b.conf\n[x]\npath = /srv/x\n")
    (tmp_path / "b.conf").write_text(f"include = {tmp_path}/a.conf\ninclude = {tmp_path}/none.conf\n")
    facts = parse_smb_conf(ConfigFiles(LocalHost()), str(tmp_path / "a.conf"))
    assert problems(facts) == [("b.conf", 1, f"{tmp_path}/a.conf is included again (include loop); not read twice"),
                               ("b.conf", 2, f"included file {tmp_path}/none.conf does not exist")]
    assert [share["name"] for share in facts["shares"]] == ["x"]


# --- rsync ----------------------------------------------------------------------------------


def test_rsyncd_conf_modules_defaults_includes_and_errors(tmp_path):
    directory = copy_fixture("rsyncd", tmp_path)
    facts = parse_rsyncd_conf(ConfigFiles(LocalHost()), str(directory / "rsyncd.conf"))
    modules = {module["name"]: module for module in facts["modules"]}
    assert list(modules) == ["public", "upload", "projects", "cohort"]
    assert (modules["public"]["auth_users"], modules["public"]["read_only"]) == ([], True)
    assert modules["public"]["read_only_source"].endswith("rsyncd.conf:3")  # the global default
    assert (modules["upload"]["auth_users"], modules["upload"]["read_only"]) == ([], False)
    assert (modules["projects"]["auth_users"], modules["projects"]["read_only"]) == (["alice", "@lab"], False)
    assert modules["cohort"]["source"].endswith("rsyncd.d/data.conf:1")  # &include of a directory (*.conf)
    assert problems(facts) == [
        ("rsyncd.conf", 20, f"included file {directory}/missing.inc does not exist"),
        ("rsyncd.conf", 21, "unknown directive &frobnicate"),
        ("rsyncd.conf", 22, "malformed section header: [bad"),
    ]


# --- nginx ----------------------------------------------------------------------------------


def test_nginx_tokens():
    tokens = list(nginx_tokens('root "/a b"; # comment\nset $x "${y}z";\nlocation ~ \\.php$ {'))
    assert tokens == [("root", 1, False), ("/a b", 1, True), (";", 1, False), ("set", 2, False), ("$x", 2, False),
                      ("${y}z", 2, True), (";", 2, False), ("location", 3, False), ("~", 3, False),
                      ("\\.php$", 3, False), ("{", 3, False)]


def nginx_check(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["nginx", "-t", "-p", str(config.parent), "-c", str(config),
                           "-g", f"pid {config.parent}/nginx.pid; error_log stderr;"],
                          capture_output=True, text=True, timeout=30)


@pytest.fixture
def nginx_fixture(tmp_path):
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed")
    return copy_fixture("nginx", tmp_path)


@pytest.mark.integration
def test_nginx_locations_with_inheritance_includes_and_access(nginx_fixture):
    assert nginx_check(nginx_fixture / "nginx.conf").returncode == 0  # nginx itself accepts the fixture
    facts = parse_nginx(ConfigFiles(LocalHost()), str(nginx_fixture / "nginx.conf"))
    assert facts["problems"] == []
    by_url = {(Path(entry["server_block"].rsplit(":", 1)[0]).name, entry["url"]): entry for entry in facts["locations"]}
    assert by_url[("nginx.conf", "/datasets/")]["alias"] == "/srv/datasets/"
    assert by_url[("nginx.conf", "/datasets/")]["listing"] is True  # inherited from the server
    assert by_url[("nginx.conf", "/datasets/cohort/")]["listing"] is False
    assert by_url[("nginx.conf", "/private/")]["denied"] and by_url[("nginx.conf", "/internal/")]["restricted"]
    assert not by_url[("nginx.conf", "/api/")]["static"]
    assert by_url[("nginx.conf", "/quoted dir/")]["root"] == "/srv/odd root"
    assert by_url[("nginx.conf", "/")]["root"] == "/srv/www"  # the server's own root, no "/" location
    assert by_url[("other.conf", "/")]["listing"] is False  # http's "autoindex off"
    assert by_url[("other.conf", "/raw/")]["listing"] is True


@pytest.mark.integration
def test_nginx_syntax_error_is_reported_where_nginx_reports_it(nginx_fixture):
    checked = nginx_check(nginx_fixture / "broken.conf")
    assert checked.returncode != 0 and 'directive "root" is not terminated by ";"' in checked.stderr
    assert "broken.conf:4" in checked.stderr
    facts = parse_nginx(ConfigFiles(LocalHost()), str(nginx_fixture / "broken.conf"))
    assert ("broken.conf", 4, "directive 'root' is not terminated by ';'") in problems(facts)


# --- Apache ---------------------------------------------------------------------------------


@pytest.mark.parametrize("current, args, expected", [
    (set(), ["Indexes", "FollowSymLinks"], {"indexes", "followsymlinks"}),
    ({"indexes", "followsymlinks"}, ["-Indexes"], {"followsymlinks"}),
    ({"followsymlinks"}, ["+Indexes"], {"followsymlinks", "indexes"}),
    ({"indexes"}, ["None"], set()),
    (set(), ["All"], {"indexes", "includes", "followsymlinks", "execcgi", "symlinksifownermatch"}),
])
def test_apache_options_merge(current, args, expected):
    assert apply_options(current, args) == expected


def test_apache_roots_directories_and_errors(tmp_path):
    directory = copy_fixture("apache", tmp_path)
    facts = parse_apache(ConfigFiles(LocalHost()), str(directory / "apache2.conf"))
    assert [(root["url"], root["path"]) for root in facts["roots"]] == [
        ("/projects", "/srv/projects"), ("/", "/var/www/html"), ("/datasets", "/srv/datasets")]
    assert problems(facts) == [
        ("broken.conf", 1, "<directory> is not closed in this file"),
        ("apache2.conf", 24, f"Include {directory}/conf-missing/*.conf matches no file (Apache refuses to start)"),
    ]


# --- which repository paths a web server serves or lists --------------------------------------


@pytest.fixture
def web(tmp_path):
    nginx = parse_nginx(ConfigFiles(LocalHost()), str(copy_fixture("nginx", tmp_path) / "nginx.conf"))
    apache = parse_apache(ConfigFiles(LocalHost()), str(copy_fixture("apache", tmp_path) / "apache2.conf"))
    return decode(WebServersFacts, {"nginx": nginx, "apache": [apache]})


@pytest.mark.parametrize("path, expected", [
    ("/srv/www", {("nginx", "listing", "/", "the repository"), ("nginx", "listing", "/internal/", "a subdirectory")}),
    ("/srv/www/private", set()),  # location /private/ denies all
    ("/srv/datasets/cohort", {("apache", "served", "/datasets/cohort", "the repository")}),  # nginx: other alias
    ("/srv/data/cohort", {("nginx", "served", "/datasets/cohort/", "the repository")}),
    ("/srv/data", {("nginx", "listing", "/raw/", "a subdirectory"),
                   ("nginx", "served", "/datasets/cohort/", "a subdirectory")}),
    ("/srv/datasets/listed", {("nginx", "listing", "/datasets/listed/", "the repository"),
                              ("apache", "listing", "/datasets/listed", "the repository")}),
    ("/srv/datasets/closed", {("nginx", "listing", "/datasets/closed/", "the repository")}),  # Apache denies
    ("/var/www/html/pub", {("apache", "listing", "/pub", "the repository")}),  # Debian's /var/www Indexes
    ("/srv/api", set()), ("/home/alice", set()),
])
def test_exposures_of_repository_paths(web, path, expected):
    assert {(e.server, e.kind, e.url, e.part) for e in exposures(web, path)} == expected


# --- the parsers' output is the typed facts' JSON form ------------------------------------------


@pytest.mark.parametrize("kind, parse", [
    (NfsExportsFacts, lambda d: parse_exports(ConfigFiles(LocalHost()), str(d / "exports"), str(d / "exports.d"))),
    (SambaFacts, lambda d: parse_smb_conf(ConfigFiles(LocalHost()), str(d / "smb.conf"))),
    (RsyncdFacts, lambda d: parse_rsyncd_conf(ConfigFiles(LocalHost()), str(d / "rsyncd.conf"))),
], ids=["exports", "samba", "rsyncd"])
def test_config_facts_round_trip_exactly(tmp_path, kind, parse):
    recorded = parse(copy_fixture({"NfsExportsFacts": "exports", "SambaFacts": "samba",
                                   "RsyncdFacts": "rsyncd"}[kind.__name__], tmp_path))
    facts = decode(kind, recorded)
    assert facts_to_json(facts) == recorded  # snapshots keep the shape today's parsers write
    assert facts_from_json(kind, facts_to_json(facts)) == facts


def test_web_facts_round_trip_exactly(web, tmp_path):
    recorded = facts_to_json(web)
    assert facts_from_json(WebServersFacts, recorded) == web
    absent = {"nginx": parse_nginx(ConfigFiles(LocalHost()), str(tmp_path / "none.conf")), "apache": []}
    assert facts_to_json(decode(WebServersFacts, absent)) == absent == {
        "nginx": {"present": False, "files": [], "problems": []}, "apache": []}
