"""What the auditor knows: its checks, its shipped profiles and the toolkit's measures."""

from __future__ import annotations

import argparse
import inspect
import json
from typing import Any

from auditor.config.catalogue import load_catalogue
from auditor.config.profile import load_profile, shipped_profiles
from auditor.errors import InventoryError
from auditor.registry import default_registry


def cmd_checks(args: argparse.Namespace) -> int:
    """``auditor checks``: id, severity, measures and title of every check."""
    registry = default_registry()
    selected = set(load_profile(args.profile, registry).selected) if args.profile else None
    rows: list[dict[str, Any]] = [
        {
            "id": check.id,
            "title": check.title,
            "severity": check.severity.value,
            "measures": list(check.measures),
            "scope": check.scope.value,
            "tags": list(check.tags),
            **({"selected": check.id in selected} if selected is not None else {}),
        }
        for check in registry.checks.values()
    ]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    width = max(len(check_id) for check_id in registry.checks)
    for check in registry.checks.values():
        mark = "" if selected is None else ("* " if check.id in selected else "  ")
        measures = ",".join(check.measures) or "-"
        print(f"{mark}{check.id:<{width}}  {check.severity.value:<8}  {measures:<13}  {check.title}")
    return 0


def cmd_profiles(args: argparse.Namespace) -> int:
    """``auditor profiles``: shipped profiles with version and description."""
    registry = default_registry()
    for name in shipped_profiles():
        profile = load_profile(name, registry)
        extends = f" (extends {profile.chain[1]})" if len(profile.chain) > 1 else ""
        print(f"{name:<12} {profile.version:<8} fail_on={profile.fail_on.value:<8} "
              f"{len(profile.selected)} checks{extends}  {profile.description}")
    return 0


def cmd_measures(args: argparse.Namespace) -> int:
    """``auditor measures``: the toolkit catalogue."""
    catalogue = load_catalogue()
    phases = [phase.id for phase in catalogue.phases]
    if args.phase and args.phase not in phases:
        raise InventoryError(args.phase, f"unknown phase (one of: {', '.join(phases)})")
    measures = [m for m in catalogue.measures.values() if not args.phase or m.phase == args.phase]
    if args.json:
        print(json.dumps([measure.to_dict() for measure in measures], indent=1))
        return 0
    print(f"{catalogue.title} (catalogue {catalogue.version})")
    for measure in measures:
        print(f"{measure.id:<7} {measure.phase:<11} {measure.evidence:<12} {measure.title}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """``auditor explain CHECK_ID``: the check's documentation, measures, options and remediation."""
    registry = default_registry()
    check = registry.checks.get(args.check_id)
    if check is None:
        area = args.check_id.split(".")[0] + "."
        close = [check_id for check_id in registry.checks if check_id.startswith(area)][:5]
        hint = f" (did you mean: {', '.join(close)}?)" if close else " (see `auditor checks`)"
        raise InventoryError(args.check_id, f"unknown check id{hint}")
    catalogue = load_catalogue()
    print(f"{check.id} — {check.title}")
    print(f"severity {check.severity.value}, scope {check.scope.value}"
          + (f", tags {', '.join(check.tags)}" if check.tags else ""))
    print()
    print(inspect.cleandoc(check.__doc__ or "(no description)"))
    print("\nToolkit measures:")
    for measure_id in check.measures or ():
        measure = catalogue.measures.get(measure_id)
        print(f"  {measure_id} ({measure.phase}): {measure.title}" if measure else f"  {measure_id}")
    if not check.measures:
        print("  each finding names the measure it concerns")
    print("\nReads facts: " + ", ".join(kind.name for kind in check.facts))
    if check.policies:
        print("Policies: " + ", ".join(check.policies))
    print("Options (profile: options: " + check.id + ":):" if check.options else "Options: none")
    for key, default in check.options.items():
        print(f"  {key}: {json.dumps(_plain(default))}")
    selected_by = [name for name in shipped_profiles() if check.id in load_profile(name, registry).selected]
    print("Selected by the shipped profiles: " + (", ".join(selected_by) or "none"))
    print(f"\nRemediation: {check.remediation or '(see the description)'}")
    return 0


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
