"""The three playbooks compared, each with one task per env, run on every host of the inventory.

Per-host facts come from host variables (see ``inventory``): ``bench_conda_exe``,
``bench_envs_dir`` and ``bench_environment`` (HOME, the call log, CONDA_ENVS_PATH for a real conda).
"""
from __future__ import annotations

from typing import List, Sequence

from benchmarks.workload import EnvSpec

ALREADY_INSTALLED = 'All requested packages already installed'
CONDA_EXE = '{{ bench_conda_exe }}'


def _playbook(name: str, tasks: list) -> List[dict]:
    return [{
        'name': name,
        'hosts': 'all',
        'gather_facts': False,
        'environment': '{{ bench_environment }}',
        'tasks': tasks,
    }]


def task_name(env: EnvSpec) -> str:
    """The same name in every variant, so per-task times line up."""
    return 'env %s' % env.name


def ours(envs: Sequence[EnvSpec], channel_url: str) -> List[dict]:
    """One ``macfleet.conda.conda_env`` task per env, declaring its packages."""
    return _playbook('ours', [{
        'name': task_name(env),
        'macfleet.conda.conda_env': {
            'name': env.name,
            'packages': list(env.packages),
            'channels': [channel_url],
            'override_channels': True,
            'executable': CONDA_EXE,
        },
    } for env in envs])


def floor(envs: Sequence[EnvSpec]) -> List[dict]:
    """Ansible's own cost of one task per env: ``stat`` of the env's prefix."""
    return _playbook('floor', [{
        'name': task_name(env),
        'ansible.builtin.stat': {'path': '{{ bench_envs_dir }}/%s' % env.name},
    } for env in envs])


def naive(envs: Sequence[EnvSpec], channel_url: str) -> List[dict]:
    """The usual way: a conda dry run per env, "changed" unless conda says all is installed."""
    return _playbook('naive', [{
        'name': task_name(env),
        'ansible.builtin.command': {
            'argv': [CONDA_EXE, 'install', '--dry-run', '--json', '-n', env.name,
                     '--override-channels', '-c', channel_url] + list(env.packages),
        },
        'register': 'dry_run',
        'changed_when': "'%s' not in dry_run.stdout" % ALREADY_INSTALLED,
    } for env in envs])


def for_variant(variant: str, envs: Sequence[EnvSpec], channel_url: str) -> List[dict]:
    """The playbook of ``variant`` (``floor``, ``ours`` or ``naive``)."""
    if variant == 'floor':
        return floor(envs)
    if variant == 'ours':
        return ours(envs, channel_url)
    if variant == 'naive':
        return naive(envs, channel_url)
    raise ValueError('unknown variant %r' % variant)
