"""conda_env with an @EXPLICIT lock (file/src detected by content) and the subdir option, through Ansible,
against the test bed's conda: the stand-in, or a real conda with MACFLEET_CONDA_EXE.

The lock is what conda_export format=explicit writes from a source env. Every run is checked against
its check mode (same changed, actions and diff) and against the call log (what conda ran, and 0
processes once converged).
"""
from __future__ import annotations

import pathlib

import pytest

from conda_module_helpers import channel_args, comparable, packages

MODULE = 'macfleet.conda.conda_env'


def condarc(prefix: pathlib.Path) -> str | None:
    path = prefix / '.condarc'
    return path.read_text() if path.exists() else None


@pytest.fixture
def run(ansible, conda_root):
    """``run(check=False, **args)``: one conda_env task with diff; returns (result, conda calls it made)."""

    def run_task(check=False, **args):
        before = len(conda_root.calls())
        result = ansible.run_module(MODULE, dict(args, executable=str(conda_root.conda)), check=check, diff=True)
        return result, conda_root.calls()[before:]

    return run_task


@pytest.fixture
def lock(ansible, conda_root, tmp_path, run):
    """A lock exported from a source env of python 3.9, numpy 1.19.2, toolz 0.11.2 (and pip)."""
    made, _calls = run(name='source', **channel_args(
        conda_root, python='3.9', packages=['numpy=1.19.2', 'toolz=0.11.2']))
    assert made['changed'] is True, made
    path = tmp_path / 'source.lock.txt'
    exported = ansible.run_module('macfleet.conda.conda_export', {
        'environment': 'source', 'format': 'explicit', 'dest': str(path), 'executable': str(conda_root.conda)})
    assert exported['changed'] is True, exported
    assert '@EXPLICIT\n' in path.read_text()
    return path


def converge_and_compare(run, **args):
    """Check mode, then the run, then a rerun: the prediction is the run, and the rerun runs no conda.

    Check mode of a lock runs no conda at all (conda cannot dry-run one); of specs, only dry runs."""
    predicted, check_calls = run(check=True, **args)
    assert all(call.kind == 'solve' for call in check_calls) and ('file' not in args or not check_calls), check_calls
    done, calls = run(**args)
    assert done.get('failed') is not True, done
    assert (predicted['changed'], comparable(predicted['actions']), predicted.get('diff')) == \
        (done['changed'], comparable(done['actions']), done.get('diff'))
    again, again_calls = run(**args)
    assert again['changed'] is False and again_calls == [], (again, again_calls)
    return done, calls


def test_a_new_env_gets_exactly_the_locked_builds_in_one_create(run, conda_root, lock):
    done, calls = converge_and_compare(run, name='copy', file=str(lock))
    prefix = conda_root.env_prefix('copy')
    assert done['prefix'] == str(prefix)
    assert packages(prefix) == packages(conda_root.env_prefix('source'))
    changes = [call.argv for call in calls]
    assert len(changes) == 1 and changes[0][0:6] == ('create', '--json', '-y', '-p', str(prefix), '--file')
    assert sorted(entry['name'] for entry in done['actions']['linked']) == ['numpy', 'pip', 'python', 'toolz']
    assert done['diff']['before'] == '' and 'toolz==0.11.2=' in done['diff']['after']


def test_a_drifted_env_is_brought_back_in_place_in_two_transactions(run, conda_root, lock):
    made, _calls = run(name='drifted', **channel_args(
        conda_root, python='3.9', packages=['numpy=1.19.2', 'toolz=0.12.0', 'requests']))
    assert made['changed'] is True, made
    prefix = conda_root.env_prefix('drifted')
    created_at = (prefix / 'conda-meta' / 'history').read_text().splitlines()[0]
    done, calls = converge_and_compare(run, name='drifted', file=str(lock))
    assert packages(prefix) == packages(conda_root.env_prefix('source'))
    # changed in place: the history is the env's, continued, never a new env's
    assert (prefix / 'conda-meta' / 'history').read_text().splitlines()[0] == created_at
    verbs = [call.argv[0:2] for call in calls]
    assert verbs == [('install', '--json'), ('remove', '--json')], calls
    assert '--force' in calls[1].argv
    unlinked = sorted(entry['name'] for entry in done['actions']['unlinked'])
    assert 'toolz' in unlinked and 'requests' in unlinked and 'urllib3' in unlinked
    assert [(entry['name'], entry['version']) for entry in done['actions']['linked']] == [('toolz', '0.11.2')]


def test_src_on_the_controller_is_read_the_same_way(run, conda_root, lock, ansible):
    (ansible.workdir / 'files').mkdir()
    (ansible.workdir / 'files' / 'build.lock.txt').write_text(lock.read_text())
    done, _calls = converge_and_compare(run, name='fromsrc', src=str(ansible.workdir / 'files' / 'build.lock.txt'))
    assert packages(conda_root.env_prefix('fromsrc')) == packages(conda_root.env_prefix('source'))


