"""The call log's wrapper for a real conda: it logs, runs that conda, and keeps the root findable."""
from __future__ import annotations

import os
import subprocess

from ansible_collections.macfleet.conda.plugins.module_utils._conda_root import root_from_executable
from conda_testbed import calllog


def fake_conda_root(tmp_path):
    """A root whose ``bin/conda`` echoes its arguments, standing for a real conda install."""
    root = tmp_path / 'miniconda3'
    (root / 'conda-meta').mkdir(parents=True)
    conda = root / 'bin' / 'conda'
    conda.parent.mkdir()
    conda.write_text('#!/bin/sh\necho "ran: $*"\n')
    conda.chmod(0o755)
    return root, conda


def test_root_wrapper_lives_in_the_root_so_modules_find_it_without_conda_info(tmp_path):
    root, conda = fake_conda_root(tmp_path)
    wrapper = calllog.root_wrapper(conda)
    assert wrapper.parent == root / 'condabin'
    assert root_from_executable(str(wrapper)) == str(root)


def test_root_wrapper_logs_then_runs_the_real_conda(tmp_path):
    _root, conda = fake_conda_root(tmp_path)
    wrapper = calllog.root_wrapper(conda)
    log = tmp_path / 'calls.log'
    proc = subprocess.run([str(wrapper), 'install', '--dry-run', '-n', 'my env', 'numpy'], capture_output=True,
                          text=True, check=True, env=dict(os.environ, **{calllog.LOG_ENV: str(log)}))
    assert proc.stdout == 'ran: install --dry-run -n my env numpy\n'
    assert calllog.read(log) == [calllog.Call('solve', ('install', '--dry-run', '-n', 'my env', 'numpy'))]


def test_rewriting_the_wrapper_leaves_no_partial_file(tmp_path):
    _root, conda = fake_conda_root(tmp_path)
    first = calllog.root_wrapper(conda).read_text()
    wrapper = calllog.root_wrapper(conda)
    assert wrapper.read_text() == first
    assert sorted(path.name for path in wrapper.parent.iterdir()) == [wrapper.name]
