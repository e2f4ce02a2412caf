"""Audit profiles: which checks run, with which options, severities, policies and waivers.

A profile is YAML and may ``extends:`` another (by shipped name or by path). Merging is
deliberately simple: scalars and lists in the child replace the parent's (except
``version`` and ``description``, which describe one file and are not inherited), mappings
(``options``, ``severity``, ``collectors``, ``policies``, ``timeouts``) merge key by key,
and ``waivers`` accumulate. Each file is validated on its own, so an error names the file
and line it is really in.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor import resources
from auditor.check import Check, Collector
from auditor.config.policies import is_file_ref, load_policy, policy_path
from auditor.config.yamlfile import MapReader, load_yaml
from auditor.errors import ProfileError
from auditor.models import Finding, Severity, Waiver
from auditor.registry import Registry

DEFAULT_PROFILE = "baseline"
SEVERITIES = {severity.value: severity for severity in Severity}
_MAX_EXTENDS = 8
_TOP_LEVEL_KEYS = frozenset(
    {
        "name", "version", "description", "extends", "fail_on", "select", "exclude", "options",
        "severity", "collectors", "policies", "waivers", "attestations", "timeouts", "concurrency",
    }
)
_TIMEOUT_DEFAULTS = {"connect": 5.0, "command": 30.0, "target": 300.0}
_CONCURRENCY_DEFAULTS = {"targets": 8, "per_host": 2}


@dataclass(frozen=True)
class Profile:
    """A fully merged and validated profile."""

    name: str
    version: str
    description: str
    path: str
    chain: tuple[str, ...]  # this profile and its ancestors, child first
    fail_on: Severity
    selected: tuple[str, ...]  # check ids, sorted
    options: Mapping[str, Mapping[str, Any]]  # check id -> complete options (defaults applied)
    severity: Mapping[str, Severity]  # check id -> effective severity
    collectors: Mapping[str, Mapping[str, Any]]  # collector name -> options the chain sets
    policies: Mapping[str, Any]  # kind -> loaded policy data
    waivers: tuple[Waiver, ...]
    attestations: str | None
    timeouts: Mapping[str, float]
    concurrency: Mapping[str, int]
    # The user's files it was read from (profiles of the chain and policies named by path, not the
    # shipped ones), as given: what a worker needs to read the same profile.
    files: tuple[str, ...] = ()

    def waiver_for(self, finding: Finding) -> Waiver | None:
        """The first waiver whose check, target and resource patterns cover ``finding``."""
        for waiver in self.waivers:
            if (
                waiver.check == finding.check_id
                and fnmatch.fnmatchcase(finding.target, waiver.target)
                and fnmatch.fnmatchcase(finding.resource, waiver.resource)
            ):
                return waiver
        return None

    def collector_options(self, collector: Collector) -> dict[str, Any]:
        """The options ``collector`` runs with: its defaults, overridden by what the chain sets."""
        return {**collector.options, **self.collectors.get(collector.name, {})}

    def to_dict(self) -> dict[str, Any]:
        """What a snapshot records of the profile: enough to tell two runs' profiles apart."""
        return {
            "name": self.name,
            "version": self.version,
            "path": self.path,
            "chain": list(self.chain),
            "fail_on": self.fail_on.value,
            "selected": list(self.selected),
            "policies": {
                kind: {"name": policy.get("policy", ""), "version": policy.get("version", "")}
                for kind, policy in self.policies.items()
            },
            "waivers": [waiver.to_dict() for waiver in self.waivers],
        }


@dataclass
class _Layer:
    """One profile file, validated but not yet merged."""

    path: Path
    name: str
    extends: str | None = None
    scalars: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    collectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: dict[str, Any] = field(default_factory=dict)
    timeouts: dict[str, float] = field(default_factory=dict)
    concurrency: dict[str, int] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the user's files this layer reads (itself, policies)


def shipped_profiles() -> dict[str, Path]:
    """Shipped profile names and their files."""
    return {path.stem: path for path in sorted(resources.profiles_dir().glob("*.yaml"))}


def resolve_profile_ref(ref: str, base: Path | None = None) -> Path:
    """A profile given as a shipped name or as a path (relative to ``base`` when given)."""
    candidate = Path(ref)
    if base is not None and not candidate.is_absolute():
        candidate = base / candidate
    if is_file_ref(ref):
        return candidate
    shipped = shipped_profiles()
    if ref in shipped:
        return shipped[ref]
    raise ProfileError(ref, f"no such profile (shipped: {', '.join(shipped)}; or give a path to a .yaml file)")


