"""The one place that imports py-rattler: read local channels and solve, conda-style."""
from __future__ import annotations

import asyncio

import rattler
from rattler.exceptions import SolverError

from . import channels as channel_mod
from . import errors
from .linker import channel_record
from .specs import Spec

VIRTUAL = {'linux': (('__unix', '0'), ('__linux', '6.1.0'), ('__glibc', '2.36')),
           'osx': (('__unix', '0'), ('__osx', '14.0'))}


def _virtual_packages(subdir: str) -> list:
    return [rattler.GenericVirtualPackage(rattler.PackageName(name), rattler.Version(version),
                                          rattler.BuildString('0'))
            for name, version in VIRTUAL.get(subdir.split('-')[0], ())]


class Index:
    """The repodata of the given channels for one platform subdir plus noarch."""

    def __init__(self, channels: list, subdir: str):
        for channel in channels:
            channel_mod.check_available(channel, subdir)
        self.channels, self.subdir = channels, subdir
        self.sparse = []
        self.records: dict[tuple, tuple[dict, str]] = {}
        for channel in channels:
            rchannel = rattler.Channel(channel.url)
            key_base = rchannel.base_url.rstrip('/')
            for sub in (subdir, 'noarch'):
                path = channel_mod.repodata_path(channel, sub)
                if not path.is_file():
                    continue
                self.sparse.append(rattler.SparseRepoData(rchannel, sub, str(path)))
                for fn, raw in channel_mod.raw_entries(channel, sub).items():
                    record = channel_record(raw, channel.base_url, sub, fn)
                    self.records[(key_base, sub, fn)] = (record, f'{channel.url}/{sub}/{fn}')

    def subdir_urls(self) -> list[str]:
        return [url for channel in self.channels for url in channel.subdir_urls(self.subdir)]

    def _candidates(self, name: str) -> list:
        found = []
        for sparse in self.sparse:
            found += sparse.load_records(name)
        return found

    def _lookup(self, rrecord) -> tuple[dict, str]:
        key = (str(rrecord.channel).rstrip('/'), rrecord.subdir, rrecord.file_name)
        return self.records[key]

    def as_rattler(self, record: dict):
        """The channel's copy of an installed record, or None when no channel has it."""
        for candidate in self._candidates(record['name']):
            if str(candidate.version) == record['version'] and str(candidate.build) == record['build']:
                return candidate
        return None

    def missing(self, specs: list[Spec]) -> list[Spec]:
        """Specs no package of these channels matches at all."""
        absent = []
        for spec in specs:
            matcher = rattler.MatchSpec(spec.rattler.split('::')[-1])
            if not any(matcher.matches(c) for c in self._candidates(spec.name)):
                absent.append(spec)
        return absent

    def solve(self, specs: list[Spec], installed: list[dict], pinned: list[dict],
              flexible_retry: bool = True, strict_priority: bool = False) -> list[tuple[dict, str]]:
        """Solve; returns (conda record, source URL) pairs. Pinned records are tried frozen first."""
        locked = [r for r in (self.as_rattler(rec) for rec in installed) if r is not None]
        frozen = [r for r in (self.as_rattler(rec) for rec in pinned) if r is not None]
        attempts = [frozen, []] if frozen and flexible_retry else [frozen]
        priority = rattler.ChannelPriority.Strict if strict_priority else rattler.ChannelPriority.Disabled
        failure = None
        for pins in attempts:
            try:
                solved = asyncio.run(rattler.solve_with_sparse_repodata(
                    [s.rattler for s in specs], self.sparse, locked_packages=locked,
                    pinned_packages=pins, virtual_packages=_virtual_packages(self.subdir),
                    channel_priority=priority))
                return [self._lookup(r) for r in solved]
            except SolverError as exc:
                failure = exc
        absent = self.missing(specs)
        if absent:
            raise errors.PackagesNotFoundInChannelsError([s.text for s in absent], self.subdir_urls())
        explanation = str(failure).split('because of: ', 1)[-1].strip()
        raise errors.UnsatisfiableError(explanation, [[s.text] for s in specs])
