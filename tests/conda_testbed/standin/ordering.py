"""Orders conda prints packages in: dependencies first, python first in the python<->pip cycle."""
from __future__ import annotations

import re


def _dep_name(dep: str) -> str:
    return re.split(r'[ =<>!~\[]', dep.strip(), maxsplit=1)[0]


def toposort(records: list[dict]) -> list[dict]:
    """Level by level, alphabetical within a level, like conda's PrefixGraph ordering."""
    by_name = {r['name']: r for r in records}
    deps = {name: {_dep_name(d) for d in rec.get('depends', [])} & set(by_name) - {name}
            for name, rec in by_name.items()}
    remaining, ordered = set(by_name), []
    while remaining:
        ready = sorted(n for n in remaining if not deps[n] & remaining)
        if not ready:
            # conda breaks the python <-> pip cycle by installing python first
            ready = ['python'] if 'python' in remaining else [sorted(remaining)[0]]
        ordered += ready
        remaining -= set(ready)
    return [by_name[n] for n in ordered]


def version_key(version: str) -> tuple:
    parts = []
    for piece in re.findall(r'\d+|[a-zA-Z]+', version):
        parts.append((1, int(piece), '') if piece.isdigit() else (0, 0, piece))
    return tuple(parts)
