"""Firewall and kernel (PRV-5, PRV-7): a default-deny host firewall, kernel settings from a curated
policy, and no world-writable or unexpected set-id files in system paths."""

from __future__ import annotations

from typing import Any

from auditor.check import Check, CheckContext, FactSet, read_options
from auditor.checks.host.common import TAGS
from auditor.checks.host.facts import KernelFacts
from auditor.config.yamlfile import MapReader
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity

KERNEL_TAGS = (*TAGS, "hardening")
# Set-id programs the distributions ship (Debian/Ubuntu and the RHEL family); anything else is
# reviewed. Sites add their own in the profile (``allowed``).
SHIPPED_SETID = (
    "/usr/bin/chage", "/usr/bin/chfn", "/usr/bin/chsh", "/usr/bin/crontab", "/usr/bin/expiry", "/usr/bin/fusermount",
    "/usr/bin/fusermount3", "/usr/bin/gpasswd", "/usr/bin/mount", "/usr/bin/newgrp", "/usr/bin/passwd",
    "/usr/bin/pkexec", "/usr/bin/ssh-agent", "/usr/bin/su", "/usr/bin/sudo", "/usr/bin/umount", "/usr/bin/write",
    "/usr/bin/wall", "/usr/bin/at", "/usr/bin/locate", "/usr/bin/plocate", "/usr/bin/dotlockfile",
    "/usr/bin/bsd-write", "/usr/sbin/unix_chkpwd", "/usr/sbin/pam_timestamp_check", "/usr/sbin/grub2-set-bootflag",
    "/usr/sbin/userhelper", "/usr/sbin/mount.nfs", "/usr/sbin/pppd", "/usr/sbin/postdrop", "/usr/sbin/postqueue",
    "/usr/lib/openssh/ssh-keysign", "/usr/libexec/openssh/ssh-keysign", "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
    "/usr/libexec/dbus-1/dbus-daemon-launch-helper", "/usr/lib/polkit-1/polkit-agent-helper-1",
    "/usr/libexec/polkit-agent-helper-1", "/usr/lib/x86_64-linux-gnu/utempter/utempter",
    "/usr/libexec/utempter/utempter", "/usr/lib/eject/dmcrypt-get-device", "/usr/sbin/exim4",
    "/usr/lib/snapd/snap-confine", "/usr/libexec/sssd/krb5_child", "/usr/libexec/sssd/ldap_child",
    "/usr/libexec/sssd/proxy_child", "/usr/libexec/sssd/selinux_child", "/usr/lib/chromium/chrome-sandbox",
)


class Firewall(Check):
    """A host firewall is active and drops (or rejects) inbound traffic by default.

    Read from ``nft list ruleset`` (a base chain on the input hook with policy drop, or ending in
    an unconditional drop/reject), ``iptables-save`` (INPUT policy DROP, or a final ``-j DROP``),
    ``ufw status verbose`` and ``firewall-cmd`` (the default zone's target). These need root;
    tools that could not be asked make the check not-assessable when none answered.
    """

    id = "host.firewall"
    title = "A host firewall denies inbound traffic by default"
    severity = Severity.HIGH
    measures = ("PRV-7", "PRV-5")
    facts = (KernelFacts,)
    tags = KERNEL_TAGS
    remediation = ("Enable a host firewall that drops inbound traffic by default and allows only the services the "
                   "host's role needs (ufw default deny incoming; firewalld zone public/drop; nftables policy drop).")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        kernel = facts.get(KernelFacts)
        denying = [state for state in kernel.firewalls if state.active and state.inbound_default in ("drop", "reject")]
        if denying:
            ctx.details["firewall"] = "; ".join(f"{state.tool}: {state.detail}" for state in denying)
            return []
        if not kernel.firewalls and kernel.firewall_errors:
            raise NotAssessable("; ".join(kernel.firewall_errors))
        evidence = {"tools": "; ".join(f"{s.tool}: {'active' if s.active else 'inactive'}, inbound "
                                       f"{s.inbound_default} ({s.detail})" for s in kernel.firewalls)
                    or "no firewall tool found with rules"}
        if kernel.firewall_errors:
            evidence["not_asked"] = "; ".join(kernel.firewall_errors)
        return [ctx.finding("firewall:inbound", "no active host firewall denies inbound traffic by default",
                            evidence=evidence)]


