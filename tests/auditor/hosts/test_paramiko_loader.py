"""paramiko is imported without invoke, and an SSH configuration's ``Match exec`` still runs through invoke."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(code: str, cwd: Path) -> str:
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_paramiko_loads_without_invoke(tmp_path: Path) -> None:
    out = _run("import sys\n"
               "from auditor.hosts.paramiko_loader import paramiko\n"
               "print(paramiko.Transport.__name__, 'invoke' in sys.modules, 'unittest.mock' in sys.modules)\n", tmp_path)
    assert out.split() == ["Transport", "False", "False"]


def test_match_exec_still_runs_its_command_through_invoke(tmp_path: Path) -> None:
    config = tmp_path / "ssh_config"
    config.write_text('Match exec "true"\n    User matched\nMatch exec "false"\n    Port 2222\n')
    out = _run("import sys\n"
               "from auditor.hosts.paramiko_loader import paramiko\n"
               "loaded_before = 'invoke' in sys.modules\n"
               f"found = paramiko.SSHConfig.from_path({str(config)!r}).lookup('example.org')\n"
               "print(loaded_before, 'invoke' in sys.modules, found.get('user'), found.get('port'))\n", tmp_path)
    assert out.split() == ["False", "True", "matched", "None"]


def test_an_earlier_plain_import_is_left_alone(tmp_path: Path) -> None:
    out = _run("import paramiko, invoke, sys\n"
               "from auditor.hosts.paramiko_loader import paramiko as ours\n"
               "print(ours is paramiko, paramiko.config.invoke is invoke)\n", tmp_path)
    assert out.split() == ["True", "True"]
