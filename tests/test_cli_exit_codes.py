"""Exit codes that say what happened: a bug is 4 (one line, the traceback only with --debug), a
reader that goes away early ends the command quietly (141, as SIGPIPE would), and every code
has one meaning."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pytest

from auditor import cli
from auditor.models import ExitCode


def test_an_internal_error_is_one_line_and_exit_4(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def crash(args: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "_handler", lambda command: crash)
    assert cli.main(["measures"]) == ExitCode.INTERNAL == 4
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == ["auditor: internal error: ZeroDivisionError: division by zero (a bug; --debug shows the "
                     "traceback)"]
    assert cli.main(["--debug", "measures"]) == 4
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err


def test_exit_codes_are_distinct() -> None:
    assert len({int(code) for code in ExitCode}) == len(ExitCode)
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 4, 5]


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """``auditor checks --json | head -c 100``: no BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 4096)  # smaller than the listing, so the writer must wait
    process = subprocess.Popen([sys.executable, "-m", "auditor", "checks", "--json"], stdout=write_end,
                               stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.read(100)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert process.returncode == 141  # as if SIGPIPE ended it: pipefail sees it, no false success


def test_the_command_exits_with_mains_code_its_output_whole_and_its_objects_frozen() -> None:
    """``auditor`` (console script, ``python -m auditor``) is main() followed by gc.freeze(): the
    interpreter's exit then skips collecting what the run left. Output and exit code are main's."""
    probe = ("import gc, sys\nfrom auditor import cli\nsys.argv[1:] = ['checks', '--json']\n"
             "code = cli.command()\nprint('\\nFROZEN', gc.get_freeze_count() > 0, code, file=sys.stderr)\n")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert completed.stderr.strip().endswith("FROZEN True 0")
    module = subprocess.run([sys.executable, "-m", "auditor", "checks", "--json"], capture_output=True, text=True,
                            timeout=60)
    assert module.returncode == 0 and module.stdout == completed.stdout  # the listing, whole
    unknown = subprocess.run([sys.executable, "-m", "auditor", "explain", "no.such-check"], capture_output=True,
                             text=True, timeout=60)
    assert unknown.returncode == ExitCode.USAGE and unknown.stderr.startswith("auditor: error:")
