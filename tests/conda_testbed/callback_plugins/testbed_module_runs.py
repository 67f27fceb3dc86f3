# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A notification callback that records, per host, every task that ran a module on that host.

What a converged fleet costs is the number of module executions per host (each one a round trip, a
Python start and a module upload over SSH), not the number of tasks: a skipped task, ``set_fact``,
``debug``, ``assert``, an include or ``meta`` runs nothing on the host. The role's tests and the
benchmarks (``benchmarks/ssh_fleet.py``, which counts the runs per action) count with this: enable it
with ``ANSIBLE_CALLBACKS_ENABLED=testbed_module_runs`` and name the JSON file to write with
``TESTBED_MODULE_RUNS``::

    {"<host>": [{"task": ..., "action": ..., "changed": ...}, ...],
     "<host> (delegated to <target>)": [{"task": ..., "action": ..., "changed": ..., "delegated_to": "<target>"}]}

in the order the runs ended, ``action`` as the task names it. A loop counts each item that ran (a
skipped item does not); a task delegated to another host (the controller's download) is recorded apart,
under its own key, each of its runs naming ``delegated_to``.
"""
from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: testbed_module_runs
type: notification
short_description: record the module executions of each host
description:
  - Writes the file named by TESTBED_MODULE_RUNS with, per host, each task whose action ran a module there.
requirements:
  - enable in configuration (ANSIBLE_CALLBACKS_ENABLED)
'''

ENV = 'TESTBED_MODULE_RUNS'
# Actions that run on the controller only: they never reach the host.
CONTROLLER_ONLY = frozenset(
    prefix + name
    for prefix in ('', 'ansible.builtin.', 'ansible.legacy.')
    for name in ('set_fact', 'debug', 'assert', 'fail', 'meta', 'include', 'include_tasks', 'import_tasks',
                 'include_role', 'import_role', 'import_playbook', 'include_vars', 'add_host', 'group_by',
                 'set_stats', 'pause', 'end_play', 'end_host', 'noop', 'validate_argument_spec'))


def runs_a_module(action: str) -> bool:
    """Whether a task of ``action`` (short, ``ansible.builtin.`` or ``ansible.legacy.``) runs on the host."""
    return action not in CONTROLLER_ONLY


def delegated_key(host: str, target: str) -> str:
    return '%s (delegated to %s)' % (host, target)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'testbed_module_runs'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = {}

    def _record(self, result):
        task = result._task  # pylint: disable=protected-access
        data = result._result  # pylint: disable=protected-access
        if not runs_a_module(task.action) or data.get('skipped'):
            return
        host = result._host.get_name()  # pylint: disable=protected-access
        run = {'task': task.get_name(), 'action': task.action, 'changed': bool(data.get('changed'))}
        target = (data.get('_ansible_delegated_vars') or {}).get('ansible_host') or task.delegate_to
        if target and target != host:
            host = delegated_key(host, target)
            run['delegated_to'] = target
        self.runs.setdefault(host, []).append(run)

    def _task_result(self, result):
        task = result._task  # pylint: disable=protected-access
        if task.loop is not None or task.loop_with:
            return  # a loop's final result aggregates its items, each recorded by v2_runner_item_on_*
        self._record(result)

    def v2_runner_on_ok(self, result):
        self._task_result(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._task_result(result)

    def v2_runner_item_on_ok(self, result):
        self._record(result)

    def v2_runner_item_on_failed(self, result):
        self._record(result)

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get(ENV)
        if path:
            with open(path, 'w', encoding='utf-8') as stream:
                json.dump(self.runs, stream, indent=1, sort_keys=True)
