"""One base exception per layer; the CLI turns each into a one-line message and an exit code."""

from __future__ import annotations


class AuditorError(Exception):
    """Base of every error the auditor raises on purpose."""


class InputError(AuditorError):
    """A file the user gave us is wrong; the message names file, line and key."""

    def __init__(self, path: str, message: str, line: int | None = None, key: str | None = None):
        self.path = path
        self.line = line
        self.key = key
        self.detail = message
        where = path if line is None else f"{path}:{line}"
        what = f"{key}: {message}" if key else message
        super().__init__(f"{where}: {what}")


class ProfileError(InputError):
    """A profile is malformed, names an unknown check, or has a bad value."""


class InventoryError(InputError):
    """An inventory file or a target given on the command line is malformed."""


class CatalogueError(InputError):
    """The measure catalogue or a policy data file is malformed."""


class AttestationError(InputError):
    """An attestation file is malformed."""


class SnapshotError(InputError):
    """A snapshot cannot be read: missing, corrupt, or from an incompatible schema version."""


class PluginError(AuditorError, ValueError):
    """A check module (built in or a plug-in) declares something inconsistent: a duplicate check
    id, facts no collector produces, a policy kind nobody registered. Names the module."""


class CollectError(AuditorError):
    """A collector could not gather its facts; checks that need them end in ``error``."""


class TransientError(CollectError):
    """A network hiccup (a timeout, a reset connection): the runner tries once more before giving up."""


class NotAssessable(CollectError):
    """Facts exist but cannot be read with the privileges the auditor has (e.g. not root)."""


class FactsUnavailable(CollectError):
    """The thing to audit is absent on this target (e.g. no sshd installed): checks are skipped."""
