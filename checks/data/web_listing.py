"""Where web servers serve or list a repository path, from their facts (nginx, Apache).

``exposures(facts, path)`` tells, for a repository path, where a server lists it (``listing``)
or serves files from it (``served``), naming the configuration line. nginx: the location nginx
would pick for the repository's URL decides (a more specific one is judged on its own).
Apache: ``<Directory>`` sections are merged shortest path first, as Apache merges them; regular
expressions (``<DirectoryMatch>``) are not evaluated. The parsers are ``nginx_config`` and
``apache_config``.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.checks.data.rules import relation
from auditor.checks.data.sharing_facts import ApacheConfig, ApacheDirectory, NginxLocation, WebServersFacts

_REGEX = ("~", "~*")


@dataclass(frozen=True)
class Exposure:
    """A place a web server serves (or lists) a repository or a directory in it."""

    server: str  # "nginx" or "apache"
    kind: str  # "listing" or "served"
    url: str
    directory: str
    part: str  # "the repository" or "a subdirectory"
    source: str  # file:line of the location, root or Directory section
    listing_source: str  # file:line that decided the listing ("" when inherited)
    restricted: bool  # access limited to some addresses
    site: str = ""  # the nginx server block's names (or listen address); "" for Apache

    def qualifier(self) -> str:
        """What tells this exposure from another of the same URL: the server block, else the directory."""
        return self.site or self.directory


def _exposure(server: str, url: str, directory: str, where: str, listing: bool, source: str,
              listing_source: str = "", restricted: bool = False, site: str = "") -> Exposure:
    return Exposure(server=server, kind="listing" if listing else "served", url=url, directory=directory,
                    part="a subdirectory" if where == "inside" else "the repository", source=source,
                    listing_source=listing_source, restricted=restricted, site=site)


def exposures(facts: WebServersFacts, path: str) -> list[Exposure]:
    """Where the web servers in ``facts`` serve or list the repository at ``path``."""
    found = []
    if facts.nginx.present:
        found += _nginx_exposures(facts.nginx.locations, path)
    for apache in facts.apache:
        found += _apache_exposures(apache, path)
    return found


# --- nginx ----------------------------------------------------------------------------------


def _location_directory(entry: NginxLocation) -> str | None:
    """The directory a prefix location's URL maps to (alias replaces the URL, root prefixes it)."""
    if entry.alias:
        return posixpath.normpath(entry.alias)
    if entry.root:
        if entry.modifier in _REGEX:
            return posixpath.normpath(entry.root)  # a regex: any URL under the root may match
        return posixpath.normpath(entry.root.rstrip("/") + "/" + entry.url.lstrip("/"))
    return None


def _nginx_exposures(locations: tuple[NginxLocation, ...], path: str) -> list[Exposure]:
    found = []
    for entry in locations:
        directory = _location_directory(entry)
        if directory is None or not entry.static or entry.denied:
            continue
        where = relation(directory, path)
        if where is None or (where == "contains" and entry.modifier == "="):
            continue
        url = entry.url
        if where == "contains" and entry.modifier not in _REGEX:
            # A repository is a directory: nginx answers its URL without the slash with a redirect.
            url = url.rstrip("/") + "/" + posixpath.relpath(path, directory) + "/"
        if entry.modifier not in (*_REGEX, "=") and _winner(locations, entry, url) is not entry:
            continue  # a more specific location answers that URL; it is judged on its own
        site = ",".join(entry.server_names) or ",".join(entry.listen) or entry.server_block
        found.append(_exposure(entry.server, url, directory, where, entry.listing, entry.source,
                               entry.listing_source, entry.restricted, site))
    return found


def _winner(locations: Iterable[NginxLocation], entry: NginxLocation, url: str) -> NginxLocation:
    """The prefix location of the same server block that nginx would pick for ``url``."""
    best = entry
    for other in locations:
        if other.server_block != entry.server_block or other.modifier in (*_REGEX, "="):
            continue
        if url.startswith(other.url) and len(other.url) > len(best.url):
            best = other
    return best


# --- Apache ---------------------------------------------------------------------------------


def apply_options(current: set[str], args: Iterable[str]) -> set[str]:
    """Apache's Options merge: all-relative (+X/-X) modifies, otherwise the list replaces."""
    args = list(args)
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


def _applies(directory: ApacheDirectory, path: str) -> bool:
    if directory.regex:
        return False  # regular expressions are not evaluated; reported as not judged
    pattern = posixpath.normpath(directory.path)
    if any(char in pattern for char in "*?["):
        depth = pattern.count("/")
        prefix = "/".join(path.split("/")[: depth + 1])
        return fnmatch.fnmatchcase(prefix, pattern)
    return relation(path, pattern) in ("same", "inside")


def apache_effective(facts: ApacheConfig, path: str) -> tuple[bool, bool, str]:
    """(Indexes on, access denied, the ``file:line`` that decided the listing) for a directory."""
    options: set[str] = set()
    decided = ""
    for entry in facts.global_options:
        options, decided = apply_options(options, entry.args), entry.source
    denied = False
    applicable = [entry for entry in facts.directories if _applies(entry, path)]
    for directory in sorted(applicable, key=lambda item: posixpath.normpath(item.path).count("/")):
        for option in directory.options:
            options, decided = apply_options(options, option.args), option.source
        if directory.require in ("denied", "granted"):
            denied = directory.require == "denied"
    return "indexes" in options, denied, decided


def _apache_exposures(facts: ApacheConfig, path: str) -> list[Exposure]:
    found = []
    for root in facts.roots:
        directory = posixpath.normpath(root.path)
        where = relation(directory, path)
        if where is None:
            continue
        judged = path if where in ("same", "contains") else directory
        url = root.url.rstrip("/") + "/" + posixpath.relpath(judged, directory).lstrip(".")
        listing, denied, decided = apache_effective(facts, judged)
        if not denied:
            found.append(_exposure("apache", url, directory, where, listing, root.source, decided))
        for inner in facts.directories:  # sections deeper in the repository that list it
            inner_path = posixpath.normpath(inner.path)
            if inner.regex or relation(inner_path, judged) != "inside":
                continue
            listing, denied, decided = apache_effective(facts, inner_path)
            if listing and not denied:
                inner_url = root.url.rstrip("/") + "/" + posixpath.relpath(inner_path, directory) + "/"
                found.append(_exposure("apache", inner_url, inner_path, "inside", True, inner.source, decided))
    return found
