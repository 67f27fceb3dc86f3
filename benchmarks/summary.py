"""Turn timed samples and change runs into the report's tables, metrics and warnings."""
from __future__ import annotations

import statistics
from collections import Counter
from typing import Dict, List, Mapping, Sequence, Tuple

from benchmarks.report import markdown_table
from benchmarks.runs import RunOutcome
from benchmarks.scenarios import Config
from benchmarks.timing import Sample, median_seconds

Samples = Mapping[Tuple[Config, str], List[Sample]]


def calls_per_run(samples: List[Sample]) -> int:
    """Conda processes of the worst run (runs of a converged playbook should all agree)."""
    return max(len(sample.outcome.conda_calls) for sample in samples)


def kinds(calls: Sequence[str]) -> str:
    """``change:5,read:1`` (sorted by kind), or ``none``."""
    counted = Counter(calls)
    return ','.join('%s:%d' % (kind, counted[kind]) for kind in sorted(counted)) or 'none'


def comparison(compared: Sequence[Config], samples: Samples, records: Mapping[str, int],
               packages: int) -> Tuple[str, Dict[str, object]]:
    """The side-by-side no-op table and its metrics, one row per channel."""
    rows, metrics = [], {}
    for config in compared:
        floor, ours, naive = (median_seconds(samples[config, variant]) for variant in ('floor', 'ours', 'naive'))
        channel = config.channel
        metrics.update({
            'seconds.%s.floor' % channel: floor,
            'seconds.%s.ours' % channel: ours,
            'seconds.%s.naive' % channel: naive,
            'noop_ratio.%s' % channel: ours / floor,
            'naive_ratio.%s' % channel: naive / ours,
            'conda_calls_noop.%s' % channel: calls_per_run(samples[config, 'ours']),
            'conda_calls_naive.%s' % channel: calls_per_run(samples[config, 'naive']),
        })
        rows.append([channel, records[channel], '%d x %d' % (config.envs, packages), floor, ours, naive,
                     ours / floor, naive / ours, calls_per_run(samples[config, 'ours']),
                     calls_per_run(samples[config, 'naive'])])
    header = ['channel', 'records', 'envs x pkgs', 'floor s', 'ours s', 'naive s', 'ours/floor',
              'naive/ours', 'conda procs ours', 'conda procs naive']
    return markdown_table(header, rows), metrics


def changes(results: Mapping[Config, Tuple[Sample, RunOutcome]]) -> Tuple[str, Dict[str, object]]:
    """The change run (one package added per env) and the rerun after it, per channel."""
    rows, metrics = [], {}
    for config, (change, rerun) in results.items():
        channel = config.channel
        calls = change.outcome.conda_calls
        metrics.update({
            'conda_calls_change.%s' % channel: len(calls),
            'conda_calls_change_kinds.%s' % channel: kinds(calls),
            'seconds_change.%s' % channel: change.seconds,
            'conda_calls_rerun.%s' % channel: len(rerun.conda_calls),
        })
        rows.append([channel, config.envs, change.outcome.changed, change.seconds, len(calls), kinds(calls),
                     rerun.changed, len(rerun.conda_calls)])
    header = ['channel', 'envs', 'changed', 'change run s', 'conda procs', 'by kind',
              'rerun changed', 'rerun conda procs']
    return markdown_table(header, rows), metrics


def scaling(env_series: Sequence[Config], host_series: Sequence[Config],
            samples: Samples) -> Tuple[str, Dict[str, object]]:
    """No-op time as envs grow on one host, then as hosts grow."""
    rows, metrics = [], {}
    for series, configs in (('envs', env_series), ('hosts', host_series)):
        for config in configs:
            floor, ours = median_seconds(samples[config, 'floor']), median_seconds(samples[config, 'ours'])
            size = config.envs if series == 'envs' else config.hosts
            metrics['noop_seconds.%s_%d.floor' % (series, size)] = floor
            metrics['noop_seconds.%s_%d.ours' % (series, size)] = ours
            rows.append([series, config.hosts, config.envs, floor, ours, ours / floor, ours - floor])
    header = ['series', 'hosts', 'envs/host', 'floor s', 'ours s', 'ours/floor', 'ours-floor s']
    return markdown_table(header, rows), metrics


def profile(config: Config, samples: Samples, variants: Sequence[str]) -> str:
    """Where a run's time goes: inside tasks (from the callback's durations) or around them."""
    rows = []
    for variant in variants:
        runs = samples[config, variant]
        wall = median_seconds(runs)
        in_tasks = statistics.median(sum(s.outcome.task_seconds.values()) for s in runs)
        per_task = in_tasks / config.envs / config.hosts
        rows.append([variant, wall, in_tasks, per_task, wall - in_tasks])
    header = ['variant (%s)' % config.label, 'run s', 'in tasks s', 'per task s', 'outside tasks s']
    return markdown_table(header, rows)


def warnings(samples: Samples) -> List[str]:
    """A line for every measured job whose no-op runs were not all ok and unchanged."""
    found = []
    for (config, variant), runs in samples.items():
        bad = [s.outcome for s in runs if not s.outcome.converged]
        if bad:
            found.append('WARNING: %s %s: %d of %d runs not a clean no-op (first: rc=%s changed=%s failed=%s)'
                         % (config.label, variant, len(bad), len(runs), bad[0].rc, bad[0].changed, bad[0].failed))
    return found
