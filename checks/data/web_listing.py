"""Web servers that serve repository paths, and whether they list directories (nginx, Apache).

nginx: the configuration is tokenised as nginx does (quotes, ``#`` comments, ``include`` with
globs relative to the configuration's directory) and each ``location`` gets its effective
``root``/``alias``, ``autoindex`` and access rules, inherited from ``http`` and ``server``.
Apache: ``DocumentRoot`` and ``Alias`` say what is reachable; ``<Directory>`` sections say
which ``Options`` (``Indexes``) and ``Require all denied`` apply where, merged shortest path
first as Apache merges them. ``<IfModule>`` and similar conditional sections are read as
active, so a listing is never missed because of a condition that is true on the server.

``exposures(facts, path)`` then tells, for a repository path, where a server lists it
(``listing``) or serves files from it (``served``), naming the configuration line.
"""

from __future__ import annotations

import fnmatch
import posixpath
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from auditor.checks.data.config_files import ConfigFiles, logical_lines
from auditor.checks.data.rules import relation

_CONTENT_HANDLERS = frozenset({"proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "return",
                               "memcached_pass"})
_MAX_NESTING = 32
# Directives that open a block: a "{" after one of them in the middle of a statement means the
# statement before it lacks its ";" (nginx reports it the same way).
_BLOCKS = frozenset({"http", "server", "location", "events", "upstream", "if", "map", "types", "geo",
                     "limit_except", "split_clients", "stream", "mail", "match"})


