"""Unit tests of the sshd_config parser, from the fixture trees in tests/fixtures/sshd/.

No sshd needed: the expected values are written out here. Each one was checked against the
real `sshd -T` of OpenSSH 9.2 (Debian 12), which test_sshd_config_vs_sshd.py re-checks.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
from pathlib import Path

import pytest

import testkit
from auditor.checks.ssh.sshd_config.parser import (
    EffectiveConfig,
    LocalConfigSource,
    MatchContext,
    SshdConfigError,
    parse_sshd_config,
    parse_sshd_t_output,
)

FIXTURES = testkit.FIXTURES / "sshd"
HOST_KEY = "/etc/ssh/test_host_ed25519_key"  # never opened by the parser

DEFAULT_CIPHERS = ("chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
                   "aes128-gcm@openssh.com,aes256-gcm@openssh.com")
DEFAULT_PUBKEY = (
    "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
    "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
    "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,"
    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
    "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
)


def materialize(name: str, dest: Path) -> Path:
    """Copy a fixture tree to `dest` and fill in its placeholders; returns the copied tree."""
    tree = dest / name
    shutil.copytree(FIXTURES / name, tree)
    for path in tree.rglob("*"):
        if path.is_file():
            text = path.read_text()
            path.write_text(text.replace("@FIXTURE_DIR@", str(tree)).replace("@HOST_KEY@", HOST_KEY))
    return tree


def parse(tree: Path, context: MatchContext | None = None, config: str = "sshd_config",
          **kwargs: str) -> EffectiveConfig:
    return parse_sshd_config(LocalConfigSource(), str(tree / config), context, **kwargs)


def parse_text(tmp_path: Path, text: str, context: MatchContext | None = None) -> EffectiveConfig:
    config = tmp_path / "sshd_config"
    config.write_text(text)
    return parse_sshd_config(LocalConfigSource(), str(config), context)


def one(result: EffectiveConfig, keyword: str) -> str:
    [value] = result.settings[keyword]
    return value


class MemorySource:
    """A ConfigSource over a dict, standing in for a remote host's files."""

    def __init__(self, files: dict[str, str], unreadable: frozenset[str] = frozenset()) -> None:
        self.files, self.unreadable = files, unreadable

    def read_text(self, path: str) -> str:
        if path in self.unreadable:
            raise PermissionError(13, "Permission denied", path)
        if path not in self.files:
            raise FileNotFoundError(2, "No such file or directory", path)
        return self.files[path]

    def glob(self, pattern: str) -> list[str]:
        return sorted(p for p in self.files if fnmatch.fnmatchcase(p, pattern))


# ------------------------------------------------------------------ basic syntax


@pytest.fixture
def basic(tmp_path: Path) -> EffectiveConfig:
    return parse(materialize("basic", tmp_path))


def test_first_value_wins_with_any_keyword_case_and_equals_syntax(basic: EffectiveConfig) -> None:
    assert one(basic, "passwordauthentication") == "no"  # "PasswordAuthentication = no" came first
    assert one(basic, "maxsessions") == "4"  # "MaxSessions= 4"
    assert basic.settings["port"] == ["2222", "2200"]  # "PORT 2222", "Port=2200": ports accumulate


def test_prohibit_password_is_printed_as_without_password(basic: EffectiveConfig) -> None:
    assert one(basic, "permitrootlogin") == "without-password"


def test_deprecated_alias_sets_the_current_keyword(basic: EffectiveConfig) -> None:
    # ChallengeResponseAuthentication no came before KbdInteractiveAuthentication yes.
    assert one(basic, "kbdinteractiveauthentication") == "no"
    assert "challengeresponseauthentication" not in basic.settings


def test_values_are_normalised_like_sshd_t(basic: EffectiveConfig) -> None:
    assert one(basic, "logingracetime") == "120"  # 2m
    assert one(basic, "clientaliveinterval") == "5400"  # 1h30m
    assert one(basic, "x11forwarding") == "yes"  # YES
    assert one(basic, "loglevel") == "VERBOSE"
    assert one(basic, "syslogfacility") == "AUTHPRIV"
    assert one(basic, "maxstartups") == "10:30:60"
    assert one(basic, "allowtcpforwarding") == "local"
    assert one(basic, "permittunnel") == "point-to-point"
    assert one(basic, "gatewayports") == "clientspecified"
    assert one(basic, "banner") == "/etc/issue.net"  # quotes removed
    assert one(basic, "pubkeyauthentication") == "yes"