class Sysctl(Check):
    """Kernel settings match the ``host-sysctl`` policy, each with its reason.

    The policy (``profiles/policies/host-sysctl-default.yaml``) lists keys, the acceptable values
    and why; ``skip`` names keys a host's role must set otherwise (a router forwards packets).
    Keys the running kernel does not have are listed in the result's details, not judged.
    """

    id = "host.sysctl"
    title = "Kernel settings follow the hardening policy"
    severity = Severity.MEDIUM
    measures = ("PRV-5",)
    facts = (KernelFacts,)
    tags = KERNEL_TAGS
    policies = ("host-sysctl",)
    options = {"skip": []}
    remediation = "Set the values in /etc/sysctl.d/60-hardening.conf and load them with 'sysctl --system'."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        kernel = facts.get(KernelFacts)
        if not kernel.sysctl:
            raise NotAssessable(kernel.sysctl_error or "no kernel settings were read")
        skip = set(ctx.options["skip"])
        findings, absent = [], []
        for item in ctx.policy("host-sysctl")["settings"]:
            key = item["key"]
            if key in skip:
                continue
            if key not in kernel.sysctl:
                absent.append(key)
                continue
            if kernel.sysctl[key] not in item["expected"]:
                findings.append(ctx.finding(f"sysctl:{key}", f"{key} is {kernel.sysctl[key]}: {item['reason']}",
                                            evidence={"expected": " or ".join(item["expected"]),
                                                      "observed": kernel.sysctl[key]}))
        if absent:
            ctx.details["not_present"] = ", ".join(absent)
        return findings


class WorldWritable(Check):
    """No file or directory in system paths is writable by everyone.

    World-writable directories with the sticky bit (``/tmp`` style) are allowed; anything else
    lets any local user (or a compromised service) change what the system runs or reads.
    """

    id = "host.world-writable"
    title = "No world-writable files in system paths"
    severity = Severity.MEDIUM
    measures = ("PRV-5",)
    facts = (KernelFacts,)
    tags = KERNEL_TAGS
    options = {"allowed": [], "list_first": 50}
    remediation = "Remove the write bit for others (chmod o-w PATH), or add the sticky bit to shared directories."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        kernel = facts.get(KernelFacts)
        if kernel.special_files is None:
            raise NotAssessable(kernel.special_files_error)
        writable = [item for item in kernel.special_files if int(item.mode, 8) & 0o002 and
                    not int(item.mode, 8) & 0o1000 and item.path not in ctx.options["allowed"]]
        ctx.details["scanned"] = ", ".join(kernel.scanned)
        if kernel.scan_partial:
            ctx.details["partial"] = kernel.scan_partial
        limit = int(ctx.options["list_first"])
        findings = [ctx.finding(f"file:{item.path}", f"{'directory' if item.kind == 'd' else 'file'} {item.path} "
                                f"is writable by everyone (mode {item.mode})", evidence={"mode": item.mode})
                    for item in writable[:limit]]
        if len(writable) > limit:
            ctx.details["more"] = f"{len(writable) - limit} more world-writable paths not listed"
        if not findings and kernel.scan_partial:
            raise NotAssessable(kernel.scan_partial)
        return findings


