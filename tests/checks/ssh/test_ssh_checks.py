"""SSH configuration checks judged from recorded facts (real `sshd -T` output, no daemon needed).

Fixtures in tests/fixtures/sshd-t/ were recorded with OpenSSH 9.2 (Debian 12):
debian12-default.txt is the stock Debian configuration; hardened.txt and
hardened-match-backup.txt come from hardened.sshd_config without and with
`-C user=backup,host=nas.example.org,addr=192.0.2.7`.
"""

import dataclasses

import pytest

import testkit
from auditor.check import CheckContext, CheckSkipped
from auditor.checks.ssh.facts import (
    BannerFile,
    BannerText,
    HostKeyFile,
    MissingFile,
    SshdContext,
    SshdFacts,
    StatFile,
    UnreadableBanner,
    UnstattableFile,
)
from auditor.checks.ssh.judges.base import AllowedValue
from auditor.checks.ssh.sshd_config.parser import parse_sshd_t_output
from auditor.config.profile import load_profile
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity, Target, TargetKind
from auditor.registry import default_registry

FIXTURES = testkit.FIXTURES / "sshd-t"
REGISTRY = default_registry()
LOCAL = Target(name="local", kind=TargetKind.LOCAL)
SSH_CONFIG_CHECKS = [check_id for check_id in REGISTRY.checks if check_id.startswith("ssh.")]
ED25519_KEY = StatFile(path="/etc/ssh/ssh_host_ed25519_key", mode="0600", uid=0, gid=0, owner="root", group="root",
                       is_file=True)
ISSUE_NET = StatFile(path="/etc/issue.net", mode="0644", uid=0, gid=0, owner="root", group="root", is_file=True)


def context(name: str, label: str = "global") -> SshdContext:
    settings = parse_sshd_t_output((FIXTURES / name).read_text())
    return SshdContext(label=label, match="", settings={key: tuple(values) for key, values in settings.items()})


def with_settings(base: SshdContext, **values: str) -> SshdContext:
    """``base`` with single-valued settings replaced."""
    return dataclasses.replace(base, settings={**base.settings, **{key: (value,) for key, value in values.items()}})


def banner_text(text: str) -> BannerText:
    return BannerText(**dataclasses.asdict(ISSUE_NET), text=text)


def facts(*contexts: SshdContext, host_keys: tuple[HostKeyFile, ...] = (ED25519_KEY,),
          banner: BannerFile | None = None) -> SshdFacts:
    return SshdFacts(source="sshd -T", contexts=contexts, host_keys=host_keys,
                     banner=banner or banner_text("Authorised use only. Report incidents to cert@example.org\n"))


def judge(check_id: str, sshd_facts: SshdFacts, profile: str = "baseline") -> tuple[list[Finding], CheckContext]:
    loaded = load_profile(profile, REGISTRY)
    check = REGISTRY.checks[check_id]()
    ctx = CheckContext(check=check, target=LOCAL, options=loaded.options[check_id],
                       severity=loaded.severity[check_id],
                       policies={kind: loaded.policies[kind] for kind in check.policies})
    return check.judge(testkit.fact_set(sshd_facts), ctx), ctx


def test_at_least_eighteen_ssh_configuration_checks_with_measures() -> None:
    assert len(SSH_CONFIG_CHECKS) >= 18
    assert all(REGISTRY.checks[check_id].measures for check_id in SSH_CONFIG_CHECKS)


@pytest.mark.parametrize("check_id", SSH_CONFIG_CHECKS)
def test_hardened_configuration_passes_every_check_under_strict(check_id: str) -> None:
    findings, ctx = judge(check_id, facts(context("hardened.txt")), "strict")
    assert findings == []
    assert ctx.details.get("source", "sshd -T") == "sshd -T"


