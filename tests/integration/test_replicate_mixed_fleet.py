"""playbooks/replicate.yml on a fleet of Apple silicon (osx-arm64) and Intel (osx-64) hosts, from what
playbooks/export.yml stored on the controller: each host gets its platform's lock, or the environment.yml.

The hosts are local conda roots of their own (installer runs) with Darwin facts faked before the playbook
(the facts decide the platform, as on a Mac). The test channel has osx-arm64 and osx-64 packages, so an
osx-* env is made with CONDA_SUBDIR and converged for real from its platform's @EXPLICIT lock; an env the
fallback creates from the environment.yml is solved for this machine's own platform (the stand-in's).
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest
import yaml

from conda_testbed.session import REAL_CONDA
from test_conda_export import conda, make_myenv
from test_playbooks import OWNER, PLAYBOOKS, _local_inventory

ONE_ROOT = pytest.mark.skipif(
    bool(REAL_CONDA), reason='needs a conda root per host; the real conda switch gives one root (and cannot make '
    'osx-* envs here)')

CHOOSE = "Choose each env's stored export for this host's platform"
CONVERGE = 'Converge each env to its stored export (a lock of this platform, or the environment.yml)'
ARCH = {'osx-arm64': 'arm64', 'osx-64': 'x86_64'}


def _root(installer, conda_root, root, subdir=None, toolz=None):
    """A conda root of its own; with ``subdir``, its myenv solved for that platform (python, numpy, toolz)."""
    subprocess.run(['bash', str(installer[0]), '-b', '-p', str(root)], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(conda_root.home)))
    if subdir:
        subprocess.run([str(root / 'bin' / 'conda'), 'create', '--json', '-y', '-n', 'myenv', 'python=3.9', 'numpy',
                        'toolz=' + toolz, '--override-channels', '-c', conda_root.channel_url],
                       check=True, capture_output=True, env=dict(os.environ, CONDA_SUBDIR=subdir, **conda_root.env))
    return root / 'envs' / 'myenv'


def _urls(prefix):
    return sorted(json.loads(path.read_text())['url'] for path in (pathlib.Path(prefix) / 'conda-meta').glob('*.json'))


def _export(ansible, inventory, hosts, **extra):
    result = ansible.run_playbook(PLAYBOOKS / 'export.yml', inventory=inventory, args=('--limit', hosts),
                                  extra_vars=dict({'conda_export_envs': ['myenv']}, **extra))
    assert result.rc == 0, result.stdout[-3000:]


def _fleet_play(tmp_path, platforms):
    """replicate.yml behind a play giving each builder the Darwin facts of its platform (cached, as gathered)."""
    play = tmp_path / 'mixed-fleet.yml'
    play.write_text(yaml.safe_dump([
        {'name': 'Fake the Darwin facts of each builder', 'hosts': ','.join(platforms), 'gather_facts': False,
         'tasks': [{'name': 'Fake the Darwin facts', 'ansible.builtin.set_fact': {
             'system': 'Darwin', 'architecture': '{{ fake_arch }}', 'user_id': OWNER, 'env': {}, 'cacheable': True}}]},
        {'ansible.builtin.import_playbook': str(PLAYBOOKS / 'replicate.yml')}], sort_keys=False))
    return play


def _choices(result):
    return dict((res['_host'], res['ansible_facts']['conda_replicate_sources']['myenv'])
                for task, res in result.tasks if task == CHOOSE and 'ansible_facts' in res)


@pytest.fixture
def stored(tmp_path, conda_root, ansible, installer):
    """An arm64 and an Intel reference, exported by export.yml: @EXPLICIT locks and a from_history environment.yml."""
    refs = {'mac-arm-ref': _root(installer, conda_root, tmp_path / 'arm-ref', 'osx-arm64', '0.11.2'),
            'mac-intel-ref': _root(installer, conda_root, tmp_path / 'intel-ref', 'osx-64', '0.11.2')}
    inventory = _local_inventory(tmp_path / 'refs.ini', dict(
        (name, {'miniconda_prefix': prefix.parents[1]}) for name, prefix in refs.items()))
    store = tmp_path / 'conda-envs'
    _export(ansible, inventory, 'all', conda_export_dir=str(store), conda_export_format='explicit')
    _export(ansible, inventory, 'mac-arm-ref', conda_export_dir=str(store), conda_export_from_history=True)
    assert sorted(path.name for path in store.rglob('*') if path.is_file()) == ['myenv.txt', 'myenv.txt', 'myenv.yml']
    return store, refs


@ONE_ROOT
def test_each_architecture_gets_its_own_lock_then_a_rerun_is_ok(tmp_path, conda_root, ansible, installer, stored):
    store, refs = stored
    # builders whose myenv drifted (a newer toolz), each of its own platform
    builders = {'mac-arm-1': ('osx-arm64', _root(installer, conda_root, tmp_path / 'arm-1', 'osx-arm64', '0.12.0')),
                'mac-intel-1': ('osx-64', _root(installer, conda_root, tmp_path / 'intel-1', 'osx-64', '0.12.0'))}
    inventory = _local_inventory(tmp_path / 'fleet.ini', dict(
        (name, {'miniconda_prefix': prefix.parents[1], 'fake_arch': ARCH[platform]})
        for name, (platform, prefix) in builders.items()))
    play = _fleet_play(tmp_path, builders)
    extra = {'conda_replicate_dir': str(store), 'conda_replicate_reference': ['mac-arm-ref', 'mac-intel-ref'],
             'conda_replicate_envs': ['myenv']}

    check = ansible.run_playbook(play, extra_vars=extra, inventory=inventory, check=True)
    assert check.rc == 0, check.stdout[-3000:]
    assert dict((host, (choice['platform'], choice['kind'], choice['path'])) for host, choice in _choices(check).items()) \
        == {'mac-arm-1': ('osx-arm64', 'explicit', str(store / 'mac-arm-ref' / 'myenv.txt')),
            'mac-intel-1': ('osx-64', 'explicit', str(store / 'mac-intel-ref' / 'myenv.txt'))}
    assert check.stats['mac-arm-1']['changed'] == check.stats['mac-intel-1']['changed'] == 1
    assert _urls(builders['mac-arm-1'][1]) != _urls(refs['mac-arm-ref'])  # check mode changed nothing

    first = ansible.run_playbook(play, extra_vars=extra, inventory=inventory)
    assert first.rc == 0, first.stdout[-3000:]
    for host, reference in (('mac-arm-1', 'mac-arm-ref'), ('mac-intel-1', 'mac-intel-ref')):
        platform, prefix = builders[host]
        assert _urls(prefix) == _urls(refs[reference])
        assert all('/%s/' % platform in url or '/noarch/' in url for url in _urls(prefix))
        assert first.stats[host]['changed'] == 1

    again = ansible.run_playbook(play, extra_vars=extra, inventory=inventory)
    assert again.rc == 0 and again.stats['mac-arm-1']['changed'] == again.stats['mac-intel-1']['changed'] == 0, \
        again.stdout[-3000:]


@ONE_ROOT
def test_a_platform_without_a_lock_gets_the_environment_yml_and_mode_lock_refuses_it(
        tmp_path, conda_root, ansible, installer, stored):
    store, refs = stored
    (store / 'mac-intel-ref' / 'myenv.txt').unlink()  # only the arm64 reference has a lock now
    arm = _root(installer, conda_root, tmp_path / 'arm-1', 'osx-arm64', '0.12.0')
    _root(installer, conda_root, tmp_path / 'intel-1')  # a new Intel host: no myenv yet
    intel = tmp_path / 'intel-1' / 'envs' / 'myenv'
    inventory = _local_inventory(tmp_path / 'fleet.ini', {
        'mac-arm-1': {'miniconda_prefix': tmp_path / 'arm-1', 'fake_arch': 'arm64'},
        'mac-intel-1': {'miniconda_prefix': tmp_path / 'intel-1', 'fake_arch': 'x86_64'}})
    play = _fleet_play(tmp_path, ['mac-arm-1', 'mac-intel-1'])
    extra = {'conda_replicate_dir': str(store), 'conda_replicate_reference': ['mac-arm-ref', 'mac-intel-ref'],
             'conda_replicate_envs': ['myenv']}

    refused = ansible.run_playbook(play, extra_vars=dict(extra, conda_replicate_mode='lock'), inventory=inventory)
    assert refused.rc != 0
    failures = [res['msg'] for task, res in refused.tasks if res.get('failed')]
    assert len(failures) == 1 and 'host mac-intel-1 (platform osx-64), env myenv' in failures[0] \
        and 'no lock of osx-64 is stored' in failures[0], failures
    assert not intel.exists()
    assert _urls(arm) == _urls(refs['mac-arm-ref'])  # the arm64 host had its lock

    first = ansible.run_playbook(play, extra_vars=extra, inventory=inventory)
    assert first.rc == 0, first.stdout[-3000:]
    choices = _choices(first)
    assert (choices['mac-intel-1']['kind'], choices['mac-intel-1']['path'], choices['mac-intel-1']['builds_dropped']) \
        == ('environment', str(store / 'mac-arm-ref' / 'myenv.yml'), False)
    assert choices['mac-arm-1']['kind'] == 'explicit'
    # the Intel env from the from_history environment.yml: the requested specs, solved on the host
    names = dict((json.loads(path.read_text())['name'], json.loads(path.read_text())['version'])
                 for path in (intel / 'conda-meta').glob('*.json'))
    assert names['toolz'] == '0.11.2' and names['python'].startswith('3.9') and 'numpy' in names
    assert first.stats['mac-intel-1']['changed'] == 1 and first.stats['mac-arm-1']['changed'] == 0

    again = ansible.run_playbook(play, extra_vars=extra, inventory=inventory)
    assert again.rc == 0 and again.stats['mac-arm-1']['changed'] == again.stats['mac-intel-1']['changed'] == 0, \
        again.stdout[-3000:]


@ONE_ROOT
def test_the_merged_conda_lock_is_chosen_for_the_platforms_it_holds(tmp_path, conda_root, ansible, installer, stored):
    """export.yml's conda_export_lock_dir: the merged conda-lock.yml comes first for a platform it holds."""
    store, refs = stored
    locks = tmp_path / 'conda-locks'
    inventory = _local_inventory(tmp_path / 'refs.ini', {'mac-arm-ref': {'miniconda_prefix': refs['mac-arm-ref'].parents[1]}})
    _export(ansible, inventory, 'mac-arm-ref', conda_export_lock_dir=str(locks))
    # existing (drifted) envs: a new osx-* env needs a Mac, this machine's conda is of another platform
    _root(installer, conda_root, tmp_path / 'arm-1', 'osx-arm64', '0.12.0')
    _root(installer, conda_root, tmp_path / 'intel-1', 'osx-64', '0.12.0')
    fleet = _local_inventory(tmp_path / 'fleet.ini', {
        'mac-arm-1': {'miniconda_prefix': tmp_path / 'arm-1', 'fake_arch': 'arm64'},
        'mac-intel-1': {'miniconda_prefix': tmp_path / 'intel-1', 'fake_arch': 'x86_64'}})
    play = _fleet_play(tmp_path, ['mac-arm-1', 'mac-intel-1'])
    extra = {'conda_replicate_dir': str(store), 'conda_replicate_lock_dir': str(locks),
             'conda_replicate_reference': ['mac-arm-ref', 'mac-intel-ref'], 'conda_replicate_envs': ['myenv'],
             'conda_replicate_mode': 'lock'}
    result = ansible.run_playbook(play, extra_vars=extra, inventory=fleet, check=True)
    assert result.rc == 0, result.stdout[-3000:]
    choices = _choices(result)
    assert (choices['mac-arm-1']['kind'], choices['mac-arm-1']['path']) \
        == ('conda_lock', str(locks / 'myenv' / 'conda-lock.yml'))
    assert (choices['mac-intel-1']['kind'], choices['mac-intel-1']['path']) \
        == ('explicit', str(store / 'mac-intel-ref' / 'myenv.txt'))


