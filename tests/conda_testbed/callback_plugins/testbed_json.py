# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stdout callback printing one JSON report with per-task durations, in ansible.posix.json's shape.

ansible-core 2.19 ships no json callback (``ansible.builtin.json`` redirects to ansible.posix, which is
not installed here). The test runner, the demo and the benchmarks read this report; each task
carries its start and end so the benchmarks can time tasks.
"""
from __future__ import annotations

import datetime
import json

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: testbed_json
type: stdout
short_description: one JSON report of the run, with task durations
description:
  - Prints plays, tasks (with start and end times), per-host results and stats as one JSON document.
'''


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace('+00:00', 'Z')


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'testbed_json'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.plays = []

    def _close_task(self):
        if self.plays and self.plays[-1]['tasks']:
            self.plays[-1]['tasks'][-1]['task']['duration'].setdefault('end', _now())

    def v2_playbook_on_play_start(self, play):
        self._close_task()
        self.plays.append({'play': {'name': play.get_name()}, 'tasks': []})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_task()
        self.plays[-1]['tasks'].append({'task': {'name': task.get_name(), 'duration': {'start': _now()}},
                                        'hosts': {}})

    def _record(self, result, **flags):
        data = dict(result._result, **flags)  # pylint: disable=protected-access
        self.plays[-1]['tasks'][-1]['hosts'][result._host.get_name()] = json.loads(  # pylint: disable=protected-access
            json.dumps(data, default=str))

    def v2_runner_on_ok(self, result, **kwargs):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        self._close_task()
        summary = {host: stats.summarize(host) for host in sorted(stats.processed)}
        self._display.display(json.dumps({'plays': self.plays, 'stats': summary}))
