"""Accounts and access revocation (RSP-4, PRV-2, PRV-3): who can log in, with what, and whether
people who left (or keys that were lost) still can."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from auditor.check import Check, CheckContext, CheckSkipped, FactSet, read_options
from auditor.checks.host.accounts_parse import nopasswd_all, rule_users
from auditor.checks.host.authorized_keys import fingerprint_of
from auditor.checks.host.common import TAGS
from auditor.checks.host.facts import Account, AccountsFacts, AuthorizedKey
from auditor.errors import NotAssessable
from auditor.models import Finding, Severity

if TYPE_CHECKING:
    from auditor.config.yamlfile import MapReader

ACCOUNT_TAGS = (*TAGS, "accounts")


def _keys_by_account(facts: AccountsFacts) -> dict[str, list[AuthorizedKey]]:
    found: dict[str, list[AuthorizedKey]] = {}
    for key in facts.keys:
        found.setdefault(key.account, []).append(key)
    return found


def _first(items: Iterable[str], count: int = 10) -> str:
    listed = list(items)
    return ", ".join(listed[:count]) + (f" and {len(listed) - count} more" if len(listed) > count else "")


class _AccountsCheck(Check):
    facts = (AccountsFacts,)
    tags = ACCOUNT_TAGS


class Uid0Accounts(_AccountsCheck):
    """Only ``root`` has user id 0.

    A second UID 0 account is a full administrator under another name: a classic backdoor, and
    in any case an administrator whose actions are not attributable.
    """

    id = "host.uid0-accounts"
    title = "No account besides root has UID 0"
    severity = Severity.CRITICAL
    measures = ("PRV-2", "RSP-4")
    remediation = "Remove the account or give it its own UID; administrators use their own accounts and sudo."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        accounts = facts.get(AccountsFacts).accounts
        if not accounts:
            raise NotAssessable("no accounts were listed (getent passwd gave nothing)")
        return [ctx.finding(f"account:{account.name}", f"account '{account.name}' has UID 0",
                            evidence={"uid": 0, "shell": account.shell})
                for account in accounts if account.uid == 0 and account.name != "root"]


class EmptyPasswords(_AccountsCheck):
    """No account has an empty password field.

    An empty field lets anyone log in as the account wherever password logins are possible
    (console, su, services using PAM). Judged from /etc/shadow, which only root can read;
    without it (and with no empty field in passwd itself) the check is not-assessable. The
    facts hold the field's state only, never a hash.
    """

    id = "host.empty-passwords"
    title = "No account has an empty password"
    severity = Severity.CRITICAL
    measures = ("PRV-3",)
    remediation = "Lock the account (passwd -l NAME) or set a password; prefer keys for SSH."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        data = facts.get(AccountsFacts)
        findings = [ctx.finding(f"account:{account.name}", f"account '{account.name}' has an empty password field",
                                evidence={"password_field": "empty", "shell": account.shell})
                    for account in data.accounts if account.password_empty]
        if not findings and data.shadow_error:
            raise NotAssessable(data.shadow_error)
        return findings


class DormantAccounts(_AccountsCheck):
    """Accounts that can log in have been used within ``max_days``.

    Dormant accounts (people who left, projects that ended) are the keys nobody watches.
    Judged for accounts with a login shell and either a password or authorized keys, with a UID
    of at least ``min_uid`` or any authorized key; last logins from ``lastlog`` (or ``lastlog2``),
    else from the wtmp login records (``last``, ``wtmpdb last``: Debian 13 and newer have no
    lastlog). An account that never logged in counts when ``include_never`` is true; with wtmp,
    an account absent from records that began more than ``max_days`` ago counts the same way,
    and one absent from shorter records is not judged.
    """

    id = "host.dormant-accounts"
    title = "No dormant accounts that can still log in"
    severity = Severity.MEDIUM
    measures = ("RSP-4", "PRV-2")
    options = {"max_days": 90, "min_uid": 1000, "include_never": True}
    remediation = "Lock or remove accounts that are no longer used (usermod -L -e 1 NAME, remove authorized_keys)."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        data = facts.get(AccountsFacts)
        if data.lastlog_error:
            raise NotAssessable(data.lastlog_error)
        keys = _keys_by_account(data)
        limit = float(ctx.options["max_days"])
        if data.logins_source:
            ctx.details["logins_from"] = data.logins_source
        findings = []
        for account in data.accounts:
            has_keys = account.name in keys
            usable = account.has_password or has_keys
            if not (usable and account.shell_allows_login and account.expired is not True):
                continue
            if account.uid < int(ctx.options["min_uid"]) and not has_keys:
                continue
            if account.last_login is None:
                if not ctx.options["include_never"] or not account.last_login_known:
                    continue
                if data.logins_since is not None:  # wtmp: no login within its records, which may be short
                    span = (data.collected_at - data.logins_since) / 86400
                    if span <= limit:
                        continue
                    since = dt.datetime.fromtimestamp(data.logins_since, dt.UTC).date()
                    message, days = (f"account '{account.name}' can log in but has not since at least {since} "
                                     f"(where the login records begin, {span:.0f} days ago)", f"more than {span:.0f}")
                else:
                    message, days = f"account '{account.name}' can log in but never has", "never"
            else:
                age = (data.collected_at - account.last_login) / 86400
                if age <= limit:
                    continue
                message, days = f"account '{account.name}' can log in but has not for {age:.0f} days", f"{age:.0f}"
            findings.append(ctx.finding(f"account:{account.name}", message, evidence={
                "last_login_days": days, "max_days": f"{limit:g}", "password": account.password,
                "authorized_keys": len(keys.get(account.name, []))}))
        return findings


class LockedAccountsWithKeys(_AccountsCheck):
    """Locked or expired accounts hold no authorized keys.

    Locking a password (``passwd -l``) does not stop key logins: with PAM, sshd accepts the key
    of a locked account. Revoking a person's access means removing their keys too.
    """

    id = "host.locked-accounts-with-keys"
    title = "Locked and expired accounts hold no SSH keys"
    severity = Severity.HIGH
    measures = ("RSP-4",)
    remediation = "Remove the account's authorized_keys (or the account) when access is revoked."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        data = facts.get(AccountsFacts)
        keys = _keys_by_account(data)
        findings = []
        for account in data.accounts:
            states = [state for state, on in (("locked", account.locked),
                                              ("expired", account.expired is True)) if on]
            if states and account.name in keys:
                held = keys[account.name]
                findings.append(ctx.finding(f"account:{account.name}", f"{' and '.join(states)} account "
                                            f"'{account.name}' still holds {len(held)} authorized key"
                                            f"{'s' if len(held) != 1 else ''}",
                                            evidence={"state": ", ".join(states),
                                                      "fingerprints": _first(key.fingerprint for key in held)}))
        if not findings and data.shadow_error:
            raise NotAssessable(data.shadow_error)
        return findings


class SudoNopasswdAll(_AccountsCheck):
    """No sudo rule grants every command without a password (``NOPASSWD: ALL``).

    Such a rule turns any stolen session or key of those users into root without a second
    secret. Judged from /etc/sudoers and its includes (root needed to read them).
    """

    id = "host.sudo-nopasswd-all"
    title = "No sudo rule grants NOPASSWD: ALL"
    severity = Severity.HIGH
    measures = ("PRV-2",)
    options = {"allowed_users": []}
    remediation = "Require the password (remove NOPASSWD) or restrict NOPASSWD rules to the specific commands needed."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        data = facts.get(AccountsFacts)
        if data.sudo_rules is None:
            raise NotAssessable(data.sudo_error or "sudoers not read")
        allowed = set(ctx.options["allowed_users"])
        findings = []
        for rule in data.sudo_rules:
            if nopasswd_all(rule.text) and rule_users(rule.text) not in allowed:
                findings.append(ctx.finding(f"sudoers:{rule.file}:{rule.line}",
                                            f"{rule_users(rule.text)} may run any command as root without a "
                                            f"password ({rule.file} line {rule.line})", evidence={"rule": rule.text}))
        return findings


class WeakAuthorizedKeys(_AccountsCheck):
    """Authorized keys are of a strong type and size (no DSA, RSA of at least ``min_rsa_bits``)."""

    id = "host.weak-authorized-keys"
    title = "Authorized keys are strong"
    severity = Severity.MEDIUM
    measures = ("PRV-3", "RCV-4")
    options = {"min_rsa_bits": 2048}
    remediation = "Replace the key with an Ed25519 key (ssh-keygen -t ed25519) and remove the old one."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        data = facts.get(AccountsFacts)
        findings = []
        seen = set()
        for key in data.keys:
            weak = key.type.startswith("ssh-dss") or (key.type.startswith("ssh-rsa") and
                                                     key.bits < int(ctx.options["min_rsa_bits"]))
            resource = f"key:{key.account}:{key.fingerprint}"
            if weak and resource not in seen:
                seen.add(resource)
                findings.append(ctx.finding(resource, f"{key.type} key of {key.bits} bits authorized for "
                                            f"'{key.account}' ({key.file})", evidence={
                                                "type": key.type, "bits": key.bits,
                                                "expected": f"ssh-ed25519, or ssh-rsa of "
                                                            f"{ctx.options['min_rsa_bits']}+ bits"}))
        return findings


class KeyInventory(_AccountsCheck):
    """Inventory: every authorized key on the host, one informational finding per key.

    Each finding names the key's SHA256 fingerprint (its resource is ``key:FINGERPRINT``, the same
    on every host), the accounts it opens, its type and size and its restricting options, so the
    run's findings (CSV, JSON, SARIF) show across the fleet which key opens which hosts. Key
    comments are never recorded.
    """

    id = "host.key-inventory"
    title = "Inventory of authorized SSH keys"
    severity = Severity.INFO
    measures = ("RSP-4",)
    remediation = "Review the keys; remove those nobody can vouch for. Prefer options such as from= and restrict."

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        data = facts.get(AccountsFacts)
        by_fingerprint: dict[str, list[AuthorizedKey]] = {}
        for key in data.keys:
            by_fingerprint.setdefault(key.fingerprint, []).append(key)
        ctx.details["keys"] = str(len(by_fingerprint))
        if data.keys_unreadable:
            ctx.details["unreadable"] = _first(data.keys_unreadable)
        findings = []
        for fingerprint, keys in sorted(by_fingerprint.items()):
            accounts = sorted({key.account for key in keys})
            options = sorted({option for key in keys for option in key.options})
            findings.append(ctx.finding(f"key:{fingerprint}", f"{keys[0].type} key {fingerprint} opens "
                                        f"{_first(accounts)}", evidence={
                                            "accounts": accounts, "type": keys[0].type, "bits": keys[0].bits,
                                            "files": sorted({f"{key.file}:{key.line}" for key in keys}),
                                            "options": options or "(none)"}))
        if not findings and data.keys_unreadable:
            raise NotAssessable(f"key files not readable: {_first(data.keys_unreadable)} (run as root)")
        return findings


class RevokedAccess(_AccountsCheck):
    """Revoked keys and departed people can no longer log in, on any host of the fleet.

    The profile lists what has been revoked: ``keys`` (public key lines or ``SHA256:``
    fingerprints, e.g. of a stolen laptop's key) and ``users`` (account names of people who
    left). Every account holding a revoked key, and every departed user's account that still
    has a password or a key, is a finding on the host where it is found, and nowhere else. The
    day a laptop is stolen: add its key here and run the fleet.
    """

    id = "host.revoked-access"
    title = "Revoked keys and departed users cannot log in"
    severity = Severity.CRITICAL
    measures = ("RSP-4", "PRV-2")
    options = {"keys": [], "users": []}
    remediation = ("Remove the key from the account's authorized_keys (and from any configuration management that "
                   "puts it back); lock and expire departed users' accounts and remove their keys.")

    @classmethod
    def parse_options(cls, reader: MapReader) -> dict[str, Any]:
        """``keys``: public key lines or SHA256 fingerprints (kept as fingerprints); ``users``: names."""
        values = read_options(reader, cls.options)
        fingerprints = []
        for entry in values["keys"]:
            fingerprint = fingerprint_of(entry)
            if fingerprint is None:
                reader.fail("keys", f"'{entry[:40]}' is neither a public key line nor a SHA256: fingerprint")
            fingerprints.append(fingerprint)
        return {"keys": sorted(set(fingerprints)), "users": sorted(set(values["users"]))}

    def judge(self, facts: FactSet, ctx: CheckContext) -> list[Finding]:
        data = facts.get(AccountsFacts)
        revoked_keys = {fingerprint_of(entry) for entry in ctx.options["keys"]}
        departed = set(ctx.options["users"])
        if not revoked_keys and not departed:
            raise CheckSkipped("the profile lists no revoked keys or departed users (options: keys, users)")
        findings = []
        seen = set()
        for key in data.keys:
            resource = f"key:{key.account}:{key.fingerprint}"
            if key.fingerprint in revoked_keys and resource not in seen:
                seen.add(resource)
                findings.append(ctx.finding(resource, f"revoked key {key.fingerprint} still opens account "
                                            f"'{key.account}' ({key.file} line {key.line})", evidence={
                                                "account": key.account, "file": key.file, "line": key.line,
                                                "options": key.options or "(none)"}))
        keys = _keys_by_account(data)
        for account in data.accounts:
            if account.name in departed and _can_log_in(account, keys):
                findings.append(ctx.finding(f"account:{account.name}", f"departed user '{account.name}' can still "
                                            "log in", evidence={"password": account.password,
                                                                "authorized_keys": len(keys.get(account.name, [])),
                                                                "shell": account.shell}))
        if not findings:
            gaps = []
            if data.keys_unreadable:
                gaps.append(f"key files not readable: {_first(data.keys_unreadable)} (run as root)")
            if data.keys_command:
                gaps.append(f"keys also come from AuthorizedKeysCommand {data.keys_command}, which is not examined")
            if departed and data.shadow_error:
                gaps.append(data.shadow_error)
            if gaps:
                raise NotAssessable("; ".join(gaps))
        return findings


def _can_log_in(account: Account, keys: dict[str, list[AuthorizedKey]]) -> bool:
    """A password or a key, and not expired (locking the password does not stop keys)."""
    if account.expired is True:
        return False
    return account.name in keys or account.password in ("set", "empty", "unknown")


CHECKS = (Uid0Accounts, EmptyPasswords, DormantAccounts, LockedAccountsWithKeys, SudoNopasswdAll,
          WeakAuthorizedKeys, KeyInventory, RevokedAccess)
