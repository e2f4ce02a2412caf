"""Outputs are written atomically, with the umask's mode, and never replace a device or a pipe."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

from auditor.fileio import write_atomic


def test_outputs_respect_the_umask(tmp_path: Path) -> None:
    script = "from auditor.fileio import write_atomic; import sys; write_atomic(sys.argv[1], 'x')"
    for umask, mode in ((0o022, 0o644), (0o027, 0o640), (0o077, 0o600)):
        target = tmp_path / f"out-{umask:o}.json"
        subprocess.run([sys.executable, "-c", f"import os; os.umask({umask}); {script}", str(target)], check=True)
        assert stat.S_IMODE(target.stat().st_mode) == mode


def test_a_named_pipe_is_written_through_not_replaced(tmp_path: Path) -> None:
    pipe = tmp_path / "stdout"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    write_atomic(pipe, ["{", "}"])
    reader.join(timeout=10)
    assert received == ["{}"]
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # still the pipe, not a regular file renamed over it
    assert list(tmp_path.iterdir()) == [pipe]  # no temporary file left beside it


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old and longer")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]
