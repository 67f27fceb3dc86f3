"""Per-task durations of one playbook run, read from the JSON stdout callback's report.

The run's wall time minus the tasks' own time is what Ansible spends starting up and
loading the playbook: the part no module can make cheaper.
"""
from __future__ import annotations

import datetime
import json
from typing import Dict


def parse_time(text: str) -> datetime.datetime:
    """An ISO 8601 timestamp as the callback writes it (``...Z`` for UTC)."""
    if text.endswith('Z'):
        text = text[:-1] + '+00:00'
    return datetime.datetime.fromisoformat(text)


def task_seconds(callback_stdout: str) -> Dict[str, float]:
    """Task name -> seconds from its start to its end (all hosts), for every task that reports a duration."""
    report = json.loads(callback_stdout)
    durations: Dict[str, float] = {}
    for play in report.get('plays', []):
        for task in play.get('tasks', []):
            duration = task.get('task', {}).get('duration') or {}
            if duration.get('start') and duration.get('end'):
                elapsed = parse_time(duration['end']) - parse_time(duration['start'])
                name = task['task']['name']
                durations[name] = durations.get(name, 0.0) + elapsed.total_seconds()
    return durations
