"""A prefix whose conda-meta/ holds a file conda cannot take for a record (recordings 72-76, 125).

conda reads every ``conda-meta/*.json`` as ``<name>-<version>-<build>.json``; the file 0.1.0 of the
role wrote there made every command that loads the prefix crash. The stand-in must fail the same
way, or a test that leaves such a file behind passes where real conda breaks.
"""
from __future__ import annotations

import json

import pytest

from comparison import Rules, compare
from recordings import load_all, parse, CONTRACT_DIR

FOREIGN = {'distribution': 'miniconda', 'installer': 'Miniconda3-latest-Linux-x86_64.sh',
           'tos_accepted': []}
RECORDED = {stem: rec for stem, rec in load_all().items() if 72 <= rec.number <= 76}
RECORDED['125_err_foreign_json_in_base_create_env'] = parse(
    CONTRACT_DIR / '125_err_foreign_json_in_base_create_env.txt')
# The report's traceback and the machine's `conda info` are conda's internals: keys are compared,
# and the error itself (exception name and message) by value.
REPORT = Rules(ignore_values={'traceback', 'conda_info', 'command'})
RULES = {'76_foreign_json_in_base_env_list_json': Rules(values=False)}


@pytest.fixture(scope='module')
def broken_base(module_bed):
    for name in ('acc_f', 'acc_g'):
        created = module_bed.run(['create', '--json', '-y', '-n', name, 'python=3.9',
                                  '--override-channels', '-c', module_bed.channel_url])
        assert created.returncode == 0, created.stdout + created.stderr
    (module_bed.root / 'conda-meta' / 'macfleet-miniconda.json').write_text(json.dumps(FOREIGN))
    return module_bed


@pytest.mark.parametrize('stem', sorted(RECORDED))
def test_foreign_file_fails_as_conda_does(broken_base, stem):
    recorded = RECORDED[stem]
    result = broken_base.run(broken_base.rewrite(recorded.argv))
    problems = compare(recorded, result.returncode, result.stdout, result.stderr,
                       broken_base.rewrite, RULES.get(stem, REPORT))
    assert not problems, '\n'.join(problems)


def test_the_report_names_the_command_and_carries_conda_info(broken_base):
    result = broken_base.run(['list', '--json', '-n', 'base'])
    body = json.loads(result.stdout)
    assert body['command'] == '%s list --json -n base' % (broken_base.root / 'bin' / 'conda')
    assert body['conda_info']['root_prefix'] == str(broken_base.root)
    assert 'Traceback (most recent call last)' in body['traceback']


def test_a_record_that_is_not_json_is_a_corrupted_environment(bed):
    created = bed.run(['create', '--json', '-y', '-n', 'c', 'python=3.9', 'toolz',
                       '--override-channels', '-c', bed.channel_url])
    assert created.returncode == 0, created.stderr
    meta = bed.root / 'envs' / 'c' / 'conda-meta'
    record = next(meta.glob('toolz-*.json'))
    record.write_text(record.read_text()[:40])
    result = bed.run(['list', '--json', '-n', 'c'])
    body = json.loads(result.stdout)
    assert result.returncode == 1
    assert body['exception_name'] == 'CorruptedEnvironmentError'
    assert body['corrupted_file'] == str(record)
    assert body['environment_location'] == str(bed.root / 'envs' / 'c')


def test_records_conda_ignores_are_ignored(bed):
    """``._*.json`` (macOS resource forks) are skipped; a record whose fields differ from its file
    name is ignored with a warning (conda/core/prefix_data.py, _load_single_record)."""
    created = bed.run(['create', '--json', '-y', '-n', 'i', 'python=3.9', 'toolz',
                       '--override-channels', '-c', bed.channel_url])
    assert created.returncode == 0, created.stderr
    meta = bed.root / 'envs' / 'i' / 'conda-meta'
    (meta / '._toolz-0.12.0-pyhbdf259b_0.json').write_bytes(b'\x00\x05\x16\x07 not json')
    toolz = next(meta.glob('toolz-*.json'))
    toolz.rename(meta / 'toolz-9.9-x_0.json')
    result = bed.run(['list', '--json', '-n', 'i'])
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'toolz' not in [p['name'] for p in json.loads(result.stdout)]
    assert 'Ignoring malformed prefix record at: %s' % (meta / 'toolz-9.9-x_0.json') in result.stderr


def test_a_transaction_into_another_env_fails_when_base_is_broken(bed):
    """Checked against real conda 26.7.1 too: create and env remove fail, a dry run does not."""
    bed.run(['create', '--json', '-y', '-n', 'acc', 'python=3.9', '--override-channels', '-c',
             bed.channel_url])
    (bed.root / 'conda-meta' / 'macfleet-miniconda.json').write_text(json.dumps(FOREIGN))
    result = bed.run(['create', '--json', '-y', '-n', 'other', 'python=3.9',
                      '--override-channels', '-c', bed.channel_url])
    assert result.returncode == 1
    assert json.loads(result.stdout)['exception_name'] == 'ValueError'
    removed = bed.run(['env', 'remove', '-y', '--json', '-n', 'acc'])
    assert removed.returncode == 1 and (bed.root / 'envs' / 'acc' / 'conda-meta').is_dir()
    dry = bed.run(['create', '--json', '--dry-run', '-n', 'other', 'python=3.9',
                   '--override-channels', '-c', bed.channel_url])
    assert dry.returncode == 0, dry.stdout   # a dry run plans without verifying the transaction