class _Syntax(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


@dataclass
class Directive:
    """One nginx directive with its arguments and, for ``name { ... }``, its block."""

    name: str
    args: list[str]
    file: str
    line: int
    block: list[Directive] | None = None

    @property
    def source(self) -> str:
        """``file:line`` of the directive."""
        return f"{self.file}:{self.line}"


# --- nginx ----------------------------------------------------------------------------------


def nginx_tokens(text: str) -> Iterator[tuple[str, int, bool]]:
    """(token, line, quoted) as nginx's tokeniser reads them; ``{ } ;`` are tokens of their own."""
    index, line, size = 0, 1, len(text)
    while index < size:
        char = text[index]
        if char == "\n":
            line += 1
            index += 1
        elif char.isspace():
            index += 1
        elif char == "#":
            while index < size and text[index] != "\n":
                index += 1
        elif char in "{};":
            yield char, line, False
            index += 1
        elif char in "\"'":
            start, index, buffer = line, index + 1, []
            while index < size and text[index] != char:
                if text[index] == "\\" and index + 1 < size:
                    index += 1
                if text[index] == "\n":
                    line += 1
                buffer.append(text[index])
                index += 1
            if index >= size:
                raise _Syntax(start, "unterminated quoted string")
            yield "".join(buffer), start, True
            index += 1
        else:
            start = index
            while index < size and not text[index].isspace() and text[index] not in ";{}":
                if text[index] == "$" and index + 1 < size and text[index + 1] == "{":
                    index = text.find("}", index) + 1 or size  # ${variable}
                    continue
                index += 1
            yield text[start:index], line, False


def parse_nginx(config: ConfigFiles, main: str) -> dict[str, Any]:
    """Facts of nginx's configuration: every location with its effective root, listing and access."""
    text = config.read(main)
    if text is None:
        return {"present": False, **config.to_dict()}
    prefix = posixpath.dirname(main)
    directives = _nginx_file(config, main, text, prefix, 0)
    locations = []
    for http in _blocks(directives, "http"):
        scope = _nginx_scope({"root": None, "autoindex": False, "denied": False, "restricted": False}, http.block)
        for server in _blocks(http.block or [], "server"):
            locations += _server_locations(server, scope)
    return {"present": True, "locations": locations, **config.to_dict()}


def _nginx_file(config: ConfigFiles, file: str, text: str, prefix: str, depth: int) -> list[Directive]:
    try:
        tokens = list(nginx_tokens(text))
    except _Syntax as exc:
        config.problem(file, exc.line, exc.args[0])
        return []
    position = [0]
    return _nginx_block(config, file, tokens, position, prefix, depth, nested=False)


def _nginx_block(config: ConfigFiles, file: str, tokens: list[tuple[str, int, bool]], position: list[int],
                 prefix: str, depth: int, *, nested: bool) -> list[Directive]:
    directives: list[Directive] = []
    words: list[tuple[str, int]] = []
    while position[0] < len(tokens):
        token, line, quoted = tokens[position[0]]
        position[0] += 1
        if quoted or token not in "{};":
            words.append((token, line))
        elif token == ";":
            if not words:
                config.problem(file, line, "unexpected ';'")
                continue
            directive = Directive(words[0][0], [word for word, _ in words[1:]], file, words[0][1])
            directives += _nginx_include(config, directive, prefix, depth) if directive.name == "include" else [directive]
            words = []
        elif token == "{":
            if not words:
                config.problem(file, line, "unexpected '{'")
            opener = next((index for index, (word, _) in enumerate(words) if word in _BLOCKS), 0)
            if opener > 0:
                config.problem(file, words[opener][1], f"directive '{words[0][0]}' is not terminated by ';'")
                directives.append(Directive(words[0][0], [word for word, _ in words[1:opener]], file, words[0][1]))
                words = words[opener:]
            block = _nginx_block(config, file, tokens, position, prefix, depth, nested=True)
            if words:
                directives.append(Directive(words[0][0], [word for word, _ in words[1:]], file, words[0][1], block))
            words = []
        else:  # "}"
            if words:
                config.problem(file, words[0][1], f"directive '{words[0][0]}' is not terminated by ';'")
            if not nested:
                config.problem(file, line, "unexpected '}'")
                continue
            return directives
    if words:
        config.problem(file, words[0][1], "unexpected end of file, expecting ';' or '}'")
    if nested:
        config.problem(file, tokens[-1][1] if tokens else 1, "unexpected end of file, expecting '}'")
    return directives


def _nginx_include(config: ConfigFiles, directive: Directive, prefix: str, depth: int) -> list[Directive]:
    if len(directive.args) != 1:
        config.problem(directive.file, directive.line, "include takes one file or pattern")
        return []
    if depth >= _MAX_NESTING:
        config.problem(directive.file, directive.line, "includes nested too deeply")
        return []
    pattern = directive.args[0]
    if not pattern.startswith("/"):
        pattern = posixpath.join(prefix, pattern)
    paths = config.glob(pattern) if any(char in pattern for char in "*?[") else [pattern]
    included: list[Directive] = []
    for path in paths:
        text = config.read(path, origin=(directive.file, directive.line))
        if text is not None:
            included += _nginx_file(config, path, text, prefix, depth + 1)
    return included


def _blocks(directives: list[Directive] | None, name: str) -> list[Directive]:
    return [directive for directive in directives or [] if directive.name == name and directive.block is not None]


def _nginx_scope(parent: dict[str, Any], block: list[Directive] | None) -> dict[str, Any]:
    """Effective settings of a block: inherited, then its own directives."""
    scope = {**parent, "alias": None, "static": True}
    access = []
    for directive in block or []:
        if directive.name == "root" and directive.args:
            scope["root"], scope["root_source"] = directive.args[0], directive.source
        elif directive.name == "alias" and directive.args:
            scope["alias"] = directive.args[0]
        elif directive.name == "autoindex" and directive.args:
            scope["autoindex"], scope["autoindex_source"] = directive.args[0] == "on", directive.source
        elif directive.name in ("allow", "deny") and directive.args:
            access.append((directive.name, directive.args[0]))
        elif directive.name == "internal":
            scope["denied"] = True
        elif directive.name in _CONTENT_HANDLERS:
            scope["static"] = False
    if access:  # a block's own allow/deny rules replace the inherited ones; the first match wins
        scope["denied"] = access[0] == ("deny", "all")
        scope["restricted"] = not scope["denied"]
    return scope


def _server_locations(server: Directive, http_scope: dict[str, Any]) -> list[dict[str, Any]]:
    scope = _nginx_scope(http_scope, server.block)
    names = [arg for directive in server.block or [] if directive.name == "server_name" for arg in directive.args]
    listen = [directive.args[0] for directive in server.block or [] if directive.name == "listen" and directive.args]
    server_id = server.source
    found: list[dict[str, Any]] = []

    def visit(block: list[Directive] | None, parent: dict[str, Any]) -> None:
        for location in _blocks(block, "location"):
            modifier, url = ("", location.args[0]) if len(location.args) == 1 else (location.args[0], location.args[-1])
            own = _nginx_scope(parent, location.block)
            found.append(_location(server_id, names, listen, url, modifier, own, location.source))
            visit(location.block, own)

    visit(server.block, scope)
    if not any(entry["url"] == "/" and entry["modifier"] in ("", "^~") for entry in found):
        # Requests no location matches are served from the server's own root.
        found.append(_location(server_id, names, listen, "/", "", scope, server.source))
    return found


def _location(server: str, names: list[str], listen: list[str], url: str, modifier: str, scope: dict[str, Any],
              source: str) -> dict[str, Any]:
    return {
        "server": "nginx", "server_block": server, "server_names": names, "listen": listen,
        "url": url, "modifier": modifier, "root": scope.get("root"), "alias": scope.get("alias"),
        "listing": bool(scope.get("autoindex")), "denied": bool(scope.get("denied")),
        "restricted": bool(scope.get("restricted")), "static": bool(scope.get("static")),
        "source": source, "listing_source": scope.get("autoindex_source", ""),
    }


def _location_directory(entry: dict[str, Any]) -> str | None:
    """The directory a prefix location's URL maps to (alias replaces the URL, root prefixes it)."""
    if entry["alias"]:
        return posixpath.normpath(entry["alias"])
    if entry["root"]:
        if entry["modifier"] in ("~", "~*"):
            return posixpath.normpath(entry["root"])  # a regex: any URL under the root may match
        return posixpath.normpath(entry["root"].rstrip("/") + "/" + entry["url"].lstrip("/"))
    return None


def _nginx_exposures(locations: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    found = []
    for entry in locations:
        directory = _location_directory(entry)
        if directory is None or not entry["static"] or entry["denied"]:
            continue
        where = relation(directory, path)
        if where is None or (where == "contains" and entry["modifier"] == "="):
            continue
        url = entry["url"]
        if where == "contains" and entry["modifier"] not in ("~", "~*"):
            # A repository is a directory: nginx answers its URL without the slash with a redirect.
            url = url.rstrip("/") + "/" + posixpath.relpath(path, directory) + "/"
        if entry["modifier"] not in ("~", "~*", "=") and _winner(locations, entry, url) is not entry:
            continue  # a more specific location answers that URL; it is judged on its own
        found.append(_exposure(entry, url, directory, where, entry["listing"]))
    return found


def _winner(locations: list[dict[str, Any]], entry: dict[str, Any], url: str) -> dict[str, Any]:
    """The prefix location of the same server block that nginx would pick for ``url``."""
    best = entry
    for other in locations:
        if other["server_block"] != entry["server_block"] or other["modifier"] in ("~", "~*", "="):
            continue
        if url.startswith(other["url"]) and len(other["url"]) > len(best["url"]):
            best = other
    return best


# --- Apache ---------------------------------------------------------------------------------


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
    global_options: list[str] = []
    _apache_file(config, model, main, text, [], global_options, 0)
    return {"present": True, "roots": model.roots, "directories": model.directories,
            "global_options": global_options, **config.to_dict()}


def _apache_file(config: ConfigFiles, model: _Apache, file: str, text: str, stack: list[dict[str, Any]],
                 global_options: list[str], depth: int) -> None:
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
                      stack: list[dict[str, Any]], global_options: list[str], depth: int) -> None:
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
                    stack: list[dict[str, Any]], global_options: list[str], depth: int) -> None:
    if depth >= _MAX_NESTING:
        config.problem(file, line, "includes nested too deeply")
        return
    if not pattern.startswith("/"):
        pattern = posixpath.join(model.server_root, pattern)
    wildcard = any(char in pattern for char in "*?[")
    paths = config.glob(pattern) if wildcard else [pattern]
    if not paths and name == "include":
        config.problem(file, line, f"Include {pattern} matches no file (Apache refuses to start)")
    for path in paths:
        if config.is_dir(path):
            paths_in_dir = config.glob(posixpath.join(path, "*"))
        else:
            paths_in_dir = [path]
        for child in paths_in_dir:
            origin = (file, line) if name == "include" else None
            text = config.read(child, origin=origin)
            if text is not None:
                _apache_file(config, model, child, text, stack, global_options, depth + 1)


