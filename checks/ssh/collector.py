"""The ``sshd`` collector: the daemon's effective configuration, host key files and banner.

The source of truth is ``sshd -T`` (with ``-C`` for each Match context the profile names),
because only the daemon itself knows its compiled-in defaults and how it applies Match
blocks. Where it cannot run (not root, no sshd binary, a config it rejects) the collector
falls back to parsing the configuration with sshd's semantics, and says so in the facts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auditor.check import CollectEnv, Collector
from auditor.checks.ssh.facts import (
    SOURCE_PARSED,
    SOURCE_SSHD_T,
    BannerFile,
    BannerText,
    HostKeyFile,
    MissingFile,
    NoBanner,
    SshdContext,
    SshdFacts,
    StatFile,
    UnreadableBanner,
    UnstattableFile,
)
from auditor.checks.ssh.sshd_config.parser import (
    EffectiveConfig,
    MatchContext,
    SshdConfigError,
    parse_sshd_config,
    parse_sshd_t_output,
)
from auditor.config.yamlfile import MapReader
from auditor.errors import CollectError, FactsUnavailable, NotAssessable
from auditor.hosts.base import Host

_SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")
_BANNER_BYTES = 4096  # the banner is shown before login; its first few KB are all a check reads
_CONTEXT_KEYS = ("user", "host", "addr", "laddr", "lport", "rdomain", "groups")


class SshdCollector(Collector):
    """Collects the ``sshd`` facts."""

    name = "sshd"
    produces = SshdFacts
    options = {
        "config": "/etc/ssh/sshd_config",
        "binary": "sshd",
        "sshdir": "/etc/ssh",
        "match_contexts": [],
    }

    def parse_options(self, reader: MapReader) -> dict[str, Any]:
        """Plain options plus ``match_contexts``: a list of {user, host, addr, ...} mappings."""
        reader.reject_unknown(frozenset(self.options))
        values = dict(self.options)
        for key in ("config", "binary", "sshdir"):
            values[key] = reader.string(key, values[key])
        values["match_contexts"] = [_match_context(item) for item in reader.items("match_contexts")]
        return values

    def collect(self, env: CollectEnv) -> SshdFacts:
        """Effective config per context, plus host key file modes and the banner file."""
        host = _require_host(env.host)
        options = env.options
        contexts: list[MatchContext | None] = [None, *options["match_contexts"]]
        binary = host.which(options["binary"], _SBIN_DIRS)
        effective, notes = _effective(host, binary, options, contexts, env.timeout)
        global_context = effective.contexts[0]
        return SshdFacts(
            source=effective.source,
            contexts=effective.contexts,
            files=effective.files,
            notes=(*notes, *effective.notes),
            binary=binary,
            config=options["config"],
            host_keys=tuple(_file_fact(host, path) for path in global_context.values("hostkey")),
            banner=_banner_fact(host, global_context.value("banner", "none")),
        )


@dataclass(frozen=True)
class _Effective:
    """The effective configuration as one of the two sources read it."""

    source: str
    contexts: tuple[SshdContext, ...]
    files: tuple[str, ...]
    notes: tuple[str, ...] = ()


def _effective(host: Host, binary: str | None, options: Mapping[str, Any], contexts: list[MatchContext | None],
               timeout: float) -> tuple[_Effective, list[str]]:
    """``sshd -T`` where it runs, else the parsed files; with notes on why the files were parsed."""
    notes: list[str] = []
    effective: _Effective | None = None
    refused = ""  # why sshd -T could not get the privilege it needs (e.g. sudo wants a password)
    if binary is None:
        notes.append(f"{options['binary']} not found: effective configuration parsed from the files")
    else:
        try:
            effective, failure = _from_sshd_t(host, binary, options["config"], contexts, timeout)
        except NotAssessable as exc:
            effective, failure = None, str(exc)
            refused = f"sshd -T not run: {exc}"
        if failure:
            notes.append(f"sshd -T failed ({failure}): effective configuration parsed from the files")
    if effective is None:
        try:
            effective = _from_files(host, options["config"], options["sshdir"], contexts,
                                    sshd_found=binary is not None)
        except NotAssessable as exc:
            raise NotAssessable("; ".join(filter(None, [str(exc), refused]))) from None
    return effective, notes


def _require_host(host: Host | None) -> Host:
    if host is None:
        raise FactsUnavailable("sshd configuration needs host access")
    return host


def _match_context(item: MapReader) -> MatchContext:
    item.reject_unknown(frozenset(_CONTEXT_KEYS))
    if not any(item.has(key) for key in ("user", "host", "addr", "laddr", "lport", "rdomain")):
        item.fail(None, "a Match context needs at least one of user, host, addr, laddr, lport, rdomain")
    lport = item.number("lport", None, minimum=1)
    if lport is not None and (lport != int(lport) or lport > 65535):
        item.fail("lport", f"expected a port number 1-65535, got {lport}")
    return MatchContext(
        user=item.string("user", None),
        host=item.string("host", None),
        addr=item.string("addr", None),
        laddr=item.string("laddr", None),
        lport=int(lport) if lport is not None else None,
        rdomain=item.string("rdomain", None),
        groups=tuple(item.strings("groups", [])),
    )


def _context_fact(context: MatchContext | None, settings: Mapping[str, list[str]],
                  defaulted: frozenset[str] = frozenset()) -> SshdContext:
    return SshdContext(
        label=context.label() if context else "global",
        match=context.to_sshd_arg() if context else "",
        settings={keyword: tuple(values) for keyword, values in settings.items()},
        defaulted=tuple(sorted(defaulted)),
    )


def _from_sshd_t(host: Host, binary: str, config: str, contexts: list[MatchContext | None],
                 timeout: float) -> tuple[_Effective | None, str]:
    """Run ``sshd -T`` once per context; (None, why) on the first failure."""
    results = []
    for context in contexts:
        argv = [binary, "-T", "-f", config]
        if context is not None:
            argv += ["-C", context.to_sshd_arg()]
        try:
            output = host.run(argv, timeout=timeout, privileged=True)  # sshd -T reads the host keys
        except NotAssessable:
            raise  # the privilege is missing, not the daemon at fault: the caller says so
        except CollectError as exc:
            return None, str(exc)
        if not output.ok:
            return None, output.first_error_line()
        results.append(_context_fact(context, parse_sshd_t_output(output.stdout)))
    return _Effective(SOURCE_SSHD_T, tuple(results), (config,)), ""


def _from_files(host: Host, config: str, sshdir: str, contexts: list[MatchContext | None],
                *, sshd_found: bool) -> _Effective:
    """Parse the configuration files; missing or unreadable files decide the status."""
    parsed: list[tuple[MatchContext | None, EffectiveConfig]] = []
    try:
        for context in contexts:
            parsed.append((context, parse_sshd_config(host, config, context, sshdir=sshdir)))
    except FileNotFoundError as exc:
        if not sshd_found:
            raise FactsUnavailable(f"no SSH daemon here: neither sshd nor {config} found") from None
        raise CollectError(f"{exc.filename or config}: not found") from None
    except PermissionError as exc:
        raise NotAssessable(f"{exc.filename or config}: permission denied (run as root to read it)") from None
    except SshdConfigError as exc:
        raise CollectError(str(exc)) from None
    except OSError as exc:
        raise CollectError(f"{exc.filename or config}: {exc.strerror or exc}") from None
    return _Effective(
        SOURCE_PARSED,
        tuple(_context_fact(context, result.settings, result.defaulted) for context, result in parsed),
        tuple(parsed[-1][1].files),
        tuple(dict.fromkeys(note for _, result in parsed for note in result.notes)),
    )


def _file_fact(host: Host, path: str) -> HostKeyFile:
    try:
        return StatFile.of(host.stat(path))
    except FileNotFoundError:
        return MissingFile(path=path)
    except OSError as exc:
        return UnstattableFile(path=path, error=exc.strerror or str(exc))


def _banner_fact(host: Host, path: str) -> BannerFile:
    if path.lower() == "none":
        return NoBanner()
    found = _file_fact(host, path)
    if not isinstance(found, StatFile):
        return found
    stat = dataclasses.asdict(found)
    try:
        return BannerText(**stat, text=host.read_text(path)[:_BANNER_BYTES])
    except OSError as exc:
        return UnreadableBanner(**stat, error=exc.strerror or str(exc))
