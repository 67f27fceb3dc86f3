from __future__ import annotations

import pytest
from rattler import MatchSpec

from benchmarks.workload import EXTRA_PACKAGE, MAX_PACKAGES, env_specs
from conda_testbed.packages import channel_packages

CHANNEL_NAMES = {package.name for package in channel_packages()}


def spec_name(spec: str) -> str:
    return MatchSpec(spec).name.normalized


def test_envs_are_named_apart_and_declare_ten_specs_of_the_test_channel():
    envs = env_specs(20)
    assert len({env.name for env in envs}) == 20
    for env in envs:
        assert len(env.packages) == MAX_PACKAGES == 10
        names = [spec_name(spec) for spec in env.packages]
        assert len(set(names)) == len(names)
        assert set(names) <= CHANNEL_NAMES


def test_envs_vary_their_python():
    pythons = {env.packages[0] for env in env_specs(3)}
    assert pythons == {'python=3.9', 'python=3.10', 'python=3.11'}


def test_the_change_adds_a_channel_package_the_env_does_not_declare():
    env = env_specs(1)[0]
    changed = env.with_extra_package()
    assert changed.packages[:-1] == env.packages
    assert spec_name(EXTRA_PACKAGE) in CHANNEL_NAMES
    assert spec_name(EXTRA_PACKAGE) not in {spec_name(spec) for spec in env.packages}


def test_fewer_packages_are_a_prefix_and_more_than_the_channel_has_is_refused():
    assert env_specs(1, 3)[0].packages == env_specs(1)[0].packages[:3]
    with pytest.raises(ValueError):
        env_specs(1, MAX_PACKAGES + 1)
