"""Reading the user's input files and writing outputs atomically (no half-written snapshot or report)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from auditor.errors import InputError


def read_input(path: str | Path, error: type[InputError]) -> str:
    """Text of an input file; a missing or unreadable file raises ``error`` naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(str(path), "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(path), f"cannot read: {exc}") from None


def _current_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread starts.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


UMASK = _current_umask()  # read once: os.umask can only be read by setting it


def write_atomic(path: str | Path, text: str | Iterable[str], durable: bool = True) -> None:
    """Write ``text`` (a string or string chunks) to ``path`` via a temporary file and a rename.

    Chunks let a large document (a fleet snapshot) go to disk without first becoming one string.
    The file gets the mode a plain ``open()`` would give it (0666 less the umask), so a
    restrictive umask keeps an institution's posture data private. A path that exists and is
    not a regular file (``/dev/stdout``, a named pipe) is written in place: renaming over it
    would replace the device with a file. ``durable=False`` skips the fsync for files that can
    be made again from a durable one (report pages, from the snapshot): readers still never see a
    half-written file, and a fleet's thousand pages do not wait for the disk a thousand times.
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8") as stream:
            _write(stream, text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            _write(stream, text)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~UMASK)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write(stream: TextIO, text: str | Iterable[str]) -> None:
    if isinstance(text, str):
        stream.write(text)
    else:
        stream.writelines(text)
