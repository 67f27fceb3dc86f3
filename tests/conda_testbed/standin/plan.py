"""The state change of one transaction: what to unlink, link and fetch, computed from a solve."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import linker
from .ordering import toposort


def identity(record: dict) -> tuple:
    return record['name'], record['version'], record['build'], record.get('channel')


@dataclass
class Plan:
    prefix: Path
    installed: dict                      # name -> prefix record before the transaction
    final: list = field(default_factory=list)     # (channel record, source url) after the solve
    requested: dict = field(default_factory=dict)  # name -> spec text the user asked for
    removing_env: bool = False

    @property
    def unlink(self) -> list[dict]:
        if self.removing_env:
            return list(reversed(toposort(list(self.installed.values()))))
        kept = {identity(rec) for rec, _url in self.final}
        gone = [r for r in self.installed.values() if identity(r) not in kept]
        return list(reversed(toposort(gone)))

    @property
    def link(self) -> list[dict]:
        if self.removing_env:
            return []
        had = {identity(r) for r in self.installed.values()}
        return toposort([rec for rec, _url in self.final if identity(rec) not in had])

    def fetch(self, pkgs_dirs: list[Path]) -> list[dict]:
        return [rec for rec in self.link if linker.cached_dir(pkgs_dirs, rec) is None]

    def source_url(self, record: dict) -> str:
        for rec, url in self.final:
            if identity(rec) == identity(record):
                return url
        raise KeyError(record['name'])

    @property
    def empty(self) -> bool:
        return not self.unlink and not self.link

    def python_minor(self) -> str | None:
        names = {rec['name']: rec for rec, _url in self.final}
        python = names.get('python') or self.installed.get('python')
        return '.'.join(python['version'].split('.')[:2]) if python else None
