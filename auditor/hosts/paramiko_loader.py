"""paramiko, imported without loading invoke until an SSH configuration's ``Match exec`` needs it.

paramiko.config imports invoke (and with it unittest.mock and asyncio) as soon as paramiko is
imported, yet uses it for one thing only: running the command of a ``Match exec`` line of an
SSH client configuration. That import was ~40-90 ms of every run that opens an SSH connection
(the wire audit's authentication probe included). Importing paramiko through this module
hides invoke during paramiko's import, then hands paramiko.config a stand-in that imports the
real invoke the first time ``Match exec`` runs a command: same behaviour, loaded on use (and,
without invoke installed, the same ImportError at the same place).

Import paramiko as ``from auditor.hosts.paramiko_loader import paramiko``, inside the
functions that connect, so that commands which never connect load neither.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

_HIDDEN: Any = None  # in sys.modules, None makes ``import invoke`` raise ImportError


class _InvokeOnUse:
    """Stands in for the invoke module in paramiko.config; imports it on first use."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("invoke"), name)


def _import_paramiko() -> None:
    if "paramiko" in sys.modules or "invoke" in sys.modules:
        return  # already loaded (by us or by someone else): nothing to save
    sys.modules["invoke"] = _HIDDEN
    try:
        import paramiko.config
    finally:
        if "invoke" in sys.modules and sys.modules["invoke"] is _HIDDEN:
            del sys.modules["invoke"]
    if getattr(paramiko.config, "invoke", None) is None:  # it saw invoke hidden
        setattr(paramiko.config, "invoke", _InvokeOnUse())  # noqa: B010  # not in paramiko's stubs
        setattr(paramiko.config, "invoke_import_error", None)  # noqa: B010


_import_paramiko()

import paramiko as paramiko  # noqa: E402  # after the hiding above; re-exported

__all__ = ["paramiko"]
