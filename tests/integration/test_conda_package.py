"""conda_package through Ansible against the test bed's conda: present, latest, absent, update_all, errors."""
from __future__ import annotations

import pytest

from conda_module_helpers import channel_args, comparable, installed, snapshot
from conda_testbed.session import REAL_CONDA

MODULE = 'macfleet.conda.conda_package'


@pytest.fixture
def myenv(ansible, conda_root):
    """myenv with python 3.9, numpy 1.19.2 and toolz 0.11.2, and an empty call log."""
    result = ansible.run_module('macfleet.conda.conda_env', channel_args(
        conda_root, name='myenv', python='3.9', packages=['numpy=1.19.2', 'toolz=0.11.2']))
    assert result['changed'] is True, result
    conda_root.call_log.unlink()
    return conda_root.env_prefix('myenv')


def run(ansible, conda_root, check=False, diff=False, **args):
    return ansible.run_module(MODULE, channel_args(conda_root, **dict({'environment': 'myenv'}, **args)),
                              check=check, diff=diff)


def test_present_installs_in_one_transaction_then_is_free(ansible, conda_root, myenv):
    predicted = run(ansible, conda_root, check=True, diff=True, name=['requests', 'numpy=1.19.2', 'pip'])
    assert snapshot(myenv) and 'requests' not in installed(myenv)
    conda_root.call_log.unlink()
    result = run(ansible, conda_root, diff=True, name=['requests', 'numpy=1.19.2', 'pip'])
    assert result['changed'] is True
    assert comparable(predicted['actions']) == comparable(result['actions'])
    assert predicted['diff'] == result['diff']
    assert 'requests==2.31.0=pyh59988c5_0\n' in result['diff']['after']
    changes = [call for call in conda_root.calls() if call.kind == 'change']
    assert len(changes) == 1 and changes[0].argv[0] == 'install' and 'requests' in changes[0].argv
    assert 'numpy=1.19.2' not in changes[0].argv and 'pip' not in changes[0].argv
    conda_root.call_log.unlink()
    assert run(ansible, conda_root, name=['requests', 'numpy=1.19.2', 'pip'])['changed'] is False
    assert conda_root.calls() == []


def test_bare_name_of_installed_package_is_not_upgraded(ansible, conda_root, myenv):
    result = run(ansible, conda_root, name=['numpy', 'toolz'])
    assert result['changed'] is False
    assert installed(myenv)['numpy'] == '1.19.2'
    assert conda_root.calls() == []


def test_url_spec_is_decided_from_the_record_and_conda_refuses_another(ansible, conda_root, myenv):
    # conda install cannot take numpy[url=...] at all (ParseError, "Could not parse explicit URL", real
    # conda 26.7): the installed record's own url answers; another url goes to conda, which refuses it.
    [numpy] = [rec for rec in snapshot(myenv).values() if rec['name'] == 'numpy']
    result = run(ansible, conda_root, name=['numpy[url="%s"]' % numpy['url']])
    assert not result.get('failed') and result['changed'] is False, result
    assert conda_root.calls() == []
    before = snapshot(myenv)
    other = '%s/linux-64/numpy-1.26.4-py39h206e18e_0.tar.bz2' % conda_root.channel_url
    result = run(ansible, conda_root, name=['numpy[url="%s"]' % other])
    assert result.get('failed') and result['changed'] is False, result
    assert 'ParseError: Could not parse explicit URL' in result['msg']
    assert snapshot(myenv) == before


@pytest.mark.parametrize('args, upgraded', [
    ({'name': ['numpy'], 'state': 'latest'}, {'numpy': '1.26.4', 'toolz': '0.11.2'}),
    ({'update_all': True}, {'numpy': '1.26.4', 'toolz': '0.12.0'}),
], ids=['latest', 'update_all'])
def test_upgrades_change_once_then_ok(ansible, conda_root, myenv, args, upgraded):
    predicted = run(ansible, conda_root, check=True, **args)
    assert predicted['changed'] is True
    assert installed(myenv)['numpy'] == '1.19.2'
    result = run(ansible, conda_root, **args)
    assert result['changed'] is True
    assert comparable(predicted['actions']) == comparable(result['actions'])
    assert {name: installed(myenv)[name] for name in upgraded} == upgraded
    conda_root.call_log.unlink()
    again = run(ansible, conda_root, **args)
    assert again['changed'] is False
    assert len(conda_root.calls()) == 1  # the one solve that learns nothing newer exists


