# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A notification callback that records, per host, every task that ran a module on that host.

What a converged fleet costs is the number of module executions per host (each one a round trip, a
Python start and a module upload over SSH), not the number of tasks: a skipped task, ``set_fact``,
``debug``, ``assert``, an include or ``meta`` runs nothing on the host. The role's tests and the
benchmarks count with this: enable it with ``ANSIBLE_CALLBACKS_ENABLED=testbed_module_runs`` and name
the JSON file to write with ``TESTBED_MODULE_RUNS``: ``{host: [{"task", "action", "changed"}, ...]}``,
in the order the runs ended. A loop counts each item that ran; a task delegated to the controller is
recorded apart, under ``"<host> (delegated to <target>)"``.
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
    for name in ('set_fact', 'debug', 'assert', 'fail', 'meta', 'include_tasks', 'import_tasks',
                 'include_role', 'import_role', 'include_vars', 'add_host', 'group_by', 'set_stats',
                 'pause', 'end_play', 'end_host', 'noop', 'validate_argument_spec'))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'testbed_module_runs'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.runs = {}

    def _record(self, result, item_result=None):
        task = result._task  # pylint: disable=protected-access
        if task.action in CONTROLLER_ONLY:
            return
        data = item_result if item_result is not None else result._result  # pylint: disable=protected-access
        if data.get('skipped'):
            return
        host = result._host.get_name()  # pylint: disable=protected-access
        delegated = (data.get('_ansible_delegated_vars') or {}).get('ansible_host') or task.delegate_to
        if delegated and delegated != host:
            host = '%s (delegated to %s)' % (host, delegated)
        self.runs.setdefault(host, []).append(
            {'task': task.get_name(), 'action': task.action, 'changed': bool(data.get('changed'))})

    def _result(self, result):
        items = result._result.get('results')  # pylint: disable=protected-access
        if result._task.loop is not None or isinstance(items, list):  # pylint: disable=protected-access
            return  # each item was recorded by v2_runner_item_on_*
        self._record(result)

    def v2_runner_on_ok(self, result):
        self._result(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result)

    def v2_runner_item_on_ok(self, result):
        self._record(result, result._result)  # pylint: disable=protected-access

    def v2_runner_item_on_failed(self, result):
        self._record(result, result._result)  # pylint: disable=protected-access

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get(ENV)
        if path:
            with open(path, 'w', encoding='utf-8') as stream:
                json.dump(self.runs, stream, indent=1, sort_keys=True)