def _edited(lock: pathlib.Path, edit) -> pathlib.Path:
    text = edit(lock.read_text())
    path = lock.with_name('edited.lock.txt')
    path.write_text(text)
    return path


def _toolz_line(text: str) -> str:
    return next(line for line in text.splitlines() if '/toolz-' in line)


BAD_LOCKS = {
    'truncated mid-line': (lambda text: text[:text.index(_toolz_line(text)) + 30], 'looks truncated'),
    'nothing after the marker': (lambda text: text.split('@EXPLICIT')[0] + '@EXPLICIT\n', 'lists no package'),
    'a package listed twice': (lambda text: text + _toolz_line(text) + '\n', 'lists toolz twice'),
    'a malformed line': (lambda text: text + 'https://example.invalid/noarch/toolz.zip\n', 'not a package URL'),
    'mixing platforms': (lambda text: text + 'https://example.invalid/ch/osx-arm64/zlib-1.3-h0_0.conda\n',
                         'mixes platforms'),
    'another platform': (lambda text: text.replace('/linux-64/', '/osx-arm64/').replace(
        'platform: linux-64', 'platform: osx-arm64'), 'the lock is for osx-arm64, not for linux-64'),
    'a hash mismatch': (lambda text: text.replace(_toolz_line(text), _toolz_line(text).split('#')[0] + '#' + '0' * 32),
                        'package toolz-0.11.2-pyh3e3cb63_0'),
    # no hash: the same build under another URL is another package (with the lock's hash it would be the same)
    'a package the host cannot reach': (lambda text: text.replace(_toolz_line(text), _toolz_line(text).split('#')[
        0].replace('/noarch/', '/gone/noarch/')), 'is not on this host'),
}


@pytest.mark.parametrize('case', sorted(BAD_LOCKS))
def test_a_bad_lock_fails_before_conda_runs_and_changes_nothing(run, conda_root, lock, case):
    edit, message = BAD_LOCKS[case]
    existing = conda_root.env_prefix('source')
    before = packages(existing)
    for target in ('source', 'brandnew'):
        result, calls = run(name=target, file=str(_edited(lock, edit)))
        assert result.get('failed') is True and message in result['msg'], result
        assert 'nothing was changed' in result['msg'] and result.get('changed') is not True
        assert calls == []
    assert packages(existing) == before and not conda_root.env_prefix('brandnew').exists()


def test_the_root_env_is_refused(run, conda_root, lock):
    result, calls = run(prefix=str(conda_root.prefix), file=str(lock))
    assert result.get('failed') is True and 'root (base) env' in result['msg'] and calls == []


def test_an_unreachable_package_url_fails_naming_it_with_nothing_changed(run, conda_root, lock):
    path = _edited(lock, lambda text: text.replace(_toolz_line(text), 'http://127.0.0.1:9/ch/noarch/'
                                                   'toolz-0.11.2-pyh3e3cb63_0.tar.bz2'))
    existing = conda_root.env_prefix('source')
    before = packages(existing)
    run(name='source', file=str(lock))  # the same builds: converged, nothing to fetch
    result, calls = run(name='source', file=str(path))
    assert result.get('failed') is True and 'toolz-0.11.2-pyh3e3cb63_0.tar.bz2' in result['msg'], result
    assert result.get('changed') is not True and packages(existing) == before
    assert [call.argv[0] for call in calls] == ['install']


# -- subdir -----------------------------------------------------------------------------------------

def test_subdir_is_recorded_in_the_envs_condarc_as_conda_config_writes_it(run, conda_root):
    args = channel_args(conda_root, name='pinned', packages=['toolz=0.12.0'], subdir='linux-64')
    done, calls = converge_and_compare(run, **args)
    prefix = conda_root.env_prefix('pinned')
    assert done['actions']['subdir'] == 'linux-64'
    assert condarc(prefix).splitlines()[-1] == 'subdir: linux-64'
    assert [call.argv[0:2] for call in calls] == [('create', '--json'), ('config', '--file')]
    assert done['diff']['after'].endswith('subdir: linux-64 (%s/.condarc)\n' % prefix)
    # a later install keeps to it (CONDA_SUBDIR from the env's .condarc)
    later, later_calls = run(**dict(args, packages=['toolz=0.12.0', 'idna'], subdir=None))
    assert later['changed'] is True and 'subdir' not in later['actions']
    assert [call.argv[0] for call in later_calls] == ['install']


def test_a_subdir_the_env_was_not_made_for_is_refused(run, conda_root):
    run(name='plain', **channel_args(conda_root, packages=['toolz=0.12.0']))
    prefix = conda_root.env_prefix('plain')
    before = packages(prefix)
    result, calls = run(name='plain', **channel_args(conda_root, packages=['toolz=0.12.0'], subdir='osx-64'))
    assert result.get('failed') is True and calls == []
    # on this linux-64 host osx-64 cannot run at all; on Apple silicon the env's linux-64 packages refuse it
    assert 'osx-64' in result['msg'] and 'nothing was changed' in result['msg']
    assert packages(prefix) == before and condarc(prefix) is None
