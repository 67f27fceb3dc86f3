"""The SSH figures: medians, ratios to the one-stat play, module executions per host, the headline lines."""
from __future__ import annotations

import pytest

from benchmarks import ssh_summary
from benchmarks.report import metric_lines
from benchmarks.ssh_fleet import SshConfig, SshOutcome
from benchmarks.timing import Sample


def outcome(per_host=None, changed=0, calls=(), rc=0, task_seconds=None):
    return SshOutcome(rc=rc, changed=changed, failed=0, module_runs=per_host or {}, conda_calls=tuple(calls),
                      task_seconds=task_seconds or {})


def role_counts(hosts, envs, others=7):
    return {'mac%02d' % index: {'conda_env': envs, 'stat': others} for index in range(hosts)}


def stat_counts(hosts):
    return {'mac%02d' % index: {'stat': 1} for index in range(hosts)}


def measured(configs, role_seconds, stat_seconds):
    samples = {}
    for config in configs:
        samples[config.hosts, 'stat'] = [Sample(s, outcome(stat_counts(config.hosts))) for s in stat_seconds]
        samples[config, 'role'] = [Sample(s * config.envs, outcome(role_counts(config.hosts, config.envs)))
                                   for s in role_seconds]
    return samples


FULL = [SshConfig(hosts, envs) for hosts in (1, 4, 16) for envs in (1, 5, 20)]


def test_each_row_is_the_role_against_the_stat_play_of_its_host_count():
    configs = [SshConfig(4, 5)]
    samples = measured(configs, role_seconds=[1.0, 1.2, 9.0], stat_seconds=[2.0, 2.5, 3.0])
    table, metrics = ssh_summary.noop(configs, samples)
    assert metrics['ssh.seconds.h4_e5.stat'] == 2.5
    assert metrics['ssh.seconds.h4_e5.role'] == pytest.approx(6.0)
    assert metrics['ssh.role_ratio.h4_e5'] == pytest.approx(6.0 / 2.5)
    assert metrics['ssh.seconds_per_host.h4_e5.role'] == pytest.approx(1.5)
    assert metrics['ssh.module_runs_per_host.h4_e5'] == 12
    assert metrics['ssh.conda_env_runs_per_host.h4_e5'] == 5
    assert metrics['ssh.conda_calls_noop.h4_e5'] == 0
    cells = [cell.strip() for cell in table.splitlines()[-1].split('|')[1:-1]]
    assert cells == ['4', '5', '2.500', '6.000', '2.400', '0.625', '1.500', '1', '12', '5', '0']


def test_module_runs_per_host_are_the_most_any_host_had_in_any_run():
    runs = [outcome({'mac00': {'stat': 2}, 'mac01': {'stat': 3, 'conda_env': 1}}), outcome({'mac00': {'stat': 1}})]
    assert ssh_summary.module_runs_per_host(runs) == 4
    assert ssh_summary.module_runs_per_host(runs, 'conda_env') == 1
    assert ssh_summary.module_runs_per_host([outcome()]) == 0


def test_the_headline_is_20_envs_at_the_largest_host_count():
    samples = measured(FULL, role_seconds=[0.5], stat_seconds=[4.0])
    sentences, metrics = ssh_summary.headline(FULL, samples)
    assert metrics['role_noop_ratio_20'] == pytest.approx(10.0 / 4.0)
    assert metrics['role_noop_ratio_20_hosts'] == 16
    assert metrics['module_runs_per_host_noop'] == 27
    assert metrics['module_runs_per_host_noop_config'] == 'h16_e20'
    assert 'role_noop_ratio_20=2.500' in metric_lines(metrics)
    assert 'module_runs_per_host_noop=27' in metric_lines(metrics)
    assert sentences == ['Converged role, 20 envs per host, 16 hosts: 2.50x a play of one `stat` task per host, '
                         'NOT within the goal of 2x; 27 module executions per host.']


def test_the_headline_within_the_goal_says_so():
    configs = [SshConfig(1, 20)]
    samples = measured(configs, role_seconds=[0.15], stat_seconds=[2.0])
    sentences, metrics = ssh_summary.headline(configs, samples)
    assert metrics['role_noop_ratio_20'] == pytest.approx(1.5)
    assert 'within the goal of 2x' in sentences[0] and 'NOT' not in sentences[0]


