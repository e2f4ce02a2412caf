"""Malformed input of every kind: one line naming file, line and key, exit 3, nothing written.

One row per malformed input that once ended in a traceback (exit 1, the code for "findings") or
was accepted although wrong. Each runs the installed command, as a user would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

INVENTORY = "hosts:\n  - name: lab\n    address: {address}\n"
ANSIBLE = "[lab]\nnode1 ansible_host=127.0.0.1 {variables}\n"

CASES = {
    # kind: command line
    "run --out naming a file": (
        {"taken": "a file\n"}, ["run", "local", "--out", "taken"], "taken: exists and is not a folder"),
    "run --out holding another run": (
        {"earlier/index.html": "<p>an earlier run</p>\n"}, ["run", "local", "--out", "earlier"],
        "earlier: already holds files"),
    # kind: profile
    "profile waiver with an impossible date": (
        {"p.yaml": "name: p\nextends: baseline\nwaivers:\n  - {check: ssh.x11-forwarding, target: local, resource: r,"
                   " justification: j, owner: o, expires: 2027-02-30}\n"},
        ["run", "local", "--profile", "p.yaml"], "p.yaml:4: invalid YAML: '2027-02-30' is not a valid date"),
    "profile with month 13": (
        {"p.yaml": "name: p\nextends: baseline\nwaivers:\n  - {check: ssh.x11-forwarding, target: local, resource: r,"
                   " justification: j, owner: o, expires: 2027-13-01}\n"},
        ["run", "local", "--profile", "p.yaml"], "p.yaml:4: invalid YAML: '2027-13-01' is not a valid date"),
    "profile concurrency .inf": (
        {"p.yaml": "name: p\nextends: baseline\nconcurrency: {targets: .inf}\n"},
        ["run", "local", "--profile", "p.yaml"], "p.yaml:3: concurrency.targets: must be a finite number"),
    "profile timeout .nan": (
        {"p.yaml": "name: p\nextends: baseline\ntimeouts: {connect: .nan}\n"},
        ["run", "local", "--profile", "p.yaml"], "p.yaml:3: timeouts.connect: must be a finite number"),
    "profile nested 5,000 levels": (
        {"p.yaml": "name: p\nx: " + "[" * 5000 + "]" * 5000 + "\n"},
        ["run", "local", "--profile", "p.yaml"], "p.yaml"),
    "profile with a list as a key": (
        {"p.yaml": "name: p\n? [1, 2]\n: x\n"},
        ["run", "local", "--profile", "p.yaml"], "p.yaml:2: invalid YAML: a list or a mapping cannot be a key"),
    "profile web-exposure probe with a POST": (
        {"p.yaml": "name: p\nextends: baseline\npolicies: {web-exposure: web.yaml}\n",
         "web.yaml": "policy: lab\nprobes:\n  - id: lab-portal\n    title: t\n    kind: application\n"
                     "    method: POST\n    paths: [/api]\n    match: {status: [200]}\n    severity: high\n"
                     "    measures: [PRV-3]\n    remediation: r\n"},
        ["run", "local", "--profile", "p.yaml"], "web.yaml:6: probes[0].method: 'POST' is not one of: GET, HEAD"),
    "discovery ports neither a list nor all": (
        {"p.yaml": "name: p\nextends: baseline\ncollectors:\n  discovery: {extra_ports: [70000]}\n"},
        ["run", "local", "--profile", "p.yaml"], "p.yaml:4: collectors.discovery.extra_ports: '70000' is not within"),
    # kind: attestations
    "attestation with an impossible date": (
        {"a.yaml": "attestations:\n  - {measure: AWR-1, statement: s, by: b, date: 2026-02-30,"
                   " next_review: 2027-01-01}\n"},
        ["run", "local", "--attestations", "a.yaml"], "a.yaml:2: invalid YAML: '2026-02-30' is not a valid date"),
    # kind: inventory (YAML)
    "inventory address 999.1.1.1": (
        {"i.yaml": INVENTORY.format(address="999.1.1.1")},
        ["run", "--inventory", "i.yaml"], "i.yaml:3: hosts[0].address"),
    "inventory address range past 255": (
        {"i.yaml": "hosts:\n  - name: n[1:300]\n    address: 10.0.0.[1:300]\n"},
        ["run", "--inventory", "i.yaml"], "i.yaml:3: hosts[0].address"),
    "inventory range with step 0": (
        {"i.yaml": "hosts:\n  - name: node[1:9:0]\n    address: 127.0.0.1\n"},
        ["run", "--inventory", "i.yaml"], "needs a step of at least 1"),
    "inventory range of 100 million hosts": (
        {"i.yaml": "hosts:\n  - name: node[0:99999999]\n"},
        ["run", "--inventory", "i.yaml"], "give 100000000 hosts (at most 65536)"),
    "inventory nested ranges past the cap": (
        {"i.yaml": "hosts:\n  - name: n[1:300]-[1:300]\n"},
        ["run", "--inventory", "i.yaml"], "give 90000 hosts (at most 65536)"),
    "inventory range hidden inside a range": (
        {"i.yaml": "hosts:\n  - name: n[[1:9]00000000:99999999999]\n"},
        ["run", "--inventory", "i.yaml"], "i.yaml:2: hosts[0]"),
    # kind: Ansible INI
    "ansible port in other digits": (
        {"hosts.ini": ANSIBLE.format(variables="ansible_port=²")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: ansible_port: host node1: '²' is not a port number"),
    "ansible role that is not text": (
        {"hosts.yml": "all:\n  hosts:\n    node1:\n      ansible_host: 127.0.0.1\n      role: [a, b]\n"},
        ["run", "--ansible", "hosts.yml"], "hosts.yml:3: role: host node1: '['a', 'b']' is not text"),
    "ansible alias that is an address": (
        {"hosts.ini": ANSIBLE.format(variables="aliases=192.0.2.7")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: aliases: host node1: '192.0.2.7' is an address"),
    "ansible alias list with an empty item": (
        {"hosts.yml": "all:\n  hosts:\n    node1:\n      ansible_host: 127.0.0.1\n      aliases: [~]\n"},
        ["run", "--ansible", "hosts.yml"], "hosts.yml:3: aliases: host node1: 'None' is not text"),
    "ansible segment that is not a queue name": (
        {"hosts.ini": ANSIBLE.format(variables="segment='campus north'")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: segment: host node1:"),
    "ansible port that is not a number": (
        {"hosts.ini": ANSIBLE.format(variables="ansible_port=abc")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: ansible_port: host node1: 'abc' is not a port number"),
    "ansible port 70000": (
        {"hosts.ini": ANSIBLE.format(variables="ansible_port=70000")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: ansible_port: host node1: '70000' is not a port number"),
    "ansible user read as an ssh option": (
        {"hosts.ini": ANSIBLE.format(variables="ansible_user=-oProxyCommand=x")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: ansible_user: host node1: '-oProxyCommand=x' is not a valid"),
    "ansible key file that does not exist": (
        {"hosts.ini": ANSIBLE.format(variables="ansible_ssh_private_key_file=missing.key")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: ansible_ssh_private_key_file: host node1:"),
    "ansible become that is not a boolean": (
        {"hosts.ini": ANSIBLE.format(variables="ansible_become=maybe")},
        ["run", "--ansible", "hosts.ini"], "hosts.ini:2: ansible_become: host node1: 'maybe' is not a boolean"),
    # kind: Ansible YAML
    "ansible YAML port out of range": (
        {"hosts.yml": "all:\n  hosts:\n    node1:\n      ansible_host: 127.0.0.1\n      ansible_port: 0\n"},
        ["run", "--ansible", "hosts.yml"], "hosts.yml:3: ansible_port: host node1: '0' is not a port number"),
}


@pytest.mark.parametrize("files, args, message", list(CASES.values()), ids=list(CASES))
def test_bad_input_is_one_line_naming_where_and_exit_3(tmp_path: Path, files: dict[str, str], args: list[str],
                                                        message: str) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    before = set(tmp_path.rglob("*"))
    out = [] if "--out" in args else ["--out", "out"]
    completed = subprocess.run([sys.executable, "-m", "auditor", *args, *out], capture_output=True,
                               text=True, cwd=tmp_path, timeout=60)
    assert completed.returncode == 3, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("auditor: error: "), completed.stderr
    assert message in lines[0]
    assert set(tmp_path.rglob("*")) == before  # nothing written


def test_ansible_become_no_means_no_sudo(tmp_path: Path) -> None:
    from auditor.inventory.ansible import ansible_targets

    (tmp_path / "hosts.ini").write_text("[lab]\na ansible_become=no\nb ansible_become=yes\nc ansible_become=False\n")
    assert [target.ssh.sudo for target in ansible_targets(tmp_path / "hosts.ini") if target.ssh] == [False, True, False]


def test_ansible_group_vars_and_host_vars_beside_the_inventory_are_read(tmp_path: Path) -> None:
    from auditor.inventory.ansible import ansible_targets

    (tmp_path / "hosts.ini").write_text("[lab]\nnode1 ansible_port=2201\nnode2\n")
    (tmp_path / "group_vars").mkdir()
    (tmp_path / "group_vars" / "lab.yml").write_text("ansible_user: auditor\nowner: lab-team\nansible_port: 2222\n")
    (tmp_path / "host_vars" / "node1").mkdir(parents=True)
    (tmp_path / "host_vars" / "node1" / "main.yaml").write_text("role: login\n")
    targets = {target.name: target for target in ansible_targets(tmp_path / "hosts.ini")}
    assert targets["node1"].user == targets["node2"].user == "auditor"
    assert targets["node1"].owner == "lab-team" and targets["node1"].role == "login" and targets["node2"].role is None
    assert targets["node1"].port == 2201  # the host's own variable over its group's
    assert targets["node2"].port == 2222


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)


@pytest.fixture
def snapshot_document(tmp_path: Path) -> dict[str, object]:
    (tmp_path / "p.yaml").write_text("name: p\nextends: baseline\nselect: ['attestation.*']\n")
    (tmp_path / "overdue.yaml").write_text(  # one finding: an attestation past its review date
        "attestations:\n  - {measure: AWR-1, statement: s, by: b, date: 2020-01-01, next_review: 2021-01-01}\n")
    assert _run(tmp_path, "run", "local", "--profile", "p.yaml", "--attestations", "overdue.yaml",
                "--out", "night").returncode == 0
    document: dict[str, object] = json.loads((tmp_path / "night" / "snapshot.json").read_text())
    return document


@pytest.mark.parametrize("command", [["report", "crafted.json", "--out", "out"],
                                     ["merge", "crafted.json", "--out", "out"]])
def test_a_crafted_phase_id_cannot_write_outside_the_output_folder(tmp_path: Path, snapshot_document: dict,
                                                                   command: list[str]) -> None:
    outside = tmp_path / "elsewhere" / "owned"
    catalogue = snapshot_document["catalogue"]
    old = catalogue["phases"][0]["id"]
    catalogue["phases"][0]["id"] = str(outside)  # an absolute path where a page name belongs
    for measure in catalogue["measures"]:
        if measure["phase"] == old:
            measure["phase"] = str(outside)
    (tmp_path / "crafted.json").write_text(json.dumps(snapshot_document))
    completed = _run(tmp_path, *command)
    assert completed.returncode == 3, completed.stderr
    assert "catalogue/phases/0/id" in completed.stderr and "Traceback" not in completed.stderr
    assert not (tmp_path / "elsewhere").exists() and not Path(f"{outside}.html").exists()


@pytest.mark.parametrize("document", ["[" * 100_000 + "]" * 100_000,
                                      '{"schema_version": 2, "x": ' + "[" * 5000 + "]" * 5000 + "}"])
def test_a_deeply_nested_snapshot_is_a_one_line_error(tmp_path: Path, document: str) -> None:
    (tmp_path / "deep.json").write_text(document)
    completed = _run(tmp_path, "report", "deep.json", "--out", "out")
    assert completed.returncode == 3
    assert completed.stderr.strip().splitlines() == ["auditor: error: deep.json: not an auditor snapshot (nested too deeply)"]


def _unknown_fingerprint(document: dict) -> None:
    document["results"][0]["findings"] = ["0123456789abcdef01234567"]


def _tampered_finding(document: dict) -> None:
    document["findings"][0]["fingerprint"] = "0123456789abcdef01234567"


def _future_version(document: dict) -> None:
    document["schema_version"] = 7


@pytest.mark.parametrize("spoil, message", [
    (_unknown_fingerprint, "crafted.json: at results/0/findings/0: no finding has fingerprint 0123456789abcdef01234567"),
    (_tampered_finding, "crafted.json"),
    (_future_version, "crafted.json: schema version 7 is not supported"),
], ids=["result naming a missing finding", "finding whose fingerprint is not its own", "future schema version"])
def test_a_malformed_snapshot_is_a_one_line_error(tmp_path: Path, snapshot_document: dict, spoil, message) -> None:
    assert snapshot_document["findings"]
    spoil(snapshot_document)
    (tmp_path / "crafted.json").write_text(json.dumps(snapshot_document))
    completed = _run(tmp_path, "report", "crafted.json", "--out", "out")
    assert completed.returncode == 3, completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("auditor: error: ") and message in lines[0], lines
