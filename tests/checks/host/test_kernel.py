"""Firewall and kernel (PRV-5, PRV-7) from recorded Debian 12, Ubuntu 24.04 and Rocky 9 machines."""

from __future__ import annotations

import pytest

from auditor.checks.host import kernel_parse as parse
from auditor.checks.host.collector_kernel import KernelCollector
from auditor.checks.host.facts import FirewallState, KernelFacts
from auditor.config.policies import load_policy
from auditor.errors import NotAssessable
from testkit.hostkit import MACHINES, collect, judge, recorded

POLICIES = {"host-sysctl": load_policy("host-sysctl", "default")}


def kernel(machine: str, privileged: bool = True) -> KernelFacts:
    facts: KernelFacts = collect(KernelCollector(), recorded(machine, privileged=privileged), policies=POLICIES)
    return facts


def resources(check_id: str, facts: KernelFacts) -> list[str]:
    return [f.resource for f in judge(check_id, facts)[0]]


def test_firewall_parsers() -> None:
    nft = parse.nft_inbound((MACHINES / "debian12/outputs/nft-list-ruleset.txt").read_text())
    assert nft == FirewallState("nftables", True, "drop", "1 input base chain(s)")
    open_chain = "table inet f {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n" \
                 "\t\ttcp dport 22 accept\n\t}\n}\n"
    assert parse.nft_inbound(open_chain).inbound_default == "accept"  # type: ignore[union-attr]
    ending = open_chain.replace("tcp dport 22 accept", "tcp dport 22 accept\n\t\tcounter reject with icmpx admin-prohibited")
    assert parse.nft_inbound(ending).inbound_default == "reject"  # type: ignore[union-attr]
    assert parse.nft_inbound("") is None
    assert parse.iptables_inbound("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n-A INPUT -j DROP\nCOMMIT\n") \
        .inbound_default == "drop"  # type: ignore[union-attr]
    ufw = parse.ufw_status((MACHINES / "ubuntu2404/outputs/ufw-status.txt").read_text())
    assert ufw == FirewallState("ufw", True, "drop", "Status: active; default incoming deny")
    zone = parse.firewalld_zone("running", (MACHINES / "rocky9/outputs/firewall-cmd-list-all.txt").read_text())
    assert zone == FirewallState("firewalld", True, "reject", "zone public, target default")


def test_debian12_nftables_sysctl_and_files() -> None:
    facts = kernel("debian12")
    assert resources("host.firewall", facts) == []
    assert resources("host.sysctl", facts) == [
        "sysctl:net.ipv4.conf.all.send_redirects", "sysctl:net.ipv4.conf.default.send_redirects",
        "sysctl:net.ipv4.conf.all.secure_redirects", "sysctl:net.ipv4.conf.all.log_martians",
        "sysctl:net.ipv6.conf.all.accept_redirects", "sysctl:net.ipv6.conf.all.accept_ra",
        "sysctl:kernel.kptr_restrict", "sysctl:kernel.yama.ptrace_scope", "sysctl:net.core.bpf_jit_harden",
        "sysctl:kernel.sysrq", "sysctl:dev.tty.ldisc_autoload"]
    (finding, *_), _ = judge("host.sysctl", facts)
    assert "only routers send ICMP redirects" in finding.message and finding.evidence["expected"] == "0"
    skipped, _ = judge("host.sysctl", facts, options={"skip": ["kernel.sysrq", "dev.tty.ldisc_autoload"]})
    assert len(skipped) == 9
    assert resources("host.world-writable", facts) == ["file:/etc/research-shared", "file:/etc/cron.d/leftover"]
    assert resources("host.setid-files", facts) == ["setid:/usr/local/bin/backup-helper"]
    assert judge("host.setid-files", facts, options={"allowed": ["/usr/local/bin/backup-helper"]})[0] == []


def test_ubuntu2404_ufw_and_missing_sysctl_keys_are_listed_not_judged() -> None:
    facts = kernel("ubuntu2404")
    assert resources("host.firewall", facts) == []
    assert facts.firewall_errors and "Permission denied" in facts.firewall_errors[0]
    findings, ctx = judge("host.sysctl", facts)
    assert findings == [] and "net.ipv4.ip_forward" in ctx.details["not_present"]


def test_rocky9_firewalld_and_forwarding() -> None:
    facts = kernel("rocky9")
    assert resources("host.firewall", facts) == []
    assert resources("host.sysctl", facts) == ["sysctl:net.ipv4.ip_forward"]
    assert resources("host.world-writable", facts) == [] and resources("host.setid-files", facts) == []


def test_firewall_not_readable_without_root_is_not_assessable_and_open_is_a_finding() -> None:
    blind = KernelFacts(firewall_errors=("nft: Operation not permitted (you must be root)",))
    with pytest.raises(NotAssessable, match="must be root"):
        judge("host.firewall", blind)
    open_host = KernelFacts(firewalls=(FirewallState("ufw", False, "drop", "Status: inactive"),))
    assert resources("host.firewall", open_host) == ["firewall:inbound"]
    with pytest.raises(NotAssessable):
        judge("host.sysctl", KernelFacts(sysctl_error="neither sysctl nor /proc/sys answered"))


def test_listening_sockets_against_the_role_policy() -> None:
    from dataclasses import replace

    from auditor.models import Target, TargetKind

    sockets = parse.ss_listening((MACHINES / "debian12/outputs/ss-tlnp.txt").read_text())
    assert [(s.address, s.port, s.process) for s in sockets][:3] == [
        ("0.0.0.0", 22, "sshd"), ("::", 22, "sshd"), ("127.0.0.53", 53, "systemd-resolve")]
    facts = kernel("debian12")  # nftables drops inbound by default: findings are low
    findings, ctx = judge("host.listening-sockets", facts)
    assert [(f.resource, f.severity.value) for f in findings] == [("listen:tcp/80", "low"), ("listen:tcp/8888", "low")]
    assert findings[1].evidence["process"] == "jupyter-lab" and ctx.details["role"] == "default"
    web = Target(name="web1", kind=TargetKind.SSH, role="web")
    open_host = replace(facts, firewalls=())
    findings, _ = judge("host.listening-sockets", open_host, target=web)
    assert [(f.resource, f.severity.value) for f in findings] == [("listen:tcp/8888", "medium")]
    with pytest.raises(NotAssessable, match="ss"):
        judge("host.listening-sockets", kernel("rocky9"))
