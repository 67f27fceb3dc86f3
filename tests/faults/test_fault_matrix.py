"""The bad-input and fault matrix (issue 12): every case of tests/faults/cases/*.yml through ansible-playbook.

Each case is one task (a module, or the role ``macfleet.conda.miniconda``) run against a fresh conda
root of tests/conftest.py (the stand-in, or the real conda ``MACFLEET_CONDA_EXE`` names). The runner
builds the case's ``setup``, then snapshots the host, runs the task and asserts: failed as expected,
every message fragment, no traceback, the ``secret`` absent from the whole output, the host unchanged.
The schema is in tests/faults/README.md; ``test_the_table`` keeps the table itself honest.
"""
from __future__ import annotations

import getpass
import os
import pathlib
import re
import subprocess

import pytest
import yaml

from conda_testbed.installer import file_sha256, parse_installer_name
from conda_testbed.serve import serve_directory

CASES_DIR = pathlib.Path(__file__).resolve().parent / 'cases'
FILES = sorted(CASES_DIR.glob('*.yml'))
CASES = [dict(case, _file=path.name) for path in FILES for case in yaml.safe_load(path.read_text()) or ()]
MODULES = ('conda_env', 'conda_package', 'conda_export')
KEYS = {'id', 'module', 'params', 'setup', 'files', 'check_mode', 'expect_failed', 'expect_msg', 'expect_task',
        'secret', 'verbosity', 'xfail', 'playbook_only', '_file'}
SETUPS = ('none', 'env_myenv', 'user_folder', 'corrupt_record', 'foreign_record')
ROLE = 'macfleet.conda.miniconda'
# Left out of the snapshot, relative to a snapshot root: conda's download caches (filled by any solve,
# dry runs included) and Ansible's own folder in HOME (the controller is this host). Not the host's state.
CACHES = ('pkgs/cache', '.cache/conda', '.ansible')
# Files conda touches in any run that may create an env, failed ones included: the writability probe of
# an envs dir (conda/gateways/disk/create.py, create_envs_directory; real conda 26.7 leaves it).
CONDA_PROBES = ('.conda_envs_dir_test',)
# Markers of a crash rather than a message: a Python traceback, or Ansible's wrapper of a module crash.
CRASHES = ('Traceback (most recent call last)', 'MODULE FAILURE')


def _param(case):
    marks = [pytest.mark.xfail(reason=case['xfail'], strict=True)] if case.get('xfail') else []
    return pytest.param(case, id=case['id'], marks=marks)


def _fragments(case) -> list:
    expected = case.get('expect_msg') or []
    return [expected] if isinstance(expected, str) else list(expected)


def test_the_table():
    """Unique ids, known keys and setups, a message for every failure, a secret that is in the input."""
    assert len(CASES) >= 60
    assert len({case['id'] for case in CASES}) == len(CASES)
    for case in CASES:
        assert set(case) <= KEYS, (case['id'], set(case) - KEYS)
        assert case['module'] in MODULES + ('role',), case['id']
        assert case.get('setup', 'none') in SETUPS, case['id']
        assert case.get('verbosity', 0) in (0, 1, 2, 3, 4), case['id']
        if case.get('expect_failed', True):
            assert all(_fragments(case)), (case['id'], 'a failure case needs a message fragment')
        if case.get('secret'):
            assert case['secret'] in str(case.get('params')) + str(case.get('files')), case['id']
            assert case.get('verbosity', 0) >= 3, (case['id'], 'a secret case runs at -vvv')
        if case['module'] == 'role':
            assert case.get('setup', 'none') == 'none', case['id']


def _snapshot(*roots) -> dict:
    """Every file, folder and link under ``roots``: kind, size and mtime (caches left out)."""
    seen = {}
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob('*'):
            relative = path.relative_to(root).as_posix()
            if any(relative == cache or relative.startswith(cache + '/') for cache in CACHES) \
                    or path.name in CONDA_PROBES:
                continue
            info = path.lstat()
            kind = 'link' if path.is_symlink() else 'dir' if path.is_dir() else 'file'
            seen[str(path)] = (kind, info.st_size if kind == 'file' else 0, info.st_mtime_ns, info.st_mode)
    return seen


def _fill(value, places: dict):
    if isinstance(value, str):
        for key, place in places.items():
            value = value.replace('{%s}' % key, str(place))
        return value
    if isinstance(value, dict):
        return {key: _fill(item, places) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, places) for item in value]
    return value


