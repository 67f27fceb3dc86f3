"""conda_env with a conda-lock unified lock file (file/src, told by content), through Ansible, against the
test bed's conda (the stand-in, or a real conda with MACFLEET_CONDA_EXE) and the env's genuine pip.

The lock is what conda_export format=conda-lock writes from a source env (conda packages and a pip
package), checked to be a file conda-lock's own loader reads. Every run is checked against its check
mode (same changed, actions and diff) and against the call logs: what conda ran, and no conda or pip
process once converged.
"""
from __future__ import annotations

import json
import pathlib

import pytest
import yaml

from conda_module_helpers import channel_args, comparable, packages, pip_runs

MODULE = 'macfleet.conda.conda_env'


def pip_distributions(prefix: pathlib.Path) -> list:
    return sorted(path.name for path in prefix.glob('lib/python3.*/site-packages/macfleet_demo*.dist-info'))


@pytest.fixture
def run(runner, conda_root, pip_log):
    """``run(check=False, **args)``: one conda_env task with diff; returns (result, conda calls, pip runs)."""

    def run_task(check=False, **args):
        before, pips = len(conda_root.calls()), pip_runs(pip_log)
        result = runner.run_module(MODULE, dict(args, executable=str(conda_root.conda)), check=check, diff=True)
        return result, conda_root.calls()[before:], pip_runs(pip_log) - pips

    return run_task


@pytest.fixture
def lock(runner, conda_root, tmp_path, run, real_python):
    """conda-lock.yml exported from a source env of python, toolz 0.11.2 and the pip package macfleet-demo-b."""
    made, _calls, _pips = run(name='source', **channel_args(
        conda_root, packages=[real_python.spec, 'toolz=0.11.2'], pip=['macfleet-demo-b==2.0.0']))
    assert made['changed'] is True, made
    path = tmp_path / 'conda-lock.yml'
    exported = runner.run_module('macfleet.conda.conda_export', {
        'environment': 'source', 'format': 'conda-lock', 'dest': str(path), 'executable': str(conda_root.conda)})
    assert exported['changed'] is True, exported
    return path


def test_the_exported_lock_is_one_conda_lock_reads(lock, conda_root):
    from conda_lock.lockfile import parse_conda_lock_file  # pylint: disable=import-outside-toplevel
    parsed = parse_conda_lock_file(lock)
    by_manager = sorted((package.manager, package.name) for package in parsed.package)
    assert ('conda', 'toolz') in by_manager and ('pip', 'macfleet-demo-b') in by_manager
    assert parsed.metadata.platforms == [host_platform(lock)]


def host_platform(lock: pathlib.Path) -> str:
    return yaml.safe_load(lock.read_text())['metadata']['platforms'][0]


def converge_and_compare(run, **args):
    """Check mode (no conda at all: it cannot dry-run an explicit install), then the run, then a rerun that
    runs neither conda nor pip."""
    predicted, check_calls, _check_pips = run(check=True, **args)
    assert predicted.get('failed') is not True and check_calls == [], (predicted, check_calls)
    done, calls, pips = run(**args)
    assert done.get('failed') is not True, done
    assert (predicted['changed'], comparable(predicted['actions']), predicted.get('diff')) == \
        (done['changed'], comparable(done['actions']), done.get('diff'))
    again, again_calls, again_pips = run(**args)
    assert again['changed'] is False and again_calls == [] and again_pips == 0, (again, again_calls)
    return done, calls, pips


def test_a_new_env_gets_the_locked_conda_builds_and_pip_packages(run, conda_root, lock):
    done, calls, pips = converge_and_compare(run, name='copy', file=str(lock))
    prefix, source = conda_root.env_prefix('copy'), conda_root.env_prefix('source')
    assert packages(prefix) == packages(source)
    assert pip_distributions(prefix) == pip_distributions(source) != []
    assert [call.argv[0:2] for call in calls] == [('create', '--json')] and pips == 1
    # macfleet-demo-b requires macfleet-demo-a: the lock lists both, installed with --no-deps in one pip call
    assert done['actions']['pip']['installed'] == [{'name': 'macfleet-demo-a', 'version': '1.1.0'},
                                                   {'name': 'macfleet-demo-b', 'version': '2.0.0'}]
    assert 'toolz==0.11.2=' in done['diff']['after']


