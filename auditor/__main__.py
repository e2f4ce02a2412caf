"""``python -m auditor``: the same as the ``auditor`` command."""

import sys

from auditor.cli import command

sys.exit(command())
