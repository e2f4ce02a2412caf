"""Differential tests: the parser against the real `sshd -T`, the proof that it is faithful.

Every fixture tree in tests/fixtures/sshd/ is run through `sshd -T -f <config> [-C ...]` and
through parse_sshd_config() with the same Match context, and the outputs must be equal:
first for the keywords the audit checks read, then for everything sshd prints. Configurations
sshd refuses must make the parser raise SshdConfigError.

A failure here means the parser is wrong: fix the parser, never the comparison.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

import testkit
from auditor.checks.ssh.sshd_config.parser import (
    LocalConfigSource,
    MatchContext,
    SshdConfigError,
    parse_sshd_config,
    parse_sshd_t_output,
)

pytestmark = pytest.mark.integration

FIXTURES = testkit.FIXTURES / "sshd"
PRIVSEP_DIR = Path("/run/sshd")

AUDIT_KEYWORDS = [
    "permitrootlogin", "passwordauthentication", "kbdinteractiveauthentication", "permitemptypasswords",
    "hostbasedauthentication", "ignorerhosts", "permituserenvironment", "x11forwarding", "allowtcpforwarding",
    "allowagentforwarding", "disableforwarding", "permittunnel", "gatewayports", "maxauthtries", "maxsessions",
    "maxstartups", "logingracetime", "clientaliveinterval", "clientalivecountmax", "loglevel", "banner", "allowusers",
    "allowgroups", "denyusers", "denygroups", "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms",
    "pubkeyacceptedalgorithms", "hostkey", "strictmodes", "pubkeyauthentication", "usepam", "printmotd", "permitopen",
    "authorizedkeysfile", "subsystem", "port", "listenaddress", "syslogfacility",
]


def _system_groups(user: str | None) -> tuple[str, ...]:
    """The groups sshd itself would find for `user` (getpwnam + getgrouplist), for Match Group."""
    if user is None:
        return ()
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return ()  # sshd: "user does not exist", so no Match Group matches either
    return tuple(grp.getgrgid(gid).gr_name for gid in os.getgrouplist(entry.pw_name, entry.pw_gid))


def ctx(**fields: object) -> MatchContext:
    """A MatchContext whose groups are the system's, exactly what sshd will look up."""
    return MatchContext(**fields, groups=_system_groups(fields.get("user")))  # type: ignore[arg-type]


# (fixture tree, Match contexts to compare); None is `sshd -T` without -C.
CASES: list[tuple[str, list[MatchContext | None]]] = [
    ("basic", [None, ctx(user="alice", host="ws1.example.org", addr="10.1.2.3")]),
    ("includes", [None, ctx(user="deploy"), ctx(user="backup"), ctx(user="alice", addr="192.0.2.10")]),
    ("match", [
        None,
        ctx(user="alice", host="ws1.lab.example.org", addr="10.1.2.3"),
        ctx(user="alice", addr="10.66.0.9"),
        ctx(user="bob", addr="192.168.1.20"),
        ctx(user="carol", addr="2001:db8::5"),
        ctx(user="root", addr="203.0.113.9"),
        ctx(user="nobody", laddr="127.0.0.1", lport=22),
        ctx(user="dave", host="X.Lab.Example.ORG", addr="198.51.100.7"),
    ]),
    ("match-localport", [
        ctx(user="alice", lport=2222),
        ctx(user="alice", laddr="192.0.2.1", lport=22),
        ctx(laddr="192.0.2.2", lport=22),
    ]),
    ("algorithms", [None, ctx(user="legacy"), ctx(user="alice")]),
]
PAIRS = [
    pytest.param(name, context, id=f"{name}-{context.label() if context else 'global'}")
    for name, contexts in CASES
    for context in contexts
]


