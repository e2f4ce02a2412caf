"""Command line: the only package that prints or exits.

Each command's module is imported when that command runs, so ``auditor measures`` loads
neither the SSH client nor the runner. Exit codes (``auditor.models.ExitCode``): 0 nothing at
or above the profile's ``fail_on``; 1 findings at or above it; 2 the audit ran but some checks
or targets errored; 3 usage, profile, inventory or input error; 4 an internal error (a bug:
``--debug`` prints the traceback); 5 another audit holds the history folder's lock.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from auditor.cli.parser import build_parser
from auditor.errors import AuditorError
from auditor.lock import LockHeld
from auditor.models import ExitCode

_SIGPIPE_EXIT = 128 + 13  # what a shell reports for a process that SIGPIPE ended

# command -> "module:function" below auditor.cli
_HANDLERS = {
    "run": "run:cmd_run",
    "report": "snapshots:cmd_report",
    "diff": "snapshots:cmd_diff",
    "verify": "snapshots:cmd_verify",
    "merge": "snapshots:cmd_merge",
    "history": "snapshots:cmd_history",
    "keygen": "snapshots:cmd_keygen",
    "schedule": "schedule:cmd_schedule",
    "validate": "run:cmd_validate",
    "worker": "fleet:cmd_worker",
    "explain": "catalogue:cmd_explain",
    "checks": "catalogue:cmd_checks",
    "profiles": "catalogue:cmd_profiles",
    "measures": "catalogue:cmd_measures",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``auditor`` command."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose > 1 else logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(_handler(args.command)(args))
    except AuditorError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return ExitCode.LOCKED if isinstance(exc, LockHeld) else ExitCode.USAGE
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`auditor checks | head`): stop writing, quietly, and exit as a
        # process killed by SIGPIPE would, so that `set -o pipefail` still sees the pipeline fail
        # rather than an audit's real exit code turning into success.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return _SIGPIPE_EXIT
    except Exception as exc:  # a bug: one line, not a traceback, unless asked for
        if args.debug:
            traceback.print_exc()
        print(f"auditor: internal error: {type(exc).__name__}: {exc} (a bug; --debug shows the traceback)",
              file=sys.stderr)
        return ExitCode.INTERNAL


def command() -> int:
    """The ``auditor`` command (console script and ``python -m auditor``): ``main``, then a quick exit.

    At exit the interpreter collects garbage over every object the command left (modules,
    classes, records: tens of thousands), 60-100 ms, more than a short audit's network wait.
    Nothing there needs collecting: every output was written and closed where it was made.
    Frozen (``gc.freeze``), those objects are skipped by the collector; the process ends at once.
    """
    code = main()
    gc.freeze()
    return code


def _handler(command: str) -> Callable[[argparse.Namespace], int]:
    module, function = _HANDLERS[command].split(":")
    handler: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(f"auditor.cli.{module}"), function)
    return handler
