"""What the auditor knows: its checks, its shipped profiles and the toolkit's measures."""

from __future__ import annotations

import argparse
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
