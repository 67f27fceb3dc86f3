"""The modules' decision cases, one YAML file per module in cases/ (schema: cases/README.md)."""
from __future__ import annotations

import pytest
from case_runner import CaseRun, load_cases

from ansible_collections.macfleet.conda.plugins.modules import conda_env, conda_export, conda_info, conda_package

MODULES = {'conda_env': conda_env, 'conda_package': conda_package, 'conda_export': conda_export,
           'conda_info': conda_info}
CASES = load_cases()


def test_every_module_has_cases_with_unique_ids():
    assert sorted({module for module, _case in CASES}) == sorted(MODULES)
    ids = ['%s/%s' % (module, case['id']) for module, case in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize('module, case', CASES, ids=['%s/%s' % (module, case['id']) for module, case in CASES])
def test_case(fake_conda, run_module, monkeypatch, tmp_path, module, case):
    CaseRun(case, fake_conda, monkeypatch, tmp_path).run(MODULES[module], run_module)
