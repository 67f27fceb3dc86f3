"""Interleaved repetitions: every measured job runs once per round, in an order that rotates.

Running the variants side by side, rather than one after the other, lets slow spells of the
machine hit all of them alike; rotating the order keeps any job from always following another.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Hashable, Iterable, List, Mapping, Optional


@dataclass(frozen=True)
class Sample:
    """One timed run of a job: wall seconds and whatever the job returned."""

    seconds: float
    outcome: Any


def rotated(keys: List[Hashable], round_index: int) -> List[Hashable]:
    shift = round_index % len(keys) if keys else 0
    return keys[shift:] + keys[:shift]


def interleaved(jobs: Mapping[Hashable, Callable[[], Any]], runs: int, warmup: Iterable[Hashable] = (),
                clock: Callable[[], float] = time.perf_counter,
                on_round: Optional[Callable[[int], None]] = None) -> Dict[Hashable, List[Sample]]:
    """Run the ``warmup`` jobs once untimed, then every job once per timed round; samples per job.

    Warming up a few jobs is enough: all of them share the interpreter, Ansible and the module code
    whose first load (page cache, bytecode) would otherwise weigh on the first round only.
    """
    for key in warmup:
        jobs[key]()
    keys = list(jobs)
    samples: Dict[Hashable, List[Sample]] = {key: [] for key in keys}
    for round_index in range(runs):
        for key in rotated(keys, round_index):
            start = clock()
            outcome = jobs[key]()
            samples[key].append(Sample(clock() - start, outcome))
        if on_round:
            on_round(round_index + 1)
    return samples


def median_seconds(samples: List[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)
