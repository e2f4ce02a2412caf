"""Parsers of firewall and kernel outputs: nft, iptables-save, ufw, firewall-cmd, sysctl, find."""

from __future__ import annotations

import re

from auditor.checks.host.facts import FirewallState, ListeningSocket, SpecialFile


def nft_inbound(text: str) -> FirewallState | None:
    """The input hook of ``nft list ruleset``: drop when any base input chain drops by policy or by a final rule.

    A packet is accepted only when every base chain on the hook accepts it, so one dropping
    chain makes the host default-deny. None when the ruleset has no input chain.
    """
    verdicts = []
    for chain in re.finditer(r"chain\s+\S+\s*\{(.*?)\n\s*\}", text, re.S):
        body = chain[1]
        if not re.search(r"type\s+filter\s+hook\s+input\b", body):
            continue
        policy = re.search(r"policy\s+(\w+)\s*;", body)
        rules = [line.strip() for line in body.splitlines() if line.strip() and "hook input" not in line]
        last = rules[-1] if rules else ""
        if policy and policy[1] == "drop":
            verdicts.append("drop")
        elif re.search(r"(?:^|\s)(drop|reject)\b[^;]*$", last) and not re.search(r"\b(saddr|daddr|dport|iif|ct)\b",
                                                                                 last):
            verdicts.append("reject" if "reject" in last else "drop")
        else:
            verdicts.append("accept")
    if not verdicts:
        return None
    denying = [verdict for verdict in verdicts if verdict != "accept"]
    return FirewallState("nftables", True, denying[0] if denying else "accept",
                         f"{len(verdicts)} input base chain(s)")


def iptables_inbound(text: str) -> FirewallState | None:
    """The INPUT chain of ``iptables-save``: its policy, or a final unconditional DROP/REJECT."""
    if "*filter" not in text:
        return None
    policy = re.search(r"^:INPUT\s+(\w+)", text, re.M)
    rules = re.findall(r"^-A INPUT (.*)$", text, re.M)
    if policy and policy[1] in ("DROP", "REJECT"):
        return FirewallState("iptables", True, policy[1].lower(), f"INPUT policy {policy[1]}, {len(rules)} rules")
    if rules and re.fullmatch(r"-j (DROP|REJECT)(?: --reject-with \S+)?", rules[-1].strip()):
        verdict = "reject" if "REJECT" in rules[-1] else "drop"
        return FirewallState("iptables", True, verdict, f"INPUT ends with {rules[-1].strip()}")
    return FirewallState("iptables", bool(rules), "accept", f"INPUT policy {policy[1] if policy else '?'}, "
                         f"{len(rules)} rules")


def ufw_status(text: str) -> FirewallState | None:
    """``ufw status verbose``: ``Status: active`` and ``Default: deny (incoming), ...``."""
    status = re.search(r"^Status:\s*(\w+)", text, re.M)
    if status is None:
        return None
    default = re.search(r"^Default:\s*(\w+)\s*\(incoming\)", text, re.M)
    incoming = default[1] if default else "accept"
    return FirewallState("ufw", status[1] == "active", {"allow": "accept", "deny": "drop"}.get(incoming, incoming),
                         f"Status: {status[1]}; default incoming {incoming}")


def firewalld_zone(state: str, zone: str) -> FirewallState | None:
    """``firewall-cmd --state`` and ``--list-all`` of the default zone: its target decides inbound."""
    if not state.strip():
        return None
    running = state.strip() == "running"
    target = re.search(r"^\s*target:\s*(\S+)", zone, re.M)
    value = target[1] if target else "default"
    inbound = "accept" if value == "ACCEPT" else ("drop" if value == "DROP" else "reject")
    name = zone.split()[0] if zone.split() else "?"
    return FirewallState("firewalld", running, inbound, f"zone {name}, target {value}")


def sysctl_values(text: str) -> dict[str, str]:
    """``key = value`` lines of ``sysctl -e KEY...`` (values with tabs normalised)."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition(" = ")
        if sep:
            values[key.strip()] = " ".join(value.split())
    return values


def special_files(text: str) -> list[SpecialFile]:
    """``find -printf '%m %U %G %s %y %p\\0'`` records (NUL-terminated: names may hold newlines)."""
    found = []
    for record in text.split("\0"):
        parts = record.split(" ", 5)
        if len(parts) == 6 and all(part.isdigit() for part in parts[1:4]) and parts[5]:
            found.append(SpecialFile(path=parts[5], mode=parts[0].rjust(4, "0"), uid=int(parts[1]), kind=parts[4],
                                     gid=int(parts[2]), size=int(parts[3])))
    return found


def sha256sums(text: str) -> dict[str, str]:
    """``sha256sum -z`` records (``HASH  PATH\\0``, names unescaped) as path -> hash."""
    hashes = {}
    for record in text.split("\0"):
        digest, sep, path = record.partition("  ")
        if sep and len(digest) == 64 and all(char in "0123456789abcdef" for char in digest):
            hashes[path] = digest
    return hashes


def ss_listening(text: str) -> list[ListeningSocket]:
    """``ss -tlnpH`` lines: ``LISTEN 0 128 ADDRESS:PORT PEER [users:(("prog",pid=..,fd=..))]``."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 5 or fields[0] != "LISTEN":
            continue
        address, _, port = fields[3].rpartition(":")
        if not port.isdigit():
            continue
        address = address.strip("[]").split("%", 1)[0]
        process = re.search(r'users:\(\("([^"]+)"', line)
        found.append(ListeningSocket(address, int(port),  # "*": every address
                                     process[1] if process else ""))
    return sorted(set(found), key=lambda item: (item.port, item.address))


def is_loopback(address: str) -> bool:
    """True for addresses only this machine can reach."""
    lowered = address.lower()
    return lowered.startswith(("127.", "::ffff:127.")) or lowered in ("::1", "localhost")