def test_accumulating_keywords_print_one_line_per_value(basic: EffectiveConfig) -> None:
    assert basic.settings["allowusers"] == ["alice", "bob", "carol"]  # trailing comment ignored
    assert basic.settings["denyusers"] == ["mallory"]
    assert basic.settings["acceptenv"] == ["LANG", "LC_*", "TZ"]
    assert basic.settings["hostkey"] == [HOST_KEY]


def test_list_keywords_keep_their_first_line_on_one_line(basic: EffectiveConfig) -> None:
    assert basic.settings["authorizedkeysfile"] == [".ssh/authorized_keys /etc/ssh/keys/%u"]
    assert basic.settings["permitopen"] == ["localhost:8080 db.internal:5432"]
    assert basic.settings["subsystem"] == ["sftp /usr/lib/openssh/sftp-server -f AUTHPRIV -l INFO"]


def test_listen_addresses_combine_with_every_port_in_order(basic: EffectiveConfig) -> None:
    assert basic.settings["listenaddress"] == ["0.0.0.0:2222", "0.0.0.0:2200", "[::1]:2022"]


def test_defaults_fill_unset_keywords_and_are_reported(basic: EffectiveConfig) -> None:
    assert one(basic, "ciphers") == DEFAULT_CIPHERS
    assert one(basic, "permitemptypasswords") == "no"  # set in the file, to the default value
    assert {"ciphers", "macs", "kexalgorithms", "permituserrc"} <= basic.defaulted
    assert not {"permitemptypasswords", "maxstartups", "port", "listenaddress"} & basic.defaulted
    assert "allowusers" not in basic.defaulted  # set in the file (and never a default anyway)


def test_unset_keyword_that_sshd_does_not_print_is_absent(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "PasswordAuthentication no\n")
    for keyword in ("allowusers", "denygroups", "acceptenv", "subsystem", "hostcertificate"):
        assert keyword not in result.settings
    # With no HostKey line sshd uses its three default keys, and prints them.
    assert result.settings["hostkey"] == [
        "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key"]
    assert "hostkey" in result.defaulted
    assert result.settings["listenaddress"] == ["[::]:22", "0.0.0.0:22"]


def test_audit_relevant_defaults(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "# nothing set\n")
    expected = {
        "permitrootlogin": "without-password", "passwordauthentication": "yes",
        "kbdinteractiveauthentication": "yes", "permitemptypasswords": "no",
        "hostbasedauthentication": "no", "ignorerhosts": "yes", "permituserenvironment": "no",
        "x11forwarding": "no", "allowtcpforwarding": "yes", "allowagentforwarding": "yes",
        "disableforwarding": "no", "permittunnel": "no", "gatewayports": "no", "maxauthtries": "6",
        "maxsessions": "10", "maxstartups": "10:30:100", "logingracetime": "120",
        "clientaliveinterval": "0", "clientalivecountmax": "3", "loglevel": "INFO", "banner": "none",
        "strictmodes": "yes", "pubkeyauthentication": "yes", "usepam": "no", "printmotd": "yes",
        "permitopen": "any", "authorizedkeysfile": ".ssh/authorized_keys .ssh/authorized_keys2",
        "port": "22", "syslogfacility": "AUTH", "pubkeyacceptedalgorithms": DEFAULT_PUBKEY,
    }
    assert {k: one(result, k) for k in expected} == expected
    assert set(expected) <= result.defaulted


def test_time_values_and_last_value_wins_for_maxstartups(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "LoginGraceTime 90s\nClientAliveInterval 1w2d3h4m5s\n"
                                  "MaxStartups 20:50:60\nMaxStartups 7\n")
    assert one(result, "logingracetime") == "90"
    assert one(result, "clientaliveinterval") == str(9 * 86400 + 3 * 3600 + 4 * 60 + 5)
    assert one(result, "maxstartups") == "7:50:7"  # sshd's sscanf: the last line wins, the rate stays


def test_relative_paths_are_made_absolute_like_a_daemon_in_root(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "Banner etc/issue.net\n")
    assert one(result, "banner") == "//etc/issue.net"


# ------------------------------------------------------------------ includes


@pytest.fixture
def includes(tmp_path: Path) -> Path:
    return materialize("includes", tmp_path)


