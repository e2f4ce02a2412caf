"""Logging, monitoring and time (RSP-1): logs that persist and leave the host, an audit trail of
identity, privilege and key changes, brute-force protection, and a synchronised clock."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from auditor.check import Check, CheckContext, FactSet, read_options
from auditor.checks.host.common import TAGS
from auditor.checks.host.facts import LoggingFacts
from auditor.checks.host.logging_parse import audit_watched
from auditor.checks.ssh.facts import SshdFacts
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity

if TYPE_CHECKING:
    from auditor.config.yamlfile import MapReader

LOG_TAGS = (*TAGS, "logging")
_JOURNALD = "systemd-journal"


def _runs(facts: LoggingFacts, process: str, *units: str) -> bool:
    return process in facts.running or any(facts.units.get(unit) == "active" for unit in units)


def _seconds(value: str) -> float | None:
    """systemd time spans such as ``1month``, ``2w``, ``30d``, ``3600`` (seconds) in seconds."""

    units = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400,
             "w": 604800, "week": 604800, "month": 2629800, "months": 2629800, "y": 31557600, "year": 31557600}
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value.lower()):
        factor = units.get(unit or "s", units.get(unit.rstrip("s")))
        if factor is None:
            return None
        total += float(number) * factor
    return total or None


class PersistentLogs(Check):
    """System logs persist across reboots and are kept for at least ``min_days``.

    Either the journal is persistent (``Storage=persistent``, or ``auto`` with
    ``/var/log/journal`` present) with no ``MaxRetentionSec`` shorter than ``min_days``, or a
    syslog daemon (rsyslog, syslog-ng) runs and writes files whose logrotate retention is at
    least ``min_days``.
    """

    id = "host.persistent-logs"
    title = "Logs persist and are retained"
    severity = Severity.MEDIUM
    measures = ("RSP-1",)
    facts = (LoggingFacts,)
    tags = LOG_TAGS
    options = {"min_days": 30}
    remediation = ("Set Storage=persistent in /etc/systemd/journald.conf (or create /var/log/journal), or run rsyslog; "
                   "keep logs for the retention your incident response needs.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        logs = facts.get(LoggingFacts)
        minimum = float(ctx.options["min_days"])
        storage = logs.journald.get("Storage", "auto").lower()
        journal = _runs(logs, _JOURNALD, "systemd-journald.service") and (
            storage == "persistent" or (storage == "auto" and logs.journal_dir is True))
        syslog = bool(logs.syslog_daemon) and _runs(logs, "rsyslogd" if logs.syslog_daemon == "rsyslog" else
                                                    "syslog-ng", f"{logs.syslog_daemon}.service")
        evidence = {"journald_storage": storage, "journal_dir": logs.journal_dir,
                    "syslog": logs.syslog_daemon or "(none)", "running": logs.running or "(none)"}
        if not journal and not syslog:
            if not logs.processes_listed and not logs.units:
                raise NotAssessable("no process list and no systemd answer: the loggers cannot be seen")
            return [ctx.finding("logs:persistence", "no persistent log store: the journal is volatile or absent and "
                                "no syslog daemon runs", evidence=evidence)]
        kept = []
        if journal:
            retention = _seconds(logs.journald.get("MaxRetentionSec", "0"))
            kept.append(retention / 86400 if retention else None)
        if syslog:
            kept.append(float(logs.logrotate_days) if logs.logrotate_days is not None else None)
        if any(days is None for days in kept):
            ctx.details["retention"] = "bounded by size, not by age"
            return []
        longest = max(days for days in kept if days is not None)
        if longest < minimum:
            return [ctx.finding("logs:retention", f"logs are kept for {longest:.0f} days, less than {minimum:g}",
                                evidence={**evidence, "retention_days": f"{longest:.0f}"})]
        return []


class RemoteLogging(Check):
    """Logs are forwarded to a remote collector.

    Logs kept only on a compromised host are not evidence: an intruder with root edits them.
    Forwarding is rsyslog (``@``/``@@``, ``omfwd``, ``omrelp``), syslog-ng (``network()`` and
    similar destinations) or ``systemd-journal-upload`` with a ``URL``, and its daemon runs.
    """

    id = "host.remote-logging"
    title = "Logs are forwarded to a remote collector"
    severity = Severity.MEDIUM
    measures = ("RSP-1",)
    facts = (LoggingFacts,)
    tags = LOG_TAGS
    remediation = ("Forward logs to the institution's log collector or SIEM (rsyslog: '*.* @@collector:6514' with TLS, "
                   "or systemd-journal-upload).")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        logs = facts.get(LoggingFacts)
        if not logs.forwarding:
            return [ctx.finding("logs:forwarding", "logs are not forwarded to a remote collector",
                                evidence={"syslog": logs.syslog_daemon or "(none)"})]
        senders = {"rsyslog": ("rsyslogd", "rsyslog.service"), "syslog-ng": ("syslog-ng", "syslog-ng.service")}
        active = any(_runs(logs, process, unit) for process, unit in senders.values()) or \
            _runs(logs, "systemd-journa", "systemd-journal-upload.service")
        ctx.details["destinations"] = ", ".join(logs.forwarding)
        if not active:
            return [ctx.finding("logs:forwarding", "forwarding is configured but no log forwarder runs",
                                evidence={"destinations": logs.forwarding})]
        return []


class AuditdRules(Check):
    """auditd runs and its rules watch identity files, sudo configuration and SSH keys.

    Changes to accounts (``/etc/passwd``, ``/etc/shadow``, ``/etc/group``, ``/etc/gshadow``),
    to privilege (``/etc/sudoers``, ``/etc/sudoers.d``) and to SSH access (``/etc/ssh/sshd_config``,
    ``/root/.ssh``) are what an intruder makes to stay; the ``watch`` option lists the paths.
    A watch on a directory covers the files in it.
    """

    id = "host.auditd"
    title = "auditd records identity, sudo and SSH key changes"
    severity = Severity.MEDIUM
    measures = ("RSP-1",)
    facts = (LoggingFacts,)
    tags = LOG_TAGS
    options = {"watch": ["/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers",
                         "/etc/sudoers.d", "/etc/ssh/sshd_config", "/root/.ssh"]}
    remediation = ("Install and enable auditd; add rules such as '-w /etc/passwd -p wa -k identity', "
                   "'-w /etc/sudoers.d -p wa -k scope', '-w /root/.ssh -p wa -k sshkeys' (CIS 4.1).")

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``watch``: absolute paths."""
        values = read_options(reader, cls.options)
        for path in values["watch"]:
            if not path.startswith("/"):
                reader.fail("watch", f"'{path}' is not an absolute path")
        return values

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        logs = facts.get(LoggingFacts)
        if logs.audit_rules is None:
            raise NotAssessable(logs.audit_error)
        if not _runs(logs, "auditd", "auditd.service"):
            if not logs.processes_listed and not logs.units:
                raise NotAssessable("no process list and no systemd answer: auditd's state cannot be seen")
            return [ctx.finding("auditd", "auditd is not running: no audit trail of identity, privilege or key "
                                "changes", evidence={"installed": logs.audit_error != "auditd is not installed"})]
        watched = audit_watched(logs.audit_rules)
        missing = [path for path in ctx.options["watch"]
                   if not any(path == w or path.startswith(w.rstrip("/") + "/") for w in watched)]
        ctx.details["rules_source"] = logs.audit_rules_source
        return [ctx.finding(f"audit-watch:{path}", f"no audit rule watches {path}",
                            evidence={"watched": sorted(watched) or "(none)"}) for path in missing]