def apply_options(current: set[str], args: list[str]) -> set[str]:
    """Apache's Options merge: all-relative (+X/-X) modifies, otherwise the list replaces."""
    if args and all(arg[:1] in "+-" for arg in args):
        result = set(current)
        for arg in args:
            option = arg[1:].lower()
            (result.add if arg[0] == "+" else result.discard)(option)
        return result
    result = set()
    for arg in args:
        option = arg.lstrip("+-").lower()
        if option == "all":
            result |= {"indexes", "includes", "followsymlinks", "execcgi", "symlinksifownermatch"}
        elif option != "none":
            result.add(option)
    return result


def _applies(directory: dict[str, Any], path: str) -> bool:
    if directory["regex"]:
        return False  # regular expressions are not evaluated; reported as not judged
    pattern = posixpath.normpath(directory["path"])
    if any(char in pattern for char in "*?["):
        depth = pattern.count("/")
        prefix = "/".join(path.split("/")[: depth + 1])
        return fnmatch.fnmatchcase(prefix, pattern)
    return relation(path, pattern) in ("same", "inside")


def apache_effective(facts: dict[str, Any], path: str) -> tuple[bool, bool, str]:
    """(Indexes on, access denied, the ``file:line`` that decided the listing) for a directory."""
    options: set[str] = set()
    decided = ""
    for entry in facts.get("global_options", []):
        options, decided = apply_options(options, entry["args"]), entry["source"]
    denied = False
    applicable = [entry for entry in facts.get("directories", []) if _applies(entry, path)]
    for entry in sorted(applicable, key=lambda item: posixpath.normpath(item["path"]).count("/")):
        for option in entry["options"]:
            options, decided = apply_options(options, option["args"]), option["source"]
        if entry["require"] in ("denied", "granted"):
            denied = entry["require"] == "denied"
    return "indexes" in options, denied, decided


