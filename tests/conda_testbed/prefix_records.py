"""A prefix's conda-meta records as the tests see them: the one test-side reader."""
from __future__ import annotations

import json
import pathlib


def records(prefix) -> dict:
    """The ``conda-meta/*.json`` records of ``prefix`` by dist name (``{}`` when it is no env)."""
    meta = pathlib.Path(prefix) / 'conda-meta'
    if not meta.is_dir():
        return {}
    return {path.stem: json.loads(path.read_text()) for path in sorted(meta.glob('*.json'))}