def test_absent_removes_then_is_free(ansible, conda_root, myenv):
    predicted = run(ansible, conda_root, check=True, name=['toolz'], state='absent')
    assert 'toolz' in installed(myenv)
    result = run(ansible, conda_root, name=['toolz'], state='absent')
    assert result['changed'] is True
    assert comparable(predicted['actions']) == comparable(result['actions'])
    # net: real conda 26.7 also relinks pip (unlinked and linked again), the stand-in does not
    relinked = {entry['name'] for entry in result['actions']['linked']}
    assert [entry['name'] for entry in result['actions']['unlinked'] if entry['name'] not in relinked] == ['toolz']
    assert relinked <= {'pip'}
    assert 'toolz' not in installed(myenv)
    conda_root.call_log.unlink()
    assert run(ansible, conda_root, name=['toolz', 'pandas'], state='absent')['changed'] is False
    assert conda_root.calls() == []


def test_root_env_is_the_default(ansible, conda_root):
    if 'python' not in installed(conda_root.prefix):
        pytest.skip('the root env has no python record: the run would install one into a real conda root')
    result = ansible.run_module(MODULE, channel_args(conda_root, name=['python']))
    assert result['prefix'] == str(conda_root.prefix)


ERRORS = [
    ('invalid-spec', {'name': ['numpy=1.19.2=foo=bar']}, ['numpy=1.19.2=foo=bar'], 0),
    ('missing-env', {'name': ['numpy'], 'environment': 'nosuchenv'}, ['nosuchenv', 'does not exist'], 0),
    ('bad-env-name', {'name': ['numpy'], 'environment': 'bad#name'}, ['Invalid env name'], 0),
    ('unknown-package', {'name': ['nosuchpkg']}, ['nosuchpkg'], 1),
    ('unknown-version', {'name': ['numpy=9.9']}, ['numpy=9.9'], 1),
    ('unsatisfiable', {'name': ['python=3.11', 'numpy=1.19.2']}, ['python'], 1),
    ('unreachable-channel', {'name': ['pandas'], 'channels': ['file:///nonexistent/channel']},
     ['file:///nonexistent/channel'], 1),
    ('terms-of-service', {'name': ['pandas'], 'channels': ['https://repo.anaconda.com/pkgs/main']},
     ['conda tos accept --override-channels -c https://repo.anaconda.com/pkgs/main', 'Miniforge'], 1),
    ('credentials-masked', {'name': ['pandas'], 'channels': ['https://bob:hunter2@127.0.0.1:9/t/tok-99/private']},
     ['127.0.0.1'], 1),
]


@pytest.mark.parametrize('args, fragments, conda_calls', [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_errors_leave_the_env_unchanged(ansible, conda_root, myenv, args, fragments, conda_calls):
    if REAL_CONDA and 'https://repo.anaconda.com/pkgs/main' in args.get('channels', []):
        pytest.skip('the terms-of-service refusal needs the conda-anaconda-tos plugin and the network')
    before = snapshot(myenv)
    result = run(ansible, conda_root, **args)
    assert result['failed'] is True
    assert '\n' not in result['msg'] and 'Traceback' not in result['msg']
    for fragment in fragments:
        assert fragment in result['msg']
    assert 'hunter2' not in str(result) and 'tok-99' not in str(result)
    assert snapshot(myenv) == before
    assert len(conda_root.calls()) == conda_calls


@pytest.mark.parametrize('args', [{}, {'name': []}], ids=['no-name', 'empty-name'])
def test_neither_name_nor_update_all_is_an_error(ansible, conda_root, myenv, args):
    before = snapshot(myenv)
    result = run(ansible, conda_root, **args)
    assert result['failed'] is True and 'give name' in result['msg'] and 'update_all=true' in result['msg']
    assert snapshot(myenv) == before and conda_root.calls() == []


@pytest.mark.parametrize('state', ['present', 'absent', 'latest'])
def test_a_foreign_record_fails_before_conda(ansible, conda_root, myenv, state):
    foreign = myenv / 'conda-meta' / 'macfleet-miniconda.json'
    foreign.write_text('{"version": "py313_25.9.1-3"}')
    before = snapshot(myenv)
    result = run(ansible, conda_root, name=['toolz'], state=state)
    assert result['failed'] is True and str(foreign) in result['msg'] and 'Move it out of' in result['msg']
    assert snapshot(myenv) == before and foreign.exists() and conda_root.calls() == []
