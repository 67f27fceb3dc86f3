"""Prepare simulated hosts before anything is timed: a conda root per host and its converged envs.

With the stand-in, each host gets a root installed by the test bed's Miniconda-style installer.
With a real conda (``MACFLEET_CONDA_EXE``), hosts share its root but each gets its own envs dir
(``CONDA_ENVS_PATH``) and a logging wrapper, so processes are still counted per host.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import Optional, Sequence

from conda_testbed import calllog
from benchmarks.inventory import BenchHost
from benchmarks.workload import EnvSpec


def standin_host(name: str, installer: pathlib.Path, dest: pathlib.Path) -> BenchHost:
    """A host whose root is installed from the installer fixture (``bash it -b -p PREFIX``)."""
    home = dest / 'home'
    home.mkdir(parents=True)
    prefix = dest / 'miniconda3'
    subprocess.run(['bash', str(installer), '-b', '-p', str(prefix)], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(home)))
    environment = {'HOME': str(home), calllog.LOG_ENV: str(dest / 'conda-calls.log')}
    return BenchHost(name, prefix / 'bin' / 'conda', prefix / 'envs', environment)


def real_conda_host(name: str, real_conda: pathlib.Path, dest: pathlib.Path) -> BenchHost:
    """A host on a real conda: private HOME and envs dir, conda reached through a logging wrapper."""
    home = dest / 'home'
    home.mkdir(parents=True)
    envs_dir = dest / 'envs'
    envs_dir.mkdir()
    # Inside the real root, so the modules find the root from the executable as in production.
    conda = calllog.root_wrapper(real_conda)
    environment = {'HOME': str(home), 'CONDA_ENVS_PATH': str(envs_dir),
                   calllog.LOG_ENV: str(dest / 'conda-calls.log')}
    return BenchHost(name, conda, envs_dir, environment)


def call_log(host: BenchHost) -> pathlib.Path:
    return pathlib.Path(host.environment[calllog.LOG_ENV])


def create_env(host: BenchHost, env: EnvSpec, channel_url: str) -> None:
    """``conda create`` one env directly (not through the modules, so every variant starts alike)."""
    environment = dict(os.environ, **host.environment)
    environment.pop(calllog.LOG_ENV)  # preparation is not part of any count
    argv = [str(host.conda_exe), 'create', '--yes', '--json', '-n', env.name,
            '--override-channels', '-c', channel_url] + list(env.packages)
    proc = subprocess.run(argv, capture_output=True, text=True, env=environment, check=False)
    if proc.returncode:
        raise RuntimeError('preparing %s on %s failed (rc=%s): %s\n%s'
                           % (env.name, host.name, proc.returncode, ' '.join(argv), proc.stdout + proc.stderr))


def create_envs(hosts: Sequence[BenchHost], envs: Sequence[EnvSpec], channel_url: str,
                workers: Optional[int] = None) -> None:
    """Create ``envs`` on every host; hosts are prepared in parallel, each host's envs in order."""
    def prepare(host: BenchHost) -> None:
        for env in envs:
            create_env(host, env, channel_url)

    with ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        list(pool.map(prepare, hosts))
