"""rsync daemon ``rsyncd.conf``: modules with their effective authentication and write access.

The file uses the same INI dialect as Samba (names ignore case and whitespace); parameters
before the first module are defaults for every module. ``&include`` and ``&merge`` read a
file, or every ``*.conf`` / ``*.inc`` file of a directory, in place. (rsync scopes the
defaults an ``&include``d file sets to that file; here they are read in place as with
``&merge``, which can only make a module look less protected than it is, never more.)
"""

from __future__ import annotations

from typing import Any

from auditor.checks.data.config_files import ConfigFiles, IniSection, parse_ini, truth


def parse_rsyncd_conf(config: ConfigFiles, path: str) -> dict[str, Any]:
    """Facts of one rsyncd.conf: each module's path, users, and whether it is writable and listed."""

    def include(section: IniSection, key: str, value: str, line: int) -> list[str] | None:
        if key not in ("&include", "&merge"):
            return None
        if config.is_dir(value):
            suffix = "conf" if key == "&include" else "inc"
            return config.glob(f"{value.rstrip('/')}/*.{suffix}")
        return [value]

    globals_, sections = parse_ini(config, path, include)
    return {
        "present": bool(config.files),
        "modules": [_module(section, globals_) for section in sections],
        **config.to_dict(),
    }


def _module(section: IniSection, globals_: IniSection) -> dict[str, Any]:
    def value(key: str) -> str | None:
        return section.effective(globals_, key)[0]

    auth_users, auth_at = section.effective(globals_, "authusers")
    read_only, read_only_at = section.effective(globals_, "readonly")
    return {
        "name": section.name,
        "source": section.source,
        "path": value("path"),
        "auth_users": (auth_users or "").replace(",", " ").split(),
        "auth_source": auth_at,
        "read_only": truth(read_only, True),
        "read_only_source": read_only_at,
        "write_only": truth(value("writeonly")),
        "list": truth(value("list"), True),
        "hosts_allow": value("hostsallow") or "",
        "hosts_deny": value("hostsdeny") or "",
        "secrets_file": value("secretsfile") or "",
    }