def test_included_files_are_read_in_sorted_glob_order_and_listed(includes: Path) -> None:
    result = parse(includes)
    assert result.files == tuple(str(includes / f) for f in (
        "sshd_config", "sshd_config.d/10-auth.conf", "sshd_config.d/20-forwarding.conf",
        "sshd_config.d/nested/30-nested.conf", "match-include.conf", "in-match.conf"))
    assert str(includes / "sshd_config.d/README") not in result.files


def test_values_from_includes_win_when_included_first(includes: Path) -> None:
    result = parse(includes)
    assert one(result, "passwordauthentication") == "no"  # 10-auth.conf before the main file's "yes"
    assert one(result, "x11forwarding") == "no"  # 20-forwarding.conf
    assert one(result, "clientaliveinterval") == "300"  # nested include
    assert one(result, "permitrootlogin") == "no"  # not README's "yes"


def test_include_matching_nothing_is_only_a_note(includes: Path) -> None:
    result = parse(includes)
    assert any("missing.d/*.conf matches no file" in note for note in result.notes)


def test_match_in_included_file_ends_with_that_file(includes: Path) -> None:
    for context in (None, MatchContext(user="backup"), MatchContext(user="alice")):
        assert one(parse(includes, context), "maxauthtries") == "5"
    backup = parse(includes, MatchContext(user="backup"))
    assert one(backup, "permitrootlogin") == "forced-commands-only"
    assert one(backup, "maxsessions") == "1"


def test_include_inside_match_applies_only_when_the_block_does(includes: Path) -> None:
    deploy = parse(includes, MatchContext(user="deploy"))
    assert one(deploy, "permittty") == "no"
    assert one(deploy, "forcecommand") == "/usr/local/bin/deploy-shell"
    assert one(deploy, "banner") == "/etc/ssh/deploy-banner"  # "Match User *" inside the include
    assert one(deploy, "allowtcpforwarding") == "no"  # back in the including block after the include
    other = parse(includes, MatchContext(user="alice"))
    # "Match User *" would match alice, but not inside a block that does not apply (NEVERMATCH).
    assert (one(other, "permittty"), one(other, "forcecommand"), one(other, "banner")) == ("yes", "none", "none")


def test_relative_include_is_resolved_against_sshdir(includes: Path) -> None:
    result = parse(includes, config="relative.conf", sshdir=str(includes))
    assert one(result, "passwordauthentication") == "no"
    assert str(includes / "sshd_config.d/10-auth.conf") in result.files
    with_default_sshdir = parse_sshd_config(MemorySource({"/cfg/main": "Include conf.d/*.conf\n",
                                                          "/etc/ssh/conf.d/a.conf": "MaxAuthTries 2\n"}), "/cfg/main")
    assert one(with_default_sshdir, "maxauthtries") == "2"


def test_the_same_file_may_be_included_twice(tmp_path: Path) -> None:
    (tmp_path / "env.conf").write_text("AcceptEnv A\n")
    result = parse_text(tmp_path, f"Include {tmp_path}/env.conf\nInclude {tmp_path}/env.conf\n")
    assert result.settings["acceptenv"] == ["A", "A"]


def test_include_loop_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text(f"Include {tmp_path}/b.conf\n")
    (tmp_path / "b.conf").write_text(f"Include {tmp_path}/a.conf\n")
    with pytest.raises(SshdConfigError, match=r"b\.conf line 1: Include loop"):
        parse_text(tmp_path, f"Include {tmp_path}/a.conf\n")


@pytest.mark.parametrize(("levels", "accepted"), [(16, True), (17, False)])
def test_include_depth_limit_is_sixteen(tmp_path: Path, levels: int, accepted: bool) -> None:
    for level in range(1, levels):
        (tmp_path / f"i{level}.conf").write_text(f"Include {tmp_path}/i{level + 1}.conf\n")
    (tmp_path / f"i{levels}.conf").write_text("MaxAuthTries 2\n")
    if accepted:
        assert one(parse_text(tmp_path, f"Include {tmp_path}/i1.conf\n"), "maxauthtries") == "2"
    else:
        with pytest.raises(SshdConfigError, match="Too many recursive configuration includes"):
            parse_text(tmp_path, f"Include {tmp_path}/i1.conf\n")


