"""Parsers for what the package managers print: pure functions, tested from recorded outputs.

Security updates come from the distribution's own knowledge, never from version banners: apt
says from which archives a candidate comes (``bookworm-security``, ``noble-security``), dnf
names the advisory that ships it (``dnf updateinfo list --security``). Backported fixes are
therefore judged as the distribution judges them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from auditor.checks.host.facts import DeletedLibrary, OsRelease, PendingUpdate

# Inst libssl3 [3.0.11-1~deb12u1] (3.0.11-1~deb12u2 Debian-Security:12/stable-security [amd64])
# Inst linux-image-6.1.0-21-amd64 (6.1.90-1 Debian:12.6/stable [amd64])   <- a new package
_APT_INST = re.compile(r"^Inst (?P<pkg>\S+)(?: \[(?P<old>[^\]]+)\])? \((?P<new>\S+) (?P<origins>[^\[)]*?)"
                       r"(?: \[[^\]]+\])?\)")

# Deleted by design (shared memory, memfd, SysV segments) or scratch space, not installed code.
_NOT_CODE = ("/dev/", "/memfd:", "/SYSV", "/tmp/", "/run/", "/var/")  # noqa: S108 - prefixes compared, not used


def parse_os_release(text: str) -> OsRelease:
    """The fields of /etc/os-release (shell-style KEY=value, values optionally quoted)."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            values[key] = value.strip().strip("\"'")
    return OsRelease(
        id=values.get("ID", "").lower(),
        id_like=tuple(values.get("ID_LIKE", "").lower().split()),
        version_id=values.get("VERSION_ID", ""),
        codename=values.get("VERSION_CODENAME", ""),
        pretty_name=values.get("PRETTY_NAME", ""),
    )


def parse_apt_simulation(text: str) -> list[PendingUpdate]:
    """The ``Inst`` lines of ``apt-get -s dist-upgrade``: package, versions and origin archives."""
    updates = []
    for line in text.splitlines():
        match = _APT_INST.match(line)
        if match is None:
            continue
        archives = []
        for origin in match["origins"].split(","):
            # "Debian-Security:12/stable-security" or "Ubuntu:24.04/noble-security": origin:version/archive
            archive = origin.strip().rpartition("/")[2]
            if archive:
                archives.append(archive)
        security = any(archive.endswith("-security") for archive in archives) or "security" in match["origins"].lower()
        updates.append(PendingUpdate(package=match["pkg"], installed=match["old"] or "", candidate=match["new"],
                                     origins=tuple(archives), security=security))
    return updates


_APT_LIST = re.compile(r"^(?P<pkg>[^/\s]+)/(?P<archives>\S+) (?P<new>\S+) \S+ \[upgradable from: (?P<old>[^\]]+)\]")


def parse_apt_list_upgradable(text: str) -> list[PendingUpdate]:
    """``apt list --upgradable``: ``pkg/suite[,suite] NEW ARCH [upgradable from: OLD]`` lines.

    The suites are the archives the candidate comes from; ``*-security`` marks a security update.
    """
    updates = []
    for line in text.splitlines():
        match = _APT_LIST.match(line.strip())
        if match is None:
            continue
        archives = tuple(match["archives"].split(","))
        updates.append(PendingUpdate(package=match["pkg"], installed=match["old"], candidate=match["new"],
                                     origins=archives, security=any(a.endswith("-security") for a in archives)))
    return updates


def _rpm_name(nevra: str) -> tuple[str, str]:
    """``openssl-libs-1:3.0.7-27.el9.x86_64`` -> (``openssl-libs``, ``1:3.0.7-27.el9``)."""
    base = nevra.rsplit(".", 1)[0] if re.search(r"\.(x86_64|aarch64|noarch|i686|ppc64le|s390x)$", nevra) else nevra
    parts = base.rsplit("-", 2)
    if len(parts) != 3:
        return base, ""
    return parts[0], f"{parts[1]}-{parts[2]}"