def test_a_drifted_host_goes_back_to_its_platforms_stored_lock(tmp_path, conda_root, ansible):
    """This machine's own platform, its real facts, and real conda too (MACFLEET_CONDA_EXE): the lock export.yml
    stored is applied, not a live export, and a converged host changes nothing."""
    prefix = make_myenv(conda_root)
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'builder': {'conda_executable': conda_root.conda}})
    store = tmp_path / 'conda-envs'
    _export(ansible, inventory, 'builder', conda_export_dir=str(store), conda_export_format='explicit')
    stored_urls = _urls(prefix)
    conda(conda_root, 'install', '--json', '-y', '-p', str(prefix), 'toolz=0.12.0', '--override-channels', '-c',
          conda_root.channel_url)
    assert _urls(prefix) != stored_urls
    extra = {'conda_replicate_dir': str(store), 'conda_replicate_reference': 'builder', 'conda_replicate_envs': ['myenv'],
             'conda_replicate_mode': 'lock'}
    first = ansible.run_playbook(PLAYBOOKS / 'replicate.yml', extra_vars=extra, inventory=inventory)
    assert first.rc == 0 and first.stats['builder']['changed'] == 1, first.stdout[-3000:]
    assert _choices(first)['builder']['path'] == str(store / 'builder' / 'myenv.txt')
    assert _urls(prefix) == stored_urls
    calls_before = len(conda_root.calls())
    again = ansible.run_playbook(PLAYBOOKS / 'replicate.yml', extra_vars=extra, inventory=inventory)
    assert again.rc == 0 and again.stats['builder']['changed'] == 0, again.stdout[-3000:]
    # what a second run costs: conda_env decides from the records and the lock, no conda process
    assert conda_root.calls()[calls_before:] == []


