"""The SSH benchmarks' figures: the role's no-op run per host against one ``stat`` task per host.

Samples are keyed ``(hosts, 'stat')`` (one stat play per host count, whatever the envs) and
``(SshConfig, 'role')``. Module executions per host are the most any host of any run had: the hosts of a
converged fleet all run the same tasks, so a difference would show up as a larger figure, not be averaged.
"""
from __future__ import annotations

import statistics
from typing import Dict, Hashable, List, Mapping, Optional, Sequence, Tuple

from benchmarks.report import markdown_table
from benchmarks.ssh_fleet import SshConfig, SshOutcome
from benchmarks.timing import Sample, median_seconds

Samples = Mapping[Hashable, List[Sample]]
HEADLINE_ENVS = 20
GOAL_RATIO = 2.0


def module_runs_per_host(outcomes: Sequence[SshOutcome], action: Optional[str] = None) -> int:
    """The most module executions (of ``action``) any host had in any of the runs; 0 without counts."""
    return max([count for outcome in outcomes for count in outcome.runs_per_host(action).values()] or [0])


def conda_calls(outcomes: Sequence[SshOutcome]) -> int:
    """Conda processes of the worst run, over all hosts."""
    return max([len(outcome.conda_calls) for outcome in outcomes] or [0])


def noop(configs: Sequence[SshConfig], samples: Samples) -> Tuple[str, Dict[str, object]]:
    """One row per config: both plays' seconds, per host, their ratio, module executions per host."""
    rows, metrics = [], {}
    for config in configs:
        stat_runs, role_runs = samples[config.hosts, 'stat'], samples[config, 'role']
        stat, role = median_seconds(stat_runs), median_seconds(role_runs)
        outcomes = [sample.outcome for sample in role_runs]
        per_host = module_runs_per_host(outcomes)
        envs_per_host = module_runs_per_host(outcomes, 'conda_env')
        stat_per_host = module_runs_per_host([sample.outcome for sample in stat_runs])
        label = config.label
        metrics.update({
            'ssh.seconds.%s.stat' % label: stat,
            'ssh.seconds.%s.role' % label: role,
            'ssh.seconds_per_host.%s.role' % label: role / config.hosts,
            'ssh.role_ratio.%s' % label: role / stat,
            'ssh.module_runs_per_host.%s' % label: per_host,
            'ssh.conda_env_runs_per_host.%s' % label: envs_per_host,
            'ssh.conda_calls_noop.%s' % label: conda_calls(outcomes),
        })
        rows.append([config.hosts, config.envs, stat, role, role / stat, stat / config.hosts,
                     role / config.hosts, stat_per_host, per_host, envs_per_host, conda_calls(outcomes)])
    header = ['hosts', 'envs/host', 'stat play s', 'role s', 'role/stat', 'stat s/host', 'role s/host',
              'module runs/host stat', 'module runs/host role', 'conda_env runs/host', 'conda procs']
    return markdown_table(header, rows), metrics


def headline_config(configs: Sequence[SshConfig], envs: int = HEADLINE_ENVS) -> Optional[SshConfig]:
    """The config of the headline figures: ``envs`` envs per host at the largest host count run with it."""
    with_envs = [config for config in configs if config.envs == envs]
    return max(with_envs, key=lambda config: config.hosts) if with_envs else None


def headline_basis(configs: Sequence[SshConfig]) -> SshConfig:
    """The headline config, or the largest config run when there is none with 20 envs."""
    return headline_config(configs) or max(configs, key=lambda config: (config.envs, config.hosts))


def headline(configs: Sequence[SshConfig], samples: Samples) -> Tuple[List[str], Dict[str, object]]:
    """``role_noop_ratio_20`` and ``module_runs_per_host_noop``, the config they come from, and a sentence.

    Without a 20-env config (``--quick``) the ratio is ``not_run`` and module runs come from the largest
    config that was run, named in ``module_runs_per_host_noop_config``.
    """
    chosen = headline_config(configs)
    basis = headline_basis(configs)
    role_runs = samples[basis, 'role']
    ratio = median_seconds(role_runs) / median_seconds(samples[basis.hosts, 'stat'])
    per_host = module_runs_per_host([sample.outcome for sample in role_runs])
    metrics: Dict[str, object] = {
        'role_noop_ratio_20': ratio if chosen else 'not_run',
        'role_noop_ratio_20_hosts': chosen.hosts if chosen else 'not_run',
        'module_runs_per_host_noop': per_host,
        'module_runs_per_host_noop_config': basis.label,
    }
    if chosen:
        verdict = 'within' if ratio <= GOAL_RATIO else 'NOT within'
        text = ('Converged role, %d envs per host, %d hosts: %.2fx a play of one `stat` task per host, %s the goal '
                'of %.0fx; %d module executions per host.'
                % (chosen.envs, chosen.hosts, ratio, verdict, GOAL_RATIO, per_host))
    else:
        text = ('No %d-env config was run (role_noop_ratio_20=not_run); the largest, %s: %.2fx the `stat` play, '
                '%d module executions per host.' % (HEADLINE_ENVS, basis.label, ratio, per_host))
    return [text], metrics