@pytest.mark.parametrize(
    "check_id, resource, severity",
    [
        ("ssh.password-authentication", "sshd:PasswordAuthentication", Severity.HIGH),
        ("ssh.x11-forwarding", "sshd:X11Forwarding", Severity.LOW),
        ("ssh.max-auth-tries", "sshd:MaxAuthTries", Severity.MEDIUM),
        ("ssh.login-grace-time", "sshd:LoginGraceTime", Severity.LOW),
        ("ssh.client-alive", "sshd:ClientAliveInterval", Severity.LOW),
        ("ssh.banner", "sshd:Banner", Severity.LOW),
        ("ssh.allow-users-groups", "sshd:AllowUsers/AllowGroups", Severity.LOW),
        ("ssh.tcp-forwarding", "sshd:AllowTcpForwarding", Severity.LOW),
        ("ssh.agent-forwarding", "sshd:AllowAgentForwarding", Severity.LOW),
    ],
)
def test_debian_defaults_fail_where_they_should(check_id: str, resource: str, severity: Severity) -> None:
    findings, _ = judge(check_id, facts(context("debian12-default.txt")))
    assert [(f.resource, f.severity) for f in findings] == [(resource, severity)]
    assert findings[0].evidence["source"] == "sshd -T"
    assert findings[0].measures == REGISTRY.checks[check_id].measures


@pytest.mark.parametrize(
    "check_id",
    ["ssh.permit-root-login", "ssh.permit-empty-passwords", "ssh.hostbased-authentication", "ssh.ignore-rhosts",
     "ssh.permit-user-environment", "ssh.strict-modes", "ssh.log-level", "ssh.kbd-interactive-authentication",
     "ssh.permit-tunnel", "ssh.gateway-ports"],
)
def test_debian_defaults_pass_where_they_are_safe(check_id: str) -> None:
    findings, _ = judge(check_id, facts(context("debian12-default.txt")))
    assert findings == []


def test_permit_root_login_prohibit_password_is_baseline_ok_but_not_strict() -> None:
    sshd = facts(context("debian12-default.txt"))  # sshd -T prints "without-password"
    assert judge("ssh.permit-root-login", sshd)[0] == []
    findings, _ = judge("ssh.permit-root-login", sshd, "strict")
    assert findings[0].evidence == {"expected": "no", "observed": "without-password", "context": "global",
                                    "source": "sshd -T"}


def test_match_context_reported_only_where_it_differs() -> None:
    sshd = facts(context("hardened.txt"), context("hardened-match-backup.txt", "user=backup,addr=192.0.2.7"))
    findings, _ = judge("ssh.password-authentication", sshd)
    assert [f.resource for f in findings] == ["sshd[user=backup,addr=192.0.2.7]:PasswordAuthentication"]
    assert judge("ssh.max-auth-tries", sshd)[0] == []


def test_algorithm_findings_follow_the_policy() -> None:
    sshd = facts(context("debian12-default.txt"))
    strict = {f.resource: f for f in judge("ssh.kex-algorithms", sshd, "strict")[0]}
    assert strict["sshd:KexAlgorithms/ecdh-sha2-nistp256"].severity is Severity.MEDIUM
    assert strict["sshd:KexAlgorithms/ecdh-sha2-nistp256"].evidence["verdict"] == "fail"
    assert strict["sshd:KexAlgorithms/curve25519-sha256"].severity is Severity.LOW
    assert "sshd:KexAlgorithms/sntrup761x25519-sha512@openssh.com" not in strict
    permissive = {f.resource for f in judge("ssh.kex-algorithms", sshd, "baseline")[0]}
    assert "sshd:KexAlgorithms/ecdh-sha2-nistp256" not in permissive
    macs = {f.resource: f.evidence["verdict"] for f in judge("ssh.macs", sshd, "strict")[0]}
    assert macs["sshd:MACs/hmac-sha1"] == "fail" and macs["sshd:MACs/hmac-sha2-256"] == "warn"


def test_unknown_algorithms_are_never_silent() -> None:
    settings = with_settings(context("hardened.txt"), ciphers="aes256-gcm@openssh.com,made-up-cipher@example.org")
    findings, _ = judge("ssh.ciphers", facts(settings))
    assert [(f.resource, f.severity, f.evidence["verdict"]) for f in findings] == [
        ("sshd:Ciphers/made-up-cipher@example.org", Severity.INFO, "unknown")]