def test_unreadable_included_file_propagates_permission_error() -> None:
    source = MemorySource({"/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\n",
                           "/etc/ssh/sshd_config.d/secret.conf": "PasswordAuthentication no\n"},
                          unreadable=frozenset({"/etc/ssh/sshd_config.d/secret.conf"}))
    with pytest.raises(PermissionError) as caught:
        parse_sshd_config(source, "/etc/ssh/sshd_config")
    assert "included from /etc/ssh/sshd_config line 1" in caught.value.__notes__


def test_missing_main_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        parse_sshd_config(LocalConfigSource(), str(tmp_path / "nope"))


def test_local_source_refuses_to_glob_an_unreadable_directory(tmp_path: Path) -> None:
    hidden = tmp_path / "hidden.d"
    hidden.mkdir()
    (hidden / "a.conf").write_text("PasswordAuthentication no\n")
    if os.geteuid() == 0:
        pytest.skip("running as root: every directory is readable")
    hidden.chmod(0o000)
    try:
        with pytest.raises(PermissionError):
            LocalConfigSource().glob(str(hidden / "*.conf"))
    finally:
        hidden.chmod(0o755)


# ------------------------------------------------------------------ Match


@pytest.fixture
def match_tree(tmp_path: Path) -> Path:
    return materialize("match", tmp_path)


def test_without_context_no_match_block_applies_except_match_all(match_tree: Path) -> None:
    result = parse(match_tree)
    assert one(result, "passwordauthentication") == "yes"
    assert one(result, "x11forwarding") == "no"
    assert result.settings["denyusers"] == ["mallory"]  # "Match All" matches even without -C


def test_all_criteria_on_a_match_line_must_match_and_first_block_wins(match_tree: Path) -> None:
    alice = parse(match_tree, MatchContext(user="alice", addr="10.1.2.3"))
    assert one(alice, "x11forwarding") == "yes"  # first active block; the second block's "no" loses
    assert one(alice, "maxauthtries") == "3"
    assert one(alice, "passwordauthentication") == "no"  # from the second block
    assert one(alice, "clientaliveinterval") == "300"
    assert alice.settings["allowusers"] == ["alice", "bob"]  # a Match list replaces the global list


def test_negated_address_excludes(match_tree: Path) -> None:
    excluded = parse(match_tree, MatchContext(user="alice", addr="10.66.0.9"))
    assert one(excluded, "x11forwarding") == "no"
    assert one(excluded, "maxauthtries") == "6"


def test_address_wildcards_and_ipv6_cidr(match_tree: Path) -> None:
    for addr in ("192.168.1.20", "2001:db8::5"):
        result = parse(match_tree, MatchContext(user="bob", addr=addr))
        assert one(result, "banner") == "/etc/ssh/lan-banner"
        assert one(result, "pubkeyacceptedalgorithms") == (
            "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
            "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256")
    assert one(parse(match_tree, MatchContext(user="bob", addr="192.169.1.20")), "banner") == "none"


def test_host_patterns_ignore_case(match_tree: Path) -> None:
    result = parse(match_tree, MatchContext(user="dave", host="X.Lab.Example.ORG"))
    assert one(result, "allowtcpforwarding") == "local"
    assert one(result, "permitrootlogin") == "without-password"


def test_group_uses_the_groups_in_the_context(match_tree: Path) -> None:
    root = parse(match_tree, MatchContext(user="root", groups=("root",)))
    assert one(root, "permitrootlogin") == "forced-commands-only"
    assert one(root, "maxsessions") == "2"
    assert one(root, "allowagentforwarding") == "yes"  # "*,!root": the negation vetoes
    staff = parse(match_tree, MatchContext(user="eve", groups=("staff", "users")))
    assert one(staff, "allowagentforwarding") == "no"


def test_group_without_groups_is_not_matched_and_noted(match_tree: Path) -> None:
    result = parse(match_tree, MatchContext(user="root"))
    assert one(result, "permitrootlogin") == "no"
    assert any("Match Group root not evaluated: context has no groups" in note for note in result.notes)


def test_a_list_of_only_negations_never_matches(match_tree: Path) -> None:
    result = parse(match_tree, MatchContext(user="bob", addr="203.0.113.1"))
    assert one(result, "permitemptypasswords") == "no"  # "Match User !root" does not match bob


def test_local_address(match_tree: Path) -> None:
    assert one(parse(match_tree, MatchContext(laddr="127.0.0.1")), "permittty") == "no"
    assert one(parse(match_tree, MatchContext(laddr="192.0.2.1")), "permittty") == "yes"


