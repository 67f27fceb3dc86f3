"""Where this test session finds the collection and which conda it runs against.

Test modules import these from here, not from ``conftest`` (pytest loads several conftest files,
and ``from conftest import`` picks whichever it loaded last).
"""
from __future__ import annotations

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Real conda's recorded output, kept in the repo (tests/fixtures/conda-recordings/README.md).
RECORDINGS = ROOT / 'tests' / 'fixtures' / 'conda-recordings'
# Set to a real conda executable to run the tests against it instead of the stand-in.
REAL_CONDA = os.environ.get('MACFLEET_CONDA_EXE')
# Set to a real Miniconda installer (``Miniconda3-<version>-<OS>-<arch>.sh``) to run the role's tests
# and the default molecule scenario with it instead of the test bed's installer of the stand-in.
REAL_INSTALLER = os.environ.get('MACFLEET_MINICONDA_INSTALLER')
# The channel those runs give the real conda (default: the test bed's local channel, genuine packages).
REAL_CHANNEL = os.environ.get('MACFLEET_CONDA_CHANNEL')


def _collections_path() -> pathlib.Path:
    """The folder holding ``ansible_collections/macfleet/conda``, made if this checkout is not in one."""
    if ROOT.parent.name == 'macfleet' and ROOT.parents[1].name == 'ansible_collections':
        return ROOT.parents[2]
    farm = ROOT / 'build' / 'symlinked-collections'
    link = farm / 'ansible_collections' / 'macfleet' / 'conda'
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(ROOT)
    return farm


COLLECTIONS = _collections_path()
