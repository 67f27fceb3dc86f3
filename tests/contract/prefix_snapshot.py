"""The conda-meta folder of a prefix as data, to compare with the recorded one.

Kept out of conftest.py: ``from conftest import`` picks whichever conftest pytest loaded last
when several test folders are given on one command line.
"""
from __future__ import annotations

import json
from pathlib import Path


def snapshot(prefix: Path) -> dict:
    """conda-meta of a prefix: file name -> parsed JSON or text."""
    meta = prefix / 'conda-meta'
    return {p.name: (json.loads(p.read_text()) if p.suffix == '.json' else p.read_text())
            for p in sorted(meta.iterdir()) if p.is_file()}
