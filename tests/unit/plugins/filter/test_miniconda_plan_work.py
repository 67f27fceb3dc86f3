"""miniconda_plan's ``work``: the one flag on which the role skips all of apply.yml on a converged host."""
from __future__ import annotations

import hashlib

import pytest

from ansible_collections.macfleet.conda.plugins.filter.miniconda import miniconda_plan

PREFIX = '/opt/miniconda3'
CONDARC = 'channels:\n- conda-forge\n'
FOLDER = {'type': 'directory', 'owner': 'builder', 'group': 'staff', 'mode': '0755'}
ENVS = [{'name': 'py311', 'packages': ['python=3.11']}]


def converged_host() -> dict:
    """What conda_info reads on a host where every target the role manages holds."""
    return {
        'root_prefix': PREFIX,
        'paths': {
            PREFIX: dict(FOLDER),
            PREFIX + '/.condarc': {'type': 'file', 'owner': 'builder', 'group': 'staff', 'mode': '0644',
                                   'checksum': hashlib.sha1(CONDARC.encode()).hexdigest()},
        },
        'envs': {'py311': {'converged': True}},
    }


def plan(info=None, found=None, **kwargs) -> dict:
    found = dict({'action': 'none', 'tos_accepted': [], 'legacy_record': False}, **(found or {}))
    given = dict(owner='builder', group='staff', condarc=CONDARC, environments=ENVS)
    given.update(kwargs)
    return miniconda_plan(converged_host() if info is None else info, found, **given)


def test_a_converged_host_has_no_work():
    result = plan()
    assert result['work'] is False
    assert result['environments'] == [] and not result['condarc'] and not result['prefix']


@pytest.mark.parametrize('found', [{'action': 'install'}, {'action': 'update'}, {'legacy_record': True}],
                         ids=['install', 'update', 'legacy-record'])
def test_a_change_to_the_install_is_work(found):
    assert plan(found=found)['work'] is True


def test_a_drifting_env_is_work_and_names_only_that_env():
    info = converged_host()
    info['envs']['py311']['converged'] = False
    result = plan(info)
    assert result['work'] is True
    assert [item['name'] for item in result['environments']] == ['py311']


def test_a_condarc_that_differs_is_work():
    assert plan(condarc=CONDARC + 'channel_priority: strict\n')['work'] is True


def test_a_prefix_owned_by_someone_else_is_work():
    info = converged_host()
    info['paths'][PREFIX]['owner'] = 'root'
    assert plan(info)['work'] is True


def test_a_channel_whose_terms_are_not_accepted_is_work():
    assert plan(tos_channels=['https://repo.anaconda.com/pkgs/main'])['work'] is True


@pytest.mark.parametrize('update_all', [True, 'yes'])
def test_update_all_always_asks_conda(update_all):
    result = plan(update_all=update_all)
    assert result['work'] is True and result['update_all'] is True
    assert plan()['update_all'] is False


def test_a_missing_shell_block_is_work():
    block = {'path': '/Users/builder/.zshrc', 'marker': '# {mark} conda initialize {mark}'}
    assert plan(shells=[block])['work'] is True


def test_a_missing_export_folder_is_work():
    assert plan(export_dir='/Users/builder/conda-exports')['work'] is True
