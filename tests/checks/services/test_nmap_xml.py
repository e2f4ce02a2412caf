"""nmap XML parsing and the python-nmap wrapper's input validation, from stored nmap output.

Fixtures in tests/fixtures/nmap/ are real nmap 7.93 output (see the README there).
"""


import pytest

import testkit
from auditor.checks.services.discovery import excluded, scan_type
from auditor.checks.services.nmap import (
    NmapRun,
    NmapXmlError,
    ScanRequest,
    parse_nmap_xml,
    port_spec,
    scan_target,
)
from auditor.config.policies import port_numbers
from auditor.facts import decode
from auditor.models import Target, TargetKind

FIXTURES = testkit.FIXTURES / "nmap"


def parsed(name: str) -> NmapRun:
    return parse_nmap_xml((FIXTURES / name).read_bytes())


def test_open_ports_only_with_table_names_and_unknown_services() -> None:
    scan = parsed("discovery.xml")
    assert scan.complete and scan.errors == () and scan.finished.exit == "success"
    assert scan.totals == {"up": 4, "down": 0, "total": 4} and scan.scan_type == "connect"
    first, second = scan.hosts
    assert first.address == "127.77.200.1" and not first.timed_out
    assert [(p.port, p.service, p.method) for p in first.ports] == [
        (80, "http", "table"), (873, "rsync", "table"), (6379, "redis", "table")]
    # 22, 8443 and 16379 were closed on this host: never reported
    assert [(p.port, p.service) for p in second.ports] == [(8443, "https-alt"), (16379, "")]
    assert all(p.state == "open" and p.protocol == "tcp" for p in first.ports + second.ports)


def test_tls_tunnel_and_product_that_python_nmap_drops_are_kept() -> None:
    ports = {p.port: p for p in parsed("version-light-ssl.xml").hosts[0].ports}
    assert ports[8443].tunnel == "ssl" and ports[8443].service == "http"
    assert (ports[8443].product, ports[8443].version, ports[8443].method) == ("nginx", "1.22.1", "probed")
    assert ports[16379].tunnel == "" and ports[16379].product == "Redis key-value store"


def test_python_nmap_itself_loses_the_tunnel() -> None:
    import nmap

    scanner = nmap.PortScanner.__new__(nmap.PortScanner)  # no nmap run: only its XML analysis
    result = scanner.analyse_nmap_xml_scan((FIXTURES / "version-light-ssl.xml").read_text())
    assert "tunnel" not in result["scan"]["127.77.200.2"]["tcp"][8443]


def test_finished_exit_error_is_an_error_with_nmaps_message() -> None:
    scan = parsed("exit-error.xml")
    assert scan.hosts == () and scan.finished.exit == "error"
    assert scan.errors == ("nmap reported an error: I cannot figure out what source address to use for "
                           "device nosuchif0, does it even exist?",)


def test_timed_out_host_is_marked_and_the_others_kept() -> None:
    hosts = parsed("host-timeout.xml").hosts
    timed_out = [host.address for host in hosts if host.timed_out]
    assert timed_out == ["127.77.200.3"]
    assert [host.ports for host in hosts if host.timed_out] == [()]


def test_output_cut_short_keeps_complete_hosts_and_says_it_is_incomplete() -> None:
    scan = parsed("truncated.xml")
    assert not scan.complete
    assert [host.address for host in scan.hosts] == ["127.77.200.1"]
    assert scan.errors == ("nmap output ends before its run statistics (nmap was stopped or crashed)",)


@pytest.mark.parametrize("data, message", [
    (b'<?xml version="1.0"?><!DOCTYPE nmaprun [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><nmaprun>&b;</nmaprun>',
     "declares entities"),
    (b'<?xml version="1.0"?><!DOCTYPE nmaprun SYSTEM "http://example.invalid/x.dtd" [ ]><nmaprun/>',
     "declares entities"),
    (b"\xff\xfe<\x00n\x00", "not UTF-8"),
    (b"", "no XML output"),
    (b"<html><body>not nmap</body></html>", "not an nmap run"),
    (b"Starting Nmap 7.93 ( https://nmap.org )\nNmap done", "no <nmaprun> element"),
])
def test_untrustworthy_xml_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(NmapXmlError, match=message):
        parse_nmap_xml(data)


@pytest.mark.parametrize("text", ["-oN/tmp/x", "--script=evil", "-iL /etc/passwd", "10.0.0.1 -sC", "", "a b",
                                  "10.0.0.0/33", "bad_host!name", "--"])
def test_option_like_or_malformed_targets_never_reach_nmap(text: str) -> None:
    with pytest.raises(ValueError, match="refusing"):
        scan_target(text)


@pytest.mark.parametrize("text, expected", [
    ("127.0.0.5", "127.0.0.5"), ("10.1.2.3/24", "10.1.2.0/24"), ("::1", "::1"),
    ("web01.example.org", "web01.example.org"),
])
def test_addresses_ranges_and_host_names_are_accepted(text: str, expected: str) -> None:
    assert scan_target(text) == expected


def test_arguments_carry_no_target_and_validate_exclusions() -> None:
    request = ScanRequest(targets=("127.0.0.0/29",), ports="22,6379", skip_ping=True, version_light=True,
                          exclude=("127.0.0.2",))
    args = request.arguments()
    assert args[:3] == ["-n", "-sT", "--open"]
    assert {"-Pn", "-sV", "--version-light", "--host-timeout"} <= set(args)
    assert args[args.index("--exclude") + 1] == "127.0.0.2" and "127.0.0.0/29" not in args
    assert "-6" in ScanRequest(targets=("::1",), ports="22").arguments()
    with pytest.raises(ValueError, match="refusing"):
        ScanRequest(targets=("127.0.0.1",), ports="22", exclude=("-oG-",)).arguments()


def test_ports_and_ranges_fold_into_nmaps_port_argument() -> None:
    assert port_numbers([22, "6817-6819", 80, 22]) == [22, 80, 6817, 6818, 6819]
    assert port_spec([22, 80, 6817, 6818, 6819, 81]) == "22,80-81,6817-6819"
    for bad in (["0"], [70000], ["10-5"], ["22,80"], [True], "22"):
        with pytest.raises(ValueError):
            port_numbers(bad)


def test_syn_scan_only_as_root_unless_asked() -> None:
    assert scan_type("auto", root=True) == (True, False)
    assert scan_type("auto", root=False) == (False, False)
    assert scan_type("connect", root=True) == (False, False)
    assert scan_type("syn", root=False) == (True, True)  # needs nmap with capabilities and --privileged


def test_a_range_leaves_out_hosts_audited_on_their_own() -> None:
    lab = Target(name="lab", kind=TargetKind.RANGE, address="127.0.0.0/29")
    inventory = [decode(Target, entry) for entry in [
        {"name": "lab", "kind": "range", "address": "127.0.0.0/29"},
        {"name": "db", "kind": "network", "address": "127.0.0.3"},
        {"name": "login", "kind": "ssh", "address": "127.0.0.2"},
        {"name": "far", "kind": "network", "address": "10.0.0.2"},
        {"name": "named", "kind": "network", "address": "web.example.org"},
        {"name": "v6", "kind": "network", "address": "::1"},
    ]]
    assert excluded(lab, inventory) == ["127.0.0.2", "127.0.0.3"]
    assert excluded(Target(name="db", kind=TargetKind.NETWORK, address="127.0.0.3"), inventory) == []
