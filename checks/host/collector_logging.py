"""The ``host_logging`` collector: which loggers run and keep what, where logs are forwarded,
auditd's rules, brute-force guards, and whether the clock is synchronised."""

from __future__ import annotations

from auditor.check import CollectEnv, Collector
from auditor.checks.host import logging_parse as parse
from auditor.checks.host.common import SBIN, exists, read, require_host, run, unit_states
from auditor.checks.host.facts import LoggingFacts
from auditor.hosts.base import Host

# Process names (ps -o comm, at most 15 characters) of the daemons the checks ask about.
DAEMONS = frozenset({
    "systemd-journal", "rsyslogd", "syslog-ng", "systemd-journal-upload", "systemd-journa", "auditd",
    "fail2ban-server", "sshguard", "chronyd", "systemd-timesyn", "ntpd", "ntpsec", "openntpd", "klogd",
})
UNITS = ["systemd-journald.service", "rsyslog.service", "syslog-ng.service", "systemd-journal-upload.service",
         "auditd.service", "fail2ban.service", "sshguard.service", "chrony.service", "chronyd.service",
         "systemd-timesyncd.service", "ntp.service", "ntpd.service", "ntpsec.service"]


class LoggingCollector(Collector):
    """Collects the ``host_logging`` facts."""

    name = "host_logging"
    produces = LoggingFacts

    def collect(self, env: CollectEnv) -> LoggingFacts:
        """Loggers, forwarding, audit rules, brute-force guards and time synchronisation."""
        host = require_host(env.host)
        ps = run(host, ["ps", "-e", "-o", "comm="], env.timeout)
        running = tuple(sorted({name.strip() for name in (ps.stdout.splitlines() if ps and ps.ok else [])
                                if name.strip() in DAEMONS}))
        units = unit_states(host, UNITS, env.timeout) or {}
        journald = parse.ini_settings(_texts(host, ["/etc/systemd/journald.conf",
                                                    "/usr/lib/systemd/journald.conf.d/*.conf",
                                                    "/etc/systemd/journald.conf.d/*.conf"]), "Journal")
        syslog, files, forwarding, kernel_inputs = _syslog(host)
        upload = parse.ini_settings(_texts(host, ["/etc/systemd/journal-upload.conf",
                                                  "/etc/systemd/journal-upload.conf.d/*.conf"]), "Upload")
        if upload.get("URL"):
            forwarding.append(f"journal-upload:{upload['URL']}")
        rules, source, audit_error = _audit_rules(host, env.timeout)
        jails = None
        if host.which("fail2ban-server", SBIN) or exists(host, "/etc/fail2ban/jail.conf"):
            jails = parse.fail2ban_sshd_enabled(_texts(host, ["/etc/fail2ban/jail.conf", "/etc/fail2ban/jail.d/*.conf",
                                                              "/etc/fail2ban/jail.local",
                                                              "/etc/fail2ban/jail.d/*.local"]))
        daemon, synced, detail = _time(host, running, units, env.timeout)
        logrotate = read(host, "/etc/logrotate.conf")
        return LoggingFacts(
            running=running, processes_listed=bool(ps and ps.ok), units=units, journald=journald,
            journal_dir=exists(host, "/var/log/journal"),
            syslog_daemon=syslog, syslog_files=tuple(files), forwarding=tuple(forwarding),
            kernel_log_inputs=tuple(kernel_inputs),
            logrotate_days=parse.logrotate_days(logrotate) if logrotate else None,
            audit_rules=rules, audit_rules_source=source, audit_error=audit_error, fail2ban_sshd=jails,
            time_daemon=daemon, time_synchronized=synced, time_detail=detail)


def _texts(host: Host, patterns: list[str]) -> list[str]:
    texts = []
    for pattern in patterns:
        for path in (host.glob(pattern) if "*" in pattern else [pattern]):
            text = read(host, path)
            if text is not None:
                texts.append(text)
    return texts


def _syslog(host: Host) -> tuple[str, list[str], list[str], list[str]]:
    """The syslog daemon installed, the files it writes, where it forwards, its kernel inputs."""
    if host.which("rsyslogd", SBIN) or exists(host, "/etc/rsyslog.conf"):
        text = "\n".join(_texts(host, ["/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"]))
        return ("rsyslog", parse.rsyslog_files(text), parse.rsyslog_forwarding(text),
                parse.kernel_inputs(text, "rsyslog"))
    if host.which("syslog-ng", SBIN) or exists(host, "/etc/syslog-ng/syslog-ng.conf"):
        text = "\n".join(_texts(host, ["/etc/syslog-ng/syslog-ng.conf", "/etc/syslog-ng/conf.d/*.conf"]))
        return "syslog-ng", [], parse.syslog_ng_forwarding(text), parse.kernel_inputs(text, "syslog-ng")
    return "", [], [], []


def _audit_rules(host: Host, timeout: float) -> tuple[tuple[str, ...] | None, str, str]:
    auditctl = host.which("auditctl", SBIN)
    if auditctl:
        result = run(host, [auditctl, "-l"], timeout, privileged=True)
        if result is not None and result.ok:
            return tuple(parse.audit_rule_lines(result.stdout)), "auditctl -l", ""
    paths = ["/etc/audit/audit.rules", *host.glob("/etc/audit/rules.d/*.rules")]
    texts, denied = [], []
    for path in paths:
        try:
            texts.append(host.read_text(path))
        except FileNotFoundError:
            continue
        except OSError:
            denied.append(path)
    if denied and not texts:
        return None, "", f"audit rules not readable: {', '.join(denied)} (run as root)"
    if not auditctl and not texts:
        return (), "", "auditd is not installed"
    return tuple(parse.audit_rule_lines("\n".join(texts))), "rules files", ""


def _time(host: Host, running: tuple[str, ...], units: dict[str, str],
          timeout: float) -> tuple[str, bool | None, str]:
    active = {unit.split(".")[0] for unit, state in units.items() if state == "active"}
    if "chronyd" in running or active & {"chrony", "chronyd"}:
        chronyc = host.which("chronyc", ("/usr/bin", "/bin"))
        result = run(host, [chronyc, "-n", "tracking"], timeout) if chronyc else None
        if result is None or not result.ok:
            return "chrony", None, "chronyc tracking did not answer"
        synced, detail = parse.chrony_tracking(result.stdout)
        return "chrony", synced, detail
    daemon = ("systemd-timesyncd" if "systemd-timesyn" in running or "systemd-timesyncd" in active else
              "ntpsec" if "ntpsec" in running or "ntpsec" in active else
              "ntpd" if "ntpd" in running or active & {"ntp", "ntpd"} else
              "openntpd" if "openntpd" in running else "")
    timedatectl = host.which("timedatectl", ("/usr/bin", "/bin"))
    if timedatectl and units:
        result = run(host, [timedatectl, "show", "-p", "NTPSynchronized", "--value"], timeout)
        if result is not None and result.ok and result.stdout.strip() in ("yes", "no"):
            return daemon, result.stdout.strip() == "yes", f"timedatectl NTPSynchronized={result.stdout.strip()}"
    return daemon, None, "no synchronisation status available (no chronyc, no timedatectl answer)"