def _find_sshd() -> str | None:
    found = shutil.which("sshd")
    if found:
        return found
    return next((p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd") if os.access(p, os.X_OK)), None)


@pytest.fixture(scope="session")
def sshd_binary() -> str:
    binary = _find_sshd()
    if binary is None:
        pytest.skip("sshd is not installed (Debian: apt-get install openssh-server)")
    if not PRIVSEP_DIR.is_dir():
        # `sshd -T` insists on its privilege separation directory, which only exists
        # once the service has run.
        try:
            PRIVSEP_DIR.mkdir(mode=0o755, parents=True)
        except PermissionError:
            pytest.skip(f"{PRIVSEP_DIR} is missing and cannot be created without root; sshd -T needs it")
    return binary


@pytest.fixture(scope="session")
def host_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`sshd -T` refuses to run without a loadable host key."""
    key = tmp_path_factory.mktemp("hostkey") / "ssh_host_ed25519_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, timeout=30)
    return key


def materialize(name: str, dest: Path, host_key: Path) -> Path:
    """Copy a fixture tree to `dest` and fill in its placeholders; returns the copied tree."""
    tree = dest / name
    shutil.copytree(FIXTURES / name, tree)
    for path in tree.rglob("*"):
        if path.is_file():
            text = path.read_text()
            path.write_text(text.replace("@FIXTURE_DIR@", str(tree)).replace("@HOST_KEY@", str(host_key)))
    return tree


def run_sshd_t(binary: str, config: Path, context: MatchContext | None) -> subprocess.CompletedProcess[str]:
    argv = [binary, "-T", "-f", str(config)]
    if context is not None:
        argv += ["-C", context.to_sshd_arg()]
    # cwd "/": a daemon started by init runs there, and sshd makes relative paths absolute
    # against its working directory; the parser assumes "/" too.
    return subprocess.run(argv, capture_output=True, text=True, cwd="/", timeout=30)


def both(binary: str, config: Path, context: MatchContext | None) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    result = run_sshd_t(binary, config, context)
    assert result.returncode == 0, f"sshd -T refused the fixture: {result.stderr}"
    return parse_sshd_t_output(result.stdout), parse_sshd_config(LocalConfigSource(), str(config), context).settings


@pytest.mark.parametrize(("fixture", "context"), PAIRS)
def test_audit_keywords_match_sshd(fixture: str, context: MatchContext | None, sshd_binary: str,
                                   host_key: Path, tmp_path: Path) -> None:
    tree = materialize(fixture, tmp_path, host_key)
    expected, parsed = both(sshd_binary, tree / "sshd_config", context)
    mismatches = {k: {"sshd": expected.get(k), "parser": parsed.get(k)}
                  for k in AUDIT_KEYWORDS if expected.get(k) != parsed.get(k)}
    assert mismatches == {}


@pytest.mark.parametrize(("fixture", "context"), PAIRS)
def test_every_printed_keyword_matches_sshd(fixture: str, context: MatchContext | None, sshd_binary: str,
                                            host_key: Path, tmp_path: Path) -> None:
    tree = materialize(fixture, tmp_path, host_key)
    expected, parsed = both(sshd_binary, tree / "sshd_config", context)
    mismatches = {k: {"sshd": expected.get(k), "parser": parsed.get(k)}
                  for k in expected.keys() | parsed.keys() if expected.get(k) != parsed.get(k)}
    assert mismatches == {}
    assert list(parsed) == list(expected), "keywords in a different order than sshd -T prints them"


def test_empty_config_gives_sshd_defaults(sshd_binary: str, host_key: Path, tmp_path: Path) -> None:
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\n")
    expected, parsed = both(sshd_binary, config, None)
    assert parsed == expected
    result = parse_sshd_config(LocalConfigSource(), str(config))
    assert result.defaulted == frozenset(expected) - {"hostkey"}


def test_sixteen_nested_includes_are_accepted(sshd_binary: str, host_key: Path, tmp_path: Path) -> None:
    config = _include_chain(tmp_path, host_key, levels=16)
    expected, parsed = both(sshd_binary, config, None)
    assert parsed["maxauthtries"] == expected["maxauthtries"] == ["2"]


# Configurations sshd refuses; the parser must refuse them too (SshdConfigError).
REFUSED = {
    "missing argument": "PasswordAuthentication\n",
    "comment instead of argument": "PasswordAuthentication # no\n",
    "invalid quotes": 'AllowUsers "alice\n',
    "extra argument": "PasswordAuthentication no yes\n",
    "invalid value": "PermitRootLogin maybe\n",
    "invalid time": "LoginGraceTime 2x\n",
    "case-sensitive PermitTunnel": "PermitTunnel YES\n",
    "global keyword in Match": "Match User alice\n  Port 2222\n",
    "unknown Match criterion": "Match Colour blue\n  X11Forwarding yes\n",
    "Match criterion without value": "Match User\n  X11Forwarding yes\n",
    "Match All combined": "Match All User alice\n  X11Forwarding yes\n",
    "host bits in Match Address": "Match Address 10.0.0.1/8\n  X11Forwarding yes\n",
    "wildcard in Ciphers": "Ciphers aes*\n",
    "duplicate Subsystem": "Subsystem sftp /a\nSubsystem sftp /b\n",
    "bad MaxStartups": "MaxStartups 10:30\n",
    "IPv4 ListenAddress with AddressFamily inet6": "ListenAddress 10.0.0.1\nAddressFamily inet6\n",
    "AuthenticationMethods any after a list": "AuthenticationMethods publickey\nAuthenticationMethods any\n",
    "unknown authentication method": "AuthenticationMethods PublicKey\n",
}


@pytest.mark.parametrize("body", list(REFUSED.values()), ids=list(REFUSED))
def test_refused_by_both(body: str, sshd_binary: str, host_key: Path, tmp_path: Path) -> None:
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\n{body}")
    assert run_sshd_t(sshd_binary, config, None).returncode != 0
    with pytest.raises(SshdConfigError, match=str(config)):
        parse_sshd_config(LocalConfigSource(), str(config))


def test_include_loop_and_depth_refused_by_both(sshd_binary: str, host_key: Path, tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "sshd_config").write_text(f"HostKey {host_key}\nInclude {loop}/self.conf\n")
    (loop / "self.conf").write_text(f"Include {loop}/self.conf\n")
    too_deep = _include_chain(tmp_path, host_key, levels=17)
    for config in (loop / "sshd_config", too_deep):
        assert run_sshd_t(sshd_binary, config, None).returncode != 0
        with pytest.raises(SshdConfigError):
            parse_sshd_config(LocalConfigSource(), str(config))


def _include_chain(tmp_path: Path, host_key: Path, levels: int) -> Path:
    """sshd_config -> i1.conf -> ... -> i<levels>.conf (which sets MaxAuthTries 2)."""
    chain = tmp_path / f"chain{levels}"
    chain.mkdir()
    (chain / "sshd_config").write_text(f"HostKey {host_key}\nInclude {chain}/i1.conf\n")
    for level in range(1, levels):
        (chain / f"i{level}.conf").write_text(f"Include {chain}/i{level + 1}.conf\n")
    (chain / f"i{levels}.conf").write_text("MaxAuthTries 2\n")
    return chain / "sshd_config"