def test_local_port(tmp_path: Path) -> None:
    tree = materialize("match-localport", tmp_path)
    assert one(parse(tree, MatchContext(lport=2222)), "passwordauthentication") == "no"
    assert one(parse(tree, MatchContext(lport=22)), "passwordauthentication") == "yes"
    assert one(parse(tree, MatchContext(laddr="192.0.2.1", lport=22)), "maxauthtries") == "2"
    unknown = parse(tree, MatchContext(user="alice"))
    assert one(unknown, "passwordauthentication") == "yes"
    assert any("Match LocalPort 2222 not evaluated: context has no lport" in note for note in unknown.notes)


def test_rdomain(tmp_path: Path) -> None:
    text = "Match RDomain r*,!rescue\n  PasswordAuthentication no\n"
    assert one(parse_text(tmp_path, text, MatchContext(rdomain="red")), "passwordauthentication") == "no"
    assert one(parse_text(tmp_path, text, MatchContext(rdomain="rescue")), "passwordauthentication") == "yes"


def test_match_all_returns_to_global_keywords(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "Match User alice\n  X11Forwarding yes\nMatch All\nPort 2022\n")
    assert result.settings["port"] == ["2022"]


@pytest.mark.parametrize(("text", "message"), [
    ("Match Colour blue\n", "unsupported Match attribute colour"),
    ("Match User\n", "missing Match criteria for User"),
    ("Match All User alice\n", "'all' cannot be combined"),
    ("Match Address 10.0.0.1/8\n", "Invalid Match address argument"),
    ("Match LocalPort nine\n", "invalid LocalPort"),
    ("Match User alice\n  Port 2222\n", "Directive 'Port' is not allowed within a Match block"),
])
def test_bad_match_is_an_error_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SshdConfigError, match=rf"sshd_config line \d+: .*{message}"):
        parse_text(tmp_path, text)


# ------------------------------------------------------------------ algorithms


def test_algorithm_modifiers_resolve_against_the_defaults(tmp_path: Path) -> None:
    result = parse(materialize("algorithms", tmp_path))
    assert one(result, "ciphers") == "aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"
    assert one(result, "macs").endswith(",hmac-sha2-256,hmac-sha2-512,hmac-sha1,hmac-sha1-96")
    assert one(result, "kexalgorithms").startswith(
        "curve25519-sha256,diffie-hellman-group14-sha256,sntrup761x25519-sha512,")
    assert one(result, "kexalgorithms").count("curve25519-sha256,") == 1  # "^" does not duplicate
    assert one(result, "hostkeyalgorithms").endswith(",rsa-sha2-256,ssh-rsa,ssh-rsa-cert-v01@openssh.com")
    # An explicit list: wildcards expanded in the order of all supported algorithms, duplicates dropped.
    assert one(result, "pubkeyacceptedalgorithms") == (
        "ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,rsa-sha2-256,rsa-sha2-256-cert-v01@openssh.com,"
        "rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com")
    assert one(result, "casignaturealgorithms") == (
        "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
        "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512")
    assert one(result, "hostbasedacceptedalgorithms") == DEFAULT_PUBKEY  # moved to the front: already there
    assert "ciphers" not in result.defaulted


def test_algorithm_modifier_in_match_is_relative_to_the_defaults(tmp_path: Path) -> None:
    result = parse(materialize("algorithms", tmp_path), MatchContext(user="legacy"))
    assert one(result, "pubkeyacceptedalgorithms") == DEFAULT_PUBKEY + ",ssh-rsa"


def test_unknown_algorithm_is_kept_and_noted(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "KexAlgorithms +mlkem768x25519-sha256\n")
    assert one(result, "kexalgorithms").endswith(",diffie-hellman-group14-sha256,mlkem768x25519-sha256")
    assert any("'mlkem768x25519-sha256' is not an algorithm known to OpenSSH 9.2" in n for n in result.notes)


# ------------------------------------------------------------------ odd input