def test_a_platform_chosen_for_the_host_is_the_subdir_its_envs_are_made_for(tmp_path, conda_root, ansible):
    """conda_replicate_platform (osx-64 on Apple silicon in a fleet; this machine's own subdir here, which conda
    can run) makes each env for that subdir: conda records it in the env's .condarc, and a rerun is ok."""
    prefix = make_myenv(conda_root)
    inventory = _local_inventory(tmp_path / 'hosts.ini', {'builder': {'conda_executable': conda_root.conda}})
    store = tmp_path / 'conda-envs'
    _export(ansible, inventory, 'builder', conda_export_dir=str(store), conda_export_format='explicit')
    subdir = _urls(prefix)[0].split('/')[-2]
    if subdir == 'noarch':
        subdir = [url for url in _urls(prefix) if '/noarch/' not in url][0].split('/')[-2]
    extra = {'conda_replicate_dir': str(store), 'conda_replicate_reference': 'builder', 'conda_replicate_envs': ['myenv'],
             'conda_replicate_platform': subdir}
    first = ansible.run_playbook(PLAYBOOKS / 'replicate.yml', extra_vars=extra, inventory=inventory)
    assert first.rc == 0 and first.stats['builder']['changed'] == 1, first.stdout[-3000:]
    assert yaml.safe_load((prefix / '.condarc').read_text())['subdir'] == subdir
    again = ansible.run_playbook(PLAYBOOKS / 'replicate.yml', extra_vars=extra, inventory=inventory)
    assert again.rc == 0 and again.stats['builder']['changed'] == 0, again.stdout[-3000:]
