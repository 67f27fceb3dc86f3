"""A JSON stdout callback shaped like ansible.posix.json (ansible-core ships none, ansible.posix is absent).

The test runner parses ``{"plays": [{"tasks": [{"task": {"name": ...}, "hosts": {...}}]}], "stats": {...}}``.
"""
from __future__ import annotations

import json

from ansible.parsing.ajson import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'macfleet_json'

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.plays = []

    def v2_playbook_on_play_start(self, play):
        self.plays.append({'play': {'name': play.get_name()}, 'tasks': []})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.plays[-1]['tasks'].append({'task': {'name': task.get_name()}, 'hosts': {}})

    def _record(self, result, **status):
        outcome = dict(result._result)
        outcome.update(status)
        self.plays[-1]['tasks'][-1]['hosts'][result._host.get_name()] = outcome

    def v2_runner_on_ok(self, result, **kwargs):
        self._record(result)

    def v2_runner_on_failed(self, result, ignore_errors=False, **kwargs):
        self._record(result, failed=True)

    def v2_runner_on_skipped(self, result, **kwargs):
        self._record(result, skipped=True)

    def v2_runner_on_unreachable(self, result, **kwargs):
        self._record(result, unreachable=True)

    def v2_playbook_on_stats(self, stats):
        summary = dict((host, stats.summarize(host)) for host in sorted(stats.processed))
        report = {'plays': self.plays, 'stats': summary}
        self._display.display(json.dumps(report, cls=AnsibleJSONEncoder, sort_keys=True))
