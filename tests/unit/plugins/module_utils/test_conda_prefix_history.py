"""conda_history: requested specs from conda-meta/history, checked against real conda's history files."""
from __future__ import annotations

import time

import pytest

from conda_testbed.session import RECORDINGS
from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import (
    last_history_time, read_history, requested_specs, user_requests)

CONTRACT = RECORDINGS


def _recorded_dependencies(stem):
    """The dependency lines of a recorded ``conda env export``."""
    stdout = (CONTRACT / (stem + '.txt')).read_text().split('----- stdout -----\n')[1].split('----- stderr')[0]
    return [line[4:] for line in stdout.splitlines() if line.startswith('  - ') and '://' not in line]


def _installed(folder):
    return [path.name.rsplit('-', 2)[0] for path in (CONTRACT / folder).glob('*.json')]


def _history(folder):
    return (CONTRACT / folder / 'history').read_text()


def test_matches_conda_env_export_from_history_in_order():
    folder = 'conda-meta_myenv_after_installs'
    specs = requested_specs(_history(folder), _installed(folder))
    assert list(specs.values()) == _recorded_dependencies('21_env_export_from_history')


@pytest.mark.parametrize('folder, expected', [
    ('conda-meta_myenv_after_create', {'python': 'python=3.9'}),
    ('conda-meta_myenv_after_installs', {'python': 'python=3.9', 'numpy': 'numpy=1.19.2', 'toolz': 'toolz=0.11.2'}),
    # update --all neutered the toolz pin, then numpy was removed
    ('conda-meta_myenv_after_remove', {'python': 'python=3.9', 'toolz': 'toolz'}),
])
def test_recorded_histories(folder, expected):
    assert requested_specs(_history(folder), _installed(folder)) == expected


def test_read_history_of_a_prefix(tmp_path):
    assert read_history(str(tmp_path)) == ''
    (tmp_path / 'conda-meta').mkdir()
    (tmp_path / 'conda-meta' / 'history').write_text(_history('conda-meta_myenv_after_create'))
    assert 'python=3.9' in read_history(str(tmp_path))


def _block(cmd, *spec_lines):
    lines = ['==> 2024-01-01 00:00:00 <==']
    if cmd:
        lines.append('# cmd: /opt/miniconda3/bin/conda %s' % cmd)
    return '\n'.join(lines + list(spec_lines)) + '\n'


SYNTHETIC = [
    ('last request wins',
     _block('install numpy=1.19', "# update specs: ['numpy=1.19']")
     + _block('install numpy=1.20', "# update specs: ['numpy=1.20']"),
     ['numpy'], {'numpy': 'numpy=1.20'}),
    ('removed then asked again',
     _block('install a', "# update specs: ['a', 'b']") + _block('remove a', "# remove specs: ['a']")
     + _block('install a=2', "# install specs: ['a=2']"),
     ['a', 'b'], {'b': 'b', 'a': 'a=2'}),
    ('removal of a channel-qualified name',
     _block('install', "# update specs: ['conda-forge::numpy>=1.20']") + _block('remove', "# remove specs: ['numpy']"),
     ['numpy'], {}),
    ('not installed any more',
     _block('install', "# update specs: ['python=3.9', 'gone']"), ['python'], {'python': 'python=3.9'}),
    ('block without a command is ignored',
     _block(None, "# update specs: ['ghost']") + _block('install x', "# update specs: ['x']"),
     ['ghost', 'x'], {'x': 'x'}),
    ('conda < 4.5 comma format',
     _block('install', '# install specs: python>=3.5.1,jupyter >=1.0.0,<2.0,matplotlib'),
     ['python', 'jupyter', 'matplotlib'],
     {'python': 'python>=3.5.1', 'jupyter': 'jupyter >=1.0.0,<2.0', 'matplotlib': 'matplotlib'}),
    ('specs ending in @ are dropped',
     _block('install', "# update specs: ['numpy@', 'toolz']"), ['numpy', 'toolz'], {'toolz': 'toolz'}),
    ('neutered spec replaces the pin',
     _block('install', "# update specs: ['numpy=1.19']") + _block('update --all', "# neutered specs: ['numpy']"),
     ['numpy'], {'numpy': 'numpy'}),
    ('channel and url prefixes keep their text',
     _block('install', "# update specs: ['conda-forge::numpy=1.26']"), ['numpy'],
     {'numpy': 'conda-forge::numpy=1.26'}),
    ('package lines and garbage are not specs',
     _block('install', '+file:///c/noarch::x-1-0', "# update specs: ['x']", 'not a comment'), ['x'], {'x': 'x'}),
    ('empty history', '', ['python'], {}),
]


@pytest.mark.parametrize('text, installed, expected', [case[1:] for case in SYNTHETIC],
                         ids=[case[0] for case in SYNTHETIC])
def test_requested_specs(text, installed, expected):
    assert requested_specs(text, installed) == expected


def test_user_requests_keep_each_block_in_order():
    requests = user_requests(_history('conda-meta_myenv_after_remove'))
    assert [request['add'] for request in requests][:3] == [['python=3.9'], ['numpy=1.19.2'], ['toolz=0.11.2']]
    assert requests[3] == {'add': [], 'remove': [], 'neutered': ['numpy', 'toolz']}
    assert requests[4] == {'add': [], 'remove': ['numpy'], 'neutered': []}


@pytest.mark.parametrize('zone, stamp', [('UTC', 1796140031), ('America/Los_Angeles', 1796168831)])
def test_the_last_history_header_is_the_hosts_local_time(monkeypatch, zone, stamp):
    # conda writes time.strftime('%Y-%m-%d %H:%M:%S') of the host's zone; Pacific is UTC-8 in December
    monkeypatch.setenv('TZ', zone)
    time.tzset()
    try:
        history = '==> 2026-11-01 10:00:00 <==\n+a\n==> 2026-12-01 15:47:11 <==\n# cmd: conda install b\n+b\n'
        assert last_history_time(history) == stamp
        assert last_history_time('==> 2026-13-01 15:47:11 <==\n') is None  # no 13th month
        assert last_history_time('no header\n') is None
        assert last_history_time('==> 2026-12-01 15:47:11 <==\n==> not a date <==\n') == stamp  # the last dated one
    finally:
        monkeypatch.undo()
        time.tzset()