def test_without_20_envs_the_ratio_is_not_run_and_the_basis_is_named():
    quick = [SshConfig(1, 1), SshConfig(1, 5)]
    samples = measured(quick, role_seconds=[1.0], stat_seconds=[2.0])
    sentences, metrics = ssh_summary.headline(quick, samples)
    assert metrics['role_noop_ratio_20'] == 'not_run'
    assert metrics['module_runs_per_host_noop'] == 12
    assert metrics['module_runs_per_host_noop_config'] == 'h1_e5'
    assert 'h1_e5: 2.50x' in sentences[0]


def test_the_drift_run_counts_conda_env_runs_and_transactions():
    config = SshConfig(4, 20)
    change = Sample(30.0, outcome(role_counts(4, 20), changed=4, calls=['read'] * 4 + ['change'] * 4))
    table, metrics = ssh_summary.drift(config, change, outcome(role_counts(4, 20), calls=['read'] * 4))
    assert metrics['ssh.drift.changed'] == 4
    assert metrics['ssh.drift.conda_env_runs'] == 80
    assert metrics['ssh.drift.conda_env_runs_per_host'] == 20
    assert metrics['ssh.drift.conda_transactions'] == 4
    assert metrics['ssh.drift.rerun_changed'] == 0 and metrics['ssh.drift.rerun_conda_calls'] == 4
    cells = [cell.strip() for cell in table.splitlines()[-1].split('|')[1:-1]]
    assert cells == ['4', '20', '4', '4', '30.000', '80', '20', '27', '4', '0', '4']


def test_the_profile_lists_the_slowest_tasks_by_median_and_all_tasks_together():
    runs = [Sample(10.0, outcome(task_seconds={'a': 1.0, 'b': 3.0, 'c': 0.5})),
            Sample(12.0, outcome(task_seconds={'a': 2.0, 'b': 5.0, 'c': 0.5})),
            Sample(11.0, outcome(task_seconds={'a': 1.5, 'b': 4.0, 'c': 0.5}))]
    lines = ssh_summary.profile(runs, top=2).splitlines()[2:]
    rows = [[cell.strip() for cell in line.split('|')[1:-1]] for line in lines]
    assert rows == [['b', '4.000'], ['a', '1.500'], ['(all 3 tasks; run 11.000 s)', '6.000']]


def test_an_ssh_run_that_changed_or_failed_is_warned_about():
    samples = {(1, 'stat'): [Sample(1.0, outcome(rc=4))],
               (SshConfig(1, 5), 'role'): [Sample(1.0, outcome()), Sample(1.0, outcome(changed=2))]}
    assert ssh_summary.warnings(samples) == [
        'WARNING: ssh h1 stat: 1 of 1 runs not a clean no-op (first: rc=4 changed=0 failed=0)',
        'WARNING: ssh h1_e5 role: 1 of 2 runs not a clean no-op (first: rc=0 changed=2 failed=0)']


def test_the_fact_cache_run_is_the_headline_config_against_its_stat_play():
    config = SshConfig(16, 20)
    samples = {(16, 'stat'): [Sample(s, outcome(stat_counts(16))) for s in (8.0, 9.0, 10.0)],
               (config, 'role_cached'): [Sample(s, outcome({'mac00': {'conda_info': 1}, 'mac01': {'conda_info': 1}}))
                                         for s in (14.0, 12.0, 30.0)]}
    table, metrics = ssh_summary.fact_cache(config, samples)
    assert metrics['role_noop_ratio_fact_cache'] == pytest.approx(14.0 / 9.0)
    assert metrics['role_noop_ratio_fact_cache_config'] == 'h16_e20'
    assert metrics['module_runs_per_host_noop_fact_cache'] == 1
    cells = [cell.strip() for cell in table.splitlines()[-1].split('|')[1:-1]]
    assert cells == ['16', '20', '9.000', '14.000', '1.556', '0.875', '1']
