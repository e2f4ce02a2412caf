"""The registry: check modules bring checks, collectors and policy kinds; clashes are bugs."""

import types

import pytest

from auditor.registry import build_registry, default_registry


def module(name, **attributes):
    made = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(made, key, value)
    return made


def test_built_in_policy_kinds_are_registered_by_their_check_modules():
    assert set(default_registry().policies) == {"ssh-algorithms", "services", "tls"}


def test_a_policy_kind_registered_twice_is_refused():
    def validator(reader):
        return {}

    with pytest.raises(ValueError, match="policy kind 'x' registered twice"):
        build_registry([module("a", POLICIES={"x": validator}), module("b", POLICIES={"x": validator})])


def test_a_check_reading_an_unregistered_policy_kind_is_refused(check_factory):
    check = check_factory("t.needs-policy", (), lambda self, facts, ctx: [])
    check.policies = ("nowhere",)
    with pytest.raises(ValueError, match="reads unregistered policy kinds: nowhere"):
        build_registry([module("c", CHECKS=(check,))])
