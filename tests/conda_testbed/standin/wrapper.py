"""The ``bin/conda`` launcher that makes a folder a conda root whose conda is the stand-in.

Real conda finds its root prefix from the Python it runs on. The stand-in runs on the test
virtualenv's Python instead, so the launcher tells it which root it belongs to through
``MACFLEET_STANDIN_ROOT``: the folder above the launcher's own (``bin/`` or ``condabin/``),
with symlinks resolved, as a symlinked ``/usr/local/bin/conda`` must still find its root.
"""
from __future__ import annotations

import pathlib
import shlex
import sys

ROOT_ENV = 'MACFLEET_STANDIN_ROOT'
# conda writes the path it was invoked as into each history entry (`# cmd:`).
ARGV0_ENV = 'MACFLEET_STANDIN_ARGV0'
TESTS_DIR = pathlib.Path(__file__).resolve().parents[2]


def wrapper_script(python: str = sys.executable) -> str:
    """Return the text of a POSIX sh launcher that runs the stand-in for the root it sits in."""
    return f'''#!/bin/sh
# conda stand-in of the macfleet.conda test bed (test support only, not a real conda)
self=$(readlink -f "$0" 2>/dev/null || echo "$0")
{ROOT_ENV}=$(cd "$(dirname "$self")/.." && pwd)
export {ROOT_ENV}
{ARGV0_ENV}=$0
export {ARGV0_ENV}
PYTHONPATH={shlex.quote(str(TESTS_DIR))}${{PYTHONPATH:+:$PYTHONPATH}}
export PYTHONPATH
exec {shlex.quote(python)} -m conda_testbed.standin "$@"
'''


def install_wrapper(root: pathlib.Path, python: str = sys.executable) -> list[pathlib.Path]:
    """Write the launcher as ``bin/conda`` and ``condabin/conda`` of ``root``; return both paths."""
    written = []
    for sub in ('bin', 'condabin'):
        path = root / sub / 'conda'
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wrapper_script(python))
        path.chmod(0o755)
        written.append(path)
    return written
