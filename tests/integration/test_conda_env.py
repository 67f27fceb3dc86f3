"""conda_env through Ansible against the test bed's conda: converge, predict, prune, remove, fail cleanly."""
from __future__ import annotations

import pytest
import yaml

from conda_module_helpers import channel_args, comparable, installed, snapshot, transactions
from conda_testbed.session import REAL_CONDA

MODULE = 'macfleet.conda.conda_env'


@pytest.fixture
def make_env(ansible, conda_root):
    """Create env ``name`` with ``packages`` through the module, then forget the calls it made."""

    def make(name='myenv', **args):
        result = ansible.run_module(MODULE, channel_args(conda_root, name=name, **args))
        assert result['changed'] is True, result
        conda_root.call_log.unlink()
        return conda_root.env_prefix(name)

    return make


def test_create_then_rerun_spawns_no_conda(ansible, conda_root):
    args = channel_args(conda_root, name='myenv', python='3.9', packages=['numpy=1.19.2'])
    first = ansible.run_module(MODULE, args)
    assert first['changed'] is True
    assert first['prefix'] == str(conda_root.env_prefix('myenv'))
    assert installed(conda_root.env_prefix('myenv')) == {'python': '3.9.18', 'pip': '23.3', 'numpy': '1.19.2'}
    assert [call.argv[0] for call in conda_root.calls()] == ['create']
    conda_root.call_log.unlink()

    second = ansible.run_module(MODULE, args)
    assert second['changed'] is False
    assert second['actions'] == {'linked': [], 'unlinked': [], 'pip': {'installed': [], 'removed': []},
                                 'variables': {'set': {}, 'unset': []}}
    assert conda_root.calls() == []


def test_check_mode_predicts_the_real_create(ansible, conda_root):
    args = channel_args(conda_root, name='myenv', python='3.9', packages=['numpy=1.19.2'])
    predicted = ansible.run_module(MODULE, args, check=True, diff=True)
    assert predicted['changed'] is True
    assert not conda_root.env_prefix('myenv').exists()
    assert all(call.kind != 'change' for call in conda_root.calls())
    real = ansible.run_module(MODULE, args, diff=True)
    assert comparable(predicted['actions']) == comparable(real['actions'])
    assert predicted['diff']['after'] == real['diff']['after']
    assert real['diff']['after'] == (
        'numpy==1.19.2=py39hf4c9891_0\npip==23.3=pyhdba3a45_0\npython==3.9.18=h2860985_0\n')


def test_existing_env_is_changed_in_place_and_predicted_exactly(ansible, conda_root, make_env):
    prefix = make_env(python='3.9', packages=['numpy=1.19.2'])
    created_at = (prefix / 'conda-meta' / 'history').read_text()
    args = channel_args(conda_root, name='myenv', python='3.9', packages=['numpy=1.26.4', 'toolz'])
    before = snapshot(prefix)
    predicted = ansible.run_module(MODULE, args, check=True, diff=True)
    assert snapshot(prefix) == before
    real = ansible.run_module(MODULE, args, diff=True)
    assert real['changed'] is True
    assert comparable(predicted['actions']) == comparable(real['actions'])
    assert predicted['diff'] == real['diff']
    assert 'numpy==1.19.2=py39hf4c9891_0\n' in real['diff']['before']
    assert 'numpy==1.26.4=py39h206e18e_0\n' in real['diff']['after']
    assert installed(prefix)['numpy'] == '1.26.4' and 'toolz' in installed(prefix)
    assert (prefix / 'conda-meta' / 'history').read_text().startswith(created_at)  # never recreated
    assert all(call.argv[0] != 'create' for call in conda_root.calls())
    assert [call.argv[0] for call in transactions(conda_root) if call.kind == 'change'] == ['install']


def test_bare_spec_of_installed_package_does_not_upgrade(ansible, conda_root, make_env):
    prefix = make_env(python='3.9', packages=['numpy=1.19.2'])
    result = ansible.run_module(MODULE, channel_args(conda_root, name='myenv', packages=['numpy', 'python']))
    assert result['changed'] is False
    assert installed(prefix)['numpy'] == '1.19.2'
    assert conda_root.calls() == []


@pytest.mark.parametrize('check', [True, False], ids=['check', 'run'])
def test_prune_removes_undeclared_packages_once(ansible, conda_root, make_env, check):
    prefix = make_env(python='3.9', packages=['numpy=1.19.2', 'toolz', 'requests'])
    args = channel_args(conda_root, name='myenv', python='3.9', packages=['numpy=1.19.2'], prune=True)
    result = ansible.run_module(MODULE, args, check=check, diff=True)
    assert result['changed'] is True
    # net: real conda 26.7 also relinks pip (unlinked and linked again), the stand-in does not
    relinked = {entry['name'] for entry in result['actions']['linked']}
    removed = sorted(entry['name'] for entry in result['actions']['unlinked'] if entry['name'] not in relinked)
    assert removed == ['certifi', 'charset-normalizer', 'idna', 'requests', 'toolz', 'urllib3']
    assert relinked <= {'pip'}
    after = sorted(line.split('==')[0] for line in result['diff']['after'].splitlines())
    assert after == ['numpy', 'pip', 'python']
    if check:
        assert 'toolz' in installed(prefix)
        return
    assert set(installed(prefix)) == {'python', 'pip', 'numpy'}
    assert [call.argv[0] for call in transactions(conda_root)] == ['remove']
    conda_root.call_log.unlink()
    assert ansible.run_module(MODULE, args)['changed'] is False
    assert conda_root.calls() == []