@pytest.mark.parametrize(("text", "message"), [
    ("PasswordAuthentication\n", 'line 1: no argument after keyword "PasswordAuthentication"'),
    ("\n\nPasswordAuthentication # no\n", "line 3: PasswordAuthentication missing argument"),
    ('AllowUsers "alice\n', "line 1: invalid quotes"),
    ("PasswordAuthentication no yes\n", "line 1: keyword PasswordAuthentication extra arguments"),
    ("PermitRootLogin maybe\n", 'line 1: unsupported option "maybe"'),
    ("LoginGraceTime 2x\n", "line 1: invalid time value"),
    ("PermitTunnel YES\n", "line 1: bad PermitTunnel argument YES"),
    ("Port 0\n", "line 1: Badly formatted port number"),
    ("Include\n", 'line 1: no argument after keyword "Include"'),
])
def test_invalid_lines_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SshdConfigError, match=f"{tmp_path}/sshd_config {message}"):
        parse_text(tmp_path, text)


def test_authentication_methods_first_line_wins_and_any_must_come_first(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "AuthenticationMethods publickey,password publickey,keyboard-interactive:pam\n"
                                  "AuthenticationMethods password\n")
    assert result.settings["authenticationmethods"] == ["publickey,password publickey,keyboard-interactive:pam"]
    assert one(parse_text(tmp_path, "AuthenticationMethods any\nAuthenticationMethods publickey\n"),
               "authenticationmethods") == "any"
    with pytest.raises(SshdConfigError, match='line 2: "any" must appear alone'):
        parse_text(tmp_path, "AuthenticationMethods publickey\nAuthenticationMethods any\n")


def test_settings_sshd_would_refuse_at_startup_are_noted(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "AuthenticationMethods publickey,password\nPasswordAuthentication no\n"
                                  "AuthorizedKeysCommand /usr/bin/sss_ssh_authorizedkeys\n")
    assert ("authenticationmethods lists password but passwordauthentication is no: sshd refuses to start"
            in result.notes)
    assert "authorizedkeyscommand set without authorizedkeyscommanduser: sshd refuses to start" in result.notes


def test_unknown_keyword_is_kept_and_noted(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "FrobnicateKeys yes please\nFrobnicateKeys no\nPasswordAuthentication no\n")
    assert result.settings["frobnicatekeys"] == ["yes please"]
    assert one(result, "passwordauthentication") == "no"
    assert any("line 1: unknown keyword 'FrobnicateKeys'" in note for note in result.notes)


def test_deprecated_keyword_is_ignored_with_a_note(tmp_path: Path) -> None:
    result = parse_text(tmp_path, "UsePrivilegeSeparation sandbox\nProtocol 2\n")
    assert "useprivilegeseparation" not in result.settings
    assert any("Deprecated option UsePrivilegeSeparation" in note for note in result.notes)


def test_undecodable_bytes_and_crlf_do_not_stop_the_parser(tmp_path: Path) -> None:
    config = tmp_path / "sshd_config"
    config.write_bytes(b"# caf\xe9\r\nPasswordAuthentication no\r\n\x0c\n")
    result = parse_sshd_config(LocalConfigSource(), str(config))
    assert one(result, "passwordauthentication") == "no"


def test_command_keywords_keep_the_rest_of_the_line(tmp_path: Path) -> None:
    result = parse_text(tmp_path, 'ForceCommand /usr/bin/logger -t "ssh login" # audit\n')
    assert one(result, "forcecommand") == '/usr/bin/logger -t "ssh login" # audit'


# ------------------------------------------------------------------ helpers and types


def test_parse_sshd_t_output_gives_the_same_shape() -> None:
    text = "port 22\nport 2222\nallowusers alice\nallowusers bob\nciphers \nbanner none\n\n"
    assert parse_sshd_t_output(text) == {
        "port": ["22", "2222"], "allowusers": ["alice", "bob"], "ciphers": [""], "banner": ["none"]}


def test_match_context_arguments_and_labels() -> None:
    context = MatchContext(user="alice", addr="10.0.0.1", lport=22, groups=("wheel",))
    assert context.to_sshd_arg() == "user=alice,addr=10.0.0.1,lport=22"
    assert context.label() == "user=alice,addr=10.0.0.1,lport=22,groups=wheel"
    assert MatchContext().label() == "global"
    assert MatchContext().to_sshd_arg() == ""


def test_memory_source_works_like_the_filesystem() -> None:
    source = MemorySource({
        "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\n",
        "/etc/ssh/sshd_config.d/50-cloud-init.conf": "PasswordAuthentication no\n",
    })
    result = parse_sshd_config(source, "/etc/ssh/sshd_config")
    assert one(result, "passwordauthentication") == "no"
    assert result.files == ("/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/50-cloud-init.conf")
