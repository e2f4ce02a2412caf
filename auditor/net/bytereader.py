"""Bounds-checked reading of one message a peer sent, shared by the SSH and TLS wire parsers."""

from __future__ import annotations


class ByteReader:
    """Bounds-checked reads from one message a peer sent: running past its end is a protocol
    error (``truncated()``), never an IndexError or a read beyond the message.

    Protocol readers (SSH, TLS) add their field types on top and say how truncation is reported.
    """

    def __init__(self, data: bytes, what: str):
        self.data = data
        self.offset = 0
        self.what = what

    def truncated(self) -> Exception:
        """The error raised when a read runs past the end of the message."""
        raise NotImplementedError

    def take(self, size: int) -> bytes:
        """The next ``size`` bytes."""
        if size < 0 or self.offset + size > len(self.data):
            raise self.truncated()
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk

    def uint(self, width: int) -> int:
        """A big-endian unsigned integer of ``width`` bytes."""
        return int.from_bytes(self.take(width), "big")

    @property
    def left(self) -> int:
        """Bytes not read yet."""
        return len(self.data) - self.offset
