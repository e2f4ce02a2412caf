"""Apache's configuration: the directories it makes reachable and the Directory sections that matter.

``DocumentRoot`` and ``Alias`` say what is reachable; ``<Directory>`` sections say which
``Options`` (``Indexes``) and ``Require all`` apply where. ``<IfModule>`` and similar
conditional sections are read as active, so a listing is never missed because of a condition
that is true on the server. The result is the JSON form of ``sharing_facts.ApacheConfig`` (or
``NotConfigured``); ``web_listing`` merges the sections as Apache does.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field
from typing import Any

from auditor.checks.data.config_files import MAX_NESTING, ConfigFiles, logical_lines


@dataclass
class _Apache:
    roots: list[dict[str, Any]] = field(default_factory=list)
    directories: list[dict[str, Any]] = field(default_factory=list)
    server_root: str = ""


def parse_apache(config: ConfigFiles, main: str) -> dict[str, Any]:
    """Facts of an Apache configuration: reachable roots and the Directory sections that matter."""
    text = config.read(main)
    if text is None:
        return {"present": False, **config.to_dict()}
    model = _Apache(server_root=posixpath.dirname(main))
    global_options: list[dict[str, Any]] = []
    _apache_file(config, model, main, text, [], global_options, 0)
    return {"present": True, "roots": model.roots, "directories": model.directories,
            "global_options": global_options, **config.to_dict()}


def _apache_file(config: ConfigFiles, model: _Apache, file: str, text: str, stack: list[dict[str, Any]],
                 global_options: list[dict[str, Any]], depth: int) -> None:
    opened = len(stack)
    for number, raw in logical_lines(text):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=False, posix=True)
        except ValueError:
            config.problem(file, number, f"unbalanced quotes: {line[:80]}")
            continue
        name = words[0].lower()
        if name.startswith("</"):
            closing = name[2:].rstrip(">")
            if len(stack) <= opened or stack[-1]["section"] != closing:
                config.problem(file, number, f"unexpected {words[0]}")
                continue
            stack.pop()
            continue
        if name.startswith("<"):
            if not line.endswith(">"):
                config.problem(file, number, f"section opening without '>': {line[:80]}")
                continue
            args = [word.rstrip(">") for word in words[1:]] if len(words) > 1 else []
            args = [arg for arg in args if arg]
            stack.append(_section(name[1:].rstrip(">"), args, file, number, model))
            continue
        _apache_directive(config, model, file, number, name, words[1:], stack, global_options, depth)
    while len(stack) > opened:
        section = stack.pop()
        config.problem(file, section["line"], f"<{section['section']}> is not closed in this file")


def _section(name: str, args: list[str], file: str, line: int, model: _Apache) -> dict[str, Any]:
    section: dict[str, Any] = {"section": name, "args": args, "file": file, "line": line}
    if name in ("directory", "directorymatch") and args:
        regex = name == "directorymatch" or args[0] == "~"
        entry = {"path": args[-1], "regex": regex, "options": [], "require": None, "source": f"{file}:{line}"}
        model.directories.append(entry)
        section["directory"] = entry
    return section


def _apache_directive(config: ConfigFiles, model: _Apache, file: str, line: int, name: str, args: list[str],
                      stack: list[dict[str, Any]], global_options: list[dict[str, Any]], depth: int) -> None:
    source = f"{file}:{line}"
    directory = next((section["directory"] for section in reversed(stack) if "directory" in section), None)
    in_other_section = any(section["section"] in ("location", "locationmatch", "files", "filesmatch")
                           for section in stack)
    if name == "serverroot" and args:
        model.server_root = args[0]
    elif name == "documentroot" and args:
        model.roots.append({"url": "/", "path": args[0], "source": source})
    elif name == "alias" and len(args) >= 2:
        model.roots.append({"url": args[0], "path": args[1], "source": source})
    elif name == "options" and not in_other_section:
        target = directory["options"] if directory is not None else global_options
        target.append({"args": args, "source": source})
    elif name == "require" and directory is not None and len(args) >= 2 and args[0].lower() == "all":
        directory["require"] = args[1].lower()
    elif name in ("include", "includeoptional") and args:
        _apache_include(config, model, file, line, name, args[0], stack, global_options, depth)


def _apache_include(config: ConfigFiles, model: _Apache, file: str, line: int, name: str, pattern: str,
                    stack: list[dict[str, Any]], global_options: list[dict[str, Any]], depth: int) -> None:
    if depth >= MAX_NESTING:
        config.problem(file, line, "includes nested too deeply")
        return
    if not pattern.startswith("/"):
        pattern = posixpath.join(model.server_root, pattern)
    wildcard = any(char in pattern for char in "*?[")
    paths = config.glob(pattern) if wildcard else [pattern]
    if not paths and name == "include":
        config.problem(file, line, f"Include {pattern} matches no file (Apache refuses to start)")
    for path in paths:
        for child in config.glob(posixpath.join(path, "*")) if config.is_dir(path) else [path]:
            origin = (file, line) if name == "include" else None
            text = config.read(child, origin=origin)
            if text is not None:
                _apache_file(config, model, child, text, stack, global_options, depth + 1)
