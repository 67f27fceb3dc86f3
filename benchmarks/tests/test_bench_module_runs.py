"""The testbed_module_runs callback as the SSH benchmark counts with it: what counts as a module execution,
per host, through ansible-playbook, and the per-action counts ssh_fleet derives from its file."""
from __future__ import annotations

import json
import pathlib
import sys

import pytest

from benchmarks import ssh_fleet
from conda_testbed.playbook_runner import CALLBACKS, AnsibleRunner

sys.path.insert(0, str(CALLBACKS))
import testbed_module_runs  # noqa: E402  pylint: disable=wrong-import-position,import-error


@pytest.mark.parametrize('action, counted', [
    ('ansible.builtin.stat', True), ('stat', True), ('macfleet.conda.conda_env', True),
    ('ansible.builtin.copy', True), ('ansible.builtin.setup', True), ('command', True),
    ('ansible.builtin.set_fact', False), ('debug', False), ('ansible.builtin.assert', False),
    ('ansible.builtin.include_tasks', False), ('import_role', False), ('ansible.builtin.meta', False),
    ('ansible.builtin.fail', False), ('include_vars', False), ('ansible.legacy.debug', False),
    ('ansible.legacy.command', True), ('macfleet.conda.fail', True),
])
def test_controller_only_actions_are_not_module_executions(action, counted):
    assert testbed_module_runs.runs_a_module(action) is counted


def test_a_run_records_results_per_host_items_included_skips_excluded_delegated_apart(tmp_path):
    (tmp_path / 'more.yml').write_text(json.dumps([
        {'name': 'included stat', 'ansible.builtin.stat': {'path': str(tmp_path)}}]))
    out = tmp_path / 'runs.json'
    runner = AnsibleRunner(pathlib.Path(sys.prefix), tmp_path, env={
        'ANSIBLE_CALLBACKS_ENABLED': ssh_fleet.MODULE_RUNS_CALLBACK, ssh_fleet.MODULE_RUNS_ENV: str(out)})
    (tmp_path / 'inventory.yml').write_text(json.dumps({'all': {'hosts': {
        name: {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
        for name in ('mac00', 'mac01')}}}))
    play = [{'hosts': 'all', 'gather_facts': False, 'tasks': [
        {'name': 'one', 'ansible.builtin.stat': {'path': str(tmp_path)}},
        {'name': 'fact', 'ansible.builtin.set_fact': {'x': 1}},
        {'name': 'say', 'ansible.builtin.debug': {'msg': 'hi'}},
        {'name': 'check', 'ansible.builtin.assert': {'that': [True], 'quiet': True}},
        {'name': 'three items, one skipped', 'ansible.builtin.stat': {'path': '{{ item }}'},
         'loop': ['/', '/tmp', '/skipped'], 'when': "item != '/skipped'"},
        {'name': 'skipped', 'ansible.builtin.stat': {'path': '/'}, 'when': False},
        {'name': 'only on one host', 'ansible.builtin.command': {'argv': ['true']},
         'changed_when': False, 'when': "inventory_hostname == 'mac01'"},
        {'name': 'failing, ignored', 'ansible.builtin.command': {'argv': ['false']}, 'ignore_errors': True},
        {'name': 'include', 'ansible.builtin.include_tasks': str(tmp_path / 'more.yml')},
        {'name': 'empty loop', 'ansible.builtin.stat': {'path': '{{ item }}'}, 'loop': []},
        {'name': 'with_items', 'ansible.builtin.stat': {'path': '{{ item }}'}, 'with_items': ['/']},
        {'name': 'on the controller', 'ansible.builtin.stat': {'path': '/'}, 'delegate_to': 'localhost'},
    ]}]
    result = runner.run_playbook(play, inventory=str(tmp_path / 'inventory.yml'))
    assert result.rc == 0, result.stderr
    written = json.loads(out.read_text())
    stat, command = 'ansible.builtin.stat', 'ansible.builtin.command'
    assert written['mac00'] == [
        {'task': 'one', 'action': stat, 'changed': False},
        {'task': 'three items, one skipped', 'action': stat, 'changed': False},
        {'task': 'three items, one skipped', 'action': stat, 'changed': False},
        {'task': 'failing, ignored', 'action': command, 'changed': True},
        {'task': 'included stat', 'action': stat, 'changed': False},
        {'task': 'with_items', 'action': stat, 'changed': False},
    ]
    assert [run['task'] for run in written['mac01']] == [
        'one', 'three items, one skipped', 'three items, one skipped', 'only on one host', 'failing, ignored',
        'included stat', 'with_items']
    assert sorted(written) == ['mac00', 'mac00 (delegated to localhost)', 'mac01', 'mac01 (delegated to localhost)']
    assert written['mac00 (delegated to localhost)'] == [
        {'task': 'on the controller', 'action': stat, 'changed': False, 'delegated_to': 'localhost'}]
    counts = ssh_fleet.read_module_runs(out)
    assert counts == {'mac00': {'stat': 5, 'command': 1}, 'mac01': {'stat': 5, 'command': 2}}
    outcome = ssh_fleet.SshOutcome(0, 0, 0, module_runs=counts)
    assert outcome.runs_per_host() == {'mac00': 6, 'mac01': 7}
    assert outcome.runs_per_host('command') == {'mac00': 1, 'mac01': 2}


def test_counts_per_action_are_of_the_hosts_own_runs_by_short_name():
    runs = {'mac00': [{'task': 'a', 'action': 'macfleet.conda.conda_env', 'changed': True},
                      {'task': 'b', 'action': 'macfleet.conda.conda_env', 'changed': False},
                      {'task': 'c', 'action': 'stat', 'changed': False}],
            'mac00 (delegated to localhost)': [
                {'task': 'd', 'action': 'ansible.builtin.get_url', 'changed': True, 'delegated_to': 'localhost'}]}
    assert ssh_fleet.action_counts(runs) == {'mac00': {'conda_env': 2, 'stat': 1}}
    assert ssh_fleet.action_counts({}) == {}


def test_no_file_means_no_counts(tmp_path):
    assert ssh_fleet.read_module_runs(tmp_path / 'absent.json') == {}
