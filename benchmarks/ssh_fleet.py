"""The role's converged run over SSH: hosts that are aliases of 127.0.0.1, each with its own conda root.

A private sshd (``benchmarks.sshd``) serves every alias; each alias has its own ControlMaster connection,
pipelining is on. Each host's root is installed by the role itself (the test bed's Miniconda-style
installer of the stand-in, served on 127.0.0.1 during preparation only), its envs are then created
directly with conda (as ``fleet.create_envs`` does for the local benchmark), and one more role run
writes nothing new. Measured: the role's play (``miniconda_environments`` of E envs) against a play of
one ``stat`` task per host, over the same SSH. Module executions are recorded by the test bed's
``testbed_module_runs`` callback and counted per host and action here, conda processes by the test bed's
call log.
"""
from __future__ import annotations

import grp
import json
import os
import pathlib
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from conda_testbed import calllog
from conda_testbed.playbook_runner import AnsibleRunner
from benchmarks.inventory import BenchHost
from benchmarks.runs import outcome_of
from benchmarks.sshd import Server
from benchmarks.workload import EnvSpec

MODULE_RUNS_CALLBACK = 'testbed_module_runs'  # in conda_testbed.playbook_runner.CALLBACKS
MODULE_RUNS_ENV = 'TESTBED_MODULE_RUNS'
VARIANTS = ('stat', 'role')
ROLE = 'macfleet.conda.miniconda'


@dataclass(frozen=True)
class SshConfig:
    """One measured setup over SSH: how many hosts, how many envs each declares."""

    hosts: int
    envs: int

    @property
    def label(self) -> str:
        return 'h%d_e%d' % (self.hosts, self.envs)


def configs(env_counts: Sequence[int], host_counts: Sequence[int]) -> List[SshConfig]:
    """Every env count at every host count, smallest first."""
    return [SshConfig(hosts, envs) for hosts in sorted(set(host_counts)) for envs in sorted(set(env_counts))]


@dataclass(frozen=True)
class SshOutcome:
    """One run: exit code, totals over hosts, module executions per host and action, conda processes."""

    rc: int
    changed: int
    failed: int
    module_runs: Dict[str, Dict[str, int]] = field(default_factory=dict)
    conda_calls: Tuple[str, ...] = ()
    task_seconds: Dict[str, float] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        return self.rc == 0 and self.changed == 0 and self.failed == 0

    def runs_per_host(self, action: Optional[str] = None) -> Dict[str, int]:
        """Host -> module executions (of ``action`` only, when given)."""
        return {host: (counts.get(action, 0) if action else sum(counts.values()))
                for host, counts in self.module_runs.items()}


def host_alias(index: int) -> str:
    return 'mac%02d' % index


def role_environments(envs: Sequence[EnvSpec], channel_url: str) -> List[dict]:
    """``miniconda_environments`` declaring ``envs`` on the test channel only."""
    return [{'name': env.name, 'packages': list(env.packages), 'channels': [channel_url],
             'override_channels': True} for env in envs]


def role_play(envs: Sequence[EnvSpec], channel_url: str) -> List[dict]:
    """site.yml's play as the benchmark runs it: the role, its envs, no become (the owner connects).

    ``gather_facts: false``: the role gathers the few facts it needs itself (one ``setup`` of a subset),
    where site.yml's implicit gathering would add a full ``setup`` to every host alike.
    """
    return [{'name': 'role', 'hosts': 'all', 'gather_facts': False, 'environment': '{{ bench_environment }}',
             'vars': {'miniconda_environments': role_environments(envs, channel_url)},
             'roles': [{'role': ROLE}]}]


def stat_play() -> List[dict]:
    """Ansible's floor for a host: one ``stat`` task (of the host's conda root)."""
    return [{'name': 'stat', 'hosts': 'all', 'gather_facts': False, 'environment': '{{ bench_environment }}',
             'tasks': [{'name': 'stat the root', 'ansible.builtin.stat': {'path': '{{ miniconda_prefix }}'}}]}]


def primary_group() -> str:
    return grp.getgrgid(os.getgid()).gr_name


def host_vars(server: Server, host: BenchHost, installer: Mapping[str, str], channel_url: str,
              python: str = sys.executable) -> dict:
    """One alias: how to reach it (``server.host_vars``), its conda root and the role's settings for it.

    ``miniconda_group`` is given, as it is known on a Mac (``staff``) without asking the host; on Linux the
    role would otherwise run ``id -gn`` on every run, a task a Mac never runs.
    """
    prefix = host.conda_exe.parent.parent
    return dict(server.host_vars(host.name), **{
        'ansible_python_interpreter': python,
        'bench_environment': dict(host.environment),
        'miniconda_prefix': str(prefix),
        'miniconda_owner': server.user,
        'miniconda_group': primary_group(),
        'miniconda_owner_home': host.environment['HOME'],
        'miniconda_version': installer['version'],
        'miniconda_sha256': {installer['name']: installer['sha256']},
        'miniconda_mirror_url': installer['url'],
        'miniconda_channels': [channel_url],
    })


