"""Logging, monitoring and time (RSP-1) from recorded Debian 12, Ubuntu 24.04 and Rocky 9 machines."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.checks.host import logging_parse as parse
from auditor.checks.host.collector_logging import LoggingCollector
from auditor.checks.host.facts import LoggingFacts
from auditor.checks.ssh.facts import SshdContext, SshdFacts
from auditor.errors import NotAssessable
from testkit.hostkit import MACHINES, collect, judge, recorded

OPENSSH_92 = SshdFacts(source="sshd -T", contexts=(SshdContext("global", "", {"port": ("22",)}),))
OPENSSH_98 = SshdFacts(source="sshd -T", contexts=(SshdContext("global", "", {
    "persourcepenalties": ("crash:90s", "authfail:5s", "noauth:1s", "grace-exceeded:10s", "max:600s")}),))


def findings(check_id: str, facts: LoggingFacts, sshd: SshdFacts = OPENSSH_92) -> list[str]:
    extra = (sshd,) if check_id == "host.ssh-bruteforce-protection" else ()
    return [f.resource for f in judge(check_id, facts, *extra)[0]]


def test_parsers() -> None:
    assert parse.rsyslog_forwarding("*.* @@logs.example.org:514\n#*.* @old\nmail.* @10.0.0.1") == [
        "tcp:logs.example.org:514", "udp:10.0.0.1"]
    assert parse.rsyslog_forwarding((MACHINES / "rocky9/files/etc/rsyslog.d/forward.conf").read_text()) == [
        "omfwd:siem.example.org"]
    assert parse.syslog_ng_forwarding('destination d_net { network("10.1.2.3" port(514)); };\n# tcp("old")') == [
        "network:10.1.2.3"]
    assert parse.logrotate_days((MACHINES / "debian12/files/etc/logrotate.conf").read_text()) == 28
    assert parse.chrony_tracking((MACHINES / "rocky9/outputs/chronyc-tracking.txt").read_text())[0] is True
    assert parse.chrony_tracking("Reference ID    : 00000000 ()\nLeap status     : Not synchronised\n")[0] is False


def test_debian12_rsyslog_forwarding_partial_audit_rules_fail2ban_timesyncd() -> None:
    facts = collect(LoggingCollector(), recorded("debian12"))
    assert facts.syslog_daemon == "rsyslog" and facts.forwarding == ("tcp:logs.example.org:514",)
    assert findings("host.persistent-logs", facts) == []
    assert findings("host.remote-logging", facts) == []
    assert findings("host.auditd", facts) == ["audit-watch:/etc/gshadow", "audit-watch:/etc/sudoers.d",
                                              "audit-watch:/etc/ssh/sshd_config", "audit-watch:/root/.ssh"]
    assert findings("host.ssh-bruteforce-protection", facts) == []  # the Debian jail.d enables [sshd]
    assert findings("host.time-sync", facts) == []


def test_ubuntu2404_short_journal_nothing_forwarded_no_auditd_unsynchronised() -> None:
    facts = collect(LoggingCollector(), recorded("ubuntu2404"))
    (retention,), _ = judge("host.persistent-logs", facts)
    assert retention.resource == "logs:retention" and retention.evidence["retention_days"] == "14"
    assert findings("host.remote-logging", facts) == ["logs:forwarding"]
    assert findings("host.auditd", facts) == ["auditd"]
    assert findings("host.ssh-bruteforce-protection", facts) == []  # sshguard
    assert findings("host.time-sync", facts) == ["time:sync"]


def test_rocky9_omfwd_full_audit_rules_and_chrony() -> None:
    facts = collect(LoggingCollector(), recorded("rocky9"))
    for check_id in ("host.remote-logging", "host.auditd", "host.time-sync"):
        assert findings(check_id, facts) == [], check_id
    # a volatile journal and RHEL's default logrotate (weekly, rotate 4): 28 days, under baseline's 30
    (retention,), _ = judge("host.persistent-logs", facts)
    assert retention.evidence["retention_days"] == "28"
    assert facts.audit_rules_source == "auditctl -l"
    assert findings("host.ssh-bruteforce-protection", facts) == ["ssh:bruteforce"]
    assert findings("host.ssh-bruteforce-protection", facts, OPENSSH_98) == []


def test_nothing_seen_is_not_assessable_and_unreadable_audit_rules_too() -> None:
    blind = LoggingFacts(running=(), processes_listed=False)
    for check_id in ("host.persistent-logs", "host.time-sync"):
        with pytest.raises(NotAssessable):
            judge(check_id, blind)
    with pytest.raises(NotAssessable, match="run as root"):
        judge("host.auditd", LoggingFacts(running=("auditd",), processes_listed=True, audit_rules=None,
                                          audit_error="audit rules not readable: /etc/audit/audit.rules (run as root)"))


def test_kernel_message_inputs_of_the_syslog_daemons() -> None:
    debian = (MACHINES / "debian12/files/etc/rsyslog.conf").read_text()
    assert parse.kernel_inputs(debian, "rsyslog") == ["imklog"]
    assert parse.kernel_inputs('#module(load="imklog")\n$ModLoad imuxsock\n', "rsyslog") == []
    assert parse.kernel_inputs("$ModLoad imklog\n", "rsyslog") == ["imklog"]
    assert parse.kernel_inputs("source s_src { system(); internal(); };\n", "syslog-ng") == ["system()"]
    assert parse.kernel_inputs('source s { file("/proc/kmsg" program_override("kernel")); };\n# system();',
                               "syslog-ng") == ["/proc/kmsg"]


def test_kernel_messages_are_read_by_journald_or_syslog() -> None:
    for machine in ("debian12", "ubuntu2404", "rocky9"):
        facts = collect(LoggingCollector(), recorded(machine))
        found, ctx = judge("host.kernel-logging", facts)
        assert found == [] and "systemd-journald (ReadKMsg)" in ctx.details["kernel_messages"], machine
    debian = collect(LoggingCollector(), recorded("debian12"))
    assert debian.kernel_log_inputs == ("imklog",)
    no_journal = dataclasses.replace(debian, journald={**debian.journald, "ReadKMsg": "no"})
    assert judge("host.kernel-logging", no_journal)[1].details["kernel_messages"] == "rsyslog (imklog)"
    nothing = dataclasses.replace(no_journal, kernel_log_inputs=())
    (finding,), _ = judge("host.kernel-logging", nothing)
    assert finding.resource == "kernel-messages" and finding.evidence["journald_ReadKMsg"] == "no"
    assert judge("host.kernel-logging", dataclasses.replace(nothing, running=(*nothing.running, "klogd")))[0] == []
    older = dataclasses.replace(nothing, kernel_log_inputs=None)
    with pytest.raises(NotAssessable, match="earlier version"):
        judge("host.kernel-logging", older)
    blind = dataclasses.replace(nothing, processes_listed=False, running=(), units={})
    with pytest.raises(NotAssessable, match="could not be listed"):
        judge("host.kernel-logging", blind)
