"""The raw SSH codec: identification lines, packets, KEXINIT and host key blobs.

``openssh92-weak-hello.hex`` is what OpenSSH 9.2 (Debian 12) sent to a client with the weak
test configuration (tests/checks/sshd_lab.py): its identification and its KEXINIT packet.
"""

from __future__ import annotations

import base64
import json
import socket
import subprocess
from pathlib import Path

import pytest

import testkit
from auditor.checks.ssh_wire.client import (
    MSG_KEXINIT,
    WireError,
    describe_host_key,
    encode_packet,
    parse_identification,
    parse_kexinit,
    read_identification,
    read_message,
    read_packet,
    ssh_mpint,
)
from auditor.checks.ssh_wire.facts import HostKey, KexInit
from auditor.checks.ssh_wire.kex import MODP_GROUPS, OAKLEY_GROUP_2
from auditor.facts import decode, facts_to_json
from auditor.net.connections import BoundedStream, Deadline

FIXTURES = testkit.FIXTURES / "ssh-wire"


def stream_of(data: bytes) -> BoundedStream:
    ours, theirs = socket.socketpair()
    theirs.sendall(data)
    theirs.close()
    return BoundedStream(ours, Deadline(2))


def test_recorded_openssh_hello_parses_to_the_recorded_offer() -> None:
    stream = stream_of(bytes.fromhex((FIXTURES / "openssh92-weak-hello.hex").read_text().replace("\n", "")))
    identification = read_identification(stream)
    assert identification.line == "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"
    assert (identification.protocol_version, identification.software, identification.comments) == (
        "2.0", "OpenSSH_9.2p1", "Debian-2+deb12u10")
    kexinit = parse_kexinit(read_message(stream, (MSG_KEXINIT,), "KEXINIT"))
    recorded = json.loads((FIXTURES / "weak.json").read_text())["ports"][0]["kexinit"]
    assert kexinit == decode(KexInit, recorded)
    assert facts_to_json(kexinit) == recorded
    assert "kex-strict-s-v00@openssh.com" in kexinit.kex_algorithms


@pytest.mark.parametrize("line, parts", [
    ("SSH-2.0-OpenSSH_9.6", ("2.0", "OpenSSH_9.6", "")),
    ("SSH-1.99-Cisco-1.25", ("1.99", "Cisco-1.25", "")),
    ("SSH-2.0-dropbear_2022.83 extra words here", ("2.0", "dropbear_2022.83", "extra words here")),
])
def test_identification_fields(line: str, parts: tuple[str, str, str]) -> None:
    identification = parse_identification(line)
    assert (identification.protocol_version, identification.software, identification.comments) == parts


@pytest.mark.parametrize("line", ["SSH-2.0", "SSH-2.0-", "SSH--x", "HTTP/1.1 200 OK"])
def test_malformed_identification_is_an_error(line: str) -> None:
    with pytest.raises(WireError):
        parse_identification(line)


def test_lf_only_identification_is_accepted() -> None:
    assert read_identification(stream_of(b"SSH-2.0-Lax\n")).software == "Lax"


@pytest.mark.parametrize("value, encoded", [
    (0, "00000000"),
    (0x9A378F9B2E332A7, "0000000809a378f9b2e332a7"),
    (0x80, "000000020080"),
])
def test_mpint_encoding_follows_rfc4251(value: int, encoded: str) -> None:
    assert ssh_mpint(value).hex() == encoded


@pytest.mark.parametrize("size", [0, 1, 3, 4, 11, 12, 100])
def test_packets_are_padded_and_read_back(size: int) -> None:
    payload = bytes(range(size))
    packet = encode_packet(payload)
    assert len(packet) % 8 == 0 and packet[4] >= 4
    assert read_packet(stream_of(packet)) == payload


def test_diffie_hellman_groups_are_the_published_primes() -> None:
    # Oakley group 2 is written out here; its bits must be a probable prime with group 14's prefix.
    assert OAKLEY_GROUP_2.bit_length() == 1024
    assert all(pow(base, OAKLEY_GROUP_2 - 1, OAKLEY_GROUP_2) == 1 for base in (2, 3, 5, 7, 11, 13, 17))
    assert format(MODP_GROUPS["group14"], "x").startswith(format(OAKLEY_GROUP_2, "x")[:200])
    assert [MODP_GROUPS[name].bit_length() for name in ("group1", "group14", "group16")] == [1024, 2048, 4096]


def test_modp_groups_are_the_ones_paramiko_uses() -> None:
    from paramiko.kex_group14 import KexGroup14SHA256
    from paramiko.kex_group16 import KexGroup16SHA512

    assert MODP_GROUPS["group14"] == KexGroup14SHA256.P
    assert MODP_GROUPS["group16"] == KexGroup16SHA512.P


@pytest.mark.parametrize("key_type, bits, expected_bits, curve", [
    ("rsa", 1024, 1024, None),
    ("rsa", 3072, 3072, None),
    ("dsa", 1024, 1024, None),
    ("ecdsa", 384, 384, "nistp384"),
    ("ed25519", 0, 256, None),
])
def test_host_key_description_agrees_with_ssh_keygen(tmp_path: Path, key_type: str, bits: int, expected_bits: int,
                                                     curve: str | None) -> None:
    path = tmp_path / "key"
    argv = ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-f", str(path)] + (["-b", str(bits)] if bits else [])
    subprocess.run(argv, check=True)
    algorithm, blob_text = (tmp_path / "key.pub").read_text().split()[:2]
    listed = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", str(path)], check=True,
                            capture_output=True, text=True).stdout.split()
    described = describe_host_key(base64.b64decode(blob_text), algorithm)
    assert described == HostKey(algorithm=algorithm, type=algorithm, bits=expected_bits, curve=curve,
                                fingerprint=listed[1])
    assert int(listed[0]) == expected_bits


def test_truncated_host_key_blob_is_an_error() -> None:
    with pytest.raises(WireError, match="malformed host key: truncated"):
        describe_host_key(b"\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x03\x01", "ssh-rsa")