class SshBruteForce(Check):
    """SSH logins are protected against brute force.

    Any of: fail2ban running with an enabled ``[sshd]`` jail, sshguard running, or OpenSSH's own
    ``PerSourcePenalties`` (9.8 and later) not set to ``no``. The sshd settings come from the ssh
    area's ``sshd`` facts; a host without an SSH daemon skips the check.
    """

    id = "host.ssh-bruteforce-protection"
    title = "SSH brute-force protection is active"
    severity = Severity.MEDIUM
    measures = ("RSP-1", "PRV-3")
    tags = LOG_TAGS
    remediation = ("Install fail2ban with the sshd jail (or sshguard), or upgrade to OpenSSH 9.8+ and keep "
                   "PerSourcePenalties enabled.")

    facts = (LoggingFacts, SshdFacts)

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        logs = facts.get(LoggingFacts)
        sshd = facts.get(SshdFacts)
        penalties = sshd.global_context.value("persourcepenalties", "")
        guards = []
        if _runs(logs, "fail2ban-server", "fail2ban.service") and logs.fail2ban_sshd:
            guards.append("fail2ban [sshd] jail")
        if _runs(logs, "sshguard", "sshguard.service"):
            guards.append("sshguard")
        if penalties and penalties.lower() != "no":
            guards.append(f"PerSourcePenalties {penalties}")
        if guards:
            ctx.details["protection"] = ", ".join(guards)
            return []
        if not logs.processes_listed and not logs.units:
            raise NotAssessable("no process list and no systemd answer: fail2ban/sshguard cannot be seen")
        return [ctx.finding("ssh:bruteforce", "no SSH brute-force protection: no fail2ban sshd jail, no sshguard, "
                            "no PerSourcePenalties", evidence={
                                "fail2ban": "not installed" if logs.fail2ban_sshd is None else
                                ("sshd jail enabled, not running" if logs.fail2ban_sshd else "no sshd jail"),
                                "persourcepenalties": penalties or "(not supported by this sshd)"})]