def load_profile(ref: str, registry: Registry) -> Profile:
    """Load a profile by shipped name or path, following ``extends``, and validate it all."""
    layers = _load_chain(resolve_profile_ref(ref), registry, is_file_ref(ref))
    return _merge(layers, registry)


def _load_chain(path: Path, registry: Registry, by_path: bool) -> list[_Layer]:
    """The profile at ``path`` and its ancestors, child first; ``by_path``: named by a path, not a shipped name."""
    layers: list[_Layer] = []
    seen: set[Path] = set()
    while True:
        resolved = path.resolve()
        if resolved in seen:
            raise ProfileError(str(path), "extends itself (directly or through another profile)")
        if len(layers) >= _MAX_EXTENDS:
            raise ProfileError(str(path), f"extends chain longer than {_MAX_EXTENDS} profiles")
        seen.add(resolved)
        layer = _read_layer(path, registry)
        if by_path:
            layer.files.insert(0, str(path))
        layers.append(layer)
        if layer.extends is None:
            return layers
        path, by_path = resolve_profile_ref(layer.extends, path.parent), is_file_ref(layer.extends)


def _read_layer(path: Path, registry: Registry) -> _Layer:
    root = MapReader(load_yaml(path, ProfileError), str(path), ProfileError)
    root.reject_unknown(_TOP_LEVEL_KEYS)
    layer = _Layer(path=path, name=root.string("name", path.stem), extends=root.string("extends", None))
    for key in ("version", "description"):
        if root.has(key):
            layer.scalars[key] = str(root.raw(key))
    if root.has("fail_on"):
        layer.scalars["fail_on"] = root.choice("fail_on", SEVERITIES)
    if root.has("attestations"):
        layer.scalars["attestations"] = str(path.parent / root.string("attestations"))
    for key in ("select", "exclude"):
        if root.has(key):
            layer.lists[key] = _check_patterns(root, key, registry)
    layer.options = _read_options(root, registry)
    layer.severity = _read_severity(root, registry)
    layer.collectors = _read_collectors(root, registry)
    layer.files.extend(root.files)  # files collector options name (rules, CA bundles)
    layer.policies = _read_policies(root, path.parent, registry, layer.files)
    layer.timeouts = _read_numbers(root, "timeouts", _TIMEOUT_DEFAULTS)
    layer.concurrency = {k: int(v) for k, v in _read_numbers(root, "concurrency", _CONCURRENCY_DEFAULTS).items()}
    layer.waivers = [_read_waiver(item, registry) for item in root.items("waivers")]
    return layer


def _check_patterns(root: MapReader, key: str, registry: Registry) -> list[str]:
    """Selection patterns; one that selects nothing is an error, since it is almost always a typo."""
    patterns: list[str] = root.strings(key)
    for pattern in patterns:
        if not registry.matching(pattern):
            root.fail(key, f"'{pattern}' matches no check (see `auditor checks`)")
    return patterns


def _known_check(reader: MapReader, key: str, registry: Registry) -> type[Check]:
    if key not in registry.checks:
        reader.fail(key, "unknown check id (see `auditor checks`)")
    return registry.checks[key]


def _read_options(root: MapReader, registry: Registry) -> dict[str, dict[str, Any]]:
    section = root.mapping("options", None)
    if section is None:
        return {}
    options = {}
    for check_id in section.data:
        check = _known_check(section, check_id, registry)
        reader = section.mapping(check_id)
        # Only the keys written in this file; defaults are applied once, after merging.
        values = check.parse_options(reader)
        options[check_id] = {key: values[key] for key in reader.data}
    return options


def _read_severity(root: MapReader, registry: Registry) -> dict[str, Severity]:
    section = root.mapping("severity", None)
    if section is None:
        return {}
    for check_id in section.data:
        _known_check(section, check_id, registry)
    return {check_id: section.choice(check_id, SEVERITIES) for check_id in section.data}


def _read_collectors(root: MapReader, registry: Registry) -> dict[str, dict[str, Any]]:
    section = root.mapping("collectors", None)
    if section is None:
        return {}
    result = {}
    for name in section.data:
        if name not in registry.collectors:
            section.fail(name, f"unknown collector (known: {', '.join(sorted(registry.collectors))})")
        reader = section.mapping(name)
        values = registry.collectors[name].parse_options(reader)
        result[name] = {key: values[key] for key in reader.data}
    return result


