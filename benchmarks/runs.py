"""The prepared fleets and the playbook runs on them, counted and checked.

Everything slow and unmeasured happens in ``prepare``: channels, installer, conda roots, envs,
inventories and playbook files. A job then only runs ``ansible-playbook`` and reads the call logs.
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

import yaml

from conda_testbed import calllog
from conda_testbed.channel import cached_channel, channel_url, read_repodata
from conda_testbed.installer import build_installer
from conda_testbed.large_channel import build_large_channel
from conda_testbed.playbook_runner import AnsibleRunner, PlaybookResult
from benchmarks import fleet, playbooks, task_times
from benchmarks.inventory import BenchHost, host_name, write_inventory
from benchmarks.scenarios import BASE_ENVS, Config, hosts_needed
from benchmarks.workload import EnvSpec, env_specs


@dataclass(frozen=True)
class RunOutcome:
    """What one playbook run did: exit code, task totals over hosts, conda processes by kind."""

    rc: int
    changed: int
    failed: int
    conda_calls: Tuple[str, ...]
    task_seconds: Dict[str, float] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        return self.rc == 0 and self.changed == 0 and self.failed == 0


Outcome = TypeVar('Outcome')


def outcome_of(kind: Callable[..., Outcome], result: PlaybookResult, **fields: Any) -> Outcome:
    """``kind`` (``RunOutcome``, ``ssh_fleet.SshOutcome``) of a playbook run: its exit code, its changed and
    failed (or unreachable) tasks over hosts, its task seconds, and ``fields``."""
    stats = result.stats.values()
    return kind(rc=result.rc,
                changed=sum(host.get('changed', 0) for host in stats),
                failed=sum(host.get('failures', 0) + host.get('unreachable', 0) for host in stats),
                task_seconds=task_times.task_seconds(result.stdout), **fields)


def record_count(channel_dir: pathlib.Path) -> int:
    """Package records in all subdirs of a channel's repodata."""
    return sum(len(data.get('packages', {})) + len(data.get('packages.conda', {}))
               for data in read_repodata(channel_dir).values())


class Bench:
    """Fleets per channel under ``workdir`` and the means to run playbooks against them."""

    def __init__(self, workdir: pathlib.Path, collections_path: pathlib.Path, forks: int,
                 real_conda: Optional[pathlib.Path] = None, cache_dir: Optional[pathlib.Path] = None):
        self.workdir = workdir
        self.forks = forks
        self.real_conda = real_conda
        self.cache_dir = cache_dir or workdir / 'cache'
        self.runner = AnsibleRunner(collections_path, self._mkdir('ansible'))
        self.channel_dirs: Dict[str, pathlib.Path] = {}
        self.hosts: Dict[str, List[BenchHost]] = {}
        self.envs: List[EnvSpec] = []
        self._log_lines: Dict[pathlib.Path, int] = {}

    def _mkdir(self, *parts: str) -> pathlib.Path:
        path = self.workdir.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    # -- preparation (never timed) ------------------------------------------------------------
    def build_channels(self, names: Sequence[str]) -> None:
        self.channel_dirs['small'] = cached_channel(self.cache_dir)
        if 'large' in names:
            self.channel_dirs['large'] = build_large_channel(self._mkdir('large-channel'))

    def channel_url(self, channel: str) -> str:
        return channel_url(self.channel_dirs[channel])

    def records(self, channel: str) -> int:
        return record_count(self.channel_dirs[channel])

    def prepare_hosts(self, configs: Sequence[Config]) -> None:
        """Install a conda root per host and create its envs, for every channel the configs use."""
        self.envs = env_specs(max(config.envs for config in configs))
        installer = None
        if not self.real_conda:
            installer, _sha = build_installer(self._mkdir('installer'), channel=self.channel_dirs['small'])
        for channel in sorted({config.channel for config in configs}):
            sizes = hosts_needed(configs, channel)
            hosts = []
            for index in range(len(sizes)):
                dest = self.workdir / 'hosts' / channel / host_name(index)
                if self.real_conda:
                    hosts.append(fleet.real_conda_host(host_name(index), self.real_conda, dest))
                else:
                    hosts.append(fleet.standin_host(host_name(index), installer, dest))
            self.hosts[channel] = hosts
            # Hosts beyond the first only ever run the base set of envs.
            fleet.create_envs(hosts[:1], self.envs[:sizes[0]], self.channel_url(channel),
                              workers=1 if self.real_conda else None)
            fleet.create_envs(hosts[1:], self.envs[:BASE_ENVS], self.channel_url(channel),
                              workers=1 if self.real_conda else None)

    def write_playbook(self, config: Config, variant: str, envs: Optional[Sequence[EnvSpec]] = None,
                       suffix: str = '') -> pathlib.Path:
        plays = playbooks.for_variant(variant, envs or self.envs[:config.envs], self.channel_url(config.channel))
        path = self._mkdir('playbooks') / ('%s-%s%s.yml' % (config.label, variant, suffix))
        path.write_text(yaml.safe_dump(plays, sort_keys=False))
        return path

    def inventory(self, config: Config) -> pathlib.Path:
        path = self._mkdir('inventories') / ('%s-h%d.yml' % (config.channel, config.hosts))
        return write_inventory(self.hosts[config.channel][:config.hosts], path)

    # -- runs ---------------------------------------------------------------------------------
    def _new_calls(self, hosts: Sequence[BenchHost]) -> Tuple[str, ...]:
        kinds: List[str] = []
        for host in hosts:
            log = fleet.call_log(host)
            calls = calllog.read(log)
            kinds += [call.kind for call in calls[self._log_lines.get(log, 0):]]
            self._log_lines[log] = len(calls)
        return tuple(kinds)

    def run(self, playbook: pathlib.Path, inventory: pathlib.Path, hosts: Sequence[BenchHost]) -> RunOutcome:
        self._new_calls(hosts)  # anything logged before this run is not ours
        result = self.runner.run_playbook(playbook, inventory=str(inventory), args=('--forks', str(self.forks)))
        return outcome_of(RunOutcome, result, conda_calls=self._new_calls(hosts))

    def job(self, config: Config, variant: str) -> Callable[[], RunOutcome]:
        """A no-argument callable running ``variant``'s playbook for ``config`` once."""
        playbook = self.write_playbook(config, variant)
        inventory = self.inventory(config)
        hosts = self.hosts[config.channel][:config.hosts]
        return lambda: self.run(playbook, inventory, hosts)

    def change_job(self, config: Config) -> Callable[[], RunOutcome]:
        """Our playbook asking every env of ``config`` for one package it does not hold yet."""
        envs = [env.with_extra_package() for env in self.envs[:config.envs]]
        playbook = self.write_playbook(config, 'ours', envs, suffix='-change')
        inventory = self.inventory(config)
        hosts = self.hosts[config.channel][:config.hosts]
        return lambda: self.run(playbook, inventory, hosts)
