"""What the sharing checks flag, cross-checked against real daemons on loopback ports.

A real ``rsync --daemon`` proves that the modules data.rsync-modules calls anonymous can be
listed (and the writable one written) without a login, and that the authenticated module
cannot; a real nginx proves that the repository data.web-listing says is listed is listed,
and that the denied and proxied locations it leaves out are not. Daemons listen on
127.0.0.1 on ports picked free, and are stopped by pid.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from auditor.check import CheckContext, CollectEnv
from auditor.checks.data.collector import RsyncdCollector, WebServersCollector
from auditor.config.profile import load_profile
from auditor.facts import Facts, decode
from auditor.hosts.local import LocalHost
from auditor.models import Target, TargetKind
from auditor.registry import default_registry
from testkit import fact_set
from testkit.ports import free_port

pytestmark = pytest.mark.integration
LOCAL = Target(name="local", kind=TargetKind.LOCAL)
REGISTRY = default_registry()



def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"daemon exited: {log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("daemon did not listen")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=10)


def judge(check_id: str, facts: dict) -> dict:
    """Findings of ``check_id`` on collected facts and on facts written here in their JSON form."""
    check = REGISTRY.checks[check_id]
    profile = load_profile("baseline", REGISTRY)
    ctx = CheckContext(check=check, target=LOCAL, options=profile.options[check_id],
                       severity=profile.severity[check_id])
    typed = [facts[kind.name] if isinstance(facts[kind.name], Facts) else decode(kind, facts[kind.name])
             for kind in check.facts]
    return {finding.resource: finding for finding in check().judge(fact_set(*typed), ctx)}


def require(program: str) -> None:
    """Skip unless ``program`` is installed and we are root (the daemons switch users)."""
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")
    if os.geteuid() != 0:
        pytest.skip(f"starting {program} as a daemon here needs root")


NO_RULES = {"rules_file": None, "repositories": [], "groups": {},
            "walk": {"max_files": 100, "max_depth": 10, "samples": 5, "acls": True, "walk_timeout": 60}}


# --- rsync ------------------------------------------------------------------------------------


@pytest.fixture
def rsync_daemon(world_readable_dir, tmp_path):
    shared_dir = world_readable_dir  # the daemon serves as nobody
    require("rsync")  # as root: the daemon's default chroot needs it
    for name in ("open", "locked", "upload"):
        (shared_dir / name).mkdir()
        (shared_dir / name / "result.csv").write_text("42\n")
    (shared_dir / "upload").chmod(0o777)
    secrets = tmp_path / "rsyncd.secrets"
    secrets.write_text("alice:correct-horse\n")
    secrets.chmod(0o600)
    config = tmp_path / "rsyncd.conf"
    config.write_text(
        f"# modules for the test\nuid = nobody\ngid = nogroup\nlog file = {tmp_path}/rsyncd.log\n"
        f"pid file = {tmp_path}/rsyncd.pid\n\n"
        f"[open]\n    path = {shared_dir}/open\n\n"
        f"[locked]\n    path = {shared_dir}/locked\n    auth users = alice\n    secrets file = {secrets}\n\n"
        f"[upload]\n    path = {shared_dir}/upload\n    read only = no\n"
    )
    port = free_port()
    process = subprocess.Popen(["rsync", "--daemon", "--no-detach", "--port", str(port), "--address", "127.0.0.1",
                                "--config", str(config)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for_port(port, process, tmp_path / "rsyncd.log")
    yield config, port, shared_dir
    stop(process)


def rsync(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RSYNC_PASSWORD": "wrong-guess"}
    return subprocess.run(["rsync", "--contimeout=5", "--timeout=10", *args], capture_output=True, text=True,
                          timeout=30, env=env, stdin=subprocess.DEVNULL)


def test_flagged_rsync_modules_really_are_anonymous(rsync_daemon, tmp_path):
    config, port, shared_dir = rsync_daemon
    env = CollectEnv(target=LOCAL, host=LocalHost(), options={"config": str(config)}, timeout=10)
    found = judge("data.rsync-modules", {"rsyncd": RsyncdCollector().collect(env), "repositories": NO_RULES})
    assert set(found) == {"rsync:[open]:anonymous", "rsync:[upload]:anonymous", "rsync:[upload]:writable"}

    url = f"rsync://127.0.0.1:{port}"
    assert {line.split()[0] for line in rsync(f"{url}/").stdout.splitlines()} == {"open", "locked", "upload"}
    for module in ("open", "upload"):  # flagged anonymous: listed without any login
        listed = rsync("--list-only", f"{url}/{module}/")
        assert listed.returncode == 0 and "result.csv" in listed.stdout, listed.stderr
    refused = rsync("--list-only", f"{url}/locked/")  # not flagged: a login is required
    assert refused.returncode != 0 and "auth failed" in refused.stderr
    upload = tmp_path / "planted.txt"
    upload.write_text("planted by anyone\n")
    assert rsync(str(upload), f"{url}/upload/").returncode == 0  # flagged writable: anyone can write
    assert (shared_dir / "upload" / "planted.txt").exists()


# --- nginx ------------------------------------------------------------------------------------


@pytest.fixture
def nginx_daemon(world_readable_dir, tmp_path):
    shared_dir = world_readable_dir  # nginx's workers serve as www-data
    require("nginx")
    www = shared_dir / "www"
    for directory in ("repo/sub", "secret", "api"):
        (www / directory).mkdir(parents=True)
    (www / "repo" / "sub" / "data.csv").write_text("1,2\n")
    (www / "secret" / "key.txt").write_text("x\n")
    port = free_port()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path};\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n    root {www};\n    autoindex on;\n"
        f"    location /secret/ {{ deny all; }}\n"
        f"    location /api/ {{ return 404; }}\n  }}\n}}\n"
    )
    process = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(config)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, process, tmp_path / "error.log")
    yield config, port, www
    stop(process)


def get(port: int, url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=5) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def repository(name: str, path: Path) -> dict:
    return {"name": name, "host": "local", "path": str(path), "classification": "confidential", "owner_group": "root",
            "read_groups": [], "write_groups": [], "sharing_allowed": False, "backup": None, "source": "rules.yaml:1"}


def test_flagged_listing_is_really_listed_and_denied_paths_are_not(nginx_daemon):
    config, port, www = nginx_daemon
    env = CollectEnv(target=LOCAL, host=LocalHost(), options={"nginx": str(config), "apache": []}, timeout=10)
    web = WebServersCollector().collect(env)
    rules = {**NO_RULES, "rules_file": "rules.yaml",
             "repositories": [repository("repo", www / "repo"), repository("secret", www / "secret"),
                              repository("api", www / "api")]}
    found = judge("data.web-listing", {"web_servers": web, "repositories": rules})
    assert set(found) == {"web:nginx:/repo/:repo:repo"}
    status, body = get(port, "/repo/")
    assert status == 200 and "Index of /repo/" in body and "sub/" in body
    assert get(port, "/repo/sub/data.csv")[0] == 200
    assert get(port, "/secret/")[0] == 403 and get(port, "/secret/key.txt")[0] == 403
    assert get(port, "/api/")[0] == 404
