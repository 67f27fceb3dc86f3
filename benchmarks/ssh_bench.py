"""The SSH part of ``make bench``: the role's converged run for E envs per host on H hosts, over OpenSSH.

Starts a private sshd (``benchmarks.sshd``), prepares the fleet (``benchmarks.ssh_fleet``), times the
role's play and a play of one ``stat`` per host (interleaved, median), runs one drifting env per host,
stops the server. Returns Markdown sections and ``name=value`` metrics for ``__main__`` to print.
"""
from __future__ import annotations

import pathlib
import time
from typing import Callable, Dict, List, Tuple

from conda_testbed.channel import cached_channel, channel_url
from conda_testbed.installer import build_installer
from conda_testbed.serve import serve_directory
from benchmarks import fleet, sshd, ssh_summary
from benchmarks.ssh_fleet import SshBench, configs, fact_cache_env, new_hosts, role_play, stat_play
from benchmarks.timing import Sample, interleaved
from benchmarks.workload import env_specs

INSTALLER_VERSION = '24.7.1-0'


def _check(outcome, what: str, stdout: str = '') -> None:
    if outcome.rc != 0 or outcome.failed:
        raise RuntimeError('%s failed (rc=%s, failed=%s)%s' % (what, outcome.rc, outcome.failed, stdout))


def run(args, collections_path: pathlib.Path, cache_dir: pathlib.Path,
        progress: Callable[[str], None]) -> Tuple[List[str], Dict[str, object]]:
    """The SSH sections and metrics; a skip message (and ``ssh=skipped``) where no sshd can be had."""
    sshd_path, note = sshd.find_sshd(install=args.install_sshd)
    if note:
        progress('sshd: %s' % note)
    if sshd_path is None:
        return ['## Role over SSH: skipped', '', 'Skipped: %s.' % note, ''], {'ssh': 'skipped'}
    measured = configs(args.ssh_env_counts, args.ssh_host_counts)
    max_hosts = max(config.hosts for config in measured)
    envs = env_specs(max(config.envs for config in measured))
    workdir = args.workdir / 'ssh'
    workdir.mkdir(parents=True)
    server = sshd.start(sshd_path)
    progress('sshd %s on 127.0.0.1:%d (%s)%s' % (sshd_path, server.port, server.folder,
                                                 ' - ' + note if note else ''))
    try:
        bench = SshBench(workdir, collections_path, args.forks, server)
        channel = channel_url(cached_channel(cache_dir))
        installer_path, sha256 = build_installer(workdir / 'installer', version=INSTALLER_VERSION,
                                                 channel=cached_channel(cache_dir))
        bench.hosts = new_hosts(workdir / 'hosts', max_hosts)
        progress('ssh: the role installs %d conda roots' % max_hosts)
        with serve_directory(installer_path.parent) as url:
            installer = {'version': INSTALLER_VERSION, 'name': installer_path.name, 'sha256': sha256, 'url': url}
            inventories = {hosts: bench.inventory(hosts, installer, channel)
                           for hosts in sorted({config.hosts for config in measured})}
            install = bench.run(bench.write('install.yml', role_play([], channel)), inventories[max_hosts], max_hosts)
            _check(install, 'installing the roots with the role')
        progress('ssh: creating %d envs on each of %d hosts' % (len(envs), max_hosts))
        fleet.create_envs(bench.hosts, envs, channel)
        # No converging run here: the warm-up and every timed run are checked for a clean no-op (warnings).
        jobs = {}
        for hosts in sorted({config.hosts for config in measured}):
            jobs[hosts, 'stat'] = bench.job(bench.write('stat.yml', stat_play()), inventories[hosts], hosts)
        for config in measured:
            playbook = bench.write('role-e%d.yml' % config.envs, role_play(envs[:config.envs], channel))
            jobs[config, 'role'] = bench.job(playbook, inventories[config.hosts], config.hosts)
        # The headline config again with Ansible's fact cache: its warm-up run fills the cache.
        basis = ssh_summary.headline_basis(measured)
        jobs[basis, 'role_cached'] = bench.job(workdir / 'files' / ('role-e%d.yml' % basis.envs),
                                               inventories[basis.hosts], basis.hosts,
                                               env=fact_cache_env(workdir / 'fact-cache'))
        # Opens every alias's connection and loads the role's code once: timed runs start warm.
        warmup = [key for key in jobs if key[1] == 'stat'] + [(measured[0], 'role'), (basis, 'role_cached')]
        progress('ssh: timing %d jobs x %d runs, interleaved' % (len(jobs), args.ssh_runs))
        samples = interleaved(jobs, args.ssh_runs, warmup,
                              on_round=lambda done: progress('ssh: round %d of %d done' % (done, args.ssh_runs)))

        largest = max(measured, key=lambda config: (config.hosts, config.envs))
        progress('ssh: one drifting env per host (%s)' % largest.label)
        drifting = [envs[0].with_extra_package()] + list(envs[1:largest.envs])
        playbook = bench.write('role-drift.yml', role_play(drifting, channel))
        start = time.perf_counter()
        changed = bench.run(playbook, inventories[largest.hosts], largest.hosts)
        change = Sample(time.perf_counter() - start, changed)
        rerun = bench.run(playbook, inventories[largest.hosts], largest.hosts)
    finally:
        sshd.stop(server)

    noop_table, metrics = ssh_summary.noop(measured, samples)
    sentences, headline = ssh_summary.headline(measured, samples)
    cached_table, cached_metrics = ssh_summary.fact_cache(basis, samples)
    metrics.update(cached_metrics)
    drift_table, drift_metrics = ssh_summary.drift(largest, change, rerun)
    metrics.update(drift_metrics)
    metrics.update(headline)
    metrics['ssh.runs'] = args.ssh_runs
    sections = [
        '## The role\'s converged run over SSH (sshd on 127.0.0.1, pipelining, forks %d), median of %d runs'
        % (args.forks, args.ssh_runs),
        '',
        'Server: %s (%s) on 127.0.0.1, its own keys and config, started and stopped by the benchmark%s. '
        'Each host is an alias of 127.0.0.1 with its own conda root (installed by the role) and ControlMaster '
        '(kept warm between runs); the role runs with `gather_facts: false` (it gathers its own subset) and '
        '`miniconda_group` set, as on a Mac.' % (sshd_path, sshd.version(sshd_path), '; ' + note if note else ''),
        '',
        noop_table,
        '',
    ] + sentences + [
        '',
        '## The same converged run with Ansible\'s fact cache (%s; jsonfile, as ansible.cfg `fact_caching` sets it)'
        % basis.label,
        '',
        'The role gathers facts only where the host has none: with a cache, a converged host costs its one '
        '`conda_info` run.',
        '',
        cached_table,
        '',
        '## One drifting env per host (%s): one transaction per changed env, then the same play again'
        % largest.label,
        drift_table,
        '',
        '## Where the role\'s time goes (%s: the slowest tasks, each from its start to its end on all hosts)'
        % ssh_summary.headline_basis(measured).label,
        ssh_summary.profile(samples[ssh_summary.headline_basis(measured), 'role']),
        '',
    ] + ssh_summary.warnings(samples)
    return sections, metrics
