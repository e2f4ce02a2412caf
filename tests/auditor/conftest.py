"""Fixtures over the synthetic plugins of testkit.synthetic (real plugins, a real registry)."""

import pytest

from testkit.synthetic import build_setup, make_check


@pytest.fixture
def synthetic(tmp_path):
    """``synthetic(profile_text, extra_checks)`` -> (registry, profile, counting collector)."""
    return lambda profile_text="name: t\n", extra_checks=(): build_setup(tmp_path, profile_text, extra_checks)


@pytest.fixture
def check_factory():
    """``check_factory(check_id, facts, judge, scope=..., severity=...)`` -> a Check class."""
    return make_check
