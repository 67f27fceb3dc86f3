"""The facts a benchmark table is meaningless without: cores, CPU, Python, Ansible, which conda."""
from __future__ import annotations

import os
import pathlib
import platform
import resource
import subprocess
from typing import Dict, Optional


def cpu_model(cpuinfo: pathlib.Path = pathlib.Path('/proc/cpuinfo')) -> str:
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith('model name'):
                return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def children_cpu_seconds() -> float:
    """CPU time of every finished child process; beside the wall time it shows how busy the machine was."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def conda_description(real_conda: Optional[pathlib.Path]) -> str:
    if not real_conda:
        return 'test bed stand-in'
    proc = subprocess.run([str(real_conda), '--version'], capture_output=True, text=True, check=False)
    return '%s (%s)' % ((proc.stdout or proc.stderr).strip(), real_conda)


def facts(real_conda: Optional[pathlib.Path], forks: int) -> Dict[str, object]:
    from ansible.release import __version__ as ansible_core  # pylint: disable=import-outside-toplevel

    return {
        'nproc': os.cpu_count(),
        'cpu': cpu_model(),
        'os': '%s %s' % (platform.system(), platform.release()),
        'python': platform.python_version(),
        'ansible_core': ansible_core,
        'conda': conda_description(real_conda),
        'forks': forks,
    }
