# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A callback counting module executions per host, for the benchmarks' SSH runs.

A module execution is a task result (one per loop item) of a task whose action runs a module on the
host: skipped results do not count, nor actions that run on the controller only (set_fact, debug,
assert, fail, include_*/import_*, meta, ...); a task delegated to another host (the controller's
download) is counted apart, under ``delegated``. At the end of the run it writes
``{"hosts": {host: {action: count}}, "delegated": {host: {action: count}}}`` as JSON to the file named by
``MACFLEET_BENCH_MODULE_RUNS``.
"""
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: module_runs
type: aggregate
short_description: counts module executions per host and action
description:
  - Writes the counts as JSON to the file named by the MACFLEET_BENCH_MODULE_RUNS environment variable.
'''

OUTPUT_ENV = 'MACFLEET_BENCH_MODULE_RUNS'
# Actions whose result never comes from a module run on the host.
CONTROLLER_ONLY = frozenset((
    'set_fact', 'debug', 'assert', 'fail', 'meta', 'include', 'include_tasks', 'import_tasks',
    'include_role', 'import_role', 'import_playbook', 'include_vars', 'add_host', 'group_by',
    'set_stats', 'pause', 'async_status_controller', 'validate_argument_spec',
))


def short_action(action: str) -> str:
    """``ansible.builtin.stat`` -> ``stat``; ``macfleet.conda.conda_env`` -> ``conda_env``."""
    return (action or '').rsplit('.', 1)[-1]


def runs_a_module(action: str) -> bool:
    return short_action(action) not in CONTROLLER_ONLY


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'module_runs'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts = {}
        self.delegated = {}

    def count(self, result) -> None:
        task = result._task  # pylint: disable=protected-access
        action = task.action
        if not runs_a_module(action):
            return
        host = result._host.get_name()  # pylint: disable=protected-access
        delegated_vars = result._result.get('_ansible_delegated_vars') or {}  # pylint: disable=protected-access
        target = delegated_vars.get('ansible_host') or task.delegate_to
        counts = self.delegated if target and target != host else self.counts
        per_host = counts.setdefault(host, {})
        name = short_action(action)
        per_host[name] = per_host.get(name, 0) + 1

    @staticmethod
    def is_loop(result) -> bool:
        # A looped task's final result aggregates its items, each already counted.
        task = result._task  # pylint: disable=protected-access
        return bool(task.loop or task.loop_with)

    def v2_runner_on_ok(self, result):
        if not self.is_loop(result):
            self.count(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not self.is_loop(result):
            self.count(result)

    def v2_runner_on_unreachable(self, result):
        pass

    def v2_runner_item_on_ok(self, result):
        self.count(result)

    def v2_runner_item_on_failed(self, result):
        self.count(result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get(OUTPUT_ENV)
        if path:
            with open(path, 'w', encoding='utf-8') as stream:
                json.dump({'hosts': self.counts, 'delegated': self.delegated}, stream, sort_keys=True)
