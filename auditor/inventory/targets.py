"""Targets from the command line (``local``, ``HOST[:PORT]``, ``ssh://[user@]HOST[:PORT]``) and inventories."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from auditor.config.yamlfile import LineDict, MapReader, load_yaml
from auditor.errors import InventoryError
from auditor.hosts.ssh_client_config import SSHConfigFile
from auditor.inventory.hostranges import expand_range
from auditor.inventory.segments import segment_name_error
from auditor.models import SSHAccess, Target, TargetKind

SITE = Target(name="site", kind=TargetKind.SITE)

# RFC 1123 host names; anything else (spaces, a leading '-') could be read as a tool's option.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?$")
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


def valid_address(text: str) -> bool:
    """True for an IPv4/IPv6 address or an RFC 1123 host name.

    A name of numbers only (``999.1.1.1``) is an address that is not one, never a host name.
    """
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    if all(label.isdigit() for label in text.rstrip(".").split(".")):
        return False
    return bool(_HOSTNAME.match(text))


def is_address(text: str) -> bool:
    """True for an IPv4 or IPv6 address (not a host name)."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def valid_user(text: str) -> bool:
    """True for a POSIX-style user name (never something an ssh client could read as an option)."""
    return bool(_USER.match(text))


def parse_target(text: str, ssh_config: SSHConfigFile | None = None) -> Target:
    """Parse one command-line target; raises InventoryError naming the argument.

    For ``ssh://`` targets, ``ssh_config`` supplies the Port and User the URL leaves out.
    """
    if text == "local":
        return Target(name="local", kind=TargetKind.LOCAL)
    if text.startswith("ssh://"):
        return _parse_ssh_url(text, ssh_config)
    if "://" in text:
        raise InventoryError(text, "unknown scheme (use local, HOST[:PORT] or ssh://[user@]HOST[:PORT])")
    if "/" in text:
        return _range_target(text, text)
    address, port = _split_port(text)
    if not valid_address(address):
        raise InventoryError(text, "not a valid host name or address")
    return Target(name=text, kind=TargetKind.NETWORK, address=address, ports=(port,) if port else ())


# Larger ranges are almost always a typo (a /8 instead of a /24), and would scan for hours.
MAX_RANGE_ADDRESSES = 65536


def _range_target(name: str, text: str) -> Target:
    """A CIDR range, normalised (``10.0.0.7/24`` -> ``10.0.0.0/24``) and bounded in size."""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise InventoryError(text, "not a valid CIDR range") from None
    if network.num_addresses > MAX_RANGE_ADDRESSES:
        raise InventoryError(text, f"range has {network.num_addresses} addresses; at most {MAX_RANGE_ADDRESSES}")
    return Target(name=name, kind=TargetKind.RANGE, address=str(network))


def _split_port(text: str) -> tuple[str, int | None]:
    """``HOST``, ``HOST:PORT``, ``[IPv6]:PORT`` or a bare IPv6 address -> (address, port)."""
    if text.startswith("["):
        address, _, rest = text[1:].partition("]")
        if not rest:
            return address, None
        if not rest.startswith(":"):
            raise InventoryError(text, "expected [ADDRESS]:PORT")
        return address, _port(text, rest[1:])
    if text.count(":") == 1:
        address, port = text.split(":")
        return address, _port(text, port)
    return text, None  # a host name, an IPv4 address, or a bare IPv6 address


def _port(text: str, port: str) -> int:
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InventoryError(text, "port must be a number from 1 to 65535")
    return int(port)


def _parse_ssh_url(text: str, ssh_config: SSHConfigFile | None) -> Target:
    parts = urlsplit(text)
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.password:
        raise InventoryError(text, "expected ssh://[user@]HOST[:PORT] and nothing more")
    try:
        port = parts.port
    except ValueError:
        raise InventoryError(text, "port must be a number from 1 to 65535") from None
    host = parts.hostname or ""
    if not valid_address(host):
        raise InventoryError(text, "not a valid host name or address")
    if parts.username is not None and not _USER.match(parts.username):
        raise InventoryError(text, "not a valid user name")
    port, user = _with_ssh_config(host, port, parts.username, ssh_config)
    return Target(name=text.rstrip("/"), kind=TargetKind.SSH, address=host, port=port, user=user)