def test_file_on_the_host_with_name_option_winning(ansible, conda_root, tmp_path):
    env_file = tmp_path / 'environment.yml'
    env_file.write_text(yaml.safe_dump({'name': 'fromfile', 'channels': [conda_root.channel_url],
                                        'dependencies': ['python=3.10', 'numpy=1.20.3', 'toolz']}))
    args = {'executable': str(conda_root.conda), 'file': str(env_file), 'name': 'chosen', 'override_channels': True}
    result = ansible.run_module(MODULE, args)
    assert result['changed'] is True, result
    assert result['prefix'] == str(conda_root.env_prefix('chosen'))
    assert not conda_root.env_prefix('fromfile').exists()
    assert installed(conda_root.env_prefix('chosen'))['numpy'] == '1.20.3'
    conda_root.call_log.unlink()
    assert ansible.run_module(MODULE, args)['changed'] is False
    assert conda_root.calls() == []


def test_spec_structure_and_its_name(ansible, conda_root):
    spec = {'name': 'fromspec', 'channels': [conda_root.channel_url], 'dependencies': ['python=3.10', 'requests']}
    args = {'executable': str(conda_root.conda), 'spec': spec, 'override_channels': True}
    result = ansible.run_module(MODULE, args)
    assert result['changed'] is True, result
    assert 'requests' in installed(conda_root.env_prefix('fromspec'))
    conda_root.call_log.unlink()
    assert ansible.run_module(MODULE, args)['changed'] is False
    assert conda_root.calls() == []


def test_absent_removes_and_is_idempotent(ansible, conda_root, make_env):
    prefix = make_env(python='3.9')
    args = {'executable': str(conda_root.conda), 'name': 'myenv', 'state': 'absent'}
    predicted = ansible.run_module(MODULE, args, check=True)
    assert predicted['changed'] is True and prefix.exists()
    removed = ansible.run_module(MODULE, args)
    assert removed['changed'] is True
    assert comparable(predicted['actions']) == comparable(removed['actions'])
    assert not (prefix / 'conda-meta').exists()
    conda_root.call_log.unlink()
    assert ansible.run_module(MODULE, args)['changed'] is False
    assert conda_root.calls() == []


ERRORS = [
    ('invalid-spec', {'packages': ['numpy>>1']}, ['numpy>>1'], False),
    ('unknown-package', {'packages': ['nosuchpkg']}, ['nosuchpkg'], True),
    ('unsatisfiable', {'python': '3.11', 'packages': ['numpy=1.19.2']}, ['numpy'], True),
    ('unreachable-channel', {'packages': ['toolz'], 'channels': ['file:///nonexistent/channel']},
     ['file:///nonexistent/channel'], True),
    ('pip-sublist', {'spec': {'dependencies': ['python=3.9', {'pip': ['requests']}]}}, ['pip'], False),
]


