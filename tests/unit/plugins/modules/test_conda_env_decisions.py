"""conda_env decisions against a fake conda answering with real conda's recordings."""
from __future__ import annotations

import json
import shutil

import pytest

from ansible_collections.macfleet.conda.plugins.modules import conda_env
from conda_testbed.session import RECORDINGS

CONTRACT = RECORDINGS


def _names(entries):
    return sorted('%s==%s' % (entry['name'], entry['version']) for entry in entries)


def _remove_doc(prefix, *records):
    """A conda remove --json result unlinking ``records`` (name, version, build)."""
    unlink = [{'base_url': 'file:///srv/conda-channel', 'build_string': build, 'channel': 'channel',
               'dist_name': '%s-%s-%s' % (name, version, build), 'name': name, 'version': version,
               'platform': 'noarch', 'build_number': 0} for name, version, build in records]
    return 0, json.dumps({'success': True, 'prefix': str(prefix),
                          'actions': {'FETCH': [], 'PREFIX': str(prefix), 'UNLINK': unlink}}), ''


@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_create_new_env_by_name(fake_conda, run_module, check):
    fake_conda.expect(['create', '-n', 'myenv', 'python=3.9'] + (['--dry-run'] if check else ['-y']),
                      '03_create_myenv',
                      None if check else lambda: fake_conda.env('myenv', 'conda-meta_myenv_after_create'))
    result = run_module(conda_env, {'name': 'myenv', 'python': '3.9'}, check=check, diff=True)
    assert result['changed'] is True
    assert result['prefix'] == str(fake_conda.root / 'envs' / 'myenv')
    assert _names(result['actions']['linked']) == ['pip==23.3', 'python==3.9.18']
    assert result['diff']['before'] == ''
    assert result['diff']['after'] == 'pip==23.3=pyhdba3a45_0\npython==3.9.18=h2860985_0\n'
    assert (fake_conda.root / 'envs' / 'myenv').exists() is not check


CONVERGED = [
    ('python-and-pins', {'python': '3.9', 'packages': ['numpy=1.19.2', 'toolz']}),
    ('ranges', {'python': '>=3.9,<3.10', 'packages': ['numpy>=1.19,<2']}),
    ('spec-structure', {'spec': {'name': 'ignored-by-name', 'channels': ['file:///srv/conda-channel'],
                                 'dependencies': ['python=3.9', 'numpy 1.19.*']}}),
    ('nothing-declared', {}),
]


@pytest.mark.parametrize('args', [case[1] for case in CONVERGED], ids=[case[0] for case in CONVERGED])
def test_converged_env_runs_no_conda(fake_conda, run_module, args):
    fake_conda.env('myenv')
    result = run_module(conda_env, dict(args, name='myenv'), diff=True)
    assert not result.get('failed'), result
    assert result['changed'] is False
    assert 'diff' not in result
    assert fake_conda.calls == []


def test_existing_env_is_installed_into_never_recreated(fake_conda, run_module):
    fake_conda.env('myenv')
    fake_conda.expect(['install', '-y', 'numpy>=1.20'], '09_dryrun_numpy_bare')
    result = run_module(conda_env, {'name': 'myenv', 'python': '3.9', 'packages': ['numpy>=1.20', 'toolz']})
    assert result['changed'] is True
    assert [call[1] for call in fake_conda.calls] == ['install']
    assert 'python=3.9' not in fake_conda.calls[0] and 'toolz' not in fake_conda.calls[0]


def test_name_option_wins_over_spec_name(fake_conda, run_module):
    fake_conda.env('mine')
    result = run_module(conda_env, {'name': 'mine', 'spec': {'name': 'theirs', 'dependencies': ['numpy']}})
    assert result['prefix'] == str(fake_conda.root / 'envs' / 'mine')
    assert result['changed'] is False


def test_spec_name_used_without_name_option(fake_conda, run_module):
    fake_conda.env('fromfile')
    result = run_module(conda_env, {'spec': {'name': 'fromfile', 'dependencies': ['numpy']}})
    assert result['prefix'] == str(fake_conda.root / 'envs' / 'fromfile')


@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_prune_removes_what_no_spec_needs(fake_conda, run_module, check):
    prefix = fake_conda.env('myenv')
    answer = _remove_doc(prefix, ('toolz', '0.11.2', 'pyh3e3cb63_0'))
    if check:  # the env on disk is the one pruned: conda predicts exactly what it would relink too
        fake_conda.expect(['remove', '--dry-run', 'toolz'], answer)
    else:
        fake_conda.expect(['remove', '-y', 'toolz'], answer,
                          (prefix / 'conda-meta' / 'toolz-0.11.2-pyh3e3cb63_0.json').unlink)
    result = run_module(conda_env, {'name': 'myenv', 'packages': ['numpy'], 'prune': True}, check=check, diff=True)
    assert result['changed'] is True
    assert _names(result['actions']['unlinked']) == ['toolz==0.11.2']
    assert result['diff']['after'].splitlines() == [
        'numpy==1.19.2=py39hf4c9891_0', 'pip==23.3=pyhdba3a45_0', 'python==3.9.18=h2860985_0']
    assert len(fake_conda.calls) == 1


