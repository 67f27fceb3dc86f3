from __future__ import annotations

import pytest

from benchmarks import summary
from benchmarks.runs import RunOutcome
from benchmarks.scenarios import Config
from benchmarks.timing import Sample

SMALL = Config('small', 1, 5)


def outcome(calls=(), changed=0, rc=0, task_seconds=None):
    return RunOutcome(rc=rc, changed=changed, failed=0, conda_calls=tuple(calls),
                      task_seconds=task_seconds or {})


def samples(*seconds, calls=()):
    return [Sample(value, outcome(calls)) for value in seconds]


def test_comparison_ratios_use_medians_and_count_the_worst_run():
    measured = {
        (SMALL, 'floor'): samples(2.0, 2.2, 9.0),
        (SMALL, 'ours'): samples(2.4, 2.6, 2.5),
        (SMALL, 'naive'): [Sample(5.0, outcome(['solve'] * 5)), Sample(5.0, outcome(['solve'] * 6)),
                           Sample(5.0, outcome(['solve'] * 5))],
    }
    table, metrics = summary.comparison([SMALL], measured, {'small': 55}, 10)
    assert metrics['seconds.small.floor'] == 2.2
    assert metrics['noop_ratio.small'] == pytest.approx(2.5 / 2.2)
    assert metrics['naive_ratio.small'] == pytest.approx(5.0 / 2.5)
    assert metrics['conda_calls_noop.small'] == 0
    assert metrics['conda_calls_naive.small'] == 6
    assert '| small   |      55 | 5 x 10' in table


def test_changes_report_processes_by_kind_and_the_rerun():
    change = Sample(4.0, outcome(['change'] * 5 + ['read'], changed=5))
    _table, metrics = summary.changes({SMALL: (change, outcome())})
    assert metrics['conda_calls_change.small'] == 6
    assert metrics['conda_calls_change_kinds.small'] == 'change:5,read:1'
    assert metrics['conda_calls_rerun.small'] == 0


def test_scaling_names_each_series_point():
    hosts4 = Config('small', 4, 5)
    measured = {(config, variant): samples(1.0 if variant == 'floor' else 1.5)
                for config in (SMALL, hosts4) for variant in ('floor', 'ours')}
    _table, metrics = summary.scaling([SMALL], [SMALL, hosts4], measured)
    assert set(metrics) == {'noop_seconds.envs_5.floor', 'noop_seconds.envs_5.ours',
                            'noop_seconds.hosts_1.floor', 'noop_seconds.hosts_1.ours',
                            'noop_seconds.hosts_4.floor', 'noop_seconds.hosts_4.ours'}


def test_profile_splits_wall_time_into_tasks_and_the_rest():
    runs = [Sample(3.0, outcome(task_seconds={'env a': 0.5, 'env b': 0.5}))]
    table = summary.profile(Config('small', 1, 2), {(Config('small', 1, 2), 'ours'): runs}, ['ours'])
    cells = [cell.strip() for cell in table.splitlines()[-1].split('|')[1:-1]]
    assert cells == ['ours', '3.000', '1.000', '0.500', '2.000']


def test_a_run_that_changed_or_failed_is_warned_about():
    measured = {(SMALL, 'ours'): [Sample(1.0, outcome()), Sample(1.0, outcome(changed=1))]}
    assert summary.warnings(measured) == [
        'WARNING: small-h1-e5 ours: 1 of 2 runs not a clean no-op (first: rc=0 changed=1 failed=0)']
    assert summary.warnings({(SMALL, 'ours'): samples(1.0)}) == []
