from __future__ import annotations

import json

import pytest

from benchmarks.task_times import task_seconds


def callback_report(*tasks):
    return json.dumps({'plays': [{'play': {'name': 'ours'}, 'tasks': [
        {'task': {'name': name, 'duration': {'start': start, 'end': end}}, 'hosts': {}}
        for name, start, end in tasks]}], 'stats': {}})


def test_task_seconds_from_callback_durations():
    report = callback_report(('env bench00', '2026-11-30T16:00:00.000000Z', '2026-11-30T16:00:00.250000Z'),
                             ('env bench01', '2026-11-30T16:00:00.250000Z', '2026-11-30T16:00:01.000000Z'))
    assert task_seconds(report) == {'env bench00': pytest.approx(0.25), 'env bench01': pytest.approx(0.75)}


def test_tasks_without_duration_are_left_out():
    report = json.dumps({'plays': [{'tasks': [{'task': {'name': 'x'}, 'hosts': {}}]}]})
    assert task_seconds(report) == {}
