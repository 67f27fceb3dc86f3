from __future__ import annotations

from benchmarks.scenarios import BASE_ENVS, Config, comparisons, hosts_needed, measured_variants, scaling


def test_scaling_series_share_the_base_config_once():
    series = scaling('small', [1, 5, 20], [1, 4, 16])
    assert series == [Config('small', 1, 1), Config('small', 1, 5), Config('small', 1, 20),
                      Config('small', 4, 5), Config('small', 16, 5)]


def test_a_compared_config_keeps_all_three_variants_even_when_also_scaled():
    compared = comparisons(['small', 'large'])
    plan = measured_variants(compared, scaling('small', [1, 5], [1, 4]))
    assert plan[Config('small', 1, BASE_ENVS)] == ('floor', 'ours', 'naive')
    assert plan[Config('large', 1, BASE_ENVS)] == ('floor', 'ours', 'naive')
    assert plan[Config('small', 4, BASE_ENVS)] == ('floor', 'ours')
    assert len(plan) == 4


def test_first_host_holds_the_most_envs_others_the_base_set():
    configs = scaling('small', [1, 5, 20], [1, 4, 16]) + comparisons(['large'])
    sizes = hosts_needed(configs, 'small')
    assert sizes == [20] + [5] * 15
    assert hosts_needed(configs, 'large') == [5]
