"""Reading existing Ansible inventories (INI and YAML), since IT teams keep their hosts there.

Supported: groups, ``[group:vars]`` / ``vars:``, ``[group:children]`` / ``children:``, host
ranges such as ``web[01:20].example.org`` and ``db-[a:c]``, and host variables. Variables are
resolved the way Ansible does for the parts we read: ``all`` first, then parent groups before
child groups, then the host's own variables. Nothing is executed: dynamic inventory scripts
and plugins are refused.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import InventoryError
from auditor.fileio import read_input
from auditor.inventory.hostranges import expand_range
from auditor.inventory.segments import segment_name_error
from auditor.inventory.targets import alias_error, normal_aliases, valid_address, valid_user
from auditor.models import SSHAccess, Target, TargetKind


@dataclass
class _Group:
    vars: dict[str, Any] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)  # host -> its own vars
    lines: dict[str, int] = field(default_factory=dict)  # host -> the line that declares it


@dataclass(frozen=True)
class AnsibleHost:
    """One inventory host with its resolved variables and the groups it belongs to."""

    name: str
    vars: dict[str, Any]
    groups: tuple[str, ...]
    line: int | None = None  # where the host is declared, for error messages


# Ansible's boolean words (its `boolean` filter); anything else is an error, never "true".
_TRUE = frozenset({"yes", "on", "1", "true", "y", "t"})
_FALSE = frozenset({"no", "off", "0", "false", "n", "f"})


def load_ansible_inventory(path: str | Path) -> list[AnsibleHost]:
    """Hosts of an Ansible inventory file, INI or YAML (by extension or content)."""
    path = Path(path)
    if path.is_dir() or (path.exists() and path.stat().st_mode & 0o111 and not path.suffix):
        raise InventoryError(str(path), "dynamic inventories and directories are not supported; export to INI or YAML")
    text = read_input(path, InventoryError)
    is_yaml = path.suffix in (".yml", ".yaml") or text.lstrip().startswith(("all:", "---"))
    groups = _yaml_groups(path) if is_yaml else _ini_groups(text, str(path))
    _read_vars_directories(path.parent, groups)
    return _resolve(groups)


def _read_vars_directories(base: Path, groups: dict[str, _Group]) -> None:
    """``group_vars/NAME`` and ``host_vars/NAME`` beside the inventory, as Ansible reads them.

    Each is a YAML file (``NAME``, ``NAME.yml`` or ``NAME.yaml``) or a directory of them; they
    take precedence over the variables written in the inventory itself.
    """
    for group_name, group in groups.items():
        group.vars.update(_vars_files(base / "group_vars", group_name))
    for group in groups.values():
        for host, own in group.hosts.items():
            own.update(_vars_files(base / "host_vars", host))


def _vars_files(directory: Path, name: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    candidates = [directory / name, directory / f"{name}.yml", directory / f"{name}.yaml"]
    for candidate in candidates:
        files = sorted(candidate.glob("*.y*ml")) if candidate.is_dir() else [candidate] if candidate.is_file() else []
        for file in files:
            found.update(MapReader(load_yaml(file, InventoryError), str(file), InventoryError).data)
    return found


def _ini_groups(text: str, name: str) -> dict[str, _Group]:
    groups: dict[str, _Group] = {"all": _Group(), "ungrouped": _Group()}
    section, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        where = f"{name}:{number}"
        if line.startswith("["):
            if not line.endswith("]"):
                raise InventoryError(name, "unterminated section header", line=number)
            section, _, kind = line[1:-1].partition(":")
            kind = kind or "hosts"
            if kind not in ("hosts", "vars", "children"):
                raise InventoryError(name, f"unknown section kind ':{kind}'", line=number)
            groups.setdefault(section, _Group())
            continue
        if kind == "vars":
            key, sep, value = line.partition("=")
            if not sep:
                raise InventoryError(name, "expected key=value", line=number)
            groups[section].vars[key.strip()] = _ini_value(value.strip())
        elif kind == "children":
            groups[section].children.append(line)
            groups.setdefault(line, _Group())
        else:
            _ini_host_line(groups[section], line, where, name, number)
    return groups


def _ini_host_line(group: _Group, line: str, where: str, name: str, number: int) -> None:
    try:
        words = shlex.split(line, comments=True)
    except ValueError as exc:
        raise InventoryError(name, f"cannot split host line: {exc}", line=number) from None
    host_vars = {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep:
            raise InventoryError(name, f"expected key=value, got '{word}'", line=number)
        host_vars[key] = _ini_value(value)
    for host in expand_range(words[0], where):
        group.hosts[host] = dict(host_vars)
        group.lines.setdefault(host, number)


def _ini_value(value: str) -> Any:
    """Strings (surrounding quotes removed), except plain integers and true/false."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if value.isascii() and value.isdecimal():
        return int(value)
    return {"true": True, "false": False}.get(value.lower(), value)


def _yaml_groups(path: Path) -> dict[str, _Group]:
    root = MapReader(load_yaml(path, InventoryError), str(path), InventoryError)
    groups: dict[str, _Group] = {"all": _Group(), "ungrouped": _Group()}
    for group_name in root.data:
        _yaml_group(root.mapping(group_name), str(group_name), groups)
    return groups


