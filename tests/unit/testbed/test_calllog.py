"""The real-conda switch's wrapper keeps the root findable, so a converged run there still spawns no conda."""
from __future__ import annotations

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
