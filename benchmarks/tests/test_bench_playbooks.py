from __future__ import annotations

import json

import jinja2
import pytest

from benchmarks import playbooks
from benchmarks.workload import env_specs
from contract.recordings import CONTRACT_DIR

URL = 'file:///srv/conda-channel'
ENVS = env_specs(5)


def tasks(plays):
    assert len(plays) == 1
    play = plays[0]
    assert play['hosts'] == 'all' and play['gather_facts'] is False
    assert play['environment'] == '{{ bench_environment }}'
    return play['tasks']


@pytest.mark.parametrize('variant', ['floor', 'ours', 'naive'])
def test_every_variant_has_one_task_per_env_with_the_same_names(variant):
    names = [task['name'] for task in tasks(playbooks.for_variant(variant, ENVS, URL))]
    assert names == ['env bench00', 'env bench01', 'env bench02', 'env bench03', 'env bench04']


def test_ours_declares_the_env_packages_and_channel():
    task = tasks(playbooks.ours(ENVS, URL))[1]['macfleet.conda.conda_env']
    assert task == {'name': 'bench01', 'packages': list(ENVS[1].packages), 'channels': [URL],
                    'override_channels': True, 'executable': '{{ bench_conda_exe }}'}


def test_floor_stats_the_env_prefix():
    assert tasks(playbooks.floor(ENVS))[2] == {
        'name': 'env bench02', 'ansible.builtin.stat': {'path': '{{ bench_envs_dir }}/bench02'}}


def test_naive_is_one_dry_run_with_all_specs():
    task = tasks(playbooks.naive(ENVS, URL))[0]
    argv = task['ansible.builtin.command']['argv']
    assert argv[:5] == ['{{ bench_conda_exe }}', 'install', '--dry-run', '--json', '-n']
    assert argv[5] == 'bench00'
    assert argv[-len(ENVS[0].packages):] == list(ENVS[0].packages)
    assert ['-c', URL] == argv[argv.index('-c'):argv.index('-c') + 2]


def recorded_stdout(stem):
    return json.dumps(json.loads((CONTRACT_DIR / ('%s.json' % stem)).read_text()), indent=2)


@pytest.mark.parametrize('stem, changed', [
    ('08_dryrun_numpy_pinned_satisfied', False),  # "All requested packages already installed."
    ('11_dryrun_toolz_new', True),                # a plan with LINK actions
])
def test_naive_changed_when_reads_condas_message(stem, changed):
    expression = tasks(playbooks.naive(ENVS, URL))[0]['changed_when']
    rendered = jinja2.Environment().compile_expression(expression)(dry_run={'stdout': recorded_stdout(stem)})
    assert rendered is changed


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError):
        playbooks.for_variant('fast', ENVS, URL)
