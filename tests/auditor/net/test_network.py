"""Network plumbing: bounded reads that keep what they did not consume, per-host limits, awaited closes."""

import socket
import threading
import time

import pytest

from auditor.net.connections import BoundedStream, Deadline, HostLimiter, close_and_await_peer


@pytest.fixture
def peer():
    """``peer(data, close=True)`` -> our end of a socket pair whose other end sent ``data``."""
    kept = []

    def make(data: bytes, close: bool = True) -> socket.socket:
        ours, theirs = socket.socketpair()
        theirs.sendall(data)
        if close:
            theirs.close()
        else:
            kept.append(theirs)  # an open, silent peer
        kept.append(ours)
        return ours

    yield make
    for sock in kept:
        sock.close()


def test_bytes_after_the_terminator_are_kept_for_the_next_read(peer):
    stream = BoundedStream(peer(b"SSH-2.0-Test\r\n\x00\x00\x00\x0cREST"), Deadline(2))
    assert stream.read_until(b"\r\n", 255) == b"SSH-2.0-Test\r\n"
    assert stream.read_exactly(4) == b"\x00\x00\x00\x0c"
    assert stream.read_exactly(4) == b"REST"
    with pytest.raises(ConnectionError):
        stream.read_exactly(1)


def test_a_flood_without_terminator_stops_at_the_limit(peer):
    stream = BoundedStream(peer(b"A" * 100_000), Deadline(2))
    with pytest.raises(ValueError, match="within 255 bytes"):
        stream.read_until(b"\n", 255)


def test_a_silent_peer_ends_at_the_deadline(peer):
    stream = BoundedStream(peer(b"", close=False), Deadline(0.3))
    started = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout)):
        stream.read_until(b"\n", 255)
    assert time.monotonic() - started < 1.0


def test_host_limiter_bounds_concurrency_per_address():
    limiter = HostLimiter(2)
    active = {"a": 0, "b": 0}
    peak = {"a": 0, "b": 0}
    lock = threading.Lock()

    def use(address):
        with limiter.slot(address):
            with lock:
                active[address] += 1
                peak[address] = max(peak[address], active[address])
            time.sleep(0.05)
            with lock:
                active[address] -= 1

    threads = [threading.Thread(target=use, args=(address,)) for address in "ab" * 6]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == {"a": 2, "b": 2}
    assert limiter.addresses() == 0  # an address nobody connects to keeps nothing in memory


def test_host_limiter_keeps_an_address_while_someone_holds_or_waits_for_it():
    limiter = HostLimiter(1)
    acquired = threading.Event()

    def wait_for_a() -> None:
        with limiter.slot("a"):
            acquired.set()

    waiting = threading.Thread(target=wait_for_a)
    with limiter.slot("a"):
        waiting.start()
        assert not acquired.wait(0.1) and limiter.addresses() == 1  # the waiter waits on the one slot
    waiting.join(timeout=5)
    assert acquired.is_set() and limiter.addresses() == 0


def _closing_peer(theirs: socket.socket, reply: bytes = b"") -> threading.Thread:
    """The other end reads until our half-close, answers ``reply``, then closes (as sshd's child does)."""
    def serve() -> None:
        while theirs.recv(4096):
            pass
        theirs.sendall(reply)
        theirs.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_a_close_is_confirmed_once_the_peer_closes_its_side():
    ours, theirs = socket.socketpair()
    _closing_peer(theirs, b"bye").join(0)
    assert close_and_await_peer([ours], 2.0) is True
    assert ours.fileno() == -1  # closed either way


def test_a_peer_that_stays_open_is_not_confirmed_and_costs_only_the_grace():
    ours, theirs = socket.socketpair()
    started = time.monotonic()
    try:
        assert close_and_await_peer([ours], 0.2) is False
    finally:
        theirs.close()
    assert 0.15 < time.monotonic() - started < 2
    assert ours.fileno() == -1


def test_a_peer_that_keeps_talking_is_not_confirmed():
    ours, theirs = socket.socketpair()
    stop = threading.Event()

    def flood() -> None:
        with theirs:
            while not stop.is_set():
                try:
                    theirs.sendall(b"x" * 65536)
                except OSError:
                    return

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:
        assert close_and_await_peer([ours], 5.0) is False
    finally:
        stop.set()
        thread.join(5)
