"""A root-run install for a non-root owner: everything the role, the installer and conda made is the owner's.

The role never changes ownership recursively (only the prefix folder itself, the record and .condarc),
so files the installer and conda wrote belong to the owner only if they ran as the owner.
"""
from __future__ import annotations

import json

import pytest


@pytest.fixture(name='scenario', scope='module')
def fixture_scenario(host) -> dict:
    return host.ansible.get_variables()


def as_owner(host, scenario: dict, command: str):
    return host.run('su %s -c %s', scenario['owner_name'], command)


def not_the_owners(host, scenario: dict, path: str) -> list:
    found = host.run('find %s ! -user %s -o ! -group %s', path, scenario['owner_name'], scenario['owner_name'])
    assert found.rc == 0, found.stderr
    return found.stdout.splitlines()


def test_prefix_holds_a_conda_root_and_the_env(host, scenario):
    prefix = scenario['owner_prefix']
    for path in ('bin/conda', 'conda-meta/history', 'etc/macfleet/miniconda.json', '.condarc',
                 'envs/myenv/conda-meta/history'):
        assert host.file('%s/%s' % (prefix, path)).exists, path
    assert host.run('ls %s/conda-meta/conda-*.json', prefix).rc == 0
    assert host.run('ls %s/envs/myenv/conda-meta/numpy-1.19.2-*.json', prefix).rc == 0


def test_everything_under_the_prefix_belongs_to_the_owner_and_its_group(host, scenario):
    assert host.file(scenario['owner_prefix']).user == scenario['owner_name']
    assert host.file(scenario['owner_prefix']).group == scenario['owner_name']
    assert not_the_owners(host, scenario, scenario['owner_prefix']) == []


def test_the_prefix_parent_stays_roots(host, scenario):
    parent = host.file(scenario['owner_prefix'].rsplit('/', 1)[0])
    assert (parent.user, parent.group) == ('root', 'root')


def test_the_owner_runs_conda_on_the_env(host, scenario):
    listing = as_owner(host, scenario, '%s/bin/conda list --json -n myenv' % scenario['owner_prefix'])
    assert listing.rc == 0, listing.stderr
    versions = {pkg['name']: pkg['version'] for pkg in json.loads(listing.stdout)}
    assert versions['numpy'] == '1.19.2'
    assert versions['python'].startswith('3.9.')


def test_the_owners_bashrc_hook_is_the_owners_and_works(host, scenario):
    bashrc = host.file('%s/.bashrc' % scenario['owner_home'])
    assert (bashrc.user, bashrc.group) == (scenario['owner_name'], scenario['owner_name'])
    assert bashrc.contains('# >>> conda initialize >>>')
    hooked = as_owner(host, scenario, "bash -ic 'conda --version'")
    assert hooked.rc == 0, hooked.stderr
    assert hooked.stdout.strip().startswith('conda ')


def test_nothing_in_the_owners_home_belongs_to_root(host, scenario):
    assert not_the_owners(host, scenario, scenario['owner_home']) == []


def test_no_installer_is_left_behind(host, scenario):
    leftovers = host.run("find /tmp /var/tmp -maxdepth 1 -name 'macfleet-conda.*' -user %s", scenario['owner_name'])
    assert leftovers.stdout.strip() == ''