def parse_dnf_check_update(text: str) -> list[PendingUpdate]:
    """``dnf -q check-update``: ``name.arch  version  repo`` lines (obsoletes after a blank section)."""
    updates = []
    for line in text.splitlines():
        if line.startswith(("Obsoleting", "Security:", "Last metadata")) or not line.strip():
            if line.startswith("Obsoleting"):
                break
            continue
        fields = line.split()
        if len(fields) != 3 or "." not in fields[0]:
            continue
        name = fields[0].rsplit(".", 1)[0]
        updates.append(PendingUpdate(package=name, installed="", candidate=fields[1], origins=(fields[2],),
                                     security=False))
    return updates


def parse_dnf_updateinfo(text: str) -> dict[str, str]:
    """``dnf -q updateinfo list --security``: package name -> advisory id.

    Lines are ``ADVISORY  SEVERITY/Sec.  NEVRA`` (dnf 4) or ``ADVISORY  security  SEVERITY  NEVRA``.
    """
    found: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3 or not re.match(r"^[A-Z]+-\d{4}:\d+$|^FEDORA-", fields[0]):
            continue
        name, _ = _rpm_name(fields[-1])
        found.setdefault(name, fields[0])
    return found


def parse_dnf_updateinfo_dates(text: str) -> dict[str, str]:
    """``dnf -q updateinfo info --security``: advisory id -> the date it was issued or last updated.

    Each advisory is a block of ``LABEL : VALUE`` lines (``Update ID``, ``Type``, ``Updated``,
    ...); continuation lines have an empty label, so text in a description is never a date.
    """
    dates: dict[str, str] = {}
    advisory = ""
    for line in text.splitlines():
        label, sep, value = line.partition(" : ")
        if not sep:
            continue
        label = label.strip()
        if label == "Update ID":
            advisory = value.strip()
        elif label == "Updated" and advisory and _is_date(value.strip()[:10]):
            dates.setdefault(advisory, value.strip()[:10])
    return dates


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def merge_dnf(updates: Iterable[PendingUpdate], security: dict[str, str],
              dates: dict[str, str] | None = None) -> list[PendingUpdate]:
    """check-update's list with updateinfo's security advisories (and their dates) marked
    (security-only packages added)."""
    dates = dates or {}
    merged = []
    seen = set()
    for update in updates:
        seen.add(update.package)
        advisory = security.get(update.package, "")
        merged.append(PendingUpdate(update.package, update.installed, update.candidate, update.origins,
                                    security=bool(advisory), advisory=advisory,
                                    published=dates.get(advisory, "")))
    for name, advisory in sorted(security.items()):
        if name not in seen:
            merged.append(PendingUpdate(name, "", "", (), security=True, advisory=advisory,
                                        published=dates.get(advisory, "")))
    return merged


def parse_deleted_maps(text: str) -> list[tuple[int, str]]:
    """(pid, path) of ``find /proc -name maps -exec grep -H '(deleted)'`` lines that map code.

    Only executables and shared libraries count; shared memory, memfd and SysV segments are
    deleted by design and are left out.
    """
    found: set[tuple[int, str]] = set()
    for line in text.splitlines():
        where, _, rest = line.partition(":")
        match = re.match(r"^/proc/(\d+)/maps$", where)
        if match is None or not rest.endswith("(deleted)"):
            continue
        fields = rest.split(None, 5)
        if len(fields) < 6:
            continue
        path = fields[5].removesuffix("(deleted)").strip()
        if not path.startswith("/") or path.startswith(_NOT_CODE):
            continue
        if ".so" in path or path.startswith(("/usr/", "/bin/", "/sbin/", "/lib", "/opt/")):
            found.add((int(match[1]), path))
    return sorted(found)


def deleted_libraries(pairs: Iterable[tuple[int, str]], commands: dict[int, str]) -> tuple[DeletedLibrary, ...]:
    """Records for (pid, path) pairs with the process names read from /proc/PID/comm."""
    return tuple(DeletedLibrary(pid, commands.get(pid, "?"), path) for pid, path in pairs)


def version_key(release: str) -> tuple[tuple[int, str], ...]:
    """A sort key comparing kernel releases part by part, numbers as numbers (6.1.0-21 > 6.1.0-9)."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.findall(r"\d+|[a-z]+", release))
