"""Benchmarks of macfleet.conda: what a converged fleet run costs, beside Ansible's floor and the usual way.

Run with ``make bench`` (``python -m benchmarks``; see ``--help``). Kept out of ``tests/``: it measures,
and asserts nothing on time; its own unit tests are in ``benchmarks/tests``. Never shipped
(``build_ignore`` in galaxy.yml). It stands on the offline test bed (``tests/conda_testbed``: channels,
installer, stand-in conda, playbook runner), which this puts on ``sys.path``.
"""
from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
TESTS = ROOT / 'tests'
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
