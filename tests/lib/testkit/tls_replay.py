"""A loopback TLS server that answers as a vulnerable one would, for the flaws today's OpenSSL cannot show.

Built from the descriptions of the flaws (RFC 6520 and CVE-2014-0160 for Heartbleed,
CVE-2014-0224 for CCS injection, the ROBOT paper for Bleichenbacher oracles), not from any
vulnerable code: it answers a ClientHello with ServerHello (TLS_RSA_WITH_AES_128_CBC_SHA, the
heartbeat extension if offered), Certificate and ServerHelloDone, then reacts per ``mode``:

- ``heartbleed``: answers a heartbeat request with as many bytes as it claims (padding with
  the marker ``NOT-A-REAL-SECRET``, which a test can look for in logs and reports);
- ``heartbleed-patched``: drops a heartbeat request longer than its record (RFC 6520 §4);
- ``ccs``: takes an early ChangeCipherSpec as a key change, then fails to decrypt (bad_record_mac);
- ``robot-strong`` / ``robot-weak``: decrypts the ClientKeyExchange with its RSA key and answers
  by padding validity (strong: three different answers; weak: only a well-formed block differs);
- every mode finishes the handshake of a client whose Finished verifies (so scanners that
  connect first, as sslyze does, get a working server);
- ``silent``: after its flight it says nothing until the client gives up.

It listens on a loopback port the test picks, one thread per connection; ``stop`` closes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import socket
import struct
import threading
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from testkit.tls_lab import NAME, issue, new_key

SECRET_MARKER = b"NOT-A-REAL-SECRET"
_RSA_AES128_SHA = 0x002F


def _record(kind: int, body: bytes, version: int = 0x0303) -> bytes:
    return struct.pack(">BHH", kind, version, len(body)) + body


def _handshake(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + len(body).to_bytes(3, "big") + body


def _read_record(conn: socket.socket) -> tuple[int, bytes]:
    header = _read_exactly(conn, 5)
    return header[0], _read_exactly(conn, int.from_bytes(header[3:5], "big"))


def _read_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client closed")
        data += chunk
    return data


def _suites(hello: bytes) -> set[int]:
    """The cipher suites a ClientHello (handshake message) offers."""
    at = 4 + 2 + 32
    at += 1 + hello[at]  # session id
    size = int.from_bytes(hello[at:at + 2], "big")
    return {int.from_bytes(hello[i:i + 2], "big") for i in range(at + 2, at + 2 + size, 2)}


def _extensions(hello: bytes) -> dict[int, bytes]:
    """The extensions of a ClientHello (handshake message), by type."""
    at = 4 + 2 + 32
    at += 1 + hello[at]  # session id
    at += 2 + int.from_bytes(hello[at:at + 2], "big")  # suites
    at += 1 + hello[at]  # compression
    end = at + 2 + int.from_bytes(hello[at:at + 2], "big")
    at += 2
    found = {}
    while at + 4 <= end:
        kind, size = struct.unpack(">HH", hello[at:at + 4])
        found[kind] = hello[at + 4:at + 4 + size]
        at += 4 + size
    return found


@dataclass
class ReplayServer:
    """The server; ``port`` is where it listens on 127.0.0.1."""

    mode: str
    port: int = 0
    key: rsa.RSAPrivateKey = field(default_factory=lambda: new_key("rsa", 2048))
    _listener: socket.socket | None = None
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> ReplayServer:
        """Listen on 127.0.0.1 (``port`` 0: a free one) and serve in the background."""
        self.certificate = issue(NAME, self.key, names=(NAME,)).cert.public_bytes(serialization.Encoding.DER)
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self._listener.getsockname()[1]
        accepting = threading.Thread(target=self._accept, daemon=True)
        accepting.start()
        self._threads.append(accepting)
        return self

    def stop(self) -> None:
        """Stop listening (shutdown wakes the accepting thread) and let connection threads end."""
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        for thread in self._threads:
            thread.join(timeout=1)

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed by stop()
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            worker.start()
            self._threads.append(worker)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(15)
            try:
                _, hello = _read_record(conn)
                extensions = _extensions(hello)
                versions = extensions.get(43, b"")
                if versions and not any(versions[i:i + 2] == b"\x03\x03" for i in range(1, len(versions), 2)):
                    conn.sendall(_record(21, b"\x02\x46"))  # protocol_version: TLS 1.3 only is not for a 1.2 server
                    return
                if _RSA_AES128_SHA not in _suites(hello):
                    conn.sendall(_record(21, b"\x02\x28"))  # handshake_failure: no suite in common
                    return
                heartbeat = 15 in extensions and self.mode.startswith("heartbleed")
                flight, server_random = self._flight(heartbeat)
                conn.sendall(_record(22, b"".join(flight)))
                self._react(conn, _Handshake([hello, *flight], hello[6:38], server_random))
            except (OSError, ConnectionError, ValueError):
                return

    def _flight(self, heartbeat: bool) -> tuple[list[bytes], bytes]:
        extensions = struct.pack(">HHB", 0xFF01, 1, 0)
        if heartbeat:
            extensions += struct.pack(">HHB", 15, 1, 1)
        random = os.urandom(32)
        hello = (struct.pack(">H", 0x0303) + random + b"\x00" + struct.pack(">HB", _RSA_AES128_SHA, 0)
                 + struct.pack(">H", len(extensions)) + extensions)
        certificate = len(self.certificate).to_bytes(3, "big") + self.certificate
        return [_handshake(2, hello), _handshake(11, len(certificate).to_bytes(3, "big") + certificate),
                _handshake(14, b"")], random

    def _react(self, conn: socket.socket, handshake: _Handshake) -> None:
        if self.mode == "silent":
            while conn.recv(4096):
                pass
            return
        ccs_seen = False
        while True:
            kind, body = _read_record(conn)
            if kind == 24 and self.mode == "heartbleed" and body[:1] == b"\x01":
                claimed = int.from_bytes(body[1:3], "big")
                leaked = (body[3:] + SECRET_MARKER * (claimed // len(SECRET_MARKER) + 1))[:claimed]
                conn.sendall(_record(24, b"\x02" + claimed.to_bytes(2, "big") + leaked + os.urandom(16)))
            elif kind == 21 and not ccs_seen:
                return  # close_notify (or any alert): hang up, as OpenSSL does during a handshake
            elif kind == 20 and self.mode == "ccs":
                ccs_seen = True
            elif ccs_seen:
                conn.sendall(_record(21, b"\x02\x14"))  # bad_record_mac: it "decrypted" with the wrong keys
                return
            elif kind == 22 and body[:1] == b"\x10":
                self._key_exchange(conn, handshake, body)
                return

    def _key_exchange(self, conn: socket.socket, handshake: _Handshake, exchange: bytes) -> None:
        """A ClientKeyExchange: finish the handshake if the Finished verifies; else alert (robot: by padding)."""
        numbers = self.key.private_numbers()
        size = (self.key.key_size + 7) // 8
        block = pow(int.from_bytes(exchange[6:], "big"), numbers.d, numbers.public_numbers.n).to_bytes(size, "big")
        separator = block.find(b"\x00", 2, size - 48)  # within the padding: a 48-byte secret must follow
        well_formed = block[:2] == b"\x00\x02" and separator == size - 49
        _read_record(conn)  # the ChangeCipherSpec
        _, finished = _read_record(conn)
        handshake.messages.append(exchange)
        if well_formed and handshake.finish(conn, block[-48:], finished):
            while conn.recv(4096):  # a real client: stay until it leaves
                pass
            return
        if well_formed or not self.mode.startswith("robot"):
            answer = 20  # bad_record_mac: the Finished did not verify
        elif self.mode == "robot-strong" and block[:2] != b"\x00\x02":
            answer = 51  # decrypt_error
        elif self.mode == "robot-strong" and separator < 0:
            return  # hang up without an alert
        else:
            answer = 51 if self.mode == "robot-weak" else 40
        conn.sendall(_record(21, bytes([2, answer])))


def _prf(secret: bytes, label: bytes, seed: bytes, size: int) -> bytes:
    """The TLS 1.2 PRF with SHA-256 (RFC 5246 section 5)."""
    out, a = b"", label + seed
    while len(out) < size:
        a = hmac.digest(secret, a, "sha256")
        out += hmac.digest(secret, a + label + seed, "sha256")
    return out[:size]


@dataclass
class _Handshake:
    """The handshake so far, to finish it for a client that completes it (TLS_RSA_WITH_AES_128_CBC_SHA)."""

    messages: list[bytes]
    client_random: bytes
    server_random: bytes

    def finish(self, conn: socket.socket, premaster: bytes, finished: bytes) -> bool:
        """Check the client's Finished; if it verifies, send ChangeCipherSpec and ours."""
        master = _prf(premaster, b"master secret", self.client_random + self.server_random, 48)
        keys = _prf(master, b"key expansion", self.server_random + self.client_random, 72)
        client_key, server_mac, server_key = keys[40:56], keys[20:40], keys[56:72]
        decryptor = Cipher(algorithms.AES(client_key), modes.CBC(finished[:16])).decryptor()
        plain = decryptor.update(finished[16:]) + decryptor.finalize()
        expected = _handshake(20, _prf(master, b"client finished", hashlib.sha256(b"".join(self.messages)).digest(),
                                       12))
        if not plain.startswith(expected):
            return False
        self.messages.append(expected)
        ours = _handshake(20, _prf(master, b"server finished", hashlib.sha256(b"".join(self.messages)).digest(), 12))
        mac = hmac.digest(server_mac, struct.pack(">QBHH", 0, 22, 0x0303, len(ours)) + ours, "sha1")
        padding = 15 - (len(ours) + len(mac)) % 16
        iv = os.urandom(16)
        encryptor = Cipher(algorithms.AES(server_key), modes.CBC(iv)).encryptor()
        sealed = encryptor.update(ours + mac + bytes([padding] * (padding + 1))) + encryptor.finalize()
        conn.sendall(_record(20, b"\x01") + _record(22, iv + sealed))
        return True
