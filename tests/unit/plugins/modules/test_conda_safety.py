"""Issue 12: what the modules refuse before conda runs, corrupt records, failed writes.

Its cases where conda runs and fails after changing the env, or where check mode reads a package
cache named in .condarc, are data in cases/conda_env.yml; these need folders, damaged records or a
patched function that the case files do not describe.
"""
from __future__ import annotations

import errno
import json
import os
import pathlib

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_transaction as transaction
from ansible_collections.macfleet.conda.plugins.module_utils import _prefix_guard
from ansible_collections.macfleet.conda.plugins.modules import conda_env, conda_export, conda_package

NUMPY = 'numpy-1.19.2-py39hf4c9891_0.json'


def tree(path: pathlib.Path) -> dict:
    """Every file below ``path`` with its bytes: the host is unchanged when this is."""
    if not path.exists():
        return {}
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None) for p in sorted(path.rglob('*'))}


@pytest.mark.parametrize('prefix, fragment', [
    ('relative/env', 'must be an absolute path'),
    ('/', 'system folder'), ('/usr', 'system folder'), ('/usr/lib/env', 'system folder'),
    ('/etc', 'system folder'), ('/System/Library/env', 'system folder'), ('/var', 'system folder'),
    ('/opt', 'system folder'), ('/Library', 'system folder'), ('/Applications', 'system folder'),
    ('/private', 'system folder'), ('/Users/builder', 'home folder'), ('/home/builder', 'home folder'),
    ('/Users', 'system folder'), ('/opt/' + 'x' * 256, 'NAME_MAX'),
])
def test_prefixes_never_an_env(prefix, fragment):
    assert fragment in _prefix_guard.prefix_refusal(prefix, '/opt/miniconda3', '/Users/builder')


@pytest.mark.parametrize('prefix', ['/opt/miniconda3/envs/myenv', '/usr/local/miniconda3/envs/x',
                                    '/Users/builder/envs/x', '/opt/miniconda3'])
def test_prefixes_that_may_be_envs(prefix):
    assert _prefix_guard.prefix_refusal(prefix, '/opt/miniconda3', '/Users/builder') is None


def test_root_parent_and_home_are_refused(tmp_path):
    root = tmp_path / 'miniconda3'
    assert 'root prefix' in _prefix_guard.prefix_refusal(str(tmp_path), str(root), '/nonexistent')
    assert 'home folder' in _prefix_guard.prefix_refusal(str(tmp_path / 'h'), str(root), str(tmp_path / 'h'))


@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_a_user_folder_never_becomes_an_env(tmp_path, fake_conda, run_module, check):
    data = tmp_path / 'data'
    data.mkdir()
    (data / 'thesis.txt').write_text('years of work')
    before = tree(data)
    result = run_module(conda_env, {'prefix': str(data), 'python': '3.9'}, check=check)
    assert result['failed'] is True
    assert 'is not a conda env' in result['msg'] and str(data) in result['msg'] and 'thesis.txt' in result['msg']
    assert fake_conda.calls == []
    assert tree(data) == before


def test_a_file_at_prefix_is_refused(tmp_path, fake_conda, run_module):
    (tmp_path / 'file').write_text('x')
    result = run_module(conda_env, {'prefix': str(tmp_path / 'file')})
    assert result['failed'] is True and 'not a folder' in result['msg']
    assert fake_conda.calls == []


def test_an_empty_folder_may_become_an_env(tmp_path, fake_conda, run_module):
    # stays here beside the refusals it is the counterpart of: the case files' `given` writes files,
    # and an empty folder is precisely a folder without any
    empty = tmp_path / 'empty'
    empty.mkdir()
    fake_conda.expect([fake_conda.executable, 'create', '--json', '--dry-run', '-p', str(empty), 'python=3.9'],
                      '03_create_myenv')
    result = run_module(conda_env, {'prefix': str(empty), 'python': '3.9'}, check=True)
    assert result['changed'] is True and not result.get('failed')


def test_an_env_name_resolving_to_a_user_folder_is_refused(fake_conda, run_module):
    folder = fake_conda.root / 'envs' / 'myenv'
    folder.mkdir(parents=True)
    (folder / 'notes.txt').write_text('mine')
    result = run_module(conda_env, {'name': 'myenv', 'python': '3.9'})
    assert result['failed'] is True and 'is not a conda env' in result['msg']
    assert fake_conda.calls == []


@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
@pytest.mark.parametrize('prefix', ['/', 'relative/env', '<root-parent>'])
def test_system_relative_and_root_parent_prefixes_fail_in_both_modes(fake_conda, run_module, check, prefix):
    prefix = str(fake_conda.root.parent) if prefix == '<root-parent>' else prefix
    result = run_module(conda_env, {'prefix': prefix, 'python': '3.9'}, check=check)
    assert result['failed'] is True and not result.get('changed')
    assert prefix in result['msg']
    assert fake_conda.calls == []


def test_too_long_env_name_is_refused_before_conda(fake_conda, run_module):
    result = run_module(conda_env, {'name': 'e' * 300, 'python': '3.9'})
    assert result['failed'] is True and 'NAME_MAX' in result['msg'] and '255' in result['msg']
    assert fake_conda.calls == []


@pytest.mark.parametrize('extra', [{'packages': ['numpy']}, {'python': '3.9'},
                                   {'spec': {'dependencies': ['numpy']}}], ids=['packages', 'python', 'spec'])
