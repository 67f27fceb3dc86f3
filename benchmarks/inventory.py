"""An inventory of H simulated hosts: local connection, each with its own conda root and HOME."""
from __future__ import annotations

import pathlib
import sys
from dataclasses import dataclass, field
from typing import Dict, Sequence

import yaml


@dataclass(frozen=True)
class BenchHost:
    """One simulated host: its name, its conda, where its envs live and its task environment."""

    name: str
    conda_exe: pathlib.Path
    envs_dir: pathlib.Path
    environment: Dict[str, str] = field(default_factory=dict)


def host_name(index: int) -> str:
    return 'host%02d' % index


def inventory(hosts: Sequence[BenchHost], python: str = sys.executable) -> dict:
    """The YAML inventory structure: every host local, with the variables the playbooks read."""
    return {'all': {'hosts': {host.name: {
        'ansible_connection': 'local',
        'ansible_python_interpreter': python,
        'bench_conda_exe': str(host.conda_exe),
        'bench_envs_dir': str(host.envs_dir),
        'bench_environment': dict(host.environment),
    } for host in hosts}}}


def write_inventory(hosts: Sequence[BenchHost], path: pathlib.Path, python: str = sys.executable) -> pathlib.Path:
    path.write_text(yaml.safe_dump(inventory(hosts, python), sort_keys=True))
    return path
