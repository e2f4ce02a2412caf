"""The ``host_accounts`` collector: accounts (getent passwd), password field *states* from
/etc/shadow (root only; the hash is dropped while parsing), last logins (lastlog), sudo rules,
and every authorized_keys entry, found where sshd looks for them.

Where sshd looks is its ``AuthorizedKeysFile`` as the configuration gives it for each account
and for the port the target is reached on (Match User / LocalPort blocks are evaluated with the
ssh area's configuration parser, so no root is needed).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from auditor.check import CollectEnv, Collector
from auditor.checks.host import accounts_parse, authorized_keys
from auditor.checks.host.common import read, readable, require_host, run
from auditor.checks.host.facts import Account, AccountsFacts, AuthorizedKey, SudoRule
from auditor.errors import CollectError
from auditor.hosts.base import Host
from auditor.models import TargetKind

_DEFAULT_KEYS_FILES = (".ssh/authorized_keys", ".ssh/authorized_keys2")
_MAX_ACCOUNTS = 5000
_MAX_KEY_LINES = 2000  # per file
_MAX_SUDOERS_FILES = 200
_GREP_BATCH = 200  # key files per grep command


class AccountsCollector(Collector):
    """Collects the ``host_accounts`` facts."""

    name = "host_accounts"
    produces = AccountsFacts
    options = {"sshd_config": "/etc/ssh/sshd_config", "authorized_keys_files": []}

    def collect(self, env: CollectEnv) -> AccountsFacts:
        """Accounts, shadow states, last logins, sudo rules and authorized keys."""
        host = require_host(env.host)
        today = dt.datetime.now(dt.UTC).date()
        passwd = run(host, ["getent", "passwd"], env.timeout)
        text = passwd.stdout if passwd and passwd.ok else (read(host, "/etc/passwd") or "")
        entries = [line.split(":") for line in text.splitlines()[:_MAX_ACCOUNTS] if line.count(":") >= 6]
        shadow_text, shadow_error = readable(host, "/etc/shadow")
        shadow = accounts_parse.parse_shadow(shadow_text, today) if shadow_text is not None else {}
        logins = _lastlog(host, env.timeout)
        accounts = []
        for name, pw, uid, gid, _gecos, home, shell, *_ in entries:
            if not (uid.isdigit() and gid.isdigit()):
                continue
            if name in shadow:
                state, expired = shadow[name]
            elif pw not in ("x", "*") or shadow_text is not None:
                state, expired = accounts_parse.password_state(pw if pw != "x" else "*"), None
            else:
                state, expired = "unknown", None
            accounts.append(Account(name=name, uid=int(uid), gid=int(gid), home=home, shell=shell,
                                    shell_allows_login=accounts_parse.shell_allows_login(shell), password=state,
                                    expired=expired, last_login=(logins.last or {}).get(name),
                                    last_login_known=logins.known(name)))
        patterns, command, per_account = _keys_files(host, env, accounts)
        keys, unreadable = _keys(host, accounts, per_account, env.timeout)
        rules, sudo_error = _sudoers(host)
        return AccountsFacts(accounts=tuple(accounts), shadow_error=shadow_error, lastlog_error=logins.error,
                             logins_source=logins.source, logins_since=logins.since,
                             keys=tuple(keys), keys_files=tuple(patterns), keys_unreadable=tuple(unreadable),
                             keys_command=command, sudo_rules=rules, sudo_error=sudo_error,
                             collected_at=time.time())


@dataclass(frozen=True)
class _Logins:
    """Last logins as one of the login records told them."""

    last: dict[str, float | None] | None  # None: not learned (see error)
    error: str = ""
    source: str = ""  # lastlog, lastlog2, last, wtmpdb last
    since: float | None = None  # wtmp: when its records begin (accounts absent logged in before, or never)

    def known(self, name: str) -> bool:
        """The records say something about ``name`` (wtmp: absence is knowledge too, from ``since`` on)."""
        return self.last is not None and (name in self.last or self.since is not None)


def _lastlog(host: Host, timeout: float) -> _Logins:
    """lastlog (or lastlog2); where neither is installed (Debian 13 and newer dropped lastlog),
    the login records wtmp keeps, through ``last`` (util-linux or wtmpdb) or ``wtmpdb last``."""
    for program in ("lastlog", "lastlog2"):
        path = host.which(program, ("/usr/bin", "/bin"))
        if path is None:
            continue
        result = run(host, [path], timeout, privileged=True)
        if result is not None and result.ok:
            return _Logins(accounts_parse.parse_lastlog(result.stdout), source=program)
        return _Logins(None, f"{program} failed: {result.first_error_line() if result else 'could not run'}")
    for program, args in (("last", []), ("wtmpdb", ["last"])):
        path = host.which(program, ("/usr/bin", "/bin"))
        if path is None:
            continue
        result = run(host, [path, *args, "-w", "--time-format", "iso"], timeout, privileged=True)
        name = " ".join([program, *args])
        if result is None or not result.ok:
            return _Logins(None, f"{name} failed: {result.first_error_line() if result else 'could not run'}")
        logins, since = accounts_parse.parse_last(result.stdout)
        return _Logins(dict(logins), source=name, since=since)
    return _Logins(None, "none of lastlog, lastlog2, last or wtmpdb is installed: last logins are unknown")


def _target_port(env: CollectEnv, global_ports: list[str]) -> int | None:
    if env.target.kind is TargetKind.SSH:
        return env.target.port or 22
    return int(global_ports[0]) if global_ports and global_ports[0].isdigit() else 22


def _keys_files(host: Host, env: CollectEnv, accounts: list[Account]) -> tuple[list[str], str, dict[str, list[str]]]:
    """The global patterns, AuthorizedKeysCommand, and each account's patterns (Match blocks applied)."""
    override = list(env.options.get("authorized_keys_files") or [])
    if override:
        return override, "", {account.name: override for account in accounts}
    from auditor.checks.ssh.sshd_config.match import MatchContext  # the ssh area's parser: loaded when used
    from auditor.checks.ssh.sshd_config.parser import SshdConfigError, parse_sshd_config

    config = env.options["sshd_config"]
    source = _CachedSource(host)  # one read per file, however many accounts
    try:
        first = parse_sshd_config(source, config, None)
    except (OSError, SshdConfigError):
        return list(_DEFAULT_KEYS_FILES), "", {account.name: list(_DEFAULT_KEYS_FILES) for account in accounts}
    lport = _target_port(env, first.settings.get("port", []))
    texts = [source.read_text(path) for path in first.files]
    has_match = any(re.search(r"^\s*match\s", text, re.I | re.M) for text in texts)

    def patterns(settings: Mapping[str, list[str]]) -> list[str]:
        values = " ".join(settings.get("authorizedkeysfile", [])).split()
        return [value for value in values if value.lower() != "none"] if values else list(_DEFAULT_KEYS_FILES)

    base = parse_sshd_config(source, config, MatchContext(lport=lport)) if has_match else first
    command = " ".join(base.settings.get("authorizedkeyscommand", ["none"]))
    per_account = {}
    for account in accounts:
        if has_match:
            try:
                effective = parse_sshd_config(source, config, MatchContext(user=account.name, lport=lport))
            except (OSError, SshdConfigError):
                effective = base
            per_account[account.name] = patterns(effective.settings)
        else:
            per_account[account.name] = patterns(base.settings)
    return patterns(base.settings), "" if command.lower() == "none" else command, per_account