def _conda(conda_root, *args):
    proc = subprocess.run([str(conda_root.conda)] + list(args), capture_output=True, text=True, check=False,
                          env=dict(os.environ, **conda_root.env))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _setup(kind: str, conda_root, folder: pathlib.Path) -> None:
    """Build the state a case starts from, with the root's own conda (stand-in or real)."""
    if kind in ('env_myenv', 'corrupt_record', 'foreign_record'):
        _conda(conda_root, 'create', '--json', '-y', '-n', 'myenv', 'python=3.9', 'numpy=1.19.2', 'toolz=0.11.2',
               '--override-channels', '-c', conda_root.channel_url)
        meta = conda_root.env_prefix('myenv') / 'conda-meta'
        if kind == 'corrupt_record':  # truncated, as a full disk or a killed conda leaves it
            [record] = meta.glob('numpy-1.19.2-*.json')
            record.write_text(record.read_text()[:40])
        if kind == 'foreign_record':  # not a package record: what the role 0.1.0 wrote there
            (meta / 'macfleet-miniconda.json').write_text('{"version": "py313_25.9.1-3"}')
    elif kind == 'user_folder':
        (folder / 'data').mkdir()
        (folder / 'data' / 'thesis.txt').write_text('years of work')
    else:
        assert kind == 'none', kind


@pytest.fixture(scope='module')
def served(installer):
    """The test bed's installer on 127.0.0.1, for role cases: ``(base_url, version, {name: sha256})``."""
    path, _sha256 = installer
    version = parse_installer_name(path.name)[0]
    with serve_directory(path.parent) as base_url:
        yield base_url, version, {path.name: file_sha256(path)}


def _role_vars(served, folder: pathlib.Path, channel_url: str) -> dict:
    """Variables of a role run that would install the served installer into the case folder."""
    base_url, version, checksums = served
    return {'miniconda_prefix': str(folder / 'miniconda3'), 'miniconda_owner': getpass.getuser(),
            'miniconda_version': version, 'miniconda_mirror_url': base_url, 'miniconda_sha256': checksums,
            'miniconda_channels': [channel_url]}


@pytest.mark.parametrize('case', [_param(case) for case in CASES])
def test_case(case, tmp_path, conda_root, ansible, request):
    folder = tmp_path / 'case'
    folder.mkdir()
    places = {'tmp': folder, 'root': conda_root.prefix, 'channel': conda_root.channel_url, 'home': conda_root.home}
    _setup(case.get('setup', 'none'), conda_root, folder)
    for name, content in (case.get('files') or {}).items():
        (folder / name).write_text(_fill(content, places))
    params = _fill(case.get('params') or {}, places)
    if case['module'] == 'role':
        params = dict(_role_vars(request.getfixturevalue('served'), folder, conda_root.channel_url), **params)
        play = [{'hosts': 'localhost', 'gather_facts': False, 'roles': [{'role': ROLE, 'vars': params}]}]
    else:
        params.setdefault('executable', str(conda_root.conda))
        play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
            {'name': 'under test', 'macfleet.conda.%s' % case['module']: params, 'ignore_errors': True}]}]
    verbosity = case.get('verbosity', 0)
    roots = {conda_root.prefix, conda_root.envs_dir, conda_root.home, folder}
    before = _snapshot(*roots)
    run = ansible.run_playbook(play, check=bool(case.get('check_mode')), env={'ANSIBLE_VERBOSE_TO_STDERR': '1'},
                               args=('-' + 'v' * verbosity,) if verbosity else ())
    output = run.stdout + run.stderr
    if case['module'] == 'role':
        # The failure that ended the play: a block's rescue may explain the first one (and its always
        # cleanup may run after it); the snapshot below proves the host unchanged either way.
        failures = [(task, res) for task, res in run.tasks if res.get('failed')]
        task, result = failures[-1] if failures else ('', {})
        if case.get('expect_failed', True):
            assert run.rc != 0 and failures, run.tasks
            assert any(case.get('expect_task', '') in name for name, _res in failures), (failures, result.get('msg'))
    else:
        result = run.result('under test')
    message = str(result.get('msg') or '')
    assert bool(result.get('failed')) == bool(case.get('expect_failed', True)), result
    for fragment in _fragments(case):
        assert _fill(fragment, places) in message, (fragment, result)
    for crash in CRASHES:
        assert crash not in output, output[-3000:]
    if verbosity >= 3:  # ansible-playbook says how it parsed the inventory only from -vvv on
        assert re.search(r'Parsed \S+ inventory source with \w+ plugin', run.stderr), \
            'not a -vvv run: %s' % run.stderr[-2000:]
    if case.get('secret'):
        assert case['secret'] not in output, [line for line in output.splitlines() if case['secret'] in line]
    after = _snapshot(*roots)
    assert after == before, {path: (before.get(path), after.get(path))
                             for path in set(before) | set(after) if before.get(path) != after.get(path)}
