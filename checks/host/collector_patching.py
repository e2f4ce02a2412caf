"""The ``host_packages`` collector: pending updates (and which are security fixes), automatic
updates, whether a reboot is due, and processes still running replaced libraries.

Everything comes from the distribution's tools run without changing anything: ``apt-get -s``
(a simulation; no lock, no root needed), ``dnf -C`` (the cached metadata, no network).
"""

from __future__ import annotations

import re
import time

from auditor.check import CollectEnv, Collector
from auditor.checks.host import packages
from auditor.checks.host.common import exists, read, require_host, run, unit_states
from auditor.checks.host.facts import AutoUpdates, DeletedLibrary, OsRelease, PatchFacts, PendingUpdate
from auditor.hosts.base import Host

_APT_TIMERS = ["apt-daily.timer", "apt-daily-upgrade.timer"]
_DNF_TIMERS = ["dnf-automatic.timer", "dnf-automatic-install.timer"]
_MAX_DELETED_PIDS = 200  # process names read for at most this many processes


class PatchCollector(Collector):
    """Collects the ``host_packages`` facts."""

    name = "host_packages"
    produces = PatchFacts
    options = {"deleted_libraries": True}

    def collect(self, env: CollectEnv) -> PatchFacts:
        """Package manager state, automatic updates, reboot and deleted-library facts."""
        host = require_host(env.host)
        text = read(host, "/etc/os-release") or read(host, "/usr/lib/os-release") or ""
        os_release = packages.parse_os_release(text)
        apt = host.which("apt-get", ("/usr/bin", "/bin"))
        dnf = None if apt else (host.which("dnf", ("/usr/bin", "/bin")) or host.which("yum", ("/usr/bin",)))
        manager = "apt" if apt else ("dnf" if dnf else "")
        pending: tuple[PendingUpdate, ...] | None = None
        error, updated = "", None
        if apt:
            pending, error, updated = _apt_pending(host, apt, env.timeout)
        elif dnf:
            pending, error, updated = _dnf_pending(host, dnf, env.timeout)
        else:
            error = "neither apt-get nor dnf/yum found: pending updates cannot be learned"
        auto, auto_error = _auto_updates(host, manager, env.timeout)
        kernels = tuple(path.rsplit("/", 1)[1] for path in host.glob("/lib/modules/*")
                        if exists(host, f"{path}/modules.dep") is not False)
        uname = run(host, ["uname", "-r"], env.timeout)
        deleted, complete, deleted_error = (None, False, "not collected (collectors.host_packages.deleted_libraries)")
        if env.options.get("deleted_libraries", True):
            deleted, complete, deleted_error = _deleted(host, env.timeout)
        return PatchFacts(
            os=os_release, manager=manager, pending=pending, pending_error=error, lists_updated=updated,
            collected_at=time.time(), auto_updates=auto, auto_updates_error=auto_error,
            reboot_required_file=exists(host, "/var/run/reboot-required") if manager == "apt" else None,
            reboot_packages=tuple((read(host, "/var/run/reboot-required.pkgs") or "").split()),
            running_kernel=uname.stdout.strip() if uname and uname.ok else "",
            installed_kernels=tuple(sorted(kernels, key=packages.version_key)),
            needs_restarting=_needs_restarting(host, dnf, env.timeout) if dnf else None,
            deleted_libraries=deleted, deleted_libraries_complete=complete, deleted_libraries_error=deleted_error,
        )


def _newest_mtime(host: Host, directory: str, pattern: str, timeout: float) -> float | None:
    result = run(host, ["find", directory, "-maxdepth", "1", "-name", pattern, "-printf", r"%T@\n"], timeout)
    if result is None:
        return None
    stamps = [float(line) for line in result.stdout.split() if re.match(r"^\d+(\.\d+)?$", line)]
    return max(stamps) if stamps else None


def _apt_pending(host: Host, apt: str, timeout: float) -> tuple[tuple[PendingUpdate, ...] | None, str, float | None]:
    updated = _newest_mtime(host, "/var/lib/apt/lists", "*_Packages*", timeout)
    if updated is None:
        return None, "no apt package lists in /var/lib/apt/lists: run 'apt-get update' first", None
    # ``apt list --upgradable`` reads the candidates without running the solver (several times
    # faster where apt keeps no binary cache); ``apt-get -s dist-upgrade`` where there is no apt.
    lister = host.which("apt", ("/usr/bin", "/bin"))
    if lister is not None:
        listed = run(host, [lister, "list", "--upgradable", "-o", "Debug::NoLocking=1"], max(timeout, 60))
        if listed is not None and listed.ok:
            return tuple(packages.parse_apt_list_upgradable(listed.stdout)), "", updated
    result = run(host, [apt, "-s", "-q", "-o", "Debug::NoLocking=1", "dist-upgrade"], max(timeout, 60))
    if result is None or not result.ok:
        why = result.first_error_line() if result else "apt-get could not run"
        return None, f"apt-get -s dist-upgrade failed: {why}", updated
    return tuple(packages.parse_apt_simulation(result.stdout)), "", updated


