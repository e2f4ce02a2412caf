"""The SSH host backend against a real sshd on a loopback port, and against hostile servers.

A module-wide sshd (started with its own host key, client key and configuration in a tmp
directory, stopped by pid) is the remote host; small socket servers play the broken and
hostile ones. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import errno
import glob
import os
import subprocess
import time
from pathlib import Path

import pytest

from auditor.errors import CollectError
from auditor.hosts.known_hosts import HostKeyError, KnownHosts
from auditor.hosts.local import LocalHost
from auditor.hosts.ssh import (
    MAX_FILE_BYTES,
    LoginError,
    SSHSettings,
    connect_host,
    expand_glob,
)
from auditor.hosts.ssh_client_config import SSHConfigFile
from auditor.models import Target, TargetKind

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sshd(start_sshd):
    server = start_sshd()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sshd_without_sftp(start_sshd):
    server = start_sshd(sftp=False)
    yield server
    server.stop()


@pytest.fixture
def host(sshd):
    connected = connect_host(sshd.target(), sshd.settings())
    yield connected
    connected.close()


@pytest.fixture(params=["sftp", "exec"])
def file_host(request, sshd):
    """A host reading files over SFTP, and one whose server has no SFTP subsystem (exec channels)."""
    server = sshd if request.param == "sftp" else request.getfixturevalue("sshd_without_sftp")
    connected = connect_host(server.target(), server.settings())
    yield connected
    connected.close()


# -- commands -----------------------------------------------------------------------------------

HOSTILE_ARGUMENT = "a b  'single' \"double\"; echo INJECTED $(id -u) `id -u` | cat > /tmp/x && * \\ $HOME\nline2"


def test_an_argument_reaches_the_remote_side_as_one_literal_argument(host):
    result = host.run(["printf", "[%s]\\n", HOSTILE_ARGUMENT, "second"], timeout=10)
    assert result.ok, result.stderr
    assert result.stdout == f"[{HOSTILE_ARGUMENT}]\n[second]\n"
    assert result.argv == ("printf", "[%s]\\n", HOSTILE_ARGUMENT, "second")


def test_exit_status_stderr_missing_programs_and_timeouts(host):
    for _ in range(20):  # the exit status may arrive before the last output: none may be lost
        failed = host.run(["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=10)
        assert (failed.returncode, failed.stdout, failed.stderr) == (3, "out\n", "err\n")
    with pytest.raises(CollectError, match="no-such-program: command not found"):
        host.run(["no-such-program"], timeout=10)
    started = time.monotonic()
    with pytest.raises(CollectError, match=r"no answer within 0\.5 s"):
        host.run(["sleep", "30"], timeout=0.5)
    assert time.monotonic() - started < 10  # bounded, not a performance figure
    assert host.run(["true"], timeout=10).ok  # the connection survives a timed-out command


def test_streamed_output_status_stderr_timeout_and_early_exit(host):
    script = "head -c 300000 /dev/zero; echo err >&2; exit 4"
    with host.stream(["sh", "-c", script], timeout=10) as output:
        data = b"".join(output)
    assert (len(data), set(data), output.returncode, output.stderr, output.timed_out) == (300000, {0}, 4, "err\n", False)
    with host.stream(["sleep", "30"], timeout=0.5) as output:
        assert list(output) == []
    assert output.timed_out is True
    with host.stream(["yes"], timeout=10) as output:
        for _ in output:
            break  # the block ends early: the remote command is hung up on
    # Long enough for the remote command to start on a busy machine, short enough to be a timeout.
    with host.stream(["yes"], timeout=3) as output:
        assert sum(len(chunk) for chunk in output) > 0
    assert output.timed_out is True  # a command that never stops talking still ends at its timeout
    with pytest.raises(CollectError, match="no-such-program: command not found"), \
            host.stream(["no-such-program"], timeout=10) as output:
        list(output)
    assert host.run(["printf", "%s", "still usable"], timeout=10).stdout == "still usable"


def test_which_and_privilege_as_root(host):
    assert host.which("sh") in ("/bin/sh", "/usr/bin/sh")
    assert host.which("sshd", ["/usr/sbin", "/sbin"]) in ("/usr/sbin/sshd", "/sbin/sshd")
    assert host.which("no-such-program", ["/usr/sbin"]) is None
    assert host.which("/usr/sbin/sshd") == "/usr/sbin/sshd"
    assert host.which("/etc/passwd") is None  # exists but is not executable
    assert host.is_privileged() is True


# -- files over SFTP ---------------------------------------------------------------------------

def make_tree(root: Path) -> None:
    for relative in ("a.conf", "b.conf", ".hidden.conf", "c.txt", "sub one/x.conf", "sub one/deep/y.conf",
                     "sub2/z.conf", "sub2/deep/y.conf", "[literal]/k.conf", "file-not-dir"):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(relative)


PATTERNS = ("*.conf", ".*", "?.conf", "[ab].conf", "[!a].conf", "sub*/*.conf", "sub*/deep/y.conf", "*/deep/*",
            "missing/*.conf", "sub*/missing", "file-not-dir/*", "a.conf", "nothing-here", "*", "sub one/*",
            "*/*/*.conf", "[[]literal]/*")


def test_glob_segment_logic_agrees_with_glob3_on_this_filesystem(tmp_path):
    make_tree(tmp_path)
    for pattern in PATTERNS:
        full = f"{tmp_path}/{pattern}"
        assert expand_glob(full, os.listdir, os.path.exists) == sorted(glob.glob(full)), pattern


def test_files_over_sftp_or_exec_agree_with_the_local_view(file_host, tmp_path):
    host = file_host
    make_tree(tmp_path)
    (tmp_path / "linked").symlink_to(tmp_path / "sub one")  # a folder reached through a link is listed too
    local = LocalHost()
    assert host.glob(f"{tmp_path}/linked/*") == local.glob(f"{tmp_path}/linked/*") != []
    for pattern in PATTERNS:
        full = f"{tmp_path}/{pattern}"
        assert host.glob(full) == local.glob(full), pattern
    (tmp_path / "a.conf").chmod(0o640)
    assert host.stat(str(tmp_path / "a.conf")) == local.stat(str(tmp_path / "a.conf"))
    assert host.stat(str(tmp_path / "sub2")).is_file is False
    assert host.read_text(str(tmp_path / "sub one" / "x.conf")) == "sub one/x.conf"
    with pytest.raises(FileNotFoundError) as missing:
        host.read_text(str(tmp_path / "missing"))
    assert missing.value.filename == str(tmp_path / "missing")
    with pytest.raises(FileNotFoundError):
        host.stat(str(tmp_path / "missing"))


def test_read_text_is_bounded(file_host, tmp_path):
    host = file_host
    big = tmp_path / "big"
    big.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(OSError) as error:
        host.read_text(str(big))
    assert (error.value.errno, error.value.filename) == (errno.EFBIG, str(big))
    big.write_bytes(b"y" * MAX_FILE_BYTES)
    assert len(host.read_text(str(big))) == MAX_FILE_BYTES


# -- host keys ---------------------------------------------------------------------------------

def test_unknown_host_key_names_host_port_type_and_fingerprint(sshd, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    before = sshd.accepted_logins()
    with pytest.raises(HostKeyError) as error:
        connect_host(sshd.target(), sshd.settings([str(empty)]))
    message = str(error.value)
    assert f"127.0.0.1 port {sshd.port} is not known" in message
    assert f"ssh-ed25519 {sshd.fingerprint(sshd.directory / 'host_key.pub')}" in message
    assert sshd.accepted_logins() == before  # no credential was sent


def test_changed_host_key_is_refused_even_with_trust_on_first_use(sshd, tmp_path):
    other = sshd.keygen(tmp_path / "other_key")
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{sshd.port} {Path(f'{other}.pub').read_text()}")
    for tofu in (None, str(known)):
        with pytest.raises(HostKeyError) as error:
            connect_host(sshd.target(), sshd.settings([str(known)], tofu=tofu))
        message = str(error.value)
        assert f"127.0.0.1 port {sshd.port} has CHANGED" in message
        assert sshd.fingerprint(sshd.directory / "host_key.pub") in message
        assert f"{known}:1: {sshd.fingerprint(Path(f'{other}.pub'))}" in message
    assert known.read_text().count("\n") == 1  # never rewritten


def test_trust_on_first_use_writes_only_the_named_file(sshd, tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("")
    tofu = tmp_path / "seen" / "known_hosts"
    tofu.parent.mkdir()
    connect_host(sshd.target(), sshd.settings([str(empty)], tofu=str(tofu))).close()
    line = tofu.read_text()
    assert line == f"[127.0.0.1]:{sshd.port} {(sshd.directory / 'host_key.pub').read_text().strip()}\n"
    assert oct(tofu.stat().st_mode & 0o777) == "0o600" and empty.read_text() == ""
    # The file is an ordinary known_hosts file from now on.
    connect_host(sshd.target(), sshd.settings([str(tofu)])).close()


def test_hashed_wildcard_and_revoked_known_hosts_entries(sshd, tmp_path):
    public = (sshd.directory / "host_key.pub").read_text().split()
    hashed = tmp_path / "hashed"
    hashed.write_text(f"[127.0.0.1]:{sshd.port} {public[0]} {public[1]}\n")
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(hashed)], check=True, capture_output=True)
    assert hashed.read_text().startswith("|1|")
    connect_host(sshd.target(), sshd.settings([str(hashed)])).close()
    wildcard = tmp_path / "wildcard"
    wildcard.write_text(f"[127.0.0.?]:*,!other {public[0]} {public[1]}\n")
    connect_host(sshd.target(), sshd.settings([str(wildcard)])).close()
    revoked = tmp_path / "revoked"
    revoked.write_text(f"@revoked * {public[0]} {public[1]}\n[127.0.0.1]:{sshd.port} {public[0]} {public[1]}\n")
    with pytest.raises(HostKeyError, match="REVOKED"):
        connect_host(sshd.target(), sshd.settings([str(revoked)]))


# -- logins ------------------------------------------------------------------------------------

def test_authentication_failure_names_user_and_keys_never_secrets(sshd, tmp_path):
    stranger = sshd.keygen(tmp_path / "stranger")
    empty_config = tmp_path / "ssh_config"
    empty_config.write_text("")
    settings = SSHSettings(known_hosts=KnownHosts([str(sshd.known_hosts)]),
                           ssh_config=SSHConfigFile(str(empty_config)), use_agent=False)
    with pytest.raises(LoginError) as error:
        connect_host(sshd.target(key=str(stranger)), settings)
    message = str(error.value)
    assert f"authentication as 'root' on 127.0.0.1 port {sshd.port} failed" in message
    assert f"key file {stranger}" in message and "the server accepts publickey" in message
    assert stranger.read_text().splitlines()[1] not in message


def test_inventory_key_and_one_connection_for_every_operation(sshd):
    before = sshd.accepted_logins()
    empty = SSHSettings(known_hosts=KnownHosts([str(sshd.known_hosts)]), use_agent=False,
                        ssh_config=SSHConfigFile(os.devnull))
    connected = connect_host(sshd.target(key=str(sshd.client_key)), empty)
    try:
        for _ in range(3):
            connected.run(["true"], timeout=10)
            connected.read_text(str(sshd.config))
            connected.glob(f"{sshd.directory}/*.pub")
    finally:
        connected.close()
    assert sshd.accepted_logins() == before + 1


def test_proxy_jump_verifies_the_jump_hosts_key_too(sshd, tmp_path):
    public = (sshd.directory / "host_key.pub").read_text()
    config = tmp_path / "ssh_config"
    config.write_text(
        f"Host behind\n    HostName localhost\n    Port {sshd.port}\n    User root\n"
        f"    ProxyJump root@127.0.0.1:{sshd.port}\n    IdentityFile {sshd.client_key}\n"
        f"Host 127.0.0.1\n    IdentityFile {sshd.client_key}\n"
    )
    target = Target(name="ssh://behind", kind=TargetKind.SSH, address="behind", port=sshd.port, user="root")
    both = tmp_path / "both"
    both.write_text(f"[127.0.0.1]:{sshd.port} {public}[localhost]:{sshd.port} {public}")
    before = sshd.accepted_logins()
    settings = SSHSettings(known_hosts=KnownHosts([str(both)]), ssh_config=SSHConfigFile(str(config)), use_agent=False)
    connected = connect_host(target, settings)
    try:
        assert connected.run(["printf", "%s", "via jump"], timeout=10).stdout == "via jump"
    finally:
        connected.close()
    assert sshd.accepted_logins() == before + 2  # the jump host, then the target through it
    only_target = tmp_path / "only-target"
    only_target.write_text(f"[localhost]:{sshd.port} {public}")
    settings = SSHSettings(known_hosts=KnownHosts([str(only_target)]), ssh_config=SSHConfigFile(str(config)),
                           use_agent=False)
    with pytest.raises(HostKeyError, match=f"host key of 127.0.0.1 port {sshd.port} is not known"):
        connect_host(target, settings)


def test_proxy_command_is_refused_not_run(sshd, tmp_path):
    marker = tmp_path / "ran"
    config = tmp_path / "ssh_config"
    config.write_text(f"Host 127.0.0.1\n    ProxyCommand touch {marker}\n")
    settings = SSHSettings(known_hosts=KnownHosts([str(sshd.known_hosts)]), ssh_config=SSHConfigFile(str(config)))
    with pytest.raises(LoginError, match="ProxyCommand is not supported"):
        connect_host(sshd.target(), settings)
    assert not marker.exists()


# -- broken and hostile servers ------------------------------------------------------------------

def connect_to(port: int, sshd, timeout: float = 1.0) -> str:
    target = Target(name=f"ssh://root@127.0.0.1:{port}", kind=TargetKind.SSH, address="127.0.0.1", port=port, user="root")
    with pytest.raises(LoginError) as error:
        connect_host(target, sshd.settings(timeout=timeout))
    return str(error.value)


@pytest.mark.parametrize("behaviour, reason", [
    ("silent", "no SSH handshake within 1 s"),
    ("drip", "no SSH handshake within 1 s"),
    ("flood", "server sent more than 262144 bytes before login completed"),
    ("http", "SSH handshake failed"),
])
def test_hostile_servers_fail_with_a_reason_within_the_timeout(hostile, sshd, behaviour, reason):
    server = hostile(behaviour)
    started = time.monotonic()
    message = connect_to(server.port, sshd)
    assert reason in message and f"127.0.0.1 port {server.port}" in message
    assert time.monotonic() - started < 10  # bounded by the connect timeout, not a performance figure


def test_refused_port(sshd, unused_port):
    port = unused_port
    assert connect_to(port, sshd) == f"cannot connect to 127.0.0.1 port {port}: connection refused"