@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_absent_with_packages_is_refused(fake_conda, run_module, extra, check):
    prefix = fake_conda.env('myenv')
    before = tree(prefix)
    result = run_module(conda_env, dict(extra, name='myenv', state='absent'), check=check)
    assert result['failed'] is True
    assert 'macfleet.conda.conda_package with state=absent' in result['msg']
    assert list(extra)[0] in result['msg']
    assert fake_conda.calls == [] and tree(prefix) == before


@pytest.mark.parametrize('args', [{}, {'name': []}, {'state': 'latest'}], ids=['nothing', 'empty', 'latest'])
def test_conda_package_needs_name_or_update_all(fake_conda, run_module, args):
    fake_conda.env('myenv')
    result = run_module(conda_package, dict(args, environment='myenv'))
    assert result['failed'] is True and 'name' in result['msg'] and 'update_all' in result['msg']
    assert fake_conda.calls == []


def test_conda_package_relative_prefix(fake_conda, run_module):
    result = run_module(conda_package, {'prefix': 'envs/myenv', 'name': ['numpy']})
    assert result['failed'] is True and 'must be an absolute path' in result['msg']


def _corrupt(prefix):
    (prefix / 'conda-meta' / NUMPY).write_text('{"name": "numpy", "version": "1.19')


def _foreign(prefix):
    (prefix / 'conda-meta' / 'macfleet-miniconda.json').write_text('{"version": "py313_25.9.1-3"}')


MODULE_RUNS = [
    ('env-converged', conda_env, {'name': 'myenv', 'packages': ['toolz']}),
    ('env-install', conda_env, {'name': 'myenv', 'packages': ['requests']}),
    ('env-prune', conda_env, {'name': 'myenv', 'packages': ['python'], 'prune': True}),
    ('env-absent', conda_env, {'name': 'myenv', 'state': 'absent'}),
    ('package-present', conda_package, {'environment': 'myenv', 'name': ['toolz']}),
    ('package-absent', conda_package, {'environment': 'myenv', 'name': ['toolz'], 'state': 'absent'}),
    ('package-update-all', conda_package, {'environment': 'myenv', 'update_all': True}),
    ('export', conda_export, {'environment': 'myenv'}),
    ('export-explicit', conda_export, {'environment': 'myenv', 'format': 'explicit'}),
]


@pytest.mark.parametrize('damage, fragment', [(_corrupt, 'is corrupted'), (_foreign, 'Move it out of')],
                         ids=['corrupt', 'foreign'])
@pytest.mark.parametrize('module, args', [run[1:] for run in MODULE_RUNS], ids=[run[0] for run in MODULE_RUNS])
def test_a_record_conda_fails_on_fails_every_module_before_conda(
        tmp_path, fake_conda, run_module, module, args, damage, fragment):
    prefix = fake_conda.env('myenv')
    damage(prefix)
    before = tree(prefix)
    dest = tmp_path / 'out.yml'
    if module is conda_export:
        args = dict(args, dest=str(dest))
    result = run_module(module, args)
    assert result['failed'] is True
    assert fragment in result['msg'] and str(prefix / 'conda-meta') in result['msg']
    assert '\n' not in result['msg']
    assert fake_conda.calls == [] and tree(prefix) == before
    assert not dest.exists()


def test_a_foreign_record_in_base_fails_a_create_before_conda(fake_conda, run_module):
    _foreign(fake_conda.root)
    result = run_module(conda_env, {'name': 'newenv', 'packages': ['toolz']})
    assert result['failed'] is True and str(fake_conda.root / 'conda-meta') in result['msg']
    assert fake_conda.calls == []


def test_a_converged_env_with_ignored_files_runs_no_conda(fake_conda, run_module):
    prefix = fake_conda.env('myenv')
    (prefix / 'conda-meta' / ('._' + NUMPY)).write_bytes(b'\x00\x05\x16\x07')
    result = run_module(conda_env, {'name': 'myenv', 'packages': ['numpy=1.19.2']})
    assert result['changed'] is False and not result.get('failed')
    assert fake_conda.calls == []


def test_a_full_disk_names_the_file_and_keeps_the_old_one(tmp_path, fake_conda, run_module, monkeypatch):
    fake_conda.env('myenv')
    out = tmp_path / 'out'
    out.mkdir()
    dest = out / 'myenv.yml'
    dest.write_text('old text\n')
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, 'fsync', full)
    result = run_module(conda_export, {'environment': 'myenv', 'dest': str(dest)})
    monkeypatch.setattr(os, 'fsync', real_fsync)
    assert result['failed'] is True
    assert str(dest) in result['msg'] and 'No space left on device' in result['msg']
    assert 'left as it was' in result['msg']
    assert dest.read_text() == 'old text\n'
    assert os.listdir(out) == ['myenv.yml']


def test_fetched_depends_reads_the_configured_package_caches(tmp_path):
    cache = tmp_path / 'team-cache'
    info = cache / 'numpy-1.26.4-py39h206e18e_0' / 'info'
    info.mkdir(parents=True)
    (info / 'index.json').write_text(json.dumps({'depends': ['python >=3.9,<3.10.0a0']}))
    link = {'name': 'numpy', 'version': '1.26.4', 'build_string': 'py39h206e18e_0',
            'dist_name': 'numpy-1.26.4-py39h206e18e_0'}
    document = {'actions': {'FETCH': [], 'LINK': [link]}}
    key = ('numpy', '1.26.4', 'py39h206e18e_0')
    assert transaction.fetched_depends(document, [str(tmp_path / 'miniconda3' / 'pkgs')]) == {}
    assert transaction.fetched_depends(document, [str(tmp_path / 'miniconda3' / 'pkgs'), str(cache)]) == {
        key: ['python >=3.9,<3.10.0a0']}