def _read_policies(root: MapReader, base: Path, registry: Registry, files: list[str]) -> dict[str, Any]:
    section = root.mapping("policies", None)
    if section is None:
        return {}
    policies = {}
    for kind in section.data:
        ref = section.string(kind)
        try:
            policies[kind] = load_policy(kind, ref, base, registry.policies)
            if is_file_ref(ref):
                files.append(str(policy_path(kind, ref, base)))
        except KeyError:
            section.fail(kind, f"unknown policy kind (known: {', '.join(sorted(registry.policies))})")
        except FileNotFoundError as exc:
            section.fail(kind, str(exc))
    return policies


def _read_numbers(root: MapReader, key: str, defaults: Mapping[str, float]) -> dict[str, float]:
    section = root.mapping(key, None)
    if section is None:
        return {}
    section.reject_unknown(frozenset(defaults))
    return {name: section.number(name, minimum=1) for name in section.data}


def _read_waiver(item: MapReader, registry: Registry) -> Waiver:
    item.reject_unknown({"check", "target", "resource", "justification", "owner", "expires"})
    check_id = item.string("check")
    if check_id not in registry.checks:
        item.fail("check", f"unknown check id '{check_id}' (see `auditor checks`)")
    return Waiver(
        check=check_id,
        target=item.string("target"),
        resource=item.string("resource", "*"),
        justification=item.string("justification"),
        owner=item.string("owner"),
        expires=item.date("expires").isoformat(),
        source=f"{item.path}:{item.line()}",
    )


def _merge(layers: list[_Layer], registry: Registry) -> Profile:
    """Fold the chain from the root ancestor down to the named profile."""
    scalars: dict[str, Any] = {}
    lists: dict[str, list[str]] = {}
    options: dict[str, dict[str, Any]] = {}
    severity: dict[str, Severity] = {}
    collectors: dict[str, dict[str, Any]] = {}
    policies: dict[str, Any] = {}
    timeouts: dict[str, float] = dict(_TIMEOUT_DEFAULTS)
    concurrency: dict[str, int] = dict(_CONCURRENCY_DEFAULTS)
    waivers: list[Waiver] = []
    for layer in reversed(layers):
        scalars.update(layer.scalars)
        lists.update(layer.lists)
        for check_id, values in layer.options.items():
            options.setdefault(check_id, {}).update(values)
        severity.update(layer.severity)
        for name, values in layer.collectors.items():
            collectors.setdefault(name, {}).update(values)
        policies.update(layer.policies)
        timeouts.update(layer.timeouts)
        concurrency.update(layer.concurrency)
        waivers.extend(layer.waivers)
    selected = _select(lists.get("select", ["*"]), lists.get("exclude", []), registry)
    named = layers[0]
    return Profile(
        name=named.name,
        # A version and description describe one file, so they are never inherited.
        version=named.scalars.get("version", "unversioned"),
        description=named.scalars.get("description", ""),
        path=str(named.path),
        chain=tuple(layer.name for layer in layers),
        fail_on=scalars.get("fail_on", Severity.HIGH),
        selected=selected,
        options={
            check_id: {**registry.checks[check_id].options, **options.get(check_id, {})}
            for check_id in selected
        },
        severity={
            check_id: severity.get(check_id, registry.checks[check_id].severity) for check_id in selected
        },
        # Only what the chain sets: a collector's own defaults apply when it runs, so a profile
        # does not import every area to learn options of collectors it never uses.
        collectors=collectors,
        policies=_with_required_policies(policies, selected, registry, named.path),
        waivers=tuple(waivers),
        attestations=scalars.get("attestations"),
        timeouts=timeouts,
        concurrency=concurrency,
        files=tuple(file for layer in layers for file in layer.files),
    )


def _select(select: list[str], exclude: list[str], registry: Registry) -> tuple[str, ...]:
    chosen = {check.id for pattern in select for check in registry.matching(pattern)}
    dropped = {check.id for pattern in exclude for check in registry.matching(pattern)}
    return tuple(sorted(chosen - dropped))


def _with_required_policies(
    policies: dict[str, Any], selected: tuple[str, ...], registry: Registry, path: Path
) -> dict[str, Any]:
    """Every policy a selected check reads must be chosen somewhere in the chain."""
    for check_id in selected:
        for kind in registry.checks[check_id].policies:
            if kind not in policies:
                raise ProfileError(
                    str(path), f"check '{check_id}' needs a '{kind}' policy", key=f"policies.{kind}"
                )
    return policies
