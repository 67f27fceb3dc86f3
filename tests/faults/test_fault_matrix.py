"""The bad-input and fault matrix: every case of tests/faults/cases/*.yml through ansible-playbook.

First cut (issue 12): setups other than ``none`` are skipped until the setup helpers land.
"""
from __future__ import annotations

import pathlib

import pytest
import yaml

CASES_DIR = pathlib.Path(__file__).resolve().parent / 'cases'
CASES = [case for path in sorted(CASES_DIR.glob('*.yml')) for case in yaml.safe_load(path.read_text()) or ()]


def _snapshot(*roots):
    return {str(path): (path.stat().st_size, path.stat().st_mtime_ns)
            for root in roots if root.exists() for path in root.rglob('*') if path.is_file()}


def _fill(value, tmp, root):
    if isinstance(value, str):
        return value.replace('{tmp}', str(tmp)).replace('{root}', str(root))
    if isinstance(value, dict):
        return {key: _fill(item, tmp, root) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, tmp, root) for item in value]
    return value


@pytest.mark.parametrize('case', CASES, ids=[case['id'] for case in CASES])
def test_case(case, tmp_path, conda_root, ansible):
    if case.get('xfail'):
        pytest.xfail(case['xfail'])
    if case.get('setup', 'none') != 'none' or case['module'] == 'role':
        pytest.skip('setup %s / role cases not supported by this first cut' % case.get('setup'))
    folder = tmp_path / 'case'
    folder.mkdir()
    params = _fill(case.get('params') or {}, folder, conda_root.prefix)
    params.setdefault('executable', str(conda_root.conda))
    before = _snapshot(conda_root.prefix, folder)
    play = [{'hosts': 'localhost', 'gather_facts': False,
             'tasks': [{'name': 'under test', 'macfleet.conda.%s' % case['module']: params, 'ignore_errors': True}]}]
    run = ansible.run_playbook(play, check=bool(case.get('check_mode')))
    result = run.result('under test')
    output = run.stdout + run.stderr
    assert bool(result.get('failed')) == bool(case.get('expect_failed', True)), result
    assert case.get('expect_msg', '') in (result.get('msg') or ''), result
    assert 'Traceback' not in output
    if case.get('secret'):
        assert case['secret'] not in output
    assert _snapshot(conda_root.prefix, folder) == before
