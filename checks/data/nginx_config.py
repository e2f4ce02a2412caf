"""nginx's configuration read as nginx reads it: every location with its effective root and listing.

The configuration is tokenised as nginx does (quotes, ``#`` comments, ``include`` with globs
relative to the configuration's directory) and each ``location`` gets its effective
``root``/``alias``, ``autoindex`` and access rules, inherited from ``http`` and ``server``.
A server's requests that no location matches are served from its own root (an implicit ``/``).
The result is the JSON form of ``sharing_facts.NginxConfig`` (or ``NotConfigured``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from auditor.checks.data.config_files import MAX_NESTING, ConfigFiles

_END, _OPEN, _CLOSE = ";", "{", "}"  # tokens of their own (ruff's S105 mistakes "token" for a password)
_PUNCTUATION = _END + _OPEN + _CLOSE
_CONTENT_HANDLERS = frozenset({"proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "return",
                               "memcached_pass"})
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
        if quoted or token not in _PUNCTUATION:
            words.append((token, line))
        elif token == _END:
            if not words:
                config.problem(file, line, "unexpected ';'")
                continue
            directive = Directive(words[0][0], [word for word, _ in words[1:]], file, words[0][1])
            is_include = directive.name == "include"
            directives += _nginx_include(config, directive, prefix, depth) if is_include else [directive]
            words = []
        elif token == _OPEN:
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
    if depth >= MAX_NESTING:
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
