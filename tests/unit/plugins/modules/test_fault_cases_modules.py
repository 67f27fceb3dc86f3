"""The modules' cases of the fault matrix (tests/faults/cases/modules-*.yml), run in-process now.

The matrix runner (tests/faults/test_fault_matrix.py) runs them through ansible-playbook; this runs
the same table against the modules directly with a fake conda that must not be called, which the
runner cannot see: every one of these refusals happens before any conda process.
"""
from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.macfleet.conda.plugins.modules import conda_env, conda_export, conda_package

CASES_DIR = pathlib.Path(__file__).resolve().parents[3] / 'faults' / 'cases'
MODULES = {'conda_env': conda_env, 'conda_package': conda_package, 'conda_export': conda_export}
CASES = [case for path in sorted(CASES_DIR.glob('modules-*.yml')) for case in yaml.safe_load(path.read_text())]


def tree(path: pathlib.Path) -> dict:
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(path.rglob('*'))} if path.exists() else {}


def _fill(value, tmp, root):
    if isinstance(value, str):
        return value.replace('{tmp}', tmp).replace('{root}', root)
    if isinstance(value, list):
        return [_fill(item, tmp, root) for item in value]
    if isinstance(value, dict):
        return dict((key, _fill(item, tmp, root)) for key, item in value.items())
    return value


def _setup(kind, fake_conda, tmp):
    if kind in ('env_myenv', 'corrupt_record', 'foreign_record'):
        meta = fake_conda.env('myenv') / 'conda-meta'
        if kind == 'corrupt_record':
            (meta / 'numpy-1.19.2-py39hf4c9891_0.json').write_text('{"name": "numpy", "ver')
        if kind == 'foreign_record':
            (meta / 'macfleet-miniconda.json').write_text('{"version": "py313_25.9.1-3"}')
    elif kind == 'user_folder':
        (tmp / 'data').mkdir()
        (tmp / 'data' / 'thesis.txt').write_text('years of work')
    else:
        assert kind == 'none', kind


def test_the_table_has_the_cases_it_should():
    assert len(CASES) >= 25
    assert len({case['id'] for case in CASES}) == len(CASES)


@pytest.mark.parametrize('case', CASES, ids=[case['id'] for case in CASES])
def test_fault_case(tmp_path, fake_conda, run_module, case):
    work = tmp_path / 'case'
    work.mkdir()
    _setup(case.get('setup', 'none'), fake_conda, work)
    before = tree(tmp_path)
    result = run_module(MODULES[case['module']], _fill(case['params'], str(work), str(fake_conda.root)),
                        check=case.get('check_mode', False))
    assert bool(result.get('failed')) is case['expect_failed'], result
    assert case['expect_msg'] in result.get('msg', ''), result
    assert not result.get('changed')
    assert '\n' not in result.get('msg', '')
    assert fake_conda.calls == []
    assert tree(tmp_path) == before