def fact_cache(config: SshConfig, samples: Samples) -> Tuple[str, Dict[str, object]]:
    """The headline config's role run with the fact cache (``role_cached``) against the stat play."""
    runs = samples[config, 'role_cached']
    stat, role = median_seconds(samples[config.hosts, 'stat']), median_seconds(runs)
    per_host = module_runs_per_host([sample.outcome for sample in runs])
    metrics = {
        'role_noop_ratio_fact_cache': role / stat,
        'role_noop_ratio_fact_cache_config': config.label,
        'module_runs_per_host_noop_fact_cache': per_host,
    }
    header = ['hosts', 'envs/host', 'stat play s', 'role s', 'role/stat', 'role s/host', 'module runs/host role']
    return markdown_table(header, [[config.hosts, config.envs, stat, role, role / stat, role / config.hosts,
                                    per_host]]), metrics


def profile(runs: Sequence[Sample], top: int = 10) -> str:
    """The ``top`` tasks by median duration (a task runs on all hosts at once, forks allowing), and all tasks."""
    names = {name for sample in runs for name in sample.outcome.task_seconds}
    medians = {name: statistics.median(sample.outcome.task_seconds.get(name, 0.0) for sample in runs)
               for name in names}
    in_tasks = statistics.median(sum(sample.outcome.task_seconds.values()) for sample in runs)
    rows = [[name, seconds] for name, seconds in sorted(medians.items(), key=lambda item: (-item[1], item[0]))[:top]]
    rows.append(['(all %d tasks; run %.3f s)' % (len(names), median_seconds(list(runs))), in_tasks])
    return markdown_table(['task', 's'], rows)


def drift(config: SshConfig, change: Sample, rerun: SshOutcome) -> Tuple[str, Dict[str, object]]:
    """The run with one drifting env per host, and the same play again."""
    outcome: SshOutcome = change.outcome
    env_runs = sum(outcome.runs_per_host('conda_env').values())
    changes = sum(1 for kind in outcome.conda_calls if kind == 'change')
    metrics = {
        'ssh.drift.config': config.label,
        'ssh.drift.rc': outcome.rc,
        'ssh.drift.changed': outcome.changed,
        'ssh.drift.seconds': change.seconds,
        'ssh.drift.module_runs_per_host': module_runs_per_host([outcome]),
        'ssh.drift.conda_env_runs': env_runs,
        'ssh.drift.conda_env_runs_per_host': module_runs_per_host([outcome], 'conda_env'),
        'ssh.drift.conda_transactions': changes,
        'ssh.drift.rerun_changed': rerun.changed,
        'ssh.drift.rerun_conda_calls': len(rerun.conda_calls),
    }
    header = ['hosts', 'envs/host', 'drifting envs', 'changed', 'run s', 'conda_env runs',
              'conda_env runs/host', 'module runs/host', 'conda transactions', 'rerun changed', 'rerun conda procs']
    rows = [[config.hosts, config.envs, config.hosts, outcome.changed, change.seconds, env_runs,
             metrics['ssh.drift.conda_env_runs_per_host'], metrics['ssh.drift.module_runs_per_host'], changes,
             rerun.changed, len(rerun.conda_calls)]]
    return markdown_table(header, rows), metrics


def warnings(samples: Samples) -> List[str]:
    """A line for every SSH job whose runs were not all ok and unchanged."""
    found = []
    for key, runs in samples.items():
        bad = [sample.outcome for sample in runs if not sample.outcome.converged]
        if bad:
            name = key[0].label if isinstance(key[0], SshConfig) else 'h%d' % key[0]
            found.append('WARNING: ssh %s %s: %d of %d runs not a clean no-op (first: rc=%s changed=%s failed=%s)'
                         % (name, key[1], len(bad), len(runs), bad[0].rc, bad[0].changed, bad[0].failed))
    return found
