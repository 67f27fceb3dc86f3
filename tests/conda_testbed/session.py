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