def _apache_exposures(facts: dict[str, Any], path: str) -> list[dict[str, Any]]:
    found = []
    for root in facts.get("roots", []):
        directory = posixpath.normpath(root["path"])
        where = relation(directory, path)
        if where is None:
            continue
        judged = path if where in ("same", "contains") else directory
        url = root["url"].rstrip("/") + "/" + posixpath.relpath(judged, directory).lstrip(".")
        listing, denied, decided = apache_effective(facts, judged)
        if not denied:
            entry = {"server": "apache", "url": url, "source": root["source"], "listing_source": decided}
            found.append(_exposure(entry, url, directory, where, listing))
        for inner in facts.get("directories", []):  # sections deeper in the repository that list it
            inner_path = posixpath.normpath(inner["path"])
            if inner["regex"] or relation(inner_path, judged) != "inside":
                continue
            listing, denied, decided = apache_effective(facts, inner_path)
            if listing and not denied:
                entry = {"server": "apache", "url": url, "source": inner["source"], "listing_source": decided}
                found.append(_exposure(entry, url, inner_path, "inside", True))
    return found


def _exposure(entry: dict[str, Any], url: str, directory: str, where: str, listing: bool) -> dict[str, Any]:
    return {
        "server": entry["server"],
        "kind": "listing" if listing else "served",
        "url": url,
        "directory": directory,
        "part": "a subdirectory" if where == "inside" else "the repository",
        "source": entry["source"],
        "listing_source": entry.get("listing_source", ""),
        "restricted": bool(entry.get("restricted")),
    }


def exposures(facts: dict[str, Any], path: str) -> list[dict[str, Any]]:
    """Where the web servers in ``facts`` serve or list the repository at ``path``."""
    found = []
    nginx = facts.get("nginx", {})
    if nginx.get("present"):
        found += _nginx_exposures(nginx.get("locations", []), path)
    for apache in facts.get("apache", []):
        if apache.get("present"):
            found += _apache_exposures(apache, path)
    return found