@pytest.mark.parametrize('args, fragments, runs_conda', [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_errors_leave_the_env_unchanged(ansible, conda_root, make_env, args, fragments, runs_conda):
    prefix = make_env(python='3.9', packages=['numpy=1.19.2'])
    before = snapshot(prefix)
    result = ansible.run_module(MODULE, dict(channel_args(conda_root, name='myenv'), **args))
    assert result['failed'] is True
    assert '\n' not in result['msg'] and 'Traceback' not in result['msg']
    for fragment in fragments:
        assert fragment in result['msg']
    assert snapshot(prefix) == before
    assert bool(conda_root.calls()) is runs_conda
    assert all(call.kind != 'change' or call.argv[0] == 'install' for call in conda_root.calls())


@pytest.mark.parametrize('args, fragment', [
    ({'name': 'my env'}, 'Invalid env name'),
    ({'name': 'a/b'}, 'Invalid env name'),
    ({'name': 'base', 'state': 'absent'}, 'root (base)'),
])
def test_refusals_before_conda(ansible, conda_root, args, fragment):
    before = snapshot(conda_root.prefix)
    result = ansible.run_module(MODULE, dict(channel_args(conda_root), **args))
    assert result['failed'] is True and fragment in result['msg']
    assert conda_root.calls() == []
    assert snapshot(conda_root.prefix) == before


def _files(path):
    return {str(p.relative_to(path)): p.read_bytes() if p.is_file() else None for p in sorted(path.rglob('*'))}


@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
@pytest.mark.parametrize('where, fragment', [
    ('user-folder', 'is not a conda env (no conda-meta/history) and is not empty'),
    ('root-parent', 'folder holding the conda root prefix'),
    ('slash', 'it is a system folder'),
    ('relative', 'must be an absolute path'),
    ('long-folder-name', 'NAME_MAX'),
])
def test_never_installs_where_no_env_is(ansible, conda_root, tmp_path, check, where, fragment):
    """Issue 12 item 1: conda create -y would say yes to 'directory exists but is not a conda environment'."""
    data = tmp_path / 'data'
    data.mkdir()
    (data / 'thesis.txt').write_text('years of work')
    prefix = {'user-folder': str(data), 'root-parent': str(conda_root.prefix.parent), 'slash': '/',
              'relative': 'relative/env', 'long-folder-name': str(tmp_path / ('x' * 300))}[where]
    before, base = _files(data), snapshot(conda_root.prefix)
    result = ansible.run_module(MODULE, channel_args(conda_root, prefix=prefix, packages=['toolz']), check=check)
    assert result['failed'] is True and not result.get('changed')
    assert fragment in result['msg'] and prefix in result['msg']
    assert conda_root.calls() == []
    assert _files(data) == before and snapshot(conda_root.prefix) == base


def test_an_empty_folder_becomes_an_env(ansible, conda_root, tmp_path):
    empty = tmp_path / 'empty'
    empty.mkdir()
    result = ansible.run_module(MODULE, channel_args(conda_root, prefix=str(empty), packages=['toolz']))
    assert result['changed'] is True and 'toolz' in installed(empty)


def test_a_300_character_name_is_refused_before_conda(ansible, conda_root):
    result = ansible.run_module(MODULE, channel_args(conda_root, name='e' * 300, packages=['toolz']))
    assert result['failed'] is True and '255 bytes (NAME_MAX)' in result['msg']
    assert conda_root.calls() == []


@pytest.mark.parametrize('extra', [{'packages': ['numpy']}, {'python': '3.9'},
                                   {'spec': {'dependencies': ['numpy']}}], ids=['packages', 'python', 'spec'])
def test_absent_with_packages_is_refused(ansible, conda_root, make_env, extra):
    prefix = make_env(python='3.9', packages=['numpy=1.19.2'])
    before = snapshot(prefix)
    result = ansible.run_module(MODULE, dict(channel_args(conda_root, name='myenv', state='absent'), **extra))
    assert result['failed'] is True and 'macfleet.conda.conda_package with state=absent' in result['msg']
    assert snapshot(prefix) == before and conda_root.calls() == []


@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_a_corrupt_record_fails_before_conda(ansible, conda_root, make_env, check):
    prefix = make_env(python='3.9', packages=['numpy=1.19.2'])
    record = next((prefix / 'conda-meta').glob('numpy-*.json'))
    record.write_text(record.read_text()[:40])
    before = _files(prefix)
    result = ansible.run_module(MODULE, channel_args(conda_root, name='myenv', packages=['toolz']), check=check)
    assert result['failed'] is True and 'is corrupted' in result['msg'] and str(record) in result['msg']
    assert conda_root.calls() == [] and _files(prefix) == before


def test_check_mode_prune_is_exact_with_configured_pkgs_dirs(ansible, conda_root, make_env, tmp_path):
    """Issue 12 item 10: a cached package's dependencies are read from the pkgs_dirs .condarc names."""
    if not REAL_CONDA:  # a real root under test names its own pkgs_dirs already (and its envs_dirs)
        (conda_root.home / '.condarc').write_text('pkgs_dirs:\n  - %s\n' % (tmp_path / 'team-cache'))
    make_env('other', python='3.9', packages=['numpy=1.26.4'])  # numpy 1.26.4 is now in the team cache
    prefix = make_env(python='3.9', packages=['numpy=1.19.2', 'toolz'])
    # not in the default cache: the stand-in fetched it into the team cache, a real root may name its own
    assert not any((conda_root.prefix / 'pkgs').glob('numpy-1.26.4-*'))
    args = channel_args(conda_root, name='myenv', python='3.9', packages=['numpy=1.26.4'], prune=True)
    before = snapshot(prefix)
    predicted = ansible.run_module(MODULE, args, check=True, diff=True)
    assert snapshot(prefix) == before
    real = ansible.run_module(MODULE, args, diff=True)
    assert 'toolz' in [entry['name'] for entry in predicted['actions']['unlinked']]
    assert 'toolz' in [entry['name'] for entry in real['actions']['unlinked']]
    if REAL_CONDA:  # real conda's classic solver may also swap pip for another build of 23.3 in the real run
        def versions(text):
            return [line.rsplit('=', 1)[0] for line in text.splitlines()]
        assert versions(predicted['diff']['after']) == versions(real['diff']['after'])
    else:
        assert comparable(predicted['actions']) == comparable(real['actions'])
        assert predicted['diff']['after'] == real['diff']['after']
