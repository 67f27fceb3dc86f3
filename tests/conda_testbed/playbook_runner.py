"""Run a module or a playbook against localhost and hand back Ansible's parsed results.

Tests talk to the collection the way users do, through ``ansible-playbook``: the testbed_json
stdout callback gives every task's result per host, so a test can assert ``changed``,
diffs and messages without scraping text.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import yaml

BIN = pathlib.Path(sys.executable).parent
CALLBACKS = pathlib.Path(__file__).resolve().parent / 'callback_plugins'
# ansible-core ships no JSON stdout callback (ansible.builtin.json redirects to the absent ansible.posix).
JSON_CALLBACK = {'ANSIBLE_CALLBACK_PLUGINS': str(CALLBACKS), 'ANSIBLE_STDOUT_CALLBACK': 'testbed_json'}


@dataclass
class PlaybookResult:
    """What one ``ansible-playbook`` run produced."""

    rc: int
    stats: dict
    tasks: list = field(default_factory=list)  # [(task name, result dict for localhost)]
    stdout: str = ''
    stderr: str = ''

    def result(self, name: str) -> dict:
        """The localhost result of the (last) task with this name."""
        found = [res for task, res in self.tasks if task == name]
        if not found:
            raise KeyError('no task named %r in %s' % (name, [task for task, _result in self.tasks]))
        return found[-1]

    @property
    def changed(self) -> int:
        return self.stats.get('localhost', {}).get('changed', 0)


class AnsibleRunner:
    """Runs playbooks on localhost with this checkout as ``macfleet.conda``."""

    def __init__(self, collections_path: pathlib.Path, workdir: pathlib.Path, env: dict | None = None):
        self.collections_path = collections_path
        self.workdir = workdir
        self.env = dict(env or {})

    def environment(self, extra: dict | None = None) -> dict:
        env = dict(os.environ)
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': str(self.collections_path),
            'ANSIBLE_LOAD_CALLBACK_PLUGINS': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_LOCAL_TEMP': str(self.workdir / '.ansible-tmp'),
            'ANSIBLE_REMOTE_TEMP': str(self.workdir / '.ansible-tmp'),
            'PATH': '%s%s%s' % (BIN, os.pathsep, env.get('PATH', '')),
        })
        env.pop('ANSIBLE_CONFIG', None)
        # conda-lock's vendored conda (a test dependency) sets CONDA_ROOT to this venv when a test imports
        # it; a conda run with it takes the venv for its root (real conda 26.7.1: "libmamba ... not recognized")
        env.pop('CONDA_ROOT', None)
        env.update(JSON_CALLBACK)
        env.update(self.env)
        env.update(extra or {})
        return env

    def run_playbook(self, playbook, extra_vars: dict | None = None, check: bool = False,
                     diff: bool = False, env: dict | None = None, inventory: str | None = None,
                     args: tuple = ()) -> PlaybookResult:
        """Run a playbook given as a path, or as a list of plays that is written to a file first."""
        if not isinstance(playbook, (str, pathlib.Path)):
            handle, name = tempfile.mkstemp(suffix='.yml', dir=self.workdir)
            with os.fdopen(handle, 'w') as stream:
                yaml.safe_dump(playbook, stream, sort_keys=False)
            playbook = name
        inventory_file = self.workdir / 'inventory.ini'
        if inventory is None and not inventory_file.exists():
            inventory_file.write_text(
                'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        argv = [str(BIN / 'ansible-playbook'), '-i', inventory or str(inventory_file), str(playbook)]
        if extra_vars:
            argv += ['-e', json.dumps(extra_vars)]
        if check:
            argv.append('--check')
        if diff:
            argv.append('--diff')
        argv += list(args)
        proc = subprocess.run(argv, cwd=self.workdir, env=self.environment(env),
                              capture_output=True, text=True, check=False)
        try:
            report = json.loads(proc.stdout)
        except ValueError as exc:
            raise AssertionError('ansible-playbook printed no JSON (rc=%s)\nstdout:\n%s\nstderr:\n%s'
                                 % (proc.returncode, proc.stdout, proc.stderr)) from exc
        tasks = []
        for play in report.get('plays', []):
            for task in play.get('tasks', []):
                for host, res in task.get('hosts', {}).items():
                    tasks.append((task['task']['name'], dict(res, _host=host)))
        return PlaybookResult(proc.returncode, report.get('stats', {}), tasks, proc.stdout, proc.stderr)

    def run_module(self, module: str, module_args: dict, check: bool = False, diff: bool = False,
                   env: dict | None = None) -> dict:
        """Run one module as one task on localhost and return its result."""
        play = [{
            'hosts': 'localhost',
            'gather_facts': False,
            'tasks': [{'name': 'under test', module: module_args, 'ignore_errors': True}],
        }]
        return self.run_playbook(play, check=check, diff=diff, env=env).result('under test')
