"""Fixtures shared by every test: the collection on sys.path, the test bed, and an Ansible runner.

Switch: set ``MACFLEET_CONDA_EXE`` to a real conda executable to run the same tests against it
instead of the stand-in (each test then gets fresh envs dirs and HOME under that conda's root).
"""
from __future__ import annotations

import os
import pathlib
import sys
from dataclasses import dataclass

import pytest

TESTS = pathlib.Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

# pylint: disable=wrong-import-position
from conda_testbed import calllog, real_python as real_python_mod  # noqa: E402
from conda_testbed.channel import cached_channel  # noqa: E402
from conda_testbed.installer import build_installer  # noqa: E402
from conda_testbed.playbook_runner import AnsibleRunner  # noqa: E402
from conda_testbed.session import COLLECTIONS, REAL_CONDA, ROOT  # noqa: E402
from conda_testbed.wheelhouse import build_wheelhouse, pip_environment  # noqa: E402

# Unit tests import the collection as ansible_collections.macfleet.conda.
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))


@pytest.fixture(autouse=True)
def _no_leaked_conda_root(monkeypatch):
    """conda-lock's vendored conda (a test dependency) sets CONDA_ROOT to this venv in the pytest process when
    a test imports it; a real conda run after it, in the same worker, takes the venv for its root and fails
    (real conda 26.7.1: "libmamba ... not recognized"). Each test starts without it."""
    monkeypatch.delenv('CONDA_ROOT', raising=False)


@dataclass
class CondaRoot:
    """A conda root for one test: where it lives, its conda, and the processes it ran."""

    prefix: pathlib.Path
    conda: pathlib.Path
    envs_dir: pathlib.Path
    channel_url: str
    home: pathlib.Path
    call_log: pathlib.Path

    @property
    def env(self) -> dict:
        """Environment for anything that runs this root's conda (module runs included).

        Only the variables this root needs, so ``dict(conda_root.env, **pip_env)`` gives a run that
        also installs with pip offline."""
        env = {'HOME': str(self.home), calllog.LOG_ENV: str(self.call_log)}
        if REAL_CONDA:
            env['CONDA_ENVS_PATH'] = str(self.envs_dir)
        return env

    def calls(self) -> list:
        """The conda invocations logged so far, as ``calllog.Call`` tuples."""
        return calllog.read(self.call_log)

    def env_prefix(self, name: str) -> pathlib.Path:
        return self.envs_dir / name


@pytest.fixture(scope='session')
def testbed_channel(tmp_path_factory) -> pathlib.Path:
    """The local channel of tiny genuine packages, built once per session (cached between runs)."""
    cache = ROOT / 'build' / 'testbed-cache'
    return cached_channel(cache)


@pytest.fixture(scope='session')
def channel_url(testbed_channel) -> str:
    return testbed_channel.as_uri()


@pytest.fixture(scope='session')
def installer(testbed_channel, tmp_path_factory):
    """The Miniconda-style installer fixture for this machine: ``(path, sha256)``."""
    return build_installer(tmp_path_factory.mktemp('installer'), channel=testbed_channel)


@pytest.fixture
def conda_root(tmp_path, installer, channel_url) -> CondaRoot:
    """A fresh conda root (installed by the installer fixture) with the local channel configured."""
    import subprocess  # pylint: disable=import-outside-toplevel

    home = tmp_path / 'home'
    home.mkdir()
    log = tmp_path / 'conda-calls.log'
    if REAL_CONDA:
        conda = calllog.root_wrapper(pathlib.Path(REAL_CONDA))
        prefix = conda.parents[1]
        envs_dir = tmp_path / 'envs'
        envs_dir.mkdir()
        return CondaRoot(prefix, conda, envs_dir, channel_url, home, log)
    prefix = tmp_path / 'miniconda3'
    path, _sha = installer
    subprocess.run(['bash', str(path), '-b', '-p', str(prefix)], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(home)))
    return CondaRoot(prefix, prefix / 'bin' / 'conda', prefix / 'envs', channel_url, home, log)


@pytest.fixture
def ansible(tmp_path, conda_root) -> AnsibleRunner:
    """Runs modules and playbooks on localhost against ``conda_root``."""
    work = tmp_path / 'ansible'
    work.mkdir()
    return AnsibleRunner(COLLECTIONS, work, env=conda_root.env)


@pytest.fixture(scope='session')
def real_python():
    """The working python of the test channel (``conda_testbed.real_python.RealPython``): its
    ``spec`` (``python=3.11.7=*_cpython``) makes an env whose ``bin/python -m pip`` is the genuine
    pip. Skips the test, saying why, when this machine has no interpreter to build it from."""
    found, why = real_python_mod.probe()
    if found is None:
        pytest.skip(f'no real python in the test channel, so pip cannot run: {why}')
    return found


@pytest.fixture(scope='session')
def wheelhouse(tmp_path_factory) -> pathlib.Path:
    """A folder of tiny pure-Python wheels (conda_testbed/wheelhouse.py: macfleet-demo-a/b/c/d)."""
    return build_wheelhouse(tmp_path_factory.mktemp('wheelhouse'))


@pytest.fixture(scope='session')
def pip_env(wheelhouse) -> dict:
    """PIP_* variables for running pip offline from ``wheelhouse``, away from this machine's pip
    config, as a fleet configures pip: PIP_CONFIG_FILE=/dev/null, PIP_DISABLE_PIP_VERSION_CHECK=1,
    PIP_NO_INDEX=1, PIP_FIND_LINKS=<wheelhouse>. Merge it over ``conda_root.env``."""
    return pip_environment(wheelhouse)
