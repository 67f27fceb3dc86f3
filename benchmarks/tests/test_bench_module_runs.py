"""The module_runs callback: what counts as a module execution, per host, through ansible-playbook."""
from __future__ import annotations

import json
import pathlib
import sys

import pytest

from benchmarks import ssh_fleet
from conda_testbed.playbook_runner import CALLBACKS, AnsibleRunner

sys.path.insert(0, str(ssh_fleet.CALLBACK_DIR))
import module_runs  # noqa: E402  pylint: disable=wrong-import-position,import-error


@pytest.mark.parametrize('action, counted', [
    ('ansible.builtin.stat', True), ('stat', True), ('macfleet.conda.conda_env', True),
    ('ansible.builtin.copy', True), ('ansible.builtin.setup', True), ('command', True),
    ('ansible.builtin.set_fact', False), ('debug', False), ('ansible.builtin.assert', False),
    ('ansible.builtin.include_tasks', False), ('import_role', False), ('ansible.builtin.meta', False),
    ('ansible.builtin.fail', False), ('include_vars', False),
])
def test_controller_only_actions_are_not_module_executions(action, counted):
    assert module_runs.runs_a_module(action) is counted


def test_a_run_counts_results_per_host_and_action_items_included_skips_excluded(tmp_path):
    (tmp_path / 'more.yml').write_text(json.dumps([
        {'name': 'included stat', 'ansible.builtin.stat': {'path': str(tmp_path)}}]))
    out = tmp_path / 'counts.json'
    runner = AnsibleRunner(pathlib.Path(sys.prefix), tmp_path, env={
        'ANSIBLE_CALLBACK_PLUGINS': '%s:%s' % (CALLBACKS, ssh_fleet.CALLBACK_DIR),
        'ANSIBLE_CALLBACKS_ENABLED': 'module_runs', ssh_fleet.MODULE_RUNS_ENV: str(out)})
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
        {'name': 'on the controller', 'ansible.builtin.stat': {'path': '/'}, 'delegate_to': 'localhost'},
    ]}]
    result = runner.run_playbook(play, inventory=str(tmp_path / 'inventory.yml'))
    assert result.rc == 0, result.stderr
    written = json.loads(out.read_text())
    assert written['hosts'] == {'mac00': {'stat': 4, 'command': 1}, 'mac01': {'stat': 4, 'command': 2}}
    assert written['delegated'] == {'mac00': {'stat': 1}, 'mac01': {'stat': 1}}
    outcome = ssh_fleet.SshOutcome(0, 0, 0, module_runs=ssh_fleet.read_module_runs(out))
    assert outcome.runs_per_host() == {'mac00': 5, 'mac01': 6}
    assert outcome.runs_per_host('command') == {'mac00': 1, 'mac01': 2}


def test_no_file_means_no_counts(tmp_path):
    assert ssh_fleet.read_module_runs(tmp_path / 'absent.json') == {}
