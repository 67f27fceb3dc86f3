"""The collection's playbooks on local hosts: they find conda and its owner through the role's facts.

Hosts name their conda the way a fleet's inventory does, with the role's ``miniconda_prefix`` and
``miniconda_owner``; ``conda_executable`` overrides it where a test says so.
"""
from __future__ import annotations

import getpass
import os
import pathlib
import subprocess
import sys

import pytest

from conda_testbed.session import REAL_CONDA
# myenv is a fixture: pytest finds it by name in this module.
from test_conda_export import BUILDS, ENV_YML, myenv, records  # noqa: F401  pylint: disable=unused-import

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / 'playbooks'
# conda runs as the account running the tests; root has to be named, as the role asks.
OWNER = getpass.getuser()


def _local_inventory(path, hosts):
    lines = ['[macos_builders]']
    for name, variables in hosts.items():
        pairs = dict({'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
                      'miniconda_owner': OWNER}, **variables)
        lines.append(name + ' ' + ' '.join('%s=%s' % item for item in sorted(pairs.items())))
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


def _role_managed(conda_root) -> dict:
    """Host variables of a host whose conda the miniconda role manages at ``conda_root``."""
    return {'miniconda_prefix': conda_root.prefix}


def test_export_playbook_stores_each_env_per_host_on_the_controller(tmp_path, conda_root, myenv, ansible):
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'mac1': _role_managed(conda_root)})
    store = tmp_path / 'store'
    extra = {'conda_export_dir': str(store), 'conda_export_envs': ['myenv', 'base']}
    first = ansible.run_playbook(PLAYBOOKS / 'export.yml', extra_vars=extra, inventory=inventory)
    assert first.rc == 0, first.stdout[-3000:]
    assert (store / 'mac1' / 'myenv.yml').read_text() == ENV_YML.format(channel=conda_root.channel_url, **BUILDS)
    assert (store / 'mac1' / 'base.yml').read_text().startswith('name: base\n')
    again = ansible.run_playbook(PLAYBOOKS / 'export.yml', extra_vars=extra, inventory=inventory)
    assert again.rc == 0 and again.stats['mac1']['changed'] == 0


def test_export_playbook_needs_a_folder(tmp_path, conda_root, ansible):
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'mac1': _role_managed(conda_root)})
    result = ansible.run_playbook(PLAYBOOKS / 'export.yml', inventory=inventory)
    assert result.rc != 0 and 'conda_export_dir' in result.stdout


def test_playbooks_refuse_to_run_conda_as_root_unless_named(tmp_path, conda_root, myenv, ansible):
    """The role's rule holds in the playbooks: connected as root, conda's owner must be named."""
    if OWNER != 'root':
        pytest.skip('the tests do not run as root here')
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'mac1': dict(_role_managed(conda_root), miniconda_owner="''")})
    result = ansible.run_playbook(PLAYBOOKS / 'remove_env.yml', extra_vars={'conda_remove_env': 'myenv'},
                                  inventory=inventory)
    assert result.rc != 0 and 'Set miniconda_owner' in result.stdout
    assert myenv.exists()


def test_remove_env_playbook_removes_one_env_then_is_ok(tmp_path, conda_root, myenv, ansible):
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'mac1': _role_managed(conda_root)})
    extra = {'conda_remove_env': 'myenv'}
    check = ansible.run_playbook(PLAYBOOKS / 'remove_env.yml', extra_vars=extra, inventory=inventory, check=True)
    assert check.rc == 0 and check.stats['mac1']['changed'] == 1 and myenv.exists()
    first = ansible.run_playbook(PLAYBOOKS / 'remove_env.yml', extra_vars=extra, inventory=inventory)
    assert first.rc == 0 and first.stats['mac1']['changed'] == 1, first.stdout[-3000:]
    assert not myenv.exists()
    again = ansible.run_playbook(PLAYBOOKS / 'remove_env.yml', extra_vars=extra, inventory=inventory)
    assert again.rc == 0 and again.stats['mac1']['changed'] == 0


@pytest.mark.parametrize('extra', [{}, {'conda_remove_env': ''}, {'conda_remove_env': 'base'}],
                         ids=['missing', 'empty', 'base'])
def test_remove_env_playbook_needs_an_env_other_than_base(tmp_path, conda_root, myenv, ansible, extra):
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'mac1': _role_managed(conda_root)})
    result = ansible.run_playbook(PLAYBOOKS / 'remove_env.yml', extra_vars=extra, inventory=inventory)
    assert result.rc != 0 and 'conda_remove_env=<name>' in result.stdout
    assert myenv.exists() and (conda_root.prefix / 'conda-meta').is_dir()


@pytest.mark.parametrize('mode', ['lock', 'from_history'])
def test_replicate_playbook_converges_a_group_to_the_reference(tmp_path, conda_root, myenv, ansible, installer, mode):
    """What export.yml stored for the reference is applied (no live export): its @EXPLICIT lock, or its
    from_history environment.yml."""
    if REAL_CONDA:
        pytest.skip('needs a second conda root with its own envs; the real conda switch gives one root')
    second = tmp_path / 'second-root'
    subprocess.run(['bash', str(installer[0]), '-b', '-p', str(second)], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(conda_root.home)))
    subprocess.run([str(second / 'bin' / 'conda'), 'create', '--json', '-y', '-n', 'myenv', 'python=3.9',
                    'toolz=0.12.0', '--override-channels', '-c', conda_root.channel_url],
                   check=True, capture_output=True, env=dict(os.environ, **conda_root.env))
    # The reference names its conda outright; the builder's comes from the role's facts.
    inventory = _local_inventory(tmp_path / 'hosts.ini', {
        'ref': {'conda_executable': conda_root.conda},
        'builder': {'miniconda_prefix': second}})
    store = tmp_path / 'conda-envs'
    export = {'conda_export_dir': str(store), 'conda_export_envs': ['myenv']}
    export.update({'conda_export_format': 'explicit'} if mode == 'lock' else {'conda_export_from_history': True})
    exported = ansible.run_playbook(PLAYBOOKS / 'export.yml', extra_vars=export, inventory=inventory,
                                    args=('--limit', 'ref'))
    assert exported.rc == 0, exported.stdout[-3000:]
    extra = {'conda_replicate_dir': str(store), 'conda_replicate_reference': 'ref', 'conda_replicate_envs': ['myenv'],
             'conda_replicate_mode': mode}
    result = ansible.run_playbook(PLAYBOOKS / 'replicate.yml', extra_vars=extra, inventory=inventory)
    assert result.rc == 0, result.stdout[-3000:]
    assert records(second / 'envs' / 'myenv') == records(myenv)
    assert result.stats['ref']['changed'] == 0
    again = ansible.run_playbook(PLAYBOOKS / 'replicate.yml', extra_vars=extra, inventory=inventory)
    assert again.rc == 0 and again.stats['builder']['changed'] == 0


def test_replicate_playbook_needs_a_stored_export(tmp_path, conda_root, ansible):
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'mac1': _role_managed(conda_root)})
    result = ansible.run_playbook(PLAYBOOKS / 'replicate.yml', inventory=inventory,
                                  extra_vars={'conda_replicate_reference': 'ref', 'conda_replicate_envs': ['myenv']})
    assert result.rc != 0 and 'conda_replicate_dir' in result.stdout