class SetIdFiles(Check):
    """Set-uid and set-gid programs in system paths are the distribution's own (or allowed).

    Every set-id program runs with its owner's (mostly root's) privileges for any user; one
    added by an intruder or an installer is a privilege escalation. The inventory is in the
    snapshot facts; programs not in the shipped list or ``allowed`` are findings.
    """

    id = "host.setid-files"
    title = "No unexpected set-uid/set-gid programs"
    severity = Severity.MEDIUM
    measures = ("PRV-5", "PRV-2")
    facts = (KernelFacts,)
    tags = KERNEL_TAGS
    options = {"allowed": []}
    remediation = "Remove the set-id bit (chmod u-s,g-s PATH) unless the program needs it; then add it to 'allowed'."

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``allowed``: absolute paths of set-id programs the site accepts."""
        values = read_options(reader, cls.options)
        for path in values["allowed"]:
            if not path.startswith("/"):
                reader.fail("allowed", f"'{path}' is not an absolute path")
        return values

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        kernel = facts.get(KernelFacts)
        if kernel.special_files is None:
            raise NotAssessable(kernel.special_files_error)
        allowed = set(SHIPPED_SETID) | set(ctx.options["allowed"])
        setid = [item for item in kernel.special_files if item.kind == "f" and int(item.mode, 8) & 0o6000]
        ctx.details["setid_programs"] = str(len(setid))
        return [ctx.finding(f"setid:{item.path}", f"{'set-uid' if int(item.mode, 8) & 0o4000 else 'set-gid'} "
                            f"program {item.path} is not one the distribution ships", evidence={
                                "mode": item.mode, "owner_uid": item.uid})
                for item in setid if item.path not in allowed]


# Names the role policies use for common services that are not in the risky-service catalogue.
_WELL_KNOWN = {22: "ssh", 25: "smtp", 53: "domain", 80: "http", 443: "https", 8080: "http-proxy", 8443: "https-alt"}


class ListeningSockets(Check):
    """Sockets listening on non-loopback addresses are ones the host's role allows.

    The host's own view (``ss -tlnp``) of what discovery sees from outside, judged with the same
    ``services`` policy: the target's ``role`` (from the inventory; ``default`` otherwise)
    allows service names and ports. A service is named by the catalogue's port numbers or the
    usual names (ssh, http, https). Where the firewall denies inbound traffic by default, a
    finding is low: the port may be filtered.
    """

    id = "host.listening-sockets"
    title = "Listening sockets match the host's role"
    severity = Severity.MEDIUM
    measures = ("PRV-7",)
    facts = (KernelFacts,)
    tags = KERNEL_TAGS
    policies = ("services",)
    remediation = ("Stop the service or bind it to 127.0.0.1; if the role needs it, declare the role in the inventory "
                   "or allow it in the services policy.")

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        from auditor.checks.host.kernel_parse import is_loopback
        from auditor.checks.services.policy import allowance, role_rules

        kernel = facts.get(KernelFacts)
        if kernel.listening is None:
            raise NotAssessable(kernel.listening_error)
        policy = ctx.policy("services")
        role, rules = role_rules(policy, ctx.target.role)
        denying = any(s.active and s.inbound_default in ("drop", "reject") for s in kernel.firewalls)
        by_port: dict[int, list[str]] = {}
        programs: dict[int, set[str]] = {}
        for socket in kernel.listening:
            if not is_loopback(socket.address):
                by_port.setdefault(socket.port, []).append(socket.address)
                if socket.process:
                    programs.setdefault(socket.port, set()).add(socket.process)
        ctx.details["role"] = role
        findings = []
        for port, addresses in sorted(by_port.items()):
            name = next((key for key, entry in policy["services"].items() if port in entry["ports"]),
                        _WELL_KNOWN.get(port, ""))
            if port in rules["ports"] or (name and name in rules["services"]):
                continue
            findings.append(ctx.finding(f"listen:tcp/{port}", f"tcp/{port}{f' ({name})' if name else ''} listens on "
                                        f"{', '.join(sorted(set(addresses)))}, not allowed for role '{role}'",
                                        evidence={"allowed": allowance(rules), "process": ", ".join(
                                            sorted(programs.get(port, set()))) or "(unknown)",
                                                  "firewall_denies_inbound": denying},
                                        severity=Severity.LOW if denying else None))
        return findings


def validate_sysctl(reader: MapReader) -> dict[str, Any]:
    """The ``host-sysctl`` policy: version, source and settings with key, expected values and reason."""
    reader.reject_unknown(frozenset({"version", "source", "settings"}))
    settings = []
    for item in reader.items("settings"):
        item.reject_unknown(frozenset({"key", "expected", "reason"}))
        expected = [str(value) for value in item.raw("expected")] if isinstance(item.raw("expected"), list) \
            else [str(item.raw("expected"))]
        settings.append({"key": item.string("key"), "expected": expected, "reason": item.string("reason")})
    if not settings:
        reader.fail("settings", "needs at least one setting")
    return {"version": str(reader.raw("version")), "source": reader.string("source"), "settings": settings}


CHECKS = (Firewall, Sysctl, WorldWritable, SetIdFiles, ListeningSockets)