def test_prune_in_check_mode_after_a_predicted_install_uses_fetched_depends(fake_conda, run_module):
    fake_conda.env('myenv')
    fake_conda.expect(['install', '--dry-run', 'numpy>=1.20'], '09_dryrun_numpy_bare')
    result = run_module(conda_env, {'name': 'myenv', 'packages': ['numpy>=1.20'], 'prune': True}, check=True,
                        diff=True)
    assert _names(result['actions']['linked']) == ['numpy==1.26.4']
    assert _names(result['actions']['unlinked']) == ['numpy==1.19.2', 'toolz==0.11.2']
    assert result['diff']['after'].splitlines() == [
        'numpy==1.26.4=py39h206e18e_0', 'pip==23.3=pyhdba3a45_0', 'python==3.9.18=h2860985_0']


@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_absent_removes_whole_env(fake_conda, run_module, check):
    prefix = fake_conda.env('myenv')
    if not check:
        fake_conda.expect(['remove', '--all', '-y', '-p', str(prefix)], '70_remove_all_myenv_json')
    result = run_module(conda_env, {'name': 'myenv', 'state': 'absent'}, check=check, diff=True)
    assert result['changed'] is True
    assert result['diff']['after'] == ''
    if check:  # predicted from the records: everything installed goes
        everything = ['numpy==1.19.2', 'pip==23.3', 'python==3.9.18', 'toolz==0.11.2']
        assert _names(result['actions']['unlinked']) == everything
        assert (prefix / 'conda-meta').is_dir()


def test_absent_when_gone_is_ok_without_conda(fake_conda, run_module):
    result = run_module(conda_env, {'name': 'gone', 'state': 'absent'})
    assert result['changed'] is False
    assert fake_conda.calls == []


ERRORS = [
    ('base-absent', {'name': 'base', 'state': 'absent'}, ['root (base)']),
    ('root-prefix-absent', {'prefix': '<root>', 'state': 'absent'}, ['root (base)']),
    ('slash-name', {'name': 'a/b'}, ["'/'", 'a/b']),
    ('space-name', {'name': 'my env'}, ["' '"]),
    ('hash-name', {'name': 'env#1'}, ["'#'"]),
    ('colon-name', {'name': 'env:1'}, ["':'"]),
    ('invalid-spec', {'name': 'myenv', 'packages': ['numpy=1.19.2=foo=bar']}, ['numpy=1.19.2=foo=bar']),
    ('pip-sublist', {'name': 'myenv', 'spec': {'dependencies': ['python=3.9', {'pip': ['requests']}]}},
     ['pip', 'requests', 'ansible.builtin.pip']),
    ('unknown-key', {'name': 'myenv', 'spec': {'dependencies': [], 'variables': {'A': '1'}}}, ['variables']),
    ('prune-nothing-declared', {'name': 'myenv', 'prune': True}, ['prune']),
    ('no-target', {'packages': ['numpy']}, ['name or prefix']),
]


@pytest.mark.parametrize('args, fragments', [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_errors_before_conda(fake_conda, run_module, args, fragments):
    prefix = fake_conda.env('myenv')
    before = sorted(p.name for p in (prefix / 'conda-meta').iterdir())
    if args.get('prefix') == '<root>':
        args = dict(args, prefix=str(fake_conda.root))
    result = run_module(conda_env, args)
    assert result['failed'] is True
    for fragment in fragments:
        assert fragment in result['msg']
    assert fake_conda.calls == []
    assert sorted(p.name for p in (prefix / 'conda-meta').iterdir()) == before


def test_conda_failure_on_create_reports_conda_story(fake_conda, run_module):
    fake_conda.expect(['create'], '52_err_nonexistent_pkg_json')
    result = run_module(conda_env, {'name': 'newenv', 'packages': ['nosuchpkg']})
    assert result['failed'] is True
    assert 'nosuchpkg' in result['msg'] and '\n' not in result['msg']
    assert result['conda_error']['exception_name'] == 'PackagesNotFoundInChannelsError'
    assert not (fake_conda.root / 'envs' / 'newenv').exists()


def test_condarc_beyond_the_local_reader_asks_conda_info_once(fake_conda, run_module):
    (fake_conda.root / '.condarc').write_text('envs_dirs: [%s/envs]\n' % fake_conda.root)
    fake_conda.env('myenv')
    fake_conda.expect(['info', '--json'], '01_info_json')
    result = run_module(conda_env, {'name': 'myenv', 'packages': ['numpy']})
    assert result['changed'] is False
    assert result['prefix'] == str(fake_conda.root / 'envs' / 'myenv')
    assert [call[1:] for call in fake_conda.calls] == [['info', '--json']]


def test_conda_envs_path_is_honoured_without_conda(fake_conda, run_module, monkeypatch, tmp_path):
    elsewhere = tmp_path / 'team-envs'
    monkeypatch.setenv('CONDA_ENVS_PATH', str(elsewhere))
    shutil.copytree(CONTRACT / 'conda-meta_myenv_after_installs', elsewhere / 'myenv' / 'conda-meta')
    result = run_module(conda_env, {'name': 'myenv', 'packages': ['toolz']})
    assert result['prefix'] == str(elsewhere / 'myenv')
    assert fake_conda.calls == []