class _CachedSource:
    """A host's files for the configuration parser, each read (or globbed) once."""

    def __init__(self, host: Host):
        self.host = host
        self.texts: dict[str, str | OSError] = {}
        self.globs: dict[str, list[str]] = {}

    def read_text(self, path: str) -> str:
        if path not in self.texts:
            try:
                self.texts[path] = self.host.read_text(path)
            except OSError as exc:
                self.texts[path] = exc
        value = self.texts[path]
        if isinstance(value, OSError):
            raise value
        return value

    def glob(self, pattern: str) -> list[str]:
        if pattern not in self.globs:
            self.globs[pattern] = self.host.glob(pattern)
        return list(self.globs[pattern])


def _expand(pattern: str, account: Account) -> str:
    """sshd's tokens: %% %h %u %U; a relative path is relative to the home directory."""
    value = re.sub(r"%[%hUu]", lambda m: {"%%": "%", "%h": account.home, "%u": account.name,
                                           "%U": str(account.uid)}[m[0]], pattern)
    return value if value.startswith("/") else f"{account.home.rstrip('/')}/{value}"


def _keys(host: Host, accounts: list[Account], per_account: dict[str, list[str]],
          timeout: float) -> tuple[list[AuthorizedKey], list[str]]:
    """Every account's key files, read with one ``grep -n ''`` per batch (one round trip over SSH)."""
    wanted: list[tuple[str, str]] = []  # (account, path)
    for account in accounts:
        for pattern in per_account.get(account.name, list(_DEFAULT_KEYS_FILES)):
            path = _expand(pattern, account)
            if (account.name, path) not in wanted and not path.startswith("/nonexistent"):
                wanted.append((account.name, path))
    paths = sorted({path for _, path in wanted})
    texts: dict[str, list[tuple[int, str]]] = {}
    unreadable: list[str] = []
    for start in range(0, len(paths), _GREP_BATCH):
        batch = paths[start:start + _GREP_BATCH]
        result = run(host, ["grep", "-H", "-n", "-m", str(_MAX_KEY_LINES), "", "--", *batch], timeout, privileged=True)
        if result is None:
            raise CollectError("grep could not run: authorized_keys files cannot be read")
        for row in result.stdout.splitlines():
            source = next((p for p in batch if row.startswith(p + ":")), None)
            if source is not None:
                seq, _, content = row[len(source) + 1:].partition(":")
                if seq.isdigit():
                    texts.setdefault(source, []).append((int(seq), content))
        for row in result.stderr.splitlines():
            if "No such file" in row or "Is a directory" in row or "Not a directory" in row:
                continue
            source = next((p for p in batch if f" {p}:" in row), None)
            if source is not None:
                unreadable.append(source)
    keys: list[AuthorizedKey] = []
    for owner, source_path in wanted:
        for seq_number, content in texts.get(source_path, []):
            parsed = authorized_keys.parse_line(content)
            if parsed is not None:
                options, key = parsed
                keys.append(AuthorizedKey(account=owner, file=source_path, line=seq_number, type=key.type,
                                          bits=key.bits, fingerprint=key.fingerprint, options=options))
    return keys, sorted(set(unreadable))


def _sudoers(host: Host) -> tuple[tuple[SudoRule, ...] | None, str]:
    rules: list[SudoRule] = []
    queue: list[str] = ["/etc/sudoers"]
    done: set[str] = set()
    text, error = readable(host, "/etc/sudoers")
    if text is None:
        if "not found" in error:
            return (), ""  # no sudo on this host: no rules
        return None, error
    while queue and len(done) < _MAX_SUDOERS_FILES:
        path = queue.pop(0)
        if path in done:
            continue
        done.add(path)
        content, error = readable(host, path)
        if content is None:
            if "not found" not in error:
                return None, error
            continue
        for number, line in accounts_parse.sudoers_lines(content):
            included = accounts_parse.includes(line)
            if included is None:
                if not line.startswith("Defaults"):
                    rules.append(SudoRule(file=path, line=number, text=line))
                continue
            kind, target = included
            if kind == "file":
                queue.append(target)
            else:  # sudo skips names with a dot or ending in ~ in an included directory
                queue.extend(p for p in host.glob(f"{target.rstrip('/')}/*")
                             if "." not in p.rsplit("/", 1)[1] and not p.endswith("~"))
    return tuple(rules), ""

