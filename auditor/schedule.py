"""Nightly audits: a systemd service + timer pair (or the cron equivalent) for a run command.

The units run exactly as printed, from any directory: the command starts with the absolute path
of the Python that installed the auditor (``python -m auditor``, so a virtualenv install needs
no PATH), every file it names is absolute, and the service runs from ``/``. Findings (exit 1)
are a successful run; an incomplete audit (2), bad input (3) or a crash fail the unit, so
``OnFailure=`` can notify someone. The service is hardened so the auditor itself cannot be
turned against the host it runs on: no new privileges, a read-only view of the system except
the history directory.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.errors import InputError
from auditor.fileio import read_input, write_atomic
from auditor.models import ExitCode

UNIT_NAME = "rifi-auditor"
SYSTEMD_DIR = Path("/etc/systemd/system")

# "*-*-* 02:30:00" (or without seconds): the only OnCalendar form that is also a cron time.
_DAILY = re.compile(r"^\*-\*-\* (\d{1,2}):(\d{2})(?::00)?$")


@dataclass(frozen=True)
class Schedule:
    """What to run, when, as whom, where results go, and whom to tell when it fails."""

    command: tuple[str, ...]  # the full `python -m auditor run ...` argument list
    history: Path
    on_calendar: str = "*-*-* 02:30:00"
    user: str | None = None  # None: root (needed for sshd -T and reading every config)
    on_failure: str | None = None  # a unit to start when the run fails (e.g. a mail notifier)
    environment_file: Path | None = None  # EnvironmentFile=: secrets such as the broker URL, kept out of the unit

    def service(self) -> str:
        """The oneshot service unit."""
        user = f"User={self.user}\n" if self.user else ""
        # One path, the rest of the line, unquoted (systemd reads quotes as part of it); % is a specifier.
        environment = f"EnvironmentFile={str(self.environment_file).replace('%', '%%')}\n" \
            if self.environment_file else ""
        on_failure = f"OnFailure={self.on_failure}\n" if self.on_failure else ""
        return (
            "[Unit]\n"
            "Description=rifi-auditor nightly security posture audit\n"
            "Wants=network-online.target\nAfter=network-online.target\n"
            f"{on_failure}\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"{user}"
            f"{environment}"
            "WorkingDirectory=/\n"
            f"ExecStart={_systemd_quote(self.command)}\n"
            # Findings are the audit's result; an incomplete audit, bad input or a crash is a failure.
            f"SuccessExitStatus={int(ExitCode.FINDINGS)}\n"
            "UMask=0027\n"
            "NoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=strict\nProtectHome=read-only\n"
            f"ReadWritePaths={_systemd_quote([str(self.history)])}\n"
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

    def cron_line(self) -> str:
        """The cron equivalent, at the time ``on_calendar`` names (daily schedules only)."""
        match = _DAILY.match(self.on_calendar.strip())
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise InputError("--on-calendar", f"'{self.on_calendar}' has no cron equivalent; use the systemd timer "
                             "(cron lines are printed for daily times such as '*-*-* 02:30:00')")
        hour, minute = int(match.group(1)), int(match.group(2))
        if self.environment_file:  # sh would misread a systemd environment file's values
            return "# none: cron has no EnvironmentFile=; use the systemd timer"
        # cron reads % in a command as a newline: escape it.
        command = shlex.join(self.command).replace("%", "\\%")
        return f"{minute} {hour} * * * {self.user or 'root'} cd / && {command}"


def _systemd_quote(argv: Sequence[str]) -> str:
    """An ExecStart= command line: each argument double-quoted where it needs it, % and $ doubled
    (systemd would expand them as specifiers and environment variables)."""
    quoted = []
    for argument in argv:
        text = argument.replace("%", "%%").replace("$", "$$")
        if re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", text):
            quoted.append(text)
        else:
            quoted.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(quoted)


def install(schedule: Schedule, directory: Path = SYSTEMD_DIR) -> list[Path]:
    """Write the unit files; enabling them stays an explicit step for the administrator.

    The history folder is created (0750) now: systemd refuses a ReadWritePaths= that does not
    exist, and ProtectSystem=strict would not let the service create it.
    """
    schedule.history.mkdir(mode=0o750, parents=True, exist_ok=True)
    paths = [directory / f"{UNIT_NAME}.service", directory / f"{UNIT_NAME}.timer"]
    for path, text in zip(paths, (schedule.service(), schedule.timer()), strict=True):
        write_atomic(path, text)
    return paths


def run_command(program: Sequence[str], history: Path, options: Sequence[str]) -> tuple[str, ...]:
    """The `auditor run` command line a schedule executes: ``program`` then the run's options."""
    return (*program, "run", "--history", str(history.resolve()), *options)


def read_environment_file(path: Path) -> dict[str, str]:
    """The variables a systemd ``EnvironmentFile=`` sets (``KEY=value`` lines, ``#`` comments,
    optional quotes); InputError naming the file when it cannot be read."""
    text = read_input(path, InputError)
    variables = {}
    for line in text.splitlines():
        key, equals, value = line.strip().partition("=")
        if equals and not key.startswith(("#", ";")):
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            variables[key.strip()] = value
    return variables


def absolute(path: str) -> str:
    """A file the scheduled run reads, made absolute so the unit works from any directory."""
    return str(Path(path).expanduser().resolve())
