"""Fixtures of the module integration tests that run the env's genuine pip (the helper functions are in
conda_module_helpers)."""
from __future__ import annotations

import pytest

from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.session import COLLECTIONS


@pytest.fixture
def pip_log(tmp_path):
    """PIP_LOG of ``runner``'s module runs: each pip command logs to it (``conda_module_helpers.pip_runs``)."""
    return tmp_path / 'pip.log'


@pytest.fixture
def runner(tmp_path, conda_root, pip_env, pip_log) -> AnsibleRunner:
    """Runs modules against ``conda_root`` with pip offline from the wheelhouse, logging to ``pip_log``.
    (A test module that needs no pip log defines its own, as test_conda_info.py does.)"""
    work = tmp_path / 'ansible-pip'
    work.mkdir()
    return AnsibleRunner(COLLECTIONS, work, env=dict(conda_root.env, PIP_LOG=str(pip_log), **pip_env))
