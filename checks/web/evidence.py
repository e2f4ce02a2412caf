"""Evidence from hostile bodies: bounded, control characters escaped, secrets reduced to names."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote, urlsplit

FIRST_BYTES = 160  # characters of a body kept as evidence
MAX_KEYS = 40
MAX_ENTRIES = 50
_KEY_LINE = re.compile(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,80})[ \t]*=")
_SECTION = re.compile(r"^[ \t]*\[([A-Za-z0-9_. \"/-]{1,80})\][ \t]*$")
_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"'<>]{1,1024})["']""", re.IGNORECASE)
_TITLE = re.compile(r"(?is)<(title|h1)>\s*([^<]{0,200})")


def escaped(text: str, limit: int = FIRST_BYTES) -> str:
    """``text`` bounded to ``limit`` characters, control characters written as ``\\xNN``."""
    out = []
    for char in text[:limit]:
        if char == "\\":
            out.append("\\\\")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")
    return "".join(out) + ("…" if len(text) > limit else "")


def first_bytes(body: bytes, limit: int = FIRST_BYTES) -> str:
    """The first bytes of a body as escaped text."""
    return escaped(body[: limit * 4].decode("utf-8", errors="replace"), limit)


def key_names(body: bytes) -> tuple[str, ...]:
    """The names of ``KEY=value`` lines (``section.key`` in INI files), never the values."""
    names: list[str] = []
    section = ""
    for line in body.decode("utf-8", errors="replace").splitlines():
        heading = _SECTION.match(line)
        if heading:
            section = heading.group(1).replace('"', "").replace(" ", ".")
            continue
        match = _KEY_LINE.match(line)
        if match:
            name = f"{section}.{match.group(1)}" if section else match.group(1)
            if name not in names:
                names.append(name)
        if len(names) >= MAX_KEYS:
            break
    return tuple(names)


def listing_entries(body: bytes) -> tuple[str, ...]:
    """The names a directory listing offers (not the parent, sort links or other sites), escaped."""
    text = body.decode("utf-8", errors="replace")
    entries: list[str] = []
    for href in _HREF.findall(text):
        href = unescape(href)
        if href.startswith(("?", "#", "../", "/", "..", "//")) or "://" in href:
            continue
        name = escaped(unquote(href.split("?", 1)[0]), 120)
        if name and name not in entries:
            entries.append(name)
        if len(entries) >= MAX_ENTRIES:
            break
    return tuple(entries)


def listing_title(body: bytes) -> str:
    """The listing's title (``Index of /data/``), escaped."""
    match = _TITLE.search(body.decode("utf-8", errors="replace"))
    return escaped(" ".join(match.group(2).split()), 120) if match else ""


def same_origin_links(body: bytes, limit: int) -> tuple[str, ...]:
    """Paths of the home page's links to the same site (relative, or absolute paths), one level.

    Only folder-like links (ending in ``/`` or without a file extension) are kept, because a
    listing lives at a folder's URL; schemes, other hosts and odd characters are dropped.
    """
    text = body.decode("utf-8", errors="replace")
    paths: list[str] = []
    for href in _HREF.findall(text):
        href = unescape(href).strip()
        if href.startswith(("//", "#", "?")) or ":" in href.split("/")[0]:
            continue  # another site, a fragment or query of the home page, or a scheme (mailto:, https:)
        path = urlsplit(href).path
        if not path:
            continue
        path = path if path.startswith("/") else "/" + path.removeprefix("./")
        if ".." in path or not re.fullmatch(r"/[A-Za-z0-9._~%/-]*", path):
            continue
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if path != "/" and (path.endswith("/") or "." not in last) and path not in paths:
            paths.append(path)
        if len(paths) >= limit:
            break
    return tuple(paths)


def evidence_for(mode: str, body: bytes, entries: tuple[str, ...]) -> dict[str, str]:
    """What a match keeps of the body, by the probe's ``evidence`` mode (never a secret's value)."""
    if mode == "body":
        return {"first_bytes": first_bytes(body)}
    if mode == "keys":
        return {"keys": ", ".join(key_names(body)) or "(none recognised)"}
    if mode == "listing":
        more = "+" if len(entries) >= MAX_ENTRIES else ""
        return {"title": listing_title(body), "entries": f"{len(entries)}{more}",
                "sample": ", ".join(entries[:10])}
    return {"bytes_read": str(len(body))}
