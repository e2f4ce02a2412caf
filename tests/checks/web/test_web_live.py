"""The web exposure probes against real nginx, replayed research UIs and real nmap, on 127.77.x.y.

nginx serves what the issue describes: a home page answering 403 with a listed data folder
below it, a ``.git`` directory and a ``.env``; another nginx links a listed folder from its
home page. Research UIs answer as their documentation shows (testkit.web_answers).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from auditor.check import CheckContext, CollectEnv
from auditor.checks.services.facts import DiscoveredHost, DiscoveredPort, DiscoveryFacts
from auditor.checks.web.collector import WebCollector
from auditor.checks.web.facts import WebFacts
from auditor.checks.web.policy import shipped
from auditor.config.profile import load_profile
from auditor.facts import InventoryFacts
from auditor.models import Finding, Target, TargetKind
from auditor.registry import default_registry
from testkit import fact_set
from testkit.services_lab import NGINX, NMAP, Lab, lab_subnet
from testkit.web_answers import JUPYTER_NO_TOKEN, JUPYTER_WITH_TOKEN, JUPYTERHUB, PAGE, POSITIVE, Answer, ResearchUi

pytestmark = pytest.mark.integration
REGISTRY = default_registry()
BASELINE = load_profile("baseline", REGISTRY)
REGISTRY_PROBES = {probe.id: probe for probe in shipped()[1]}
SECRET = "hunter2-not-real"
COHORT_SITE = {
    "data/cohort-2026.csv": "participant,age,diagnosis\nP001,34,T2D\n",
    "data/cohort-2026.sql": "CREATE TABLE participants (id int);\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".git/config": f'[core]\n\tbare = false\n[remote "origin"]\n\turl = https://bob:{SECRET}@git.example.org/x.git\n',
    ".env": f"APP_ENV=production\nDB_PASSWORD={SECRET}\nexport S3_SECRET_KEY={SECRET}\n",
}
# `/` answers 403 (no index file, no autoindex); only /data/ lists.
FORBIDDEN_HOME = "autoindex off;\n  location /data/ { autoindex on; }"


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    if NGINX is None:
        pytest.skip("nginx is not installed")
    started = Lab(tmp_path / "lab")
    yield started
    started.stop()


@pytest.fixture
def uis() -> Iterator[list[ResearchUi]]:
    started: list[ResearchUi] = []
    yield started
    for server in started:
        server.stop()


def collect(address: str, ports: Mapping[int, str], name: str = "web01.lab", **options: object) -> WebFacts:
    """The web collector on ``ports`` (number -> nmap service name) of ``address``, as discovery found them."""
    discovery = DiscoveryFacts(hosts=(DiscoveredHost(address=name, ip=address, ports=tuple(
        DiscoveredPort(number, service=service, method="probed" if service else "") for number, service in ports.items())),))
    env = CollectEnv(target=Target(name, TargetKind.NETWORK, name), host=None,
                     options={**WebCollector.options, "rate": 500.0, "max_requests": 5000, **options}, timeout=60, fact=lambda kind: discovery)
    return WebCollector().collect(env)


def judge(check_id: str, web: WebFacts, ports: Mapping[int, str], name: str = "web01.lab") -> tuple[list[Finding], CheckContext]:
    discovery = DiscoveryFacts(hosts=(DiscoveredHost(address=name, ports=tuple(
        DiscoveredPort(number, service=service) for number, service in ports.items())),))
    check = REGISTRY.checks[check_id]
    ctx = CheckContext(check=check, target=Target(name, TargetKind.NETWORK, name), options={},
                       severity=BASELINE.severity[check_id], policies={"web-exposure": BASELINE.policies["web-exposure"]})
    return check().judge(fact_set(discovery, web, InventoryFacts()), ctx), ctx


def by_resource(findings: list[Finding]) -> dict[str, Finding]:
    return {finding.resource: finding for finding in findings}


def test_a_listing_behind_a_403_home_page_git_and_env_are_findings_with_evidence(lab: Lab) -> None:
    nginx = lab.nginx_site(lab_subnet() + "1", COHORT_SITE, FORBIDDEN_HOME)
    web = collect(nginx.address, {nginx.port: "http"})
    (port,) = web.ports
    assert (port.status, port.home_status, port.failures, port.not_sent) == ("probed", 403, (), 0)
    assert port.server.startswith("nginx/")
    listings, ctx = judge("services.directory-listing", web, {nginx.port: "http"})
    assert not ctx.problems
    assert list(by_resource(listings)) == [f"tcp/{nginx.port}/http:/data/"]  # / itself is 403: not a listing
    data = listings[0]
    assert data.evidence["title"] == "Index of /data/"
    assert data.evidence["sample"] == "cohort-2026.csv, cohort-2026.sql"
    exposed = by_resource(judge("web.exposed-files", web, {nginx.port: "http"})[0])
    assert set(exposed) == {f"tcp/{nginx.port}/http:{path}" for path in (
        "/.git/HEAD:git-head", "/.git/config:git-config", "/.env:env-file", "/data/:listed-dumps")}
    assert exposed[f"tcp/{nginx.port}/http:/.git/HEAD:git-head"].evidence["first_bytes"] == "ref: refs/heads/main\\x0a"
    env = exposed[f"tcp/{nginx.port}/http:/.env:env-file"]
    assert env.evidence["keys"] == "APP_ENV, DB_PASSWORD, S3_SECRET_KEY" and env.evidence["status"] == "200"
    assert env.evidence["url"] == f"http://web01.lab:{nginx.port}/.env"
    assert exposed[f"tcp/{nginx.port}/http:/.git/config:git-config"].evidence["keys"] == "core.bare, remote.origin.url"
    assert SECRET not in json.dumps([f.to_dict() for f in (*listings, *exposed.values())])
    assert SECRET not in repr(web)  # not even in the facts a snapshot stores


def test_a_listing_the_home_page_links_to_over_https(lab: Lab) -> None:
    home = ('<html><body><a href="/results/">Results</a> <a href="about.html">About</a>'
            '<a href="https://elsewhere.example/data/">partner</a></body></html>')
    nginx = lab.nginx_site(lab_subnet() + "2", {"index.html": home, "results/trial-arm-a.csv": "x\n",
                                               "about.html": "<p>about</p>"},
                           "location /results/ { autoindex on; }", tls=True)
    web = collect(nginx.address, {nginx.port: "http"})  # nmap saw no TLS: the first request learns it
    assert web.ports[0].tls and web.ports[0].home_status == 200
    found = by_resource(judge("services.directory-listing", web, {nginx.port: "http"})[0])
    assert list(found) == [f"tcp/{nginx.port}/http:/results/"]
    assert found[f"tcp/{nginx.port}/http:/results/"].evidence["url"] == f"https://web01.lab:{nginx.port}/results/"
    assert [m.probe for m in web.ports[0].matches] == ["listing-linked"]


def test_a_jupyter_without_token_on_an_unusual_port_is_high_and_one_with_a_token_is_not(uis: list[ResearchUi]) -> None:
    address = lab_subnet() + "3"
    uis.append(ResearchUi(JUPYTER_NO_TOKEN, address))
    uis.append(ResearchUi(JUPYTER_WITH_TOKEN, address))
    uis.append(ResearchUi(JUPYTERHUB, address))
    ports = {server.port: "http" for server in uis}
    web = collect(address, ports, name=address)
    found = by_resource(judge("web.open-application", web, ports, name=address)[0])
    open_port = uis[0].port
    assert set(found) == {f"tcp/{open_port}/http:/api/status:jupyter-api",
                          f"tcp/{open_port}/http:/api/contents:jupyter-contents"}
    assert {finding.severity.value for finding in found.values()} == {"high"}


def test_every_research_ui_answering_without_credentials_is_found(uis: list[ResearchUi]) -> None:
    address = lab_subnet() + "4"
    applications = [probe for probe in POSITIVE if REGISTRY_PROBES[probe].kind == "application"]
    for probe in applications:  # one server per product, as they would run
        path, answer = POSITIVE[probe]
        uis.append(ResearchUi({path: answer}, address))
    ports = {server.port: "" for server in uis}  # nmap could not name them: sniffed
    web = collect(address, ports, name=address)
    matched = {port.port: {m.probe for m in port.matches} for port in web.ports}
    assert matched == {server.port: {probe} for server, probe in zip(uis, applications, strict=True)}


def test_a_site_answering_200_to_everything_matches_nothing(uis: list[ResearchUi]) -> None:
    class CatchAll(dict[str, Answer]):
        def get(self, key: str, default: object = None) -> Answer:  # type: ignore[override]
            return PAGE

    uis.append(ResearchUi(CatchAll(), lab_subnet() + "5"))
    web = collect(uis[0].address, {uis[0].port: "http"})
    assert web.ports[0].status == "probed" and web.ports[0].requests > 60
    assert web.ports[0].matches == ()


def test_politeness_spaces_and_caps_requests_and_says_what_was_left_unsent(uis: list[ResearchUi]) -> None:
    uis.append(ResearchUi(JUPYTER_NO_TOKEN, lab_subnet() + "6"))
    started = time.monotonic()
    web = collect(uis[0].address, {uis[0].port: "http"}, rate=20.0, max_requests=10)
    elapsed = time.monotonic() - started
    (port,) = web.ports
    assert port.requests == 10 and port.not_sent > 50 and port.limit == "max_requests"
    assert elapsed >= 9 / 20  # ten requests, 1/20 s apart
    _, ctx = judge("web.open-application", web, {uis[0].port: "http"})
    assert ctx.problems == [f"web probes on tcp/{uis[0].port}: {port.not_sent} request(s) not sent, "
                            "the max_requests limit was reached"]
    budget = collect(uis[0].address, {uis[0].port: "http"}, rate=2.0, budget=1.0)
    assert budget.ports[0].limit == "budget" and budget.ports[0].requests <= 3


def test_a_port_that_does_not_speak_http_is_sniffed_and_left_alone(lab: Lab) -> None:
    redis = lab.redis(lab_subnet() + "7")
    web = collect(redis.address, {redis.port: ""})
    (port,) = web.ports
    assert port.status == "not-http" and port.requests == 1 and port.failures == ()


def test_auditor_run_finds_the_jupyter_on_a_free_port_with_real_nmap(uis: list[ResearchUi], tmp_path: Path) -> None:
    if NMAP is None:
        pytest.skip("nmap is not installed")
    uis.append(ResearchUi(JUPYTER_NO_TOKEN, lab_subnet() + "1"))
    jupyter = uis[0]
    (tmp_path / "web.yaml").write_text("name: web\nextends: baseline\nselect: ['web.*', 'services.directory-listing']\n"
                                       "collectors:\n  web: {rate: 50}\n")
    done = subprocess.run([sys.executable, "-m", "auditor", "run", f"{jupyter.address}:{jupyter.port}", "--profile",
                           "web.yaml", "--out", "out"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    snapshot = json.loads((tmp_path / "out" / "snapshot.json").read_text())
    found = {(f["check_id"], f["resource"], f["severity"]) for f in snapshot["findings"]}
    assert ("web.open-application", f"tcp/{jupyter.port}/http:/api/status:jupyter-api", "high") in found
    statuses = {r["check_id"]: r["status"] for r in snapshot["results"]}
    assert statuses["services.directory-listing"] == "pass"  # examined: no listing there
    assert len({f["fingerprint"] for f in snapshot["findings"]}) == len(snapshot["findings"])
    # Judged again from the stored facts, with the Jupyter status probe disabled: the server is gone.
    jupyter.stop()
    uis.clear()
    (tmp_path / "quiet.yaml").write_text("policy: quiet\ndisable: [jupyter-api]\n")
    (tmp_path / "rejudge.yaml").write_text("name: rejudge\nextends: web.yaml\npolicies: {web-exposure: quiet.yaml}\n")
    again = subprocess.run([sys.executable, "-m", "auditor", "report", "out/snapshot.json", "--profile",
                            "rejudge.yaml", "--out", "again"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert again.returncode == 1, again.stdout + again.stderr
    rejudged = json.loads((tmp_path / "again" / "snapshot.json").read_text())
    resources = {f["resource"] for f in rejudged["findings"] if f["check_id"] == "web.open-application"}
    assert resources == {f"tcp/{jupyter.port}/http:/api/contents:jupyter-contents"}


@pytest.mark.parametrize("kind, reason", [
    ("silent", "no complete answer within 0.5 s"),
    ("drip", "no complete answer within 0.5 s"),
    ("flood", "within 16384 bytes"),
])
def test_hostile_http_ports_are_errors_within_the_budget(hostile: Any, kind: str, reason: str) -> None:
    server = hostile(kind)
    started = time.monotonic()
    web = collect("127.0.0.1", {server.port: "http"}, name="127.0.0.1", timeout=0.5)
    assert time.monotonic() - started < 3  # plain, then TLS: two bounded tries of the home page, then done
    (port,) = web.ports
    assert port.status == "error" and reason in port.reason and port.requests == 1
    _, ctx = judge("web.open-application", web, {server.port: "http"}, name="127.0.0.1")
    assert ctx.problems and reason in ctx.problems[0]


def test_a_site_that_stalls_after_its_home_page_is_stopped_by_the_budget(hostile: Any) -> None:
    def home_then_stall(conn: socket.socket, stopping: threading.Event) -> None:
        request = conn.recv(1024)
        if request.startswith(b"GET / "):
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi")
        else:
            stopping.wait(30)

    server = hostile(home_then_stall)
    started = time.monotonic()
    web = collect("127.0.0.1", {server.port: "http"}, name="127.0.0.1", timeout=0.3, budget=1.5, workers=1)
    assert time.monotonic() - started < 4
    (port,) = web.ports
    assert port.status == "probed" and port.limit == "budget" and port.not_sent > 0 and port.failed >= 1
    assert port.failures[0].endswith("no complete answer within 0.3 s")


def test_a_profile_s_own_probe_runs_with_head(uis: list[ResearchUi], tmp_path: Path) -> None:
    from auditor.config.policies import load_policy

    (tmp_path / "web.yaml").write_text(
        "policy: lab\nbuiltin: false\nprobes:\n  - id: lab-export\n    title: The lab export is public\n"
        "    kind: file\n    method: HEAD\n    paths: [/export.zip]\n"
        "    match: {status: [200], headers: {content-type: zip}}\n    severity: low\n    measures: [PRV-8]\n"
        "    remediation: Remove it.\n")
    policy = load_policy("web-exposure", "web.yaml", tmp_path, REGISTRY.policies)
    uis.append(ResearchUi({"/export.zip": Answer(200, b"PK\x03\x04 cohort", (("Content-Type", "application/zip"),))},
                          lab_subnet() + "7"))
    discovery = DiscoveryFacts(hosts=(DiscoveredHost(address="lab", ip=uis[0].address, ports=(
        DiscoveredPort(uis[0].port, service="http", method="probed"),)),))
    env = CollectEnv(target=Target("lab", TargetKind.NETWORK, "lab"), host=None, options=WebCollector.options,
                     timeout=30, fact=lambda kind: discovery, policies={"web-exposure": policy})
    (port,) = WebCollector().collect(env).ports
    assert port.requests == 2  # the home page, then one HEAD
    (match,) = port.matches
    assert (match.probe, match.url, match.evidence) == (
        "lab-export", f"http://lab:{uis[0].port}/export.zip", {"first_bytes": ""})  # HEAD: no body read
