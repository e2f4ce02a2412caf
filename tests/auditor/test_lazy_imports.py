"""Commands that need no SSH client never load paramiko (nor its invoke), in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.store.codec import write_snapshot
from testkit.snapshots import sample_snapshot

# Runs one command's main() in a fresh interpreter, then reports which SSH modules it loaded.
PROBE = """
import json, sys
from auditor.cli import main
code = main(sys.argv[1:])
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("paramiko", "invoke"))
print("\\nLOADED " + json.dumps({"code": code, "loaded": loaded}))
"""


def _loaded(*argv: str, cwd: Path) -> dict[str, object]:
    completed = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=cwd,
                               timeout=120)
    assert "LOADED " in completed.stdout, completed.stderr
    result: dict[str, object] = json.loads(completed.stdout.rsplit("LOADED ", 1)[1])
    return result


@pytest.fixture
def snapshots(tmp_path: Path) -> Path:
    write_snapshot(sample_snapshot(), tmp_path / "old.json")
    write_snapshot(sample_snapshot(), tmp_path / "new.json")
    history = tmp_path / "history" / "20260101T000000Z"
    history.mkdir(parents=True)
    write_snapshot(sample_snapshot(), history / "snapshot.json")
    return tmp_path


@pytest.mark.parametrize("argv", [
    ("measures",),
    ("measures", "--json"),
    ("checks",),
    ("checks", "--profile", "strict"),
    ("profiles",),
    ("report", "old.json", "--out", "report"),
    ("diff", "old.json", "new.json", "--html", "diff.html"),
    ("history", "history"),
])
def test_commands_without_ssh_targets_do_not_import_paramiko(argv: tuple[str, ...], snapshots: Path) -> None:
    result = _loaded(*argv, cwd=snapshots)
    assert result["code"] == 0
    assert result["loaded"] == []


def test_the_probe_sees_paramiko_when_it_is_loaded(tmp_path: Path) -> None:
    # The assertion above can fail: an SSH host backend connection loads paramiko.
    completed = subprocess.run([sys.executable, "-c", "import paramiko\n" + PROBE, "measures"],
                               capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert '"paramiko"' in completed.stdout.rsplit("LOADED ", 1)[1]