@pytest.mark.parametrize(
    "key, problem",
    [
        (dataclasses.replace(ED25519_KEY, mode="0644"), "accessible to every user"),
        (dataclasses.replace(ED25519_KEY, mode="0640", group="staff", gid=50), "accessible to group staff"),
        (dataclasses.replace(ED25519_KEY, uid=1000, owner="alice"), "owned by alice"),
        (MissingFile(path=ED25519_KEY.path), "does not exist"),
    ],
)
def test_host_key_permission_problems(key: HostKeyFile, problem: str) -> None:
    findings, _ = judge("ssh.host-key-permissions", facts(context("hardened.txt"), host_keys=(key,)))
    assert len(findings) == 1 and problem in findings[0].message
    assert findings[0].resource == "file:/etc/ssh/ssh_host_ed25519_key"


def test_host_keys_allowed_for_ssh_keys_group_and_unstattable_keys_are_not_assessable() -> None:
    ok = StatFile(path="/k", mode="0640", uid=0, gid=998, owner="root", group="ssh_keys", is_file=True)
    assert judge("ssh.host-key-permissions", facts(context("hardened.txt"), host_keys=(ok,)))[0] == []
    unknown = UnstattableFile(path="/k", error="Permission denied")
    with pytest.raises(NotAssessable):
        judge("ssh.host-key-permissions", facts(context("hardened.txt"), host_keys=(unknown,)))
    with pytest.raises(CheckSkipped):
        judge("ssh.host-key-permissions", facts(context("hardened.txt"), host_keys=()))


def test_banner_file_problems_and_contact_requirement() -> None:
    hardened = context("hardened.txt")
    missing = facts(hardened, banner=MissingFile(path="/etc/issue.net"))
    assert "does not exist" in judge("ssh.banner", missing)[0][0].message
    empty = facts(hardened, banner=banner_text("  \n"))
    assert "is empty" in judge("ssh.banner", empty)[0][0].message
    no_contact = facts(hardened, banner=banner_text("Authorised use only.\n"))
    assert judge("ssh.banner", no_contact)[0] == []
    assert "names no contact" in judge("ssh.banner", no_contact, "strict")[0][0].message
    # A banner file that could not be examined is no pass (issue #12: no verdict without evidence).
    unstattable = facts(hardened, banner=UnstattableFile(path="/etc/issue.net", error="permission denied"))
    with pytest.raises(NotAssessable, match="could not be examined: permission denied"):
        judge("ssh.banner", unstattable)
    unreadable = facts(hardened, banner=UnreadableBanner(**dataclasses.asdict(ISSUE_NET), error="permission denied"))
    assert judge("ssh.banner", unreadable)[0] == []  # it exists: enough without require_contact
    with pytest.raises(NotAssessable, match="could not be examined"):
        judge("ssh.banner", unreadable, "strict")


def test_defaulted_values_are_marked_in_evidence() -> None:
    default = dataclasses.replace(context("debian12-default.txt"), defaulted=("x11forwarding",))
    findings, _ = judge("ssh.x11-forwarding", facts(default))
    assert findings[0].evidence["observed"] == "yes (built-in default)"


@pytest.mark.parametrize("check_id, keyword", [("ssh.tcp-forwarding", "allowtcpforwarding"),
                                               ("ssh.agent-forwarding", "allowagentforwarding")])
def test_forwarding_judged_on_the_setting_or_disable_forwarding(check_id: str, keyword: str) -> None:
    default = context("debian12-default.txt")
    # DisableForwarding no, but the setting itself is off
    assert judge(check_id, facts(with_settings(default, **{keyword: "no"})))[0] == []
    settings = with_settings(default, **{keyword: "yes"})
    findings, _ = judge(check_id, facts(settings))
    check = REGISTRY.checks[check_id]
    assert issubclass(check, AllowedValue)
    assert findings[0].message.endswith("'yes': " + check.why)
    assert findings[0].evidence["observed"] == "yes (DisableForwarding no)"
    assert judge(check_id, facts(with_settings(settings, disableforwarding="yes")))[0] == []