def _yaml_group(reader: MapReader, name: str, groups: dict[str, _Group]) -> None:
    reader.reject_unknown({"hosts", "vars", "children"})
    group = groups.setdefault(name, _Group())
    hosts = reader.mapping("hosts", None)
    if hosts is not None:
        for pattern in hosts.data:
            host_vars = hosts.data[pattern] or {}
            if not isinstance(host_vars, dict):
                hosts.fail(str(pattern), "host variables must be a mapping")
            for host in expand_range(str(pattern), f"{reader.path}:{hosts.line(pattern)}"):
                group.hosts[host] = dict(host_vars)
                group.lines.setdefault(host, hosts.line(pattern) or 0)
    variables = reader.mapping("vars", None)
    if variables is not None:
        group.vars.update(variables.data)
    children = reader.mapping("children", None)
    if children is not None:
        for child in children.data:
            group.children.append(str(child))
            if children.data[child] is None:  # "child:" with nothing under it
                groups.setdefault(str(child), _Group())
            else:
                _yaml_group(children.mapping(child), str(child), groups)


def _resolve(groups: dict[str, _Group]) -> list[AnsibleHost]:
    """Hosts with variables merged from all -> ancestors -> their groups -> the host itself."""
    parents: dict[str, list[str]] = {}
    for name, group in groups.items():
        for child in group.children:
            parents.setdefault(child, []).append(name)
    hosts: dict[str, tuple[list[str], dict[str, Any]]] = {}
    lines: dict[str, int] = {}
    for name, group in groups.items():
        for host, own in group.hosts.items():
            member_of, host_vars = hosts.setdefault(host, ([], {}))
            member_of.append(name)
            host_vars.update(own)
            lines.setdefault(host, group.lines.get(host, 0))
    resolved = []
    for host, (member_of, own) in hosts.items():
        chain = _ancestry(member_of, parents)
        merged: dict[str, Any] = dict(groups["all"].vars)
        for group_name in chain:
            merged.update(groups[group_name].vars)
        merged.update(own)
        groups_of = tuple(g for g in chain if g not in ("all", "ungrouped"))
        resolved.append(AnsibleHost(host, merged, groups_of, lines.get(host) or None))
    return resolved


def _ancestry(member_of: list[str], parents: dict[str, list[str]]) -> list[str]:
    """Groups from the outermost parent down to the host's own groups (cycles ignored)."""
    ordered: list[str] = []

    def visit(name: str, seen: frozenset[str]) -> None:
        for parent in parents.get(name, []):
            if parent not in seen:
                visit(parent, seen | {name})
        if name not in ordered:
            ordered.append(name)

    for name in member_of:
        visit(name, frozenset())
    return ordered


def ansible_targets(path: str | Path) -> list[Target]:
    """Audit targets for an Ansible inventory's hosts: SSH targets, as Ansible reaches them.

    ``ansible_host``/``ansible_port``/``ansible_user``/``ansible_ssh_private_key_file`` give the
    access (``ansible_become: true`` allows ``sudo -n``); ``role``, ``owner``, ``tags``, ``aliases``
    and ``segment`` host or group variables give the audit context as in the YAML inventory, and the
    host's groups are added to its tags. Values
    the YAML inventory would refuse (a port out of range, a user name ssh could read as an
    option, a key file that does not exist) are refused here too, naming file, line and variable.
    """
    path = Path(path)
    return [_target(host, path) for host in load_ansible_inventory(path)]


def _target(host: AnsibleHost, path: Path) -> Target:
    variables = host.vars

    def fail(key: str, message: str) -> InventoryError:
        return InventoryError(str(path), f"host {host.name}: {message}", line=host.line, key=key)

    address = str(variables.get("ansible_host", host.name))
    if not valid_address(address):
        raise fail("ansible_host", f"'{address}' is not a valid host name or address")
    user = variables.get("ansible_user")
    if user is not None and not valid_user(str(user)):
        raise fail("ansible_user", f"'{user}' is not a valid user name")
    key = variables.get("ansible_ssh_private_key_file") or variables.get("ansible_private_key_file")
    key_path = (path.parent / Path(str(key)).expanduser()) if key else None
    if key_path is not None and not key_path.is_file():
        raise fail("ansible_ssh_private_key_file", f"{key_path}: no such file")
    tags, aliases = _listed(variables.get("tags", [])), _listed(variables.get("aliases", []))
    segment = variables.get("segment")
    for key, value in (("role", variables.get("role")), ("owner", variables.get("owner")), ("segment", segment)):
        if value is not None and not isinstance(value, str):
            raise fail(key, f"'{value}' is not text")
    for key, value in (*(("tags", tag) for tag in tags), *(("aliases", alias) for alias in aliases)):
        if not isinstance(value, str):  # a list item left empty (``aliases: [~]``) is an error too
            raise fail(key, f"'{value}' is not text")
    for alias in aliases:
        if problem := alias_error(alias):
            raise fail("aliases", problem)
    if segment is not None and (problem := segment_name_error(segment)):
        raise fail("segment", problem)
    return Target(
        name=host.name,
        kind=TargetKind.SSH,
        address=address,
        port=_port(variables.get("ansible_port", 22), fail),
        user=None if user is None else str(user),
        role=variables.get("role"),
        owner=variables.get("owner"),
        tags=(*tags, *host.groups),
        ssh=SSHAccess(key=str(key_path) if key_path else None,
                      sudo=_boolean(variables.get("ansible_become", False), fail)),
        aliases=normal_aliases(aliases),
        segment=segment,
    )


def _listed(value: Any) -> list[Any]:
    """A variable that holds a list, or one item (``tags: lab``, ``aliases: www.example.org``); none when empty."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _port(value: Any, fail: Callable[[str, str], InventoryError]) -> int:
    text = str(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdecimal()) or not 0 < int(text) < 65536:
        raise fail("ansible_port", f"'{value}' is not a port number from 1 to 65535")
    return int(text)


def _boolean(value: Any, fail: Callable[[str, str], InventoryError]) -> bool:
    """Ansible's reading of a boolean variable: ``no`` is false (Python would say true)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise fail("ansible_become", f"'{value}' is not a boolean (yes/no, true/false, 1/0)")
