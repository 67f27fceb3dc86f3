from __future__ import annotations

import itertools

from benchmarks.timing import Sample, interleaved, median_seconds, rotated


def test_rotation_moves_the_first_job_each_round():
    assert [rotated(['a', 'b', 'c'], index) for index in range(4)] == [
        ['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['a', 'b', 'c']]


def test_interleaved_warms_up_untimed_then_times_each_job_once_per_round():
    order, rounds = [], []
    ticks = itertools.count()

    def job(key):
        def run():
            order.append(key)
            return key.upper()
        return run

    samples = interleaved({'a': job('a'), 'b': job('b')}, runs=3, warmup=['b'], clock=lambda: next(ticks),
                          on_round=rounds.append)
    assert order == ['b', 'a', 'b', 'b', 'a', 'a', 'b']
    assert rounds == [1, 2, 3]
    assert [sample.outcome for sample in samples['a']] == ['A', 'A', 'A']
    # The fake clock ticks once at the start and once at the end of each timed run.
    assert all(sample.seconds == 1 for sample in samples['a'] + samples['b'])


def test_median_of_samples():
    assert median_seconds([Sample(3.0, None), Sample(1.0, None), Sample(10.0, None)]) == 3.0
