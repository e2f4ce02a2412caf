"""What the host collectors share: running bounded commands and reading files without failing
the whole collector on one missing program or unreadable file."""

from __future__ import annotations

from auditor.errors import CollectError, FactsUnavailable, NotAssessable
from auditor.hosts.base import CommandResult, Host

SBIN = ("/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/bin")
TAGS = ("host",)


def require_host(host: Host | None) -> Host:
    """The target's host, or FactsUnavailable for targets without host access."""
    if host is None:
        raise FactsUnavailable("needs host access: audit as 'local' or ssh://user@host")
    return host


def run(host: Host, argv: list[str], timeout: float, *, privileged: bool = False) -> CommandResult | None:
    """The command's result, or None when its program is missing or it cannot run."""
    try:
        return host.run(argv, timeout=timeout, privileged=privileged)
    except NotAssessable:
        if not privileged:
            raise
        return run(host, argv, timeout)
    except CollectError:
        return None


def read(host: Host, path: str) -> str | None:
    """A text file, or None when it is missing or unreadable (the caller says which matters)."""
    try:
        return host.read_text(path)
    except OSError:
        return None


def readable(host: Host, path: str) -> tuple[str | None, str]:
    """(text, "") or (None, why): missing, or permission denied."""
    try:
        return host.read_text(path), ""
    except FileNotFoundError:
        return None, f"{path}: not found"
    except PermissionError:
        return None, f"{path}: permission denied (run as root to read it)"
    except OSError as exc:
        return None, f"{path}: {exc.strerror or exc}"


def exists(host: Host, path: str) -> bool | None:
    """True / False, or None when it cannot be told."""
    try:
        host.stat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return None
    return True


def unit_states(host: Host, units: list[str], timeout: float) -> dict[str, str] | None:
    """``systemctl is-active`` per unit (active, inactive, failed, ...), or None without systemd."""
    systemctl = host.which("systemctl", ("/usr/bin", "/bin"))
    if systemctl is None or not units:
        return None
    result = run(host, [systemctl, "is-active", "--", *units], timeout)
    if result is None:
        return None
    states = result.stdout.split()
    if len(states) != len(units) or "Failed to connect" in result.stderr or "not been booted" in result.stderr:
        return None
    return dict(zip(units, states, strict=True))
