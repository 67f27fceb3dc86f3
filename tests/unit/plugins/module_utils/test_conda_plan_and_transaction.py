"""Local decisions over recorded records: which specs need conda, what prune removes, predicted actions."""
from __future__ import annotations

import json
import shutil

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_transaction as transaction
from ansible_collections.macfleet.conda.plugins.module_utils._conda_plan import (
    installed_matches, parse_specs, prune_extras, split_by_verdict, verdict)
from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import read_records
from conda_testbed.session import RECORDINGS

CONTRACT = RECORDINGS


@pytest.fixture
def records(tmp_path):
    """python 3.9.18, pip 23.3, numpy 1.19.2, toolz 0.11.2, as real conda recorded them."""
    shutil.copytree(CONTRACT / 'conda-meta_myenv_after_installs', tmp_path / 'conda-meta')
    return read_records(str(tmp_path))


@pytest.mark.parametrize('spec, expected', [
    ('numpy', True), ('numpy=1.19.2', True), ('numpy==1.19.2', True), ('numpy=1.19', True), ('numpy 1.19.*', True),
    ('numpy>=1.20', False), ('numpy=1.19.2=py39*', True), ('numpy=1.19.2=py310*', False),
    ('python>=3.9,<3.10', True), ('python=3.10', False), ('toolz<0.12|>1', True), ('pandas', False),
    ('numpy[license_family=BSD]', None),
])
def test_verdict(records, spec, expected):
    assert verdict(parse_specs([spec])[0], records) is expected


def test_split_by_verdict_keeps_satisfied_specs_out_of_the_transaction(records):
    specs = parse_specs(['numpy', 'python=3.9', 'toolz>=0.12', 'requests', 'numpy[track_features=mkl]'])
    unsatisfied, undecided = split_by_verdict(specs, records)
    assert [spec.original for spec in unsatisfied] == ['toolz>=0.12', 'requests']
    assert [spec.original for spec in undecided] == ['numpy[track_features=mkl]']


def test_installed_matches(records):
    assert installed_matches(parse_specs(['numpy', 'toolz>=1', 'pandas']), records) == ['numpy']
    assert installed_matches(parse_specs(['numpy[license_family=BSD]']), records) is None


@pytest.mark.parametrize('declared, keep, extras', [
    (['numpy'], (), ['toolz']),            # numpy -> python -> pip
    (['pip'], (), ['numpy', 'toolz']),     # pip -> python (-> pip)
    (['toolz', 'numpy'], (), []),
    (['python=3.9'], (), ['numpy', 'toolz']),
    (['numpy>=2'], (), ['numpy', 'pip', 'python', 'toolz']),
    (['pip'], ('toolz',), ['numpy']),
])
def test_prune_extras_walks_depends(records, declared, keep, extras):
    assert prune_extras(records, parse_specs(declared), keep) == extras


def test_prune_keeps_everything_when_a_needed_record_has_unknown_depends(records):
    predicted = records + [{'name': 'requests', 'version': '2.31.0', 'build': '0', 'depends': None}]
    assert prune_extras(predicted, parse_specs(['requests'])) == []


def _doc(stem):
    return json.loads((CONTRACT / (stem + '.json')).read_text())


def test_actions_of_recorded_results():
    actions = transaction.actions_of(_doc('28_update_all'))
    assert actions['linked'] == [
        {'name': 'numpy', 'version': '1.26.4', 'build': 'py39h206e18e_0', 'channel': 'file:///srv/conda-channel'},
        {'name': 'toolz', 'version': '0.12.0', 'build': 'pyhbdf259b_0', 'channel': 'file:///srv/conda-channel'}]
    assert [entry['version'] for entry in actions['unlinked']] == ['1.19.2', '0.11.2']
    assert transaction.changed(actions)
    for stem in ('06_install_numpy_again_json', '29_update_all_again', '40_env_update_prune_again_json'):
        assert not transaction.changed(transaction.actions_of(_doc(stem)))


def test_prediction_equals_the_real_outcome(records, tmp_path):
    """Applying update --all's actions to the records gives the packages real conda left behind."""
    actions = transaction.actions_of(_doc('28_update_all'))
    predicted = transaction.apply(records, actions, transaction.fetched_depends(_doc('28_update_all')))
    assert transaction.package_lines(predicted) == (
        'numpy==1.26.4=py39h206e18e_0\npip==23.3=pyhdba3a45_0\npython==3.9.18=h2860985_0\ntoolz==0.12.0=pyhbdf259b_0\n')
    assert [rec['depends'] for rec in predicted if rec['name'] == 'numpy'] == [['python >=3.9,<3.10.0a0']]


def test_fetched_depends_reads_the_package_cache_for_cached_packages(tmp_path):
    document = _doc('42_env_update_nonexistent_env')  # FETCH is empty: everything came from the cache
    info = tmp_path / 'pkgs' / 'numpy-1.20.3-py310h01fc42b_0' / 'info'
    info.mkdir(parents=True)
    (info / 'index.json').write_text(json.dumps({'depends': ['python >=3.10,<3.11.0a0']}))
    known = transaction.fetched_depends(document, [str(tmp_path / 'pkgs')])
    assert known == {('numpy', '1.20.3', 'py310h01fc42b_0'): ['python >=3.10,<3.11.0a0']}