def _with_ssh_config(host: str, port: int | None, user: str | None,
                     ssh_config: SSHConfigFile | None) -> tuple[int, str | None]:
    """Port and user as ssh would pick them: the target's own, else the SSH configuration's.

    Resolved here, once, so the snapshot names the port and user that were audited and the
    network checks look at the same daemon as the host checks.
    """
    configured = ssh_config.lookup(host) if ssh_config is not None else None
    if port is None:
        port = configured.port if configured is not None and configured.port else 22
    if user is None and configured is not None and configured.user:
        if not _USER.match(configured.user):
            raise InventoryError(ssh_config.path, f"Host {host}: User '{configured.user}' is not a valid user name")  # type: ignore[union-attr]
        user = configured.user
    return port, user


_HOST_KEYS = frozenset({"name", "address", "aliases", "local", "ssh", "ports", "role", "owner", "tags", "groups",
                        "segment"})
_GROUP_KEYS = frozenset({"ssh", "ports", "role", "owner", "tags", "segment"})


def load_inventory(path: str | Path, ssh_config: SSHConfigFile | None = None) -> list[Target]:
    """Read an inventory file: ``groups:`` of shared settings and ``hosts:`` entries.

    A host takes the settings of the groups it lists (in order, later ones winning), then its
    own; tags accumulate. ``name`` and ``address`` may hold ranges such as ``web[01:20]`` or
    ``10.0.0.[10:20]``, which expand to one host each.
    """
    root = MapReader(load_yaml(path, InventoryError), str(path), InventoryError)
    root.reject_unknown({"hosts", "groups"})
    groups = _inventory_groups(root, Path(path).parent)
    targets: list[Target] = []
    names: dict[str, int | None] = {}
    for item in root.items("hosts"):
        item.reject_unknown(_HOST_KEYS)
        for expanded in _expand_host(item):
            target = _inventory_host(_with_groups(expanded, groups), Path(path).parent, ssh_config)
            if target.name in names:
                item.fail("name", f"duplicate host '{target.name}' (first at line {names[target.name]})")
            names[target.name] = item.line()
            targets.append(target)
    return targets


def _inventory_groups(root: MapReader, base: Path) -> dict[str, MapReader]:
    """Groups by name, each validated as host settings would be (errors point into the group)."""
    section = root.mapping("groups", None)
    if section is None:
        return {}
    groups = {}
    for name in section.data:
        group = section.mapping(name)
        group.reject_unknown(_GROUP_KEYS)
        for key in ("role", "owner"):
            group.string(key, None)
        _segment(group)
        group.strings("tags", [])
        _ports(group)
        if group.has("ssh"):
            _inventory_ssh(group.mapping("ssh"), base)
        groups[str(name)] = group
    return groups


def _line_of(item: MapReader) -> int:
    """The line an inventory entry starts at (0 when it was not read from a file)."""
    return item.line() or 0


def _with_groups(item: MapReader, groups: dict[str, MapReader]) -> MapReader:
    """The host's settings over its groups' (later groups over earlier ones); tags add up."""
    merged = LineDict()
    merged.line, merged.key_lines = _line_of(item), {}
    tags: list[str] = []
    for group_name in item.strings("groups", []):
        if group_name not in groups:
            item.fail("groups", f"unknown group '{group_name}' (defined: {', '.join(groups) or 'none'})")
        group = groups[group_name]
        tags += group.strings("tags", [])
        for key, value in group.data.items():
            merged[key], merged.key_lines[key] = value, group.line(key) or 0
    for key, value in item.data.items():
        if key != "groups":
            merged[key], merged.key_lines[key] = value, item.line(key) or 0
    if tags or "tags" in merged:
        merged["tags"] = [*tags, *[t for t in item.strings("tags", []) if t not in tags]]
    return MapReader(merged, item.path, item.error, item.prefix)


def _expand_host(item: MapReader) -> list[MapReader]:
    """One reader per host of a ranged entry (``name``/``address`` with ``[a:b]``)."""
    name, address = item.string("name", None), item.string("address", None)
    where = f"{item.path}:{item.line()}"
    names = expand_range(name, where) if name else None
    addresses = expand_range(address, where) if address and "/" not in address else None
    if names and addresses and len(names) != len(addresses) and len(addresses) > 1 and len(names) > 1:
        item.fail("address", f"the name range gives {len(names)} hosts but the address range {len(addresses)}")
    count = max(len(names or [None]), len(addresses or [None]))
    if count == 1:
        return [item]
    readers = []
    for index in range(count):
        data = LineDict(item.data)
        data.line, data.key_lines = _line_of(item), dict(getattr(item.data, "key_lines", {}))
        if names:
            data["name"] = names[index] if len(names) > 1 else names[0]
        if addresses:
            data["address"] = addresses[index] if len(addresses) > 1 else addresses[0]
        readers.append(MapReader(data, item.path, item.error, item.prefix))
    return readers


