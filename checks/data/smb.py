"""Samba ``smb.conf``: shares with their effective guest and write access (smb.conf(5)).

Parameter names ignore case and whitespace; ``[global]`` values are the defaults of every
share; synonyms are folded (``public`` = ``guest ok``, ``writable``/``writeable``/``write ok``
= not ``read only``). ``include = FILE`` is read in place; an include using a substitution
variable (``%m``, ``%U``...) differs per client and cannot be followed, which is reported as a
problem rather than skipped silently. Printer shares are left out: they hold no data.
"""

from __future__ import annotations

from typing import Any

from auditor.checks.data.config_files import ConfigFiles, IniSection, parse_ini, truth

_SYNONYMS = {
    "public": ("guestok", False),
    "onlyguest": ("guestonly", False),
    "writable": ("readonly", True),
    "writeable": ("readonly", True),
    "writeok": ("readonly", True),
    "directory": ("path", False),
    "allowhosts": ("hostsallow", False),
    "printok": ("printable", False),
}


def parse_smb_conf(config: ConfigFiles, path: str) -> dict[str, Any]:
    """Facts of one smb.conf: global guest settings and each file share's effective access."""

    def include(section: IniSection, key: str, value: str, line: int) -> list[str] | None:
        if key == "configfile":
            config.problem(section.file, line, f"'config file = {value}' switches to another file; not followed")
            return []
        if key != "include":
            return None
        if "%" in value:
            config.problem(section.file, line, f"include of {value} uses a substitution variable; not followed")
            return []
        if value.lower() == "registry":
            config.problem(section.file, line, "configuration in the registry is not read")
            return []
        return [value]

    globals_, sections = parse_ini(config, path, include, synonyms=_SYNONYMS)
    shares = [_share(section, globals_) for section in sections]
    return {
        "present": bool(config.files),
        "map_to_guest": globals_.params.get("maptoguest", "Never"),
        "map_to_guest_source": globals_.where.get("maptoguest", ""),
        "security": globals_.params.get("security", "user"),
        "shares": [share for share in shares if share is not None],
        **config.to_dict(),
    }


def _share(section: IniSection, globals_: IniSection) -> dict[str, Any] | None:
    def value(key: str) -> str | None:
        return section.effective(globals_, key)[0]

    if truth(value("printable")) or section.name.lower() == "printers":
        return None
    guest, guest_at = section.effective(globals_, "guestok")
    read_only, read_only_at = section.effective(globals_, "readonly")
    path = value("path")
    return {
        "name": section.name,
        "source": section.source,
        "path": path if section.name.lower() != "homes" else None,  # [homes] is each user's home
        "guest_ok": truth(guest) or truth(value("guestonly")),
        "guest_source": guest_at,
        "writable": not truth(read_only, True),
        "writable_source": read_only_at,
        "write_list": value("writelist") or "",
        "hosts_allow": value("hostsallow") or "",
        "available": truth(value("available"), True),
    }
