"""``make bench``: what a converged run of macfleet.conda costs, beside Ansible's floor and the usual way.

Run as ``python -m benchmarks`` from the repository's top (``make bench`` does). Prints Markdown tables
and ``name=value`` lines. Set MACFLEET_CONDA_EXE to a real conda to measure it instead of the test bed's
stand-in. No assertion on time is made anywhere.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import sys
import time

from benchmarks import ROOT, machine, report, scenarios, ssh_bench, summary
from benchmarks.runs import Bench
from benchmarks.timing import Sample, interleaved
from benchmarks.workload import MAX_PACKAGES


def counts(text: str) -> list:
    return [int(part) for part in text.split(',') if part]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='one timed run, no warm-up: a smoke test')
    parser.add_argument('--runs', type=int, default=5, help='timed runs per variant (median; default 5)')
    parser.add_argument('--out', type=pathlib.Path, help='also write the report to this file')
    parser.add_argument('--forks', type=int, default=int(os.environ.get('ANSIBLE_FORKS', 5)),
                        help="ansible-playbook --forks (default: $ANSIBLE_FORKS or Ansible's 5)")
    parser.add_argument('--channels', default='small,large', help='channels compared (small,large)')
    parser.add_argument('--env-counts', type=counts, default=[1, 5, 20], help='scaling: envs on one host')
    parser.add_argument('--host-counts', type=counts, default=[1, 4, 16], help='scaling: hosts of 5 envs')
    parser.add_argument('--workdir', type=pathlib.Path, default=ROOT / 'build' / 'bench',
                        help='scratch folder, emptied first (default build/bench)')
    parser.add_argument('--parts', type=parts, default=list(PARTS),
                        help='what to run: local (the modules, local connection), ssh (the role over SSH); '
                             'default local,ssh')
    parser.add_argument('--ssh-env-counts', type=counts, default=[1, 5, 20], help='SSH: envs per host')
    parser.add_argument('--ssh-host-counts', type=counts, default=[1, 4, 16], help='SSH: hosts')
    parser.add_argument('--ssh-runs', type=int, default=3, help='SSH: timed runs per play (median; default 3)')
    parser.add_argument('--no-install-sshd', dest='install_sshd', action='store_false',
                        help="SSH: skip that part when sshd is missing instead of apt-get installing openssh-server")
    args = parser.parse_args(argv)
    if args.quick:
        # A smoke run: one host, 1 and 5 envs, one timed run each.
        args.runs = 1
        args.ssh_runs = 1
        args.ssh_env_counts = [count for count in args.ssh_env_counts if count <= scenarios.BASE_ENVS] or [1]
        args.ssh_host_counts = [1]
    return args


PARTS = ('local', 'ssh')


def parts(text: str) -> list:
    chosen = [part for part in text.split(',') if part]
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown or not chosen:
        raise argparse.ArgumentTypeError('parts are %s, not %r' % (','.join(PARTS), text))
    return chosen


def collections_path() -> pathlib.Path:
    path = pathlib.Path(os.environ.get('ANSIBLE_COLLECTIONS_PATH') or ROOT / 'build' / 'collections')
    if not (path / 'ansible_collections' / 'macfleet' / 'conda').is_dir():
        sys.exit('no macfleet.conda under %s: run `make stage` (or `make bench`)' % path)
    return path


def progress(message: str) -> None:
    print('[bench %s] %s' % (time.strftime('%H:%M:%S'), message), file=sys.stderr, flush=True)


def local_part(args, channels, real_conda):
    """The modules' no-op, change and scaling runs over the local connection: Markdown sections, metrics."""
    started = time.perf_counter()
    bench = Bench(args.workdir, collections_path(), args.forks, real_conda,
                  cache_dir=ROOT / 'build' / 'testbed-cache')
    compared = scenarios.comparisons(channels)
    env_series = [scenarios.Config(channels[0], 1, envs) for envs in args.env_counts]
    host_series = [scenarios.Config(channels[0], hosts, scenarios.BASE_ENVS) for hosts in args.host_counts]
    plan = scenarios.measured_variants(compared, env_series + host_series)

    progress('building channels %s' % ', '.join(channels))
    bench.build_channels(channels)
    progress('installing conda roots and creating envs')
    bench.prepare_hosts(list(plan))
    prepared = time.perf_counter()
    jobs = {(config, variant): bench.job(config, variant) for config, variants in plan.items() for variant in variants}
    progress('timing %d jobs x %d runs, interleaved' % (len(jobs), args.runs))
    warmup = [] if args.quick else [key for key in jobs if key[0] in compared]
    samples = interleaved(jobs, args.runs, warmup,
                          on_round=lambda done: progress('round %d of %d done' % (done, args.runs)))
    progress('change runs')
    changed = {}
    for config in compared:
        change = bench.change_job(config)
        start = time.perf_counter()
        outcome = change()
        changed[config] = (Sample(time.perf_counter() - start, outcome), change())

    records = {channel: bench.records(channel) for channel in channels}
    comparison_table, metrics = summary.comparison(compared, samples, records, MAX_PACKAGES)
    change_table, change_metrics = summary.changes(changed)
    scaling_table, scaling_metrics = summary.scaling(env_series, host_series, samples)
    metrics.update(change_metrics)
    metrics.update(scaling_metrics)
    metrics.update({'records.%s' % channel: count for channel, count in records.items()})
    metrics['prepare_seconds'] = prepared - started
    sections = [
        '## Converged (no-op) run, 1 host, median of %d runs' % args.runs,
        comparison_table,
        '',
        '## Change run: add one package to every env, then the same playbook again',
        change_table,
        '',
        '## Scaling of the no-op run (%s channel, forks %d)' % (channels[0], args.forks),
        scaling_table,
        '',
        '## Where the time goes (task durations from the json callback)',
        summary.profile(compared[0], samples, scenarios.VARIANTS),
        '',
    ] + summary.warnings(samples)
    return sections, metrics


def main(argv=None) -> int:
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    args = parse_args(argv)
    channels = args.channels.split(',')
    real_conda = pathlib.Path(os.environ['MACFLEET_CONDA_EXE']) if os.environ.get('MACFLEET_CONDA_EXE') else None
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)

    facts = machine.facts(real_conda, args.forks)
    sections, metrics = [], {}
    if 'local' in args.parts:
        local_sections, local_metrics = local_part(args, channels, real_conda)
        sections += local_sections
        metrics.update(local_metrics)
    if 'ssh' in args.parts:
        if real_conda:
            sections += ['## Role over SSH: skipped', '', 'Skipped: the role installs the test bed\'s stand-in '
                         '(MACFLEET_CONDA_EXE is set).', '']
            metrics['ssh'] = 'skipped'
        else:
            ssh_sections, ssh_metrics = ssh_bench.run(args, collections_path(), ROOT / 'build' / 'testbed-cache',
                                                      progress)
            sections += ssh_sections
            metrics.update(ssh_metrics)
    wall = time.perf_counter() - started
    metrics.update({'runs': args.runs, 'forks': args.forks, 'nproc': facts['nproc'],
                    'wall_seconds': wall,
                    'cpu_seconds': machine.children_cpu_seconds(),
                    # Other work on the machine inflates every figure alike; ratios suffer least.
                    'load_average_start': load_at_start, 'load_average_end': os.getloadavg()[0]})
    text = '\n'.join([
        '# macfleet.conda benchmark',
        '',
        'Machine: %s' % '; '.join('%s %s' % (key, value) for key, value in facts.items()),
        '',
    ] + sections + report.metric_lines(metrics)) + '\n'
    sys.stdout.write(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