class TimeSync(Check):
    """The clock is synchronised by chrony, systemd-timesyncd or ntpd.

    Logs without trustworthy time cannot be correlated in an investigation. Judged from
    ``chronyc tracking`` (a reference and leap status Normal) or ``timedatectl``'s
    ``NTPSynchronized``.
    """

    id = "host.time-sync"
    title = "The clock is synchronised"
    severity = Severity.MEDIUM
    measures = ("RSP-1",)
    facts = (LoggingFacts,)
    tags = LOG_TAGS
    remediation = "Install and enable chrony (or systemd-timesyncd) pointing at the institution's NTP servers."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        logs = facts.get(LoggingFacts)
        if not logs.time_daemon:
            if not logs.processes_listed and not logs.units:
                raise NotAssessable("no process list and no systemd answer: the time daemon cannot be seen")
            return [ctx.finding("time:daemon", "no time synchronisation daemon runs (chrony, timesyncd, ntpd)")]
        if logs.time_synchronized is None:
            raise NotAssessable(f"{logs.time_daemon} runs, but {logs.time_detail}")
        if not logs.time_synchronized:
            return [ctx.finding("time:sync", f"{logs.time_daemon} runs but the clock is not synchronised",
                                evidence={"detail": logs.time_detail})]
        return []


class KernelLogging(Check):
    """Kernel messages reach a log: journald reads them (``ReadKMsg``, on by default), rsyslog loads
    ``imklog``, syslog-ng has a ``system()`` or ``/proc/kmsg`` source, or klogd runs.

    Firewall drops, module loads, OOM kills and segfaults are kernel messages; without a reader
    they stay in the ring buffer and are overwritten (Lynis LOGG-2138 asks for klogd; a systemd
    host does not need it). Judged from the running processes; without them, not-assessable.
    """

    id = "host.kernel-logging"
    title = "Kernel messages are logged"
    severity = Severity.MEDIUM
    measures = ("RSP-1",)
    facts = (LoggingFacts,)
    tags = LOG_TAGS
    remediation = ("Keep systemd-journald's ReadKMsg=yes, or load imklog in rsyslog (module(load=\"imklog\")), "
                   "or add system() to syslog-ng's sources.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        logging = facts.get(LoggingFacts)
        if not logging.processes_listed and not logging.units:
            raise NotAssessable("the running processes could not be listed")
        readers = _kernel_readers(logging)
        if readers:
            ctx.details["kernel_messages"] = ", ".join(readers)
            return []
        if logging.kernel_log_inputs is None and logging.syslog_daemon:
            raise NotAssessable("the syslog daemon's kernel inputs were not collected (facts of an earlier version)")
        return [ctx.finding("kernel-messages", "no running logger reads kernel messages", evidence={
            "running": logging.running or "(none of interest)",
            "journald_ReadKMsg": logging.journald.get("ReadKMsg", "yes (default)"),
            "syslog": logging.syslog_daemon or "(none installed)"})]


def _kernel_readers(logging: LoggingFacts) -> list[str]:
    """The running loggers that take kernel messages."""
    readers = []
    read_kmsg = logging.journald.get("ReadKMsg", "yes").lower() not in ("no", "false", "0", "off")
    if read_kmsg and _runs(logging, _JOURNALD, "systemd-journald.service"):
        readers.append("systemd-journald (ReadKMsg)")
    inputs = logging.kernel_log_inputs or ()
    if inputs and _runs(logging, "rsyslogd", "rsyslog.service") and logging.syslog_daemon == "rsyslog":
        readers.append(f"rsyslog ({', '.join(inputs)})")
    if inputs and _runs(logging, "syslog-ng", "syslog-ng.service") and logging.syslog_daemon == "syslog-ng":
        readers.append(f"syslog-ng ({', '.join(inputs)})")
    if "klogd" in logging.running:
        readers.append("klogd")
    return readers


CHECKS = (PersistentLogs, RemoteLogging, AuditdRules, SshBruteForce, TimeSync, KernelLogging)
