"""Reading prefixes (_conda_prefix) and resolving env names from files alone (_conda_root), against copies of real conda-meta."""
from __future__ import annotations

import json
import os
import pathlib
import shutil

import pytest

from conda_testbed.session import RECORDINGS
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_prefix as conda_prefix
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_root as conda_root
from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import is_env, read_records
from ansible_collections.macfleet.conda.plugins.module_utils._conda_root import (
    Undecided, bad_name_reason, envs_dirs, locate_env, read_condarc_list, root_from_executable)

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


@pytest.mark.parametrize('file_name, content, fragment', [
    ('numpy-1.19.2-py39hf4c9891_0.json', b'{"name": "numpy", "vers', 'is corrupted'),
    ('numpy-1.19.2-py39hf4c9891_0.json', b'', 'is corrupted'),
    ('numpy-1.19.2-py39hf4c9891_0.json', b'{"name": "\xff\xfe"}', 'is corrupted'),
    ('macfleet-miniconda.json', b'{"name": "macfleet"}', 'is not <name>-<version>-<build>.json'),
    ('list.json', b'[1]', 'is not a conda package record'),
    ('a-1-0.json', b'[1]', 'holds a JSON list'),
    ('a-1-0.json', b'{"name": "a", "version": "1"}', 'has no build'),
], ids=['truncated', 'empty', 'bad-utf8', 'foreign-name', 'foreign-list', 'not-an-object', 'no-build'])
def test_read_records_fails_where_conda_fails(tmp_path, file_name, content, fragment):
    prefix = _env(tmp_path / 'myenv')
    bad = prefix / 'conda-meta' / file_name
    bad.write_bytes(content)
    with pytest.raises(conda_prefix.PrefixRecordError) as caught:
        read_records(str(prefix))
    assert fragment in str(caught.value)
    assert str(bad) in str(caught.value) and caught.value.path == str(bad)
    assert ('Move it out of' in str(caught.value)) is ('corrupted' not in fragment)


def test_read_records_ignores_what_conda_ignores(tmp_path):
    prefix = _env(tmp_path / 'myenv')
    meta = prefix / 'conda-meta'
    (meta / '._numpy-1.19.2-py39hf4c9891_0.json').write_bytes(b'\x00\x05\x16\x07 AppleDouble')
    (meta / 'notes.txt').write_text('not json at all {')
    # a record whose name-version-build differ from its file name: conda warns and ignores it
    (meta / 'requests-2.31.0-py_0.json').write_text(
        json.dumps({'name': 'requests', 'version': '2.32.0', 'build': 'py_0'}))
    assert [rec['name'] for rec in read_records(str(prefix))] == ['numpy', 'pip', 'python', 'toolz']


def test_an_unreadable_record_is_an_error(tmp_path):
    prefix = _env(tmp_path / 'myenv')
    (prefix / 'conda-meta' / 'x-1-0.json').mkdir()
    with pytest.raises(conda_prefix.PrefixRecordError, match='Cannot read'):
        read_records(str(prefix))


@pytest.mark.parametrize('name, fits', [('e' * 255, True), ('e' * 256, False), ('é' * 128, False)])
def test_env_names_longer_than_name_max_are_refused(name, fits):
    reason = bad_name_reason(name)
    assert (reason is None) is fits
    if not fits:
        assert '255 bytes (NAME_MAX)' in reason


def test_pkgs_dirs_from_condarc_and_environment(tmp_path):
    root, home = tmp_path / 'root', tmp_path / 'home'
    root.mkdir()
    home.mkdir()
    assert conda_root.pkgs_dirs(str(root), str(home), {}) == [str(root / 'pkgs'), str(home / '.conda' / 'pkgs')]
    (root / '.condarc').write_text('pkgs_dirs:\n  - /srv/cache-a\n')
    (home / '.condarc').write_text('pkgs_dirs:\n  - ~/cache-b\n')
    assert conda_root.pkgs_dirs(str(root), str(home), {}) == [str(home / 'cache-b'), '/srv/cache-a']
    assert conda_root.pkgs_dirs(str(root), str(home), {'CONDA_PKGS_DIRS': '/x,/y'})[:2] == ['/x', '/y']


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
    files = conda_root.condarc_files('/r', '/h', {'CONDARC': '/x/rc'})
    assert files.index('/r/.condarc') < files.index('/h/.condarc') < files.index('/x/rc')
