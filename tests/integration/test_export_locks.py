"""Locks out: conda_export's @EXPLICIT with a hash compared with conda's own `conda list --explicit`, and
playbooks/export.yml merging an osx-arm64 and an osx-64 host's conda-lock entries into one conda-lock.yml,
read back with conda-lock's own loader."""
from __future__ import annotations

import os
import pathlib
import subprocess

import pytest

from conda_testbed.session import REAL_CONDA
from test_conda_export import conda, make_myenv
from test_playbooks import PLAYBOOKS, _local_inventory

MODULE = 'macfleet.conda.conda_export'


def _conda_list_explicit(conda_root, prefix, flag):
    return conda(conda_root, 'list', '--explicit', *([flag] if flag else []), '-p', str(prefix)).stdout


@pytest.mark.parametrize('hash_kind, flag', [('md5', '--md5'), ('sha256', '--sha256'), ('none', None)])
def test_explicit_is_conda_list_explicit_byte_for_byte_but_the_created_by_line(conda_root, ansible, hash_kind, flag):
    if flag == '--sha256' and not REAL_CONDA:
        pytest.skip('the stand-in has no --sha256; run with MACFLEET_CONDA_EXE for real conda')
    prefix = make_myenv(conda_root)
    result = ansible.run_module(MODULE, dict(prefix=str(prefix), format='explicit', hash=hash_kind,
                                             executable=str(conda_root.conda)))
    assert result.get('failed') is not True, result
    conda_text = _conda_list_explicit(conda_root, prefix, flag)
    # the one line left out on purpose: it names conda's version, so it would change every lock on an update
    assert ''.join(line for line in conda_text.splitlines(True) if not line.startswith('# created-by:')) \
        == result['content']
    assert conda_text.count('\n') == result['content'].count('\n') + 1


def _parse(path):
    from conda_lock.lockfile import parse_conda_lock_file  # pylint: disable=import-outside-toplevel
    return parse_conda_lock_file(pathlib.Path(path))


def _records_of(prefix):
    import json  # pylint: disable=import-outside-toplevel
    return dict((rec['name'], rec) for rec in
                (json.loads(path.read_text()) for path in (pathlib.Path(prefix) / 'conda-meta').glob('*.json')))


def test_conda_lock_format_is_read_by_conda_lock(conda_root, ansible, tmp_path):
    prefix = make_myenv(conda_root)
    dest = tmp_path / 'conda-lock.yml'
    result = ansible.run_module(MODULE, dict(prefix=str(prefix), format='conda-lock', dest=str(dest),
                                             executable=str(conda_root.conda)))
    assert result['changed'] is True and dest.read_text() == result['content']
    parsed = _parse(dest)
    records = _records_of(prefix)
    platform = records['python']['subdir']
    assert parsed.metadata.platforms == [platform]
    assert dict((package.name, (package.url, package.hash.md5, package.hash.sha256)) for package in parsed.package) \
        == dict((name, (rec['url'], rec['md5'], rec['sha256'])) for name, rec in records.items())
    again = ansible.run_module(MODULE, dict(prefix=str(prefix), format='conda-lock', dest=str(dest),
                                            executable=str(conda_root.conda)))
    assert again['changed'] is False


def _platform_root(installer, conda_root, root, subdir):
    """A second conda root (its own installer run) whose env myenv was solved for ``subdir``, as on a Mac of
    that architecture (CONDA_SUBDIR: the test channel has osx-arm64 and osx-64 packages)."""
    subprocess.run(['bash', str(installer[0]), '-b', '-p', str(root)], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(conda_root.home)))
    subprocess.run([str(root / 'bin' / 'conda'), 'create', '--json', '-y', '-n', 'myenv', 'python=3.9',
                    'numpy', 'toolz=0.11.2', '--override-channels', '-c', conda_root.channel_url],
                   check=True, capture_output=True, env=dict(os.environ, CONDA_SUBDIR=subdir, **conda_root.env))
    return root / 'envs' / 'myenv'


def test_export_playbook_merges_an_arm64_and_an_intel_host_into_one_conda_lock(
        tmp_path, conda_root, ansible, installer):
    if REAL_CONDA:
        pytest.skip('needs two conda roots with their own envs; the real conda switch gives one root')
    arm = _platform_root(installer, conda_root, tmp_path / 'arm-root', 'osx-arm64')
    intel = _platform_root(installer, conda_root, tmp_path / 'intel-root', 'osx-64')
    inventory = _local_inventory(tmp_path / 'hosts.ini', {
        'mac-arm': {'miniconda_prefix': tmp_path / 'arm-root'},
        'mac-intel': {'miniconda_prefix': tmp_path / 'intel-root'}})
    locks = tmp_path / 'locks'
    extra = {'conda_export_lock_dir': str(locks), 'conda_export_envs': ['myenv']}
    first = ansible.run_playbook(PLAYBOOKS / 'export.yml', extra_vars=extra, inventory=inventory)
    assert first.rc == 0, first.stdout[-3000:]
    lock_file = locks / 'myenv' / 'conda-lock.yml'
    parsed = _parse(lock_file)
    assert parsed.metadata.platforms == ['osx-64', 'osx-arm64']
    for prefix, platform in ((arm, 'osx-arm64'), (intel, 'osx-64')):
        expected = dict((name, rec['url']) for name, rec in _records_of(prefix).items())
        assert dict((package.name, package.url) for package in parsed.package if package.platform == platform) \
            == expected
        assert any('/%s/' % platform in url for url in expected.values())
    text = lock_file.read_text()
    assert 'time' not in text and str(tmp_path / 'arm-root') not in text

    # a rerun, a check-mode run and a run on one architecture only (--limit) change nothing
    for kwargs in ({}, {'check': True}):
        again = ansible.run_playbook(PLAYBOOKS / 'export.yml', extra_vars=extra, inventory=inventory, **kwargs)
        assert again.rc == 0 and again.stats['mac-arm']['changed'] == again.stats['mac-intel']['changed'] == 0, \
            again.stdout[-3000:]
    alone = ansible.run_playbook(PLAYBOOKS / 'export.yml', extra_vars=extra, inventory=inventory,
                                 args=('--limit', 'mac-arm'))
    assert alone.rc == 0 and alone.stats['mac-arm']['changed'] == 0, alone.stdout[-3000:]
    assert lock_file.read_text() == text

    # a new package on the Intel host: only its platform's entries change
    subprocess.run([str(tmp_path / 'intel-root' / 'bin' / 'conda'), 'install', '--json', '-y', '-n', 'myenv',
                    'toolz=0.12.0', '--override-channels', '-c', conda_root.channel_url],
                   check=True, capture_output=True, env=dict(os.environ, CONDA_SUBDIR='osx-64', **conda_root.env))
    changed = ansible.run_playbook(PLAYBOOKS / 'export.yml', extra_vars=extra, inventory=inventory)
    assert changed.rc == 0 and changed.stats['mac-arm']['changed'] + changed.stats['mac-intel']['changed'] == 1
    toolz = dict((package.platform, package.version) for package in _parse(lock_file).package
                 if package.name == 'toolz')
    assert toolz == {'osx-64': '0.12.0', 'osx-arm64': '0.11.2'}
