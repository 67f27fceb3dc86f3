"""Reading prefixes and resolving env names from files alone, against copies of real conda-meta."""
from __future__ import annotations

import os
import pathlib
import shutil

import pytest

from conda_testbed.session import RECORDINGS
from ansible_collections.macfleet.conda.plugins.module_utils import conda_prefix
from ansible_collections.macfleet.conda.plugins.module_utils.conda_prefix import (
    Undecided, bad_name_reason, envs_dirs, is_env, locate_env, read_condarc_list, read_records, root_from_executable)

CONTRACT = RECORDINGS


def _env(path: pathlib.Path, recorded: str = 'conda-meta_myenv_after_installs') -> pathlib.Path:
    shutil.copytree(CONTRACT / recorded, path / 'conda-meta')
    return path


@pytest.mark.parametrize('recorded, expected', [
    ('conda-meta_myenv_after_create', [('pip', '23.3'), ('python', '3.9.18')]),
    ('conda-meta_myenv_after_installs', [('numpy', '1.19.2'), ('pip', '23.3'), ('python', '3.9.18'), ('toolz', '0.11.2')]),
    ('conda-meta_myenv_after_remove', [('pip', '23.3'), ('python', '3.9.18'), ('toolz', '0.12.0')]),
])
def test_read_records_of_recorded_prefixes(tmp_path, recorded, expected):
    prefix = _env(tmp_path / 'myenv', recorded)
    records = read_records(str(prefix))
    assert [(rec['name'], rec['version']) for rec in records] == expected
    assert all(rec['channel'].startswith('file:///srv/conda-channel/') and 'depends' in rec for rec in records)
    assert is_env(str(prefix))


def test_read_records_skips_broken_and_foreign_files(tmp_path):
    prefix = _env(tmp_path / 'myenv')
    (prefix / 'conda-meta' / 'half-written.json').write_text('{"name": "x"')
    (prefix / 'conda-meta' / 'list.json').write_text('[1]')
    assert [rec['name'] for rec in read_records(str(prefix))] == ['numpy', 'pip', 'python', 'toolz']


def test_missing_prefix_is_no_env(tmp_path):
    assert read_records(str(tmp_path / 'nope')) == []
    assert not is_env(str(tmp_path / 'nope'))
    (tmp_path / 'plain' / 'conda-meta').mkdir(parents=True)
    assert not is_env(str(tmp_path / 'plain'))


@pytest.mark.parametrize('name, bad', [
    ('myenv', False), ('py3.9-build_env', False), ('base', False),
    ('a/b', True), ('my env', True), ('env#1', True), ('env:1', True), ('', True), ('  ', True),
    ('-n', True), ('..', True), ('tab\there', True),
])
def test_bad_env_names(name, bad):
    assert (bad_name_reason(name) is not None) is bad


def test_root_from_executable_follows_symlinks(tmp_path):
    root = tmp_path / 'miniconda3'
    (root / 'conda-meta').mkdir(parents=True)
    (root / 'condabin').mkdir()
    conda = root / 'condabin' / 'conda'
    conda.write_text('')
    link = tmp_path / 'usr-local-bin' / 'conda'
    link.parent.mkdir()
    link.symlink_to(conda)
    assert root_from_executable(str(link)) == str(root)
    assert root_from_executable(str(tmp_path / 'elsewhere' / 'conda')) is None


CONDARCS = [
    ('envs_dirs:\n  - /data/envs\n  - ~/envs  # mine\n', ['/data/envs', '~/envs']),
    ('channels:\n  - defaults\nenvs_dirs:\n  - /a\n\n  - /b\npkgs_dirs:\n  - /p\n', ['/a', '/b']),
    ('envs_path:\n  - /a\n', ['/a']),
    ('envs_dirs: []\n', []),
    ('channels: [conda-forge]\n', []),
    ('# envs_dirs: [/commented]\nsolver: classic\n', []),
]


@pytest.mark.parametrize('text, expected', CONDARCS)
def test_condarc_block_lists(tmp_path, text, expected):
    rc = tmp_path / '.condarc'
    rc.write_text(text)
    values = read_condarc_list(str(rc), ('envs_dirs', 'envs_path'))
    assert values == expected


@pytest.mark.parametrize('text', [
    'envs_dirs: [/a, /b]\n', 'envs_dirs: #!final\n  - /a\n', 'envs_dirs:\n  - "/quoted path"\n',
    'envs_dirs:\n  - &anchor /a\n', 'x: {envs_dirs: [/a]}\n',
])
def test_condarc_forms_we_cannot_read_are_undecided(tmp_path, text):
    rc = tmp_path / '.condarc'
    rc.write_text(text)
    with pytest.raises(Undecided):
        read_condarc_list(str(rc), ('envs_dirs', 'envs_path'))


def test_envs_dirs_order_like_conda(tmp_path):
    root, home = tmp_path / 'root', tmp_path / 'home'
    root.mkdir()
    home.mkdir()
    (root / '.condarc').write_text('envs_dirs:\n  - /sys/envs\n')
    (home / '.condarc').write_text('envs_dirs:\n  - ~/user-envs\n  - ${DATA}/envs\n')
    environ = {'CONDA_ENVS_PATH': '/first%s/second' % os.pathsep, 'DATA': '/data'}
    assert envs_dirs(str(root), str(home), environ) == [
        '/first', '/second', str(home / 'user-envs'), '/data/envs', '/sys/envs', str(root / 'envs'),
        str(home / '.conda' / 'envs')]


def test_envs_dirs_with_unset_variable_is_undecided(tmp_path):
    (tmp_path / '.condarc').write_text('envs_dirs:\n  - $NOPE/envs\n')
    with pytest.raises(Undecided):
        envs_dirs(str(tmp_path), str(tmp_path / 'home'), {})


def test_locate_env(tmp_path):
    root, home = tmp_path / 'root', tmp_path / 'home'
    first, second = tmp_path / 'first', tmp_path / 'second'
    _env(second / 'myenv')
    _env(first / 'other')
    dirs = [str(first), str(second)]
    assert locate_env('base', str(root), dirs, str(home)) == str(root)
    assert locate_env('root', str(root), dirs, str(home)) == str(root)
    assert locate_env('myenv', str(root), dirs, str(home)) == str(second / 'myenv')
    _env(first / 'myenv')
    assert locate_env('myenv', str(root), dirs, str(home)) == str(first / 'myenv')
    assert locate_env('newenv', str(root), dirs, str(home)) is None


def test_locate_env_registered_elsewhere_asks_conda(tmp_path):
    home = tmp_path / 'home'
    elsewhere = _env(tmp_path / 'old-envs' / 'myenv')
    (home / '.conda').mkdir(parents=True)
    (home / '.conda' / 'environments.txt').write_text('%s\n' % elsewhere)
    with pytest.raises(Undecided):
        locate_env('myenv', str(tmp_path / 'root'), [str(tmp_path / 'envs')], str(home))
    assert locate_env('other', str(tmp_path / 'root'), [str(tmp_path / 'envs')], str(home)) is None


def test_condarc_files_include_user_and_root(tmp_path):
    files = conda_prefix.condarc_files('/r', '/h', {'CONDARC': '/x/rc'})
    assert files.index('/r/.condarc') < files.index('/h/.condarc') < files.index('/x/rc')
