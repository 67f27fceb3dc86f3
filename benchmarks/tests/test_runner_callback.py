from __future__ import annotations

import pathlib
import sys

from benchmarks.task_times import task_seconds
from conda_testbed.playbook_runner import AnsibleRunner


def test_the_runner_callback_reports_results_stats_and_durations(tmp_path):
    runner = AnsibleRunner(pathlib.Path(sys.prefix), tmp_path)
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'look', 'ansible.builtin.stat': {'path': str(tmp_path)}},
        {'name': 'fail', 'ansible.builtin.fail': {'msg': 'on purpose'}, 'ignore_errors': True},
    ]}]
    result = runner.run_playbook(play)
    assert result.result('look')['stat']['isdir'] is True
    assert result.result('fail')['failed'] is True
    assert result.stats['localhost']['failures'] == 0
    assert result.stats['localhost']['ignored'] == 1
    durations = task_seconds(result.stdout)
    assert set(durations) == {'look', 'fail'}
    assert all(seconds >= 0 for seconds in durations.values())
