"""Nightly audits: a systemd service + timer pair (or the cron equivalent) for a run command.

The service is hardened so the auditor itself cannot be turned against the host it runs on:
no new privileges, a read-only view of the system except the history directory.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.fileio import write_atomic

UNIT_NAME = "rifi-auditor"
SYSTEMD_DIR = Path("/etc/systemd/system")


@dataclass(frozen=True)
class Schedule:
    """What to run, when, as whom, and where results go."""

    command: tuple[str, ...]  # the full `auditor run ...` argument list
    history: Path
    on_calendar: str = "*-*-* 02:30:00"
    user: str | None = None  # None: root (needed for sshd -T and reading every config)

    def service(self) -> str:
        """The oneshot service unit."""
        user = f"User={self.user}\n" if self.user else ""
        return (
            "[Unit]\n"
            "Description=rifi-auditor nightly security posture audit\n"
            "Wants=network-online.target\nAfter=network-online.target\n\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"{user}"
            f"ExecStart={shlex.join(self.command)}\n"
            # Exit 1 (findings) and 2 (partial audit) are results, not failures of the service.
            "SuccessExitStatus=1 2\n"
            "NoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=read-only\n"
            f"ReadWritePaths={self.history}\n"
            "Nice=10\nIOSchedulingClass=idle\n"
        )

    def timer(self) -> str:
        """The timer unit (runs missed while the machine was off, spread to avoid stampedes)."""
        return (
            "[Unit]\nDescription=Run rifi-auditor nightly\n\n"
            "[Timer]\n"
            f"OnCalendar={self.on_calendar}\n"
            "Persistent=true\nRandomizedDelaySec=15min\n\n"
            "[Install]\nWantedBy=timers.target\n"
        )

    def cron_line(self, minute: int = 30, hour: int = 2) -> str:
        """The cron equivalent (flock(1) keeps runs apart where the lock file is not enough)."""
        return f"{minute} {hour} * * * {self.user or 'root'} {shlex.join(self.command)}"


def install(schedule: Schedule, directory: Path = SYSTEMD_DIR) -> list[Path]:
    """Write the unit files; enabling them stays an explicit step for the administrator."""
    paths = [directory / f"{UNIT_NAME}.service", directory / f"{UNIT_NAME}.timer"]
    for path, text in zip(paths, (schedule.service(), schedule.timer()), strict=True):
        write_atomic(path, text)
    return paths


def run_command(auditor: str, history: Path, profile: str, inventory: str | None,
                extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The `auditor run` command line a schedule executes."""
    command = [auditor, "run", "--history", str(history), "--profile", profile]
    if inventory:
        command += ["--inventory", inventory]
    return (*command, *extra)