def _dnf_pending(host: Host, dnf: str, timeout: float) -> tuple[tuple[PendingUpdate, ...] | None, str, float | None]:
    listing = run(host, [dnf, "-q", "-C", "check-update"], max(timeout, 60))
    if listing is None or listing.returncode not in (0, 100):  # 100: updates available
        why = listing.first_error_line() if listing else "dnf could not run"
        return None, f"dnf -C check-update failed: {why} (is the metadata cache present? run 'dnf makecache')", None
    advisories = run(host, [dnf, "-q", "-C", "updateinfo", "list", "--security"], max(timeout, 60))
    if advisories is None or not advisories.ok:
        why = advisories.first_error_line() if advisories else "dnf could not run"
        return None, f"dnf updateinfo list --security failed: {why}", None
    security = packages.parse_dnf_updateinfo(advisories.stdout)
    dates: dict[str, str] = {}
    if security:  # the advisories' dates give the pending fixes an age; without them the age is unknown
        info = run(host, [dnf, "-q", "-C", "updateinfo", "info", "--security"], max(timeout, 60))
        dates = packages.parse_dnf_updateinfo_dates(info.stdout) if info is not None and info.ok else {}
    merged = packages.merge_dnf(packages.parse_dnf_check_update(listing.stdout), security, dates)
    return tuple(merged), "", _newest_mtime(host, "/var/cache/dnf", "*.solv", timeout)


def _auto_updates(host: Host, manager: str, timeout: float) -> tuple[AutoUpdates | None, str]:
    if manager == "apt":
        installed = host.which("unattended-upgrade", ("/usr/bin",)) is not None
        texts = [read(host, path) for path in host.glob("/etc/apt/apt.conf.d/*")]
        settings = _apt_periodic("\n".join(text for text in texts if text))
        configured = settings.get("APT::Periodic::Unattended-Upgrade", "0") not in ("0", "") and \
            settings.get("APT::Periodic::Update-Package-Lists", "0") not in ("0", "")
        states = unit_states(host, _APT_TIMERS, timeout)
        detail = "; ".join(f'{key} "{value}"' for key, value in sorted(settings.items()))
        return _auto("unattended-upgrades" if installed else "", installed, configured, states, _APT_TIMERS,
                     detail), ""
    if manager == "dnf":
        text = read(host, "/etc/dnf/automatic.conf")
        installed = text is not None or host.which("dnf-automatic", ("/usr/bin",)) is not None
        apply = re.search(r"^\s*apply_updates\s*=\s*(\S+)", text or "", re.M)
        kind = re.search(r"^\s*upgrade_type\s*=\s*(\S+)", text or "", re.M)
        states = unit_states(host, _DNF_TIMERS, timeout)
        applies: bool | None = bool(apply and apply[1].lower() in ("yes", "true", "1"))
        if text is None and installed:
            applies = None
        detail = f"apply_updates={apply[1] if apply else '(unset)'}; upgrade_type={kind[1] if kind else 'default'}"
        active_install = bool(states and states.get("dnf-automatic-install.timer") == "active")
        return _auto("dnf-automatic" if installed else "", installed, applies or active_install, states,
                     _DNF_TIMERS, detail), ""
    return None, "no apt or dnf: automatic updates cannot be judged"


def _auto(tool: str, installed: bool, configured: bool | None, states: dict[str, str] | None, units: list[str],
          detail: str) -> AutoUpdates:
    if states is None:
        return AutoUpdates(tool, installed, configured, (), (), detail + " (systemd timers not readable)")
    return AutoUpdates(tool, installed, configured, tuple(unit for unit in units if states.get(unit) == "active"),
                       tuple(unit for unit in units if states.get(unit) != "active"), detail)


def _apt_periodic(text: str) -> dict[str, str]:
    """``APT::Periodic::X "N";`` settings (the last one wins, as apt reads the files in order)."""
    settings = {}
    for match in re.finditer(r'^\s*(APT::Periodic::[\w-]+)\s+"([^"]*)"\s*;', text, re.M):
        settings[match[1]] = match[2]
    return settings


def _needs_restarting(host: Host, dnf: str, timeout: float) -> bool | None:
    result = run(host, [dnf, "-q", "-C", "needs-restarting", "-r"], timeout)
    if result is None or result.returncode not in (0, 1):
        return None
    return result.returncode == 1  # 1: a reboot is required


def _deleted(host: Host, timeout: float) -> tuple[tuple[DeletedLibrary, ...] | None, bool, str]:
    argv = ["find", "/proc", "-mindepth", "2", "-maxdepth", "2", "-path", "/proc/[0-9]*/maps",
            "-exec", "grep", "-H", "-s", "-F", "(deleted)", "{}", "+"]
    result = run(host, argv, timeout, privileged=True)
    if result is None:
        return None, False, "find or grep not available on the host"
    if result.returncode not in (0, 1) and not result.stdout:
        return None, False, f"reading /proc/*/maps failed: {result.first_error_line()}"
    pairs = packages.parse_deleted_maps(result.stdout)
    commands: dict[int, str] = {}
    for pid in sorted({pid for pid, _ in pairs})[:_MAX_DELETED_PIDS]:
        commands[pid] = (read(host, f"/proc/{pid}/comm") or "?").strip()
    return packages.deleted_libraries(pairs, commands), host.is_privileged(), ""


__all__ = ["OsRelease", "PatchCollector"]
