"""Bad role variables are refused by meta/argument_specs.yml before anything touches the host."""
from __future__ import annotations

import sys

import pytest

from conda_testbed.session import COLLECTIONS
from conda_testbed.playbook_runner import AnsibleRunner


@pytest.mark.parametrize('variables, culprit', [
    ({'miniconda_state': 'gone'}, 'miniconda_state'),
    ({'miniconda_distribution': 'anaconda'}, 'miniconda_distribution'),
    ({'miniconda_environments': [{'python': '3.9'}]}, 'name'),
    ({'miniconda_environments': [{'name': 'myenv', 'state': 'latest'}]}, 'state'),
    ({'miniconda_channel_priority': 'sometimes'}, 'miniconda_channel_priority'),
], ids=['state', 'distribution', 'env-without-name', 'env-state', 'channel-priority'])
def test_invalid_variables_fail_validation_and_leave_the_host_alone(tmp_path, variables, culprit):
    prefix = tmp_path / 'miniconda3'
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    play = [{'hosts': 'localhost', 'gather_facts': False, 'roles': [{
        'role': 'macfleet.conda.miniconda',
        'vars': dict({'miniconda_prefix': str(prefix), 'miniconda_owner': 'root',
                      'miniconda_version': '24.7.1-0', 'miniconda_sha256': '0' * 64}, **variables)}]}]
    result = AnsibleRunner(COLLECTIONS, tmp_path).run_playbook(play, inventory=str(inventory))
    assert result.rc != 0
    [(task, failure)] = [(task, res) for task, res in result.tasks if res.get('failed')]
    assert 'Validating arguments' in task, task
    assert culprit in failure['msg'], failure['msg']
    assert [task for task, _res in result.tasks] == [task]  # the first task; nothing else ran
    assert not prefix.exists()
