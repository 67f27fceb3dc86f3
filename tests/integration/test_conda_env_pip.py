"""conda_env's pip requirements and config vars, with the env's genuine pip running for real, offline.

The test channel's working python (conftest ``real_python``) gives the env a real interpreter and
pip; pip installs from the test bed's wheelhouse through the PIP_* variables a fleet would set
(``pip_env``), and ``PIP_LOG`` counts every pip process: a converged env must run none.
"""
from __future__ import annotations

import json

import pytest

from conda_module_helpers import channel_args, comparable, pip_runs, snapshot
from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.session import COLLECTIONS

MODULE = 'macfleet.conda.conda_env'


@pytest.fixture
def python_spec(real_python):
    return real_python.spec


def site_packages(prefix):
    return {path.name for path in prefix.glob('lib/python3.*/site-packages/*.dist-info')}


def args_for(conda_root, python_spec, **extra):
    return channel_args(conda_root, name='pipenv', packages=[python_spec], **extra)


def test_create_installs_pip_requirements_then_converged_runs_neither_conda_nor_pip(
        runner, conda_root, python_spec, pip_log):
    args = args_for(conda_root, python_spec, pip=['macfleet-demo-b==2.0.0'], variables={'MACFLEET_X': 1})
    first = runner.run_module(MODULE, args, diff=True)
    assert first['changed'] is True, first
    assert first['actions']['pip'] == {'installed': [{'name': 'macfleet-demo-a', 'version': '1.1.0'},
                                                     {'name': 'macfleet-demo-b', 'version': '2.0.0'}],
                                       'removed': []}
    assert first['actions']['variables'] == {'set': {'MACFLEET_X': '1'}, 'unset': []}
    assert 'macfleet-demo-b==2.0.0 (pypi)\n' in first['diff']['after']
    assert 'MACFLEET_X=1 (env var)\n' in first['diff']['after']
    prefix = conda_root.env_prefix('pipenv')
    assert {'macfleet_demo_a-1.1.0.dist-info', 'macfleet_demo_b-2.0.0.dist-info'} <= site_packages(prefix)
    state = json.loads((prefix / 'conda-meta' / 'state').read_text())
    assert state['env_vars'] == {'MACFLEET_X': '1'}
    conda_root.call_log.unlink()
    runs = pip_runs(pip_log)

    second = runner.run_module(MODULE, args)
    assert second['changed'] is False, second
    assert conda_root.calls() == []
    assert pip_runs(pip_log) == runs


def test_upgrade_is_predicted_exactly_by_check_mode(runner, conda_root, python_spec):
    assert runner.run_module(MODULE, args_for(conda_root, python_spec, pip=['macfleet-demo-b==1.0.0']))['changed']
    prefix = conda_root.env_prefix('pipenv')
    before = (snapshot(prefix), site_packages(prefix))
    args = args_for(conda_root, python_spec, pip=['macfleet-demo-b>=2,<3'])
    predicted = runner.run_module(MODULE, args, check=True, diff=True)
    assert (snapshot(prefix), site_packages(prefix)) == before
    real = runner.run_module(MODULE, args, diff=True)
    assert real['changed'] is True
    assert comparable(predicted['actions']) == comparable(real['actions'])
    assert predicted['diff'] == real['diff']
    assert real['actions']['pip'] == {'installed': [{'name': 'macfleet-demo-b', 'version': '2.0.0'}],
                                      'removed': [{'name': 'macfleet-demo-b', 'version': '1.0.0'}]}
    assert runner.run_module(MODULE, args)['changed'] is False


def test_prune_removes_what_no_requirement_needs_and_check_mode_says_so(runner, conda_root, python_spec):
    assert runner.run_module(MODULE, args_for(conda_root, python_spec,
                                              pip=['macfleet-demo-b==2.0.0', 'macfleet-demo-c[fast]']))['changed']
    prefix = conda_root.env_prefix('pipenv')
    args = args_for(conda_root, python_spec, pip=['macfleet-demo-b'], prune=True)
    predicted = runner.run_module(MODULE, args, check=True, diff=True)
    assert 'macfleet_demo_c-0.1.0.dist-info' in site_packages(prefix)
    real = runner.run_module(MODULE, args, diff=True)
    assert real['actions']['pip'] == {'installed': [], 'removed': [{'name': 'macfleet-demo-c', 'version': '0.1.0'}]}
    assert predicted['actions']['pip'] == real['actions']['pip'] and predicted['diff'] == real['diff']
    # demo-a stays: demo-b requires it; conda's pip stays: it is conda's
    assert {'macfleet_demo_a-1.1.0.dist-info', 'macfleet_demo_b-2.0.0.dist-info'} <= site_packages(prefix)
    assert any(name.startswith('pip-') for name in site_packages(prefix))
    assert runner.run_module(MODULE, args)['changed'] is False


