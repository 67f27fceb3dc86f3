"""Replays the recorded scenario (00-71) against the stand-in and compares each step."""
from __future__ import annotations

import pytest

from comparison import Rules, compare
from prefix_snapshot import snapshot
from recordings import load_all

# 72 on are scenarios of their own: a foreign conda-meta file (test_foreign_record.py), pip,
# config vars and @EXPLICIT locks (replayed once the stand-in has them).
RECORDINGS = {stem: rec for stem, rec in load_all().items() if rec.number <= 71}
NOT_REPLAYED: set = set()
RULES = {
    # info reports the machine: compare its keys, not the values.
    '01_info_json': Rules(values=False),
    # rattler explains conflicts in its own words; the shape and exception are still compared.
    '55_err_unsatisfiable_json': Rules(ignore_values={'error', 'message', 'unsatisfiable'}),
    # conda writes `export --format explicit` in an order it takes from a set.
    '26_export_explicit': Rules(unordered_lines=True),
}
SNAPSHOT_AFTER = {'03_create_myenv': 'after_create', '26_export_explicit': 'after_installs',
                  '33_remove_numpy_again_text': 'after_remove'}
STEPS = [stem for stem in RECORDINGS if stem not in NOT_REPLAYED]


@pytest.fixture(scope='module')
def scenario(module_bed):
    """Runs every step once, in order, in one conda root; keeps results and conda-meta copies."""
    results, snapshots = {}, {}
    for stem in STEPS:
        results[stem] = module_bed.run(module_bed.rewrite(RECORDINGS[stem].argv))
        if stem in SNAPSHOT_AFTER:
            snapshots[SNAPSHOT_AFTER[stem]] = snapshot(module_bed.root / 'envs' / 'myenv')
    return module_bed, results, snapshots


@pytest.mark.parametrize('stem', STEPS)
def test_step_matches_recording(scenario, stem):
    bed, results, _snapshots = scenario
    result = results[stem]
    problems = compare(RECORDINGS[stem], result.returncode, result.stdout, result.stderr,
                       bed.rewrite, RULES.get(stem))
    assert not problems, '\n'.join(problems)


@pytest.mark.parametrize('state', sorted(set(SNAPSHOT_AFTER.values())))
def test_prefix_records_match_recording(scenario, state):
    from comparison import compare_json
    from recordings import CONTRACT_DIR

    bed, _results, snapshots = scenario
    recorded = _recorded_meta(CONTRACT_DIR / f'conda-meta_myenv_{state}')
    actual = snapshots[state]
    assert sorted(actual) == sorted(recorded)
    for name, expected in recorded.items():
        if name.endswith('.json'):
            # paths_data/files list the package payload, which differs per channel build
            rules = Rules(ignore_values={'files', 'paths_data'})
            problems = compare_json(bed.rewrite(expected), actual[name], rules, name)
            assert not problems, '\n'.join(problems)
    assert _history_shape(actual['history']) == _history_shape(bed.rewrite(recorded['history']))
    float(actual['created_at'])


def _recorded_meta(folder):
    import json

    return {p.name: (json.loads(p.read_text()) if p.suffix == '.json' else p.read_text())
            for p in sorted(folder.iterdir())}


def _history_shape(text: str) -> list:
    """History without dates and with the command's argv0 normalised."""
    lines = []
    for line in text.splitlines():
        if line.startswith('==> '):
            lines.append('==> DATE <==')
        elif line.startswith('# cmd: '):
            lines.append('# cmd: conda ' + line.split(' ', 3)[3])
        else:
            lines.append(line)
    return lines
