"""conda_env's ``src``: an environment.yml on the controller, found as ``copy`` finds its src (files/)."""
from __future__ import annotations

import pytest
import yaml

from conda_module_helpers import installed, snapshot

MODULE = 'macfleet.conda.conda_env'


def _play(ansible, conda_root, src, **extra):
    """A playbook beside a files/ folder, as users keep them; its one task applies ``src``."""
    args = dict({'src': src, 'executable': str(conda_root.conda), 'channels': [conda_root.channel_url],
                 'override_channels': True}, **extra)
    playbook = ansible.workdir / 'site.yml'
    playbook.write_text(yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False,
                                         'tasks': [{'name': 'under test', MODULE: args, 'ignore_errors': True}]}]))
    return playbook


@pytest.fixture
def files(ansible):
    folder = ansible.workdir / 'files'
    folder.mkdir()
    (folder / 'build-env.yml').write_text(
        'name: fromsrc\nchannels: [nodefaults]\ndependencies:\n  - python=3.9\n  - toolz=0.12.0\n'
        'variables:\n  BUILD_PROFILE: release\n')
    return folder


def test_a_relative_src_is_found_in_the_playbooks_files_folder_and_converges(ansible, conda_root, files):
    playbook = _play(ansible, conda_root, 'build-env.yml')
    first = ansible.run_playbook(playbook).result('under test')
    assert first['changed'] is True, first
    prefix = conda_root.env_prefix('fromsrc')
    assert installed(prefix)['toolz'] == '0.12.0'
    assert first['actions']['variables'] == {'set': {'BUILD_PROFILE': 'release'}, 'unset': []}
    again = ansible.run_playbook(playbook).result('under test')
    assert again['changed'] is False, again


def test_a_missing_src_fails_naming_where_it_looked_and_changes_nothing(ansible, conda_root, files):
    before = snapshot(conda_root.prefix)
    result = ansible.run_playbook(_play(ansible, conda_root, 'nosuch.yml')).result('under test')
    assert result['failed'] is True
    assert 'nosuch.yml (src) was not found on the controller' in result['msg']
    assert str(files) in result['msg'] and 'nothing was changed' in result['msg'].lower()
    assert snapshot(conda_root.prefix) == before and conda_root.calls() == []


def test_src_with_python_is_refused_before_anything_runs(ansible, conda_root, files):
    result = ansible.run_playbook(_play(ansible, conda_root, 'build-env.yml', python='3.9')).result('under test')
    assert result['failed'] is True and 'src and python cannot be given together' in result['msg']
    assert conda_root.calls() == []


def test_a_bad_key_in_src_is_reported_with_the_controller_path(ansible, conda_root, files):
    (files / 'bad.yml').write_text('name: bad\ndependencies: [python=3.9]\nfoo: bar\n')
    result = ansible.run_playbook(_play(ansible, conda_root, 'bad.yml')).result('under test')
    assert result['failed'] is True
    assert str(files / 'bad.yml') in result['msg'] and 'foo' in result['msg']