def test_pip_failure_names_it_and_reports_the_conda_change_already_made(runner, conda_root, python_spec):
    result = runner.run_module(MODULE, args_for(conda_root, python_spec, pip=['macfleet-demo-nosuch==1.0']))
    assert result.get('failed') is True
    assert 'No matching distribution found for macfleet-demo-nosuch==1.0' in result['msg']
    assert result['changed'] is True  # the env was created before pip ran
    assert 'python==' in result['diff']['after']


def test_pip_with_no_network_says_so_and_leaves_the_env_as_it_was(tmp_path, conda_root, pip_env, python_spec):
    """An index the host cannot reach (a refused port, as with no network): pip's story names it, nothing changes."""
    args = args_for(conda_root, python_spec)
    work = tmp_path / 'ansible-offline'
    work.mkdir()
    offline = dict((key, value) for key, value in pip_env.items() if key != 'PIP_NO_INDEX')
    offline.update(PIP_INDEX_URL='https://127.0.0.1:9/simple', PIP_RETRIES='1', PIP_TIMEOUT='2')
    runner = AnsibleRunner(COLLECTIONS, work, env=dict(conda_root.env, **offline))
    assert runner.run_module(MODULE, args)['changed'] is True
    prefix = conda_root.env_prefix('pipenv')
    before = (snapshot(prefix), site_packages(prefix))

    result = runner.run_module(MODULE, dict(args, pip=['macfleet-demo-remote==1.0'], variables={'AFTER_PIP': 'x'}))
    assert result.get('failed') is True and result['changed'] is False, result
    assert 'No matching distribution found for macfleet-demo-remote==1.0' in result['msg']
    assert 'pip could not reach its index' in result['msg'] and 'Connection refused' in result['msg']
    assert result['pip_error']['rc'] == 1
    assert (snapshot(prefix), site_packages(prefix)) == before
    assert not (prefix / 'conda-meta' / 'state').exists()  # config vars come after pip: not set either


def pip_distributions(prefix):
    return sorted(name for name in site_packages(prefix) if name.startswith('macfleet_demo'))


@pytest.mark.parametrize('from_history', [False, True], ids=['full', 'from_history'])
def test_export_then_apply_reproduces_conda_pip_and_variables(runner, conda_root, python_spec, from_history):
    source = channel_args(conda_root, name='pipenv', packages=[python_spec, 'toolz=0.12.0'],
                          pip=['macfleet-demo-b==2.0.0', 'macfleet-demo-d'],
                          variables={'MACFLEET_N': 42, 'OTHER': 'two'})
    assert runner.run_module(MODULE, source)['changed'] is True
    exported = runner.run_module('macfleet.conda.conda_export', {
        'executable': str(conda_root.conda), 'environment': 'pipenv', 'from_history': from_history})
    spec = exported['spec']
    assert {'pip': ['macfleet-demo-a==1.1.0', 'macfleet-demo-b==2.0.0', 'macfleet-demo-d==1.0.0']} \
        in spec['dependencies']
    assert spec['variables'] == {'MACFLEET_N': '42', 'OTHER': 'two'} and spec['channels']

    copy = {'executable': str(conda_root.conda), 'name': 'pipcopy', 'spec': spec, 'prune': True}
    applied = runner.run_module(MODULE, copy)
    assert applied['changed'] is True, applied
    original, replica = conda_root.env_prefix('pipenv'), conda_root.env_prefix('pipcopy')
    assert snapshot(replica).keys() == snapshot(original).keys()
    assert pip_distributions(replica) == pip_distributions(original)
    assert json.loads((replica / 'conda-meta' / 'state').read_text()) == \
        json.loads((original / 'conda-meta' / 'state').read_text())
    assert runner.run_module(MODULE, copy)['changed'] is False