def test_a_drifted_env_is_brought_back_in_place(run, conda_root, lock, real_python):
    made, _calls, _pips = run(name='drifted', **channel_args(
        conda_root, packages=[real_python.spec, 'toolz=0.12.0'], pip=['macfleet-demo-d']))
    assert made['changed'] is True, made
    prefix = conda_root.env_prefix('drifted')
    created_at = (prefix / 'conda-meta' / 'history').read_text().splitlines()[0]
    done, calls, _pips = converge_and_compare(run, name='drifted', file=str(lock))
    assert packages(prefix) == packages(conda_root.env_prefix('source'))
    assert pip_distributions(prefix) == pip_distributions(conda_root.env_prefix('source'))
    assert (prefix / 'conda-meta' / 'history').read_text().splitlines()[0] == created_at
    assert [call.argv[0] for call in calls] == ['install']
    assert [(entry['name'], entry['version']) for entry in done['actions']['linked']] == [('toolz', '0.11.2')]
    assert done['actions']['pip']['removed'] == [{'name': 'macfleet-demo-d', 'version': '1.0.0'}]


def test_src_on_the_controller_is_read_the_same_way(run, conda_root, lock, runner):
    (runner.workdir / 'files').mkdir()
    (runner.workdir / 'files' / 'conda-lock.yml').write_text(lock.read_text())
    converge_and_compare(run, name='fromsrc', src='conda-lock.yml')
    assert packages(conda_root.env_prefix('fromsrc')) == packages(conda_root.env_prefix('source'))


def _other_platform(host: str) -> str:
    return 'win-64' if host != 'win-64' else 'linux-64'


def test_a_lock_without_this_platform_fails_naming_the_platforms_it_has(run, conda_root, lock, tmp_path):
    host = host_platform(lock)
    other = _other_platform(host)
    moved = tmp_path / 'elsewhere.yml'
    moved.write_text(lock.read_text().replace('/%s/' % host, '/%s/' % other).replace(
        'platform: %s' % host, 'platform: %s' % other).replace('- %s\n' % host, '- %s\n' % other).replace(
        '%s: ' % host, '%s: ' % other))
    assert yaml.safe_load(moved.read_text())['metadata']['platforms'] == [other]
    existing = conda_root.env_prefix('source')
    before = packages(existing), pip_distributions(existing)
    for target in ('source', 'brandnew'):
        for check in (True, False):
            result, calls, pips = run(check=check, name=target, file=str(moved))
            assert result.get('failed') is True, result
            assert 'has no packages for %s' % host in result['msg'] and 'it has %s' % other in result['msg']
            assert 'nothing was changed' in result['msg'] and result.get('changed') is not True
            assert calls == [] and pips == 0
    assert (packages(existing), pip_distributions(existing)) == before
    assert not conda_root.env_prefix('brandnew').exists()


def _twice(text: str) -> str:
    data = yaml.safe_load(text)
    data['package'].append(dict(next(entry for entry in data['package'] if entry['name'] == 'toolz')))
    return yaml.safe_dump(data)


def _mixed(text: str) -> str:
    data = yaml.safe_load(text)
    toolz = next(entry for entry in data['package'] if entry['name'] == 'python')
    toolz['url'] = toolz['url'].replace('/%s/' % toolz['platform'], '/%s/' % _other_platform(toolz['platform']))
    return yaml.safe_dump(data)


BAD_LOCKS = {
    'cut short mid-line': (lambda text: text[:len(text) // 2], 'looks truncated'),
    'cut short at an entry': (lambda text: text[:text.index('- name: python\n')] if '- name: python\n' in text
                              else text[:text.index('  name: python\n')], 'incomplete for'),
    'an unknown version': (lambda text: text.replace('version: 1\n', 'version: 3\n', 1), 'is of version 3'),
    'no version': (lambda text: text.replace('version: 1\n', '', 1), 'has no version'),
    'a package listed twice': (_twice, 'lists toolz twice'),
    'a conda package of another platform': (_mixed, 'python-'),
}


@pytest.mark.parametrize('case', sorted(BAD_LOCKS))
def test_a_bad_lock_fails_before_conda_runs_and_changes_nothing(run, conda_root, lock, case):
    edit, message = BAD_LOCKS[case]
    path = lock.with_name('edited.yml')
    path.write_text(edit(lock.read_text()))
    existing = conda_root.env_prefix('source')
    before = packages(existing), pip_distributions(existing)
    for target in ('source', 'brandnew'):
        result, calls, pips = run(name=target, file=str(path))
        assert result.get('failed') is True and message in result['msg'], result
        assert 'nothing was changed' in result['msg'] and result.get('changed') is not True
        assert calls == [] and pips == 0
        assert 'Traceback' not in json.dumps(result)
    assert (packages(existing), pip_distributions(existing)) == before
    assert not conda_root.env_prefix('brandnew').exists()