def new_hosts(root: pathlib.Path, count: int) -> List[BenchHost]:
    """``count`` hosts under ``root``: a HOME and a call log each; the role installs the conda root."""
    hosts = []
    for index in range(count):
        dest = root / host_alias(index)
        (dest / 'home').mkdir(parents=True)
        prefix = dest / 'miniconda3'
        hosts.append(BenchHost(host_alias(index), prefix / 'bin' / 'conda', prefix / 'envs',
                               {'HOME': str(dest / 'home'), calllog.LOG_ENV: str(dest / 'conda-calls.log')}))
    return hosts


def action_counts(runs: Mapping[str, Sequence[Mapping[str, Any]]]) -> Dict[str, Dict[str, int]]:
    """Host -> short action (``stat``, ``conda_env``) -> module executions on the host itself, from the
    callback's ``{host: [{"task", "action", "changed"}, ...]}``; delegated runs are left out."""
    counts: Dict[str, Dict[str, int]] = {}
    for host, host_runs in runs.items():
        for run in host_runs:
            if run.get('delegated_to'):
                continue
            per_host = counts.setdefault(host, {})
            action = run['action'].rsplit('.', 1)[-1]
            per_host[action] = per_host.get(action, 0) + 1
    return counts


def read_module_runs(path: pathlib.Path) -> Dict[str, Dict[str, int]]:
    """The callback's runs of a playbook, counted (none when it wrote no file, e.g. it failed to start)."""
    if not path.exists():
        return {}
    return action_counts(json.loads(path.read_text()))


class SshBench:
    """Playbook runs over SSH against a prepared fleet of aliases."""

    def __init__(self, workdir: pathlib.Path, collections_path: pathlib.Path, forks: int, server: Server):
        self.workdir = workdir
        self.forks = forks
        self.server = server
        self.counts_file = workdir / 'module-runs.json'
        (workdir / 'ansible').mkdir(parents=True, exist_ok=True)
        self.runner = AnsibleRunner(collections_path, workdir / 'ansible', env=dict(
            server.environment(),
            ANSIBLE_CALLBACKS_ENABLED=MODULE_RUNS_CALLBACK,
            **{MODULE_RUNS_ENV: str(self.counts_file)}))
        self.hosts: List[BenchHost] = []
        self._log_lines: Dict[pathlib.Path, int] = {}

    def write(self, name: str, content) -> pathlib.Path:
        folder = self.workdir / 'files'
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(yaml.safe_dump(content, sort_keys=False))
        return path

    def inventory(self, hosts: int, installer: Mapping[str, str], channel_url: str) -> pathlib.Path:
        return self.write('inventory-h%d.yml' % hosts, {'all': {'hosts': {
            host.name: host_vars(self.server, host, installer, channel_url) for host in self.hosts[:hosts]}}})

    def _new_calls(self, hosts: Sequence[BenchHost]) -> Tuple[str, ...]:
        kinds: List[str] = []
        for host in hosts:
            log = pathlib.Path(host.environment[calllog.LOG_ENV])
            calls = calllog.read(log)
            kinds += [call.kind for call in calls[self._log_lines.get(log, 0):]]
            self._log_lines[log] = len(calls)
        return tuple(kinds)

    def run(self, playbook: pathlib.Path, inventory: pathlib.Path, hosts: int,
            env: Optional[Mapping[str, str]] = None) -> SshOutcome:
        fleet = self.hosts[:hosts]
        self._new_calls(fleet)
        if self.counts_file.exists():
            self.counts_file.unlink()
        result = self.runner.run_playbook(playbook, inventory=str(inventory), args=('--forks', str(self.forks)),
                                          env=dict(env or {}))
        return outcome_of(SshOutcome, result, module_runs=read_module_runs(self.counts_file),
                          conda_calls=self._new_calls(fleet))

    def job(self, playbook: pathlib.Path, inventory: pathlib.Path, hosts: int,
            env: Optional[Mapping[str, str]] = None) -> Callable[[], SshOutcome]:
        return lambda: self.run(playbook, inventory, hosts, env)


def fact_cache_env(folder: pathlib.Path) -> Dict[str, str]:
    """Ansible's jsonfile fact cache in ``folder``, as a fleet configures it (ansible.cfg ``fact_caching``).

    The role gathers its facts only where the host has none (the play's, or the cache's): with a cache
    a converged host's second run costs its one ``conda_info`` run.
    """
    return {'ANSIBLE_CACHE_PLUGIN': 'jsonfile', 'ANSIBLE_CACHE_PLUGIN_CONNECTION': str(folder),
            'ANSIBLE_CACHE_PLUGIN_TIMEOUT': '86400'}