def _inventory_host(item: MapReader, base: Path, ssh_config: SSHConfigFile | None) -> Target:
    segment = _segment(item)
    if item.boolean("local", False):
        return Target(name=item.string("name", "local"), kind=TargetKind.LOCAL,
                      role=item.string("role", None), owner=item.string("owner", None),
                      tags=tuple(item.strings("tags", [])), segment=segment)
    address = item.string("address")
    if "/" in address:
        try:
            target = _range_target(item.string("name", address), address)
        except InventoryError as exc:
            item.fail("address", exc.detail)
        return replace(target, role=item.string("role", None), owner=item.string("owner", None),
                       tags=tuple(item.strings("tags", [])), segment=segment)
    if not valid_address(address):
        item.fail("address", f"'{address}' is not a valid host name or address")
    ssh = item.mapping("ssh", None)
    user, port, kind, access = None, None, TargetKind.NETWORK, None
    if ssh is not None:
        user, port, access = _inventory_ssh(ssh, base)
        port, user = _with_ssh_config(address, port, user, ssh_config)
        kind = TargetKind.SSH
    return Target(
        name=item.string("name", address),
        kind=kind,
        address=address,
        port=port,
        user=user,
        role=item.string("role", None),
        owner=item.string("owner", None),
        ports=tuple(_ports(item)),
        tags=tuple(item.strings("tags", [])),
        ssh=access,
        aliases=_aliases(item),
        segment=segment,
    )


def _aliases(item: MapReader) -> tuple[str, ...]:
    """``aliases:``: other host names clients reach the host by (sent as SNI, matched against certificates)."""
    aliases = item.strings("aliases", [])
    for alias in aliases:
        if problem := alias_error(alias):
            item.fail("aliases", problem)
    return normal_aliases(aliases)


def alias_error(alias: str) -> str | None:
    """Why ``alias`` cannot be a host's alias (an address, not a host name), or None."""
    if is_address(alias):
        return f"'{alias}' is an address; aliases are host names"
    if not valid_address(alias):
        return f"'{alias}' is not a valid host name"
    return None


def normal_aliases(aliases: list[str]) -> tuple[str, ...]:
    """Aliases lower-cased, without a trailing dot, each once, in the order given."""
    return tuple(dict.fromkeys(alias.rstrip(".").lower() for alias in aliases))


def _segment(item: MapReader) -> str | None:
    """The ``segment:`` of a host or group (None: the default segment), checked as a queue name."""
    segment: str | None = item.string("segment", None)
    if segment is not None and (problem := segment_name_error(segment)):
        item.fail("segment", problem)
    return segment


def _inventory_ssh(ssh: MapReader, base: Path) -> tuple[str | None, int | None, SSHAccess]:
    """The ``ssh:`` mapping of a host: user, port, key (a path), sudo, known_hosts (a path)."""
    ssh.reject_unknown({"user", "port", "key", "sudo", "known_hosts"})
    user = ssh.string("user", None)
    if user is not None and not _USER.match(user):
        ssh.fail("user", "not a valid user name")
    port = ssh.number("port", None, minimum=1)
    if port is not None and (not isinstance(port, int) or port > 65535):
        ssh.fail("port", "port must be a number from 1 to 65535")
    access = SSHAccess(key=_existing_file(ssh, "key", base), sudo=ssh.boolean("sudo", False),
                       known_hosts=_existing_file(ssh, "known_hosts", base))
    return user, port, access


def _existing_file(reader: MapReader, key: str, base: Path) -> str | None:
    """A file path (``~`` expanded, relative to the inventory's directory) that must exist."""
    value = reader.string(key, None)
    if value is None:
        return None
    path = base / Path(value).expanduser()
    if not path.is_file():
        reader.fail(key, f"{path}: no such file")
    return str(path)


def _is_port(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536


def _ports(item: MapReader) -> list[int]:
    ports = item.raw("ports", [])
    if not isinstance(ports, list) or not all(_is_port(port) for port in ports):
        item.fail("ports", "expected a list of port numbers 1-65535")
    return list(ports)
