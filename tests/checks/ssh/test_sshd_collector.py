"""The sshd collector on this machine: real `sshd -T`, the parsed fallback, and what it says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from auditor.check import CollectEnv
from auditor.checks.ssh.collector import SshdCollector
from auditor.checks.ssh.facts import SOURCE_PARSED, SOURCE_SSHD_T, BannerText, MissingFile, SshdFacts, StatFile
from auditor.checks.ssh.sshd_config.parser import MatchContext
from auditor.errors import CollectError, FactsUnavailable
from auditor.hosts.local import LocalHost
from auditor.models import Target, TargetKind

pytestmark = pytest.mark.integration
LOCAL = Target(name="local", kind=TargetKind.LOCAL)
KEYS = ("passwordauthentication", "x11forwarding", "permitrootlogin", "maxauthtries", "ciphers", "banner", "hostkey")


def write_config(directory: Path, host_key: Path, banner: Path) -> Path:
    (directory / "conf.d").mkdir()
    (directory / "conf.d" / "10-hardening.conf").write_text("passwordauthentication no\nMaxAuthTries 3\n")
    config = directory / "sshd_config"
    config.write_text(
        f"Include {directory}/conf.d/*.conf\n"
        f"HostKey {host_key}\n"
        "PasswordAuthentication yes\n"  # loses: the Include came first
        "PermitRootLogin no\n"
        f"Banner {banner}\n"
        "Ciphers -aes128-ctr\n"
        "Match User backup\n"
        "    PasswordAuthentication yes\n"
    )
    return config


def collect(config: Path, binary: str = "sshd", contexts: Sequence[MatchContext] = ()) -> SshdFacts:
    options = {**SshdCollector.options, "config": str(config), "binary": binary, "match_contexts": list(contexts)}
    return SshdCollector().collect(CollectEnv(target=LOCAL, host=LocalHost(), options=options, timeout=20))


def test_sshd_t_facts_with_match_context(tmp_path: Path, host_key: Path, sshd_binary: str) -> None:
    banner = tmp_path / "issue.net"
    banner.write_text("Authorised use only. Security contact: cert@example.org\n")
    config = write_config(tmp_path, host_key, banner)
    facts = collect(config, sshd_binary, [MatchContext(user="backup", host="h", addr="127.0.0.9")])
    assert facts.source == SOURCE_SSHD_T and facts.notes == ()
    global_ctx, backup = facts.contexts
    assert global_ctx.settings["passwordauthentication"] == ("no",)
    assert global_ctx.settings["maxauthtries"] == ("3",)
    assert "aes128-ctr" not in global_ctx.settings["ciphers"][0]
    assert backup.settings["passwordauthentication"] == ("yes",)
    assert backup.label == "user=backup,host=h,addr=127.0.0.9"
    key = facts.host_keys[0]
    assert key.path == str(host_key) and isinstance(key, StatFile) and key.mode == "0600"
    assert isinstance(facts.banner, BannerText) and facts.banner.text.startswith("Authorised use only")


def test_parsed_fallback_agrees_with_sshd_and_says_so(tmp_path: Path, host_key: Path, sshd_binary: str) -> None:
    banner = tmp_path / "issue.net"
    config = write_config(tmp_path, host_key, banner)
    context = [MatchContext(user="backup", host="h", addr="127.0.0.9")]
    real = collect(config, sshd_binary, context)
    parsed = collect(config, "no-such-sshd", context)
    assert parsed.source == SOURCE_PARSED
    assert parsed.notes[0] == "no-such-sshd not found: effective configuration parsed from the files"
    assert str(tmp_path / "conf.d" / "10-hardening.conf") in parsed.files
    for real_ctx, parsed_ctx in zip(real.contexts, parsed.contexts, strict=True):
        for key in KEYS:
            assert parsed_ctx.settings.get(key) == real_ctx.settings.get(key), key
    assert parsed.banner == MissingFile(path=str(banner))


def test_sshd_rejecting_its_config_falls_back_with_the_reason(tmp_path: Path, host_key: Path,
                                                              sshd_binary: str) -> None:
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\nPermitRootLogin no\nNoSuchOption yes\n")
    facts = collect(config, sshd_binary)
    assert facts.source == SOURCE_PARSED
    assert facts.notes[0].startswith("sshd -T failed (")
    assert "Bad configuration option" in facts.notes[0]
    assert facts.global_context.settings["permitrootlogin"] == ("no",)


def test_missing_daemon_and_config_means_skipped_not_failed(tmp_path: Path) -> None:
    with pytest.raises(FactsUnavailable, match="no SSH daemon here"):
        collect(tmp_path / "absent", "no-such-sshd")


def test_missing_config_with_a_daemon_is_an_error(tmp_path: Path, sshd_binary: str) -> None:
    with pytest.raises(CollectError, match="absent"):
        collect(tmp_path / "absent", sshd_binary)


UNPRIVILEGED_SCRIPT = """
import json, site, sys
site.addsitedir(sys.argv[1])  # only the venv (-S keeps Debian's dist-packages out), with its .pth files
from auditor.check import CollectEnv
from auditor.checks.ssh.collector import SshdCollector
from auditor.errors import CollectError
from auditor.hosts.local import LocalHost
from auditor.models import Target, TargetKind
out = {}
for config in sys.argv[2:]:
    options = {**SshdCollector.options, "config": config}
    env = CollectEnv(Target("local", TargetKind.LOCAL), LocalHost(), options, 20)
    try:
        facts = SshdCollector().collect(env)
        out[config] = {"source": facts.source, "notes": list(facts.notes)}
    except CollectError as exc:
        out[config] = {"error": type(exc).__name__, "reason": str(exc)}
print(json.dumps(out))
"""


@pytest.fixture
def world_readable_dir() -> Iterator[Path]:
    """A directory 'nobody' can enter (pytest's tmp_path lives under a root-only directory)."""
    directory = Path(tempfile.mkdtemp(prefix="auditor-nobody-"))
    directory.chmod(0o755)
    yield directory
    shutil.rmtree(directory)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
@pytest.mark.skipif(not Path("/usr/bin/python3").exists(), reason="needs Debian's python3 for the unprivileged run")
def test_unprivileged_run_reads_what_it_can_and_says_what_it_cannot(world_readable_dir: Path, host_key: Path,
                                                                     sshd_binary: str) -> None:
    """As 'nobody': sshd -T cannot load the host key, so files are parsed; a private include is not-assessable."""
    readable = world_readable_dir / "sshd_config"
    readable.write_text(f"HostKey {host_key}\nPasswordAuthentication no\n")
    private = world_readable_dir / "private.conf"
    private.write_text("PermitRootLogin yes\n")
    private.chmod(0o600)
    closed = world_readable_dir / "closed_config"
    closed.write_text(f"Include {private}\nHostKey {host_key}\n")
    for path in (readable, closed):
        path.chmod(0o644)
    site_packages = sysconfig.get_paths()["purelib"]
    completed = subprocess.run(
        ["runuser", "-u", "nobody", "--", "/usr/bin/python3", "-I", "-S", "-c", UNPRIVILEGED_SCRIPT,
         site_packages, str(readable), str(closed)],
        capture_output=True, text=True, timeout=60, cwd="/",
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result[str(readable)]["source"] == SOURCE_PARSED
    assert result[str(readable)]["notes"][0].startswith("sshd -T failed (")
    assert result[str(closed)] == {
        "error": "NotAssessable",
        "reason": f"{private}: permission denied (run as root to read it)",
    }
