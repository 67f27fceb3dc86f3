"""Finding conda, parsing its --json output (noise included) and turning failures into one paragraph."""
from __future__ import annotations

import json

import pytest

from conda_testbed.session import RECORDINGS
from ansible_collections.macfleet.conda.plugins.module_utils._conda_runner import (
    INSTALL_LOCATIONS, CondaError, CondaRunner, describe_failure, exception_from_text, find_conda, parse_json)

CONTRACT = RECORDINGS


def recorded(stem):
    """``(rc, stdout, stderr)`` of one recording of real conda."""
    head, rest = (CONTRACT / (stem + '.txt')).read_text(encoding='utf-8').split('----- stdout -----\n', 1)
    stdout, stderr = rest.split('----- stderr -----\n', 1)
    return int(head.split('# exit code: ', 1)[1].split('\n', 1)[0]), stdout, stderr


# Commands the modules run print one JSON object (``conda list --json``'s array is never parsed here).
JSON_RECORDINGS = sorted(path.stem for path in CONTRACT.glob('*.json')
                         if path.with_suffix('.txt').exists() and json.loads(path.read_text()).__class__ is dict)


@pytest.mark.parametrize('stem', JSON_RECORDINGS)
def test_parse_json_reads_every_recorded_result(stem):
    _rc, stdout, _stderr = recorded(stem)
    assert parse_json(stdout) == json.loads((CONTRACT / (stem + '.json')).read_text())


def test_parse_json_skips_progress_records_and_text_noise():
    _rc, stdout, _stderr = recorded('05_install_numpy_first')
    noisy = ('Collecting package metadata: done\n'
             '{"fetch": "numpy-1.19.2", "finished": false, "maxval": 1, "progress": 0.5}\n\x00'
             '{"fetch": "numpy-1.19.2", "finished": true, "maxval": 1, "progress": 1.0}\n\x00' + stdout)
    assert parse_json(noisy) == json.loads(stdout)


@pytest.mark.parametrize('stdout', ['', 'Solving environment: done\n', '{broken', '[1, 2]'])
def test_parse_json_without_a_document_is_none(stdout):
    assert parse_json(stdout) is None


@pytest.mark.parametrize('stem, name, message', [
    ('47_err_bad_spec_gt_gt_json', 'InvalidMatchSpec', "Invalid spec 'numpy>>1': Invalid version '>>1': invalid operator"),
    ('50_err_bad_spec_too_many_eq_json', 'InvalidMatchSpec', None),
    ('51_err_bad_spec_bracket_json', 'InvalidMatchSpec', None),
    ('33_remove_numpy_again_text', 'PackagesNotFoundInPrefixError', None),
])
def test_exception_from_traceback_or_text(stem, name, message):
    _rc, _stdout, stderr = recorded(stem)
    found_name, found_message = exception_from_text(stderr)
    assert found_name == name
    if message:
        assert found_message == message


ERRORS = [
    ('52_err_nonexistent_pkg_json', 'PackagesNotFoundInChannelsError', ['nosuchpkg', 'file:///srv/conda-channel/noarch']),
    ('55_err_unsatisfiable_json', 'UnsatisfiableError', ['numpy=1.19.2 -> python']),
    ('56_err_nonexistent_env_install_json', 'EnvironmentLocationNotFound', ['/opt/miniconda3/envs/nosuchenv']),
    ('63_err_invalid_channel_json', 'UnavailableInvalidChannel', ['file:///srv/no-such-channel', 'UNAVAILABLE']),
    ('118_env_create_nodefaults_json', 'CondaHTTPError',
     ['https://conda.anaconda.org/nodefaults/linux-64/current_repodata.json', 'HTTP 000 CONNECTION FAILED',
      'check its URL']),
    ('64_err_override_without_channel_json', 'ArgumentError', ['--override-channels']),
    ('68_err_remove_pkg_not_installed_json', 'PackagesNotFoundInPrefixError', ['pandas']),
    ('69_err_remove_base_all', 'CondaEnvironmentError', ['Cannot remove current environment']),
    ('50_err_bad_spec_too_many_eq_json', 'InvalidMatchSpec', ['numpy=1.19.2=foo=bar']),
]


@pytest.mark.parametrize('stem, name, fragments', ERRORS)
def test_describe_failure_is_one_paragraph_naming_the_culprit(stem, name, fragments):
    rc, stdout, stderr = recorded(stem)
    assert rc != 0
    found, _message, story = describe_failure('conda install', parse_json(stdout), stderr)
    assert found == name
    assert '\n' not in story and 'Traceback' not in story and story.startswith('conda install failed: ')
    for fragment in fragments:
        assert fragment in story


def test_describe_failure_without_any_clue():
    name, _message, story = describe_failure('conda install', None, 'Segmentation fault\n')
    assert name is None
    assert story == 'conda install failed: conda printed no JSON result: Segmentation fault'


class FakeModule(object):
    def __init__(self, answer):
        self.answer = answer
        self.argv = None

    def run_command(self, argv, check_rc=False):
        self.argv = argv
        return self.answer


def test_runner_builds_one_argv_list_and_returns_the_document():
    module = FakeModule(recorded('05_install_numpy_first'))
    document = CondaRunner(module, '/opt/miniconda3/bin/conda').install(
        '/opt/miniconda3/envs/myenv', ['numpy=1.19.2', 'toolz>=0.11,<1'], ['file:///srv/conda-channel'], True)
    assert module.argv == ['/opt/miniconda3/bin/conda', 'install', '--json', '-y', '-p', '/opt/miniconda3/envs/myenv',
                           '--override-channels', '-c', 'file:///srv/conda-channel', 'numpy=1.19.2', 'toolz>=0.11,<1']
    assert document['actions']['LINK'][0]['name'] == 'numpy'


@pytest.mark.parametrize('call, expected', [
    (lambda r: r.install('/p', ['x'], dry_run=True), ['install', '--json', '--dry-run', '-p', '/p', 'x']),
    (lambda r: r.create(['python=3.9'], name='myenv'), ['create', '--json', '-y', '-n', 'myenv', 'python=3.9']),
    (lambda r: r.remove('/p', ['numpy']), ['remove', '--json', '-y', '-p', '/p', 'numpy']),
    (lambda r: r.update_all('/p', dry_run=True), ['update', '--json', '--dry-run', '-p', '/p', '--all']),
    (lambda r: r.remove_env('/p'), ['remove', '--all', '-y', '--json', '-p', '/p']),
])
def test_every_changing_command_uses_json(call, expected):
    module = FakeModule((0, '{"success": true}', ''))
    call(CondaRunner(module, 'conda'))
    assert module.argv[1:] == expected


def test_runner_raises_conda_error_with_details():
    module = FakeModule(recorded('54_err_nonexistent_version_json'))
    with pytest.raises(CondaError) as caught:
        CondaRunner(module, 'conda').install('/p', ['numpy=9.9'])
    assert caught.value.exception_name == 'PackagesNotFoundInChannelsError'
    assert caught.value.as_result()['rc'] == 1
    assert 'numpy=9.9' in str(caught.value)


def test_runner_treats_success_false_as_failure():
    module = FakeModule((0, '{"success": false, "error": "something odd"}', ''))
    with pytest.raises(CondaError):
        CondaRunner(module, 'conda').install('/p', ['x'])


def _executable(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('#!/bin/sh\n')
    path.chmod(0o755)
    return str(path)


def test_find_conda_order(tmp_path, monkeypatch):
    home = tmp_path / 'home'
    option = _executable(tmp_path / 'custom' / 'bin' / 'conda')
    from_env = _executable(tmp_path / 'env' / 'bin' / 'conda')
    in_home = _executable(home / 'miniforge3' / 'condabin' / 'conda')
    environ = {'HOME': str(home), 'CONDA_EXE': from_env}
    assert find_conda(option, environ) == option
    assert find_conda(None, environ) == from_env
    assert find_conda(None, {'HOME': str(home)}) == in_home
    assert find_conda(None, {'HOME': str(tmp_path / 'nobody')}, which=lambda name: '/usr/bin/' + name) == '/usr/bin/conda'
    assert find_conda(str(tmp_path / 'missing'), environ) is None


def test_install_locations_cover_the_documented_ones():
    for location in ('/opt/miniconda3', '~/miniconda3', '/opt/homebrew/Caskroom/miniconda/base',
                     '/usr/local/miniconda3', '/opt/conda', '~/miniforge3', '/opt/homebrew/Caskroom/miniforge/base'):
        assert location in INSTALL_LOCATIONS


def test_describe_failure_of_a_non_conda_names_executable_and_exit_code():
    _name, _message, story = describe_failure('conda install', None, '', '/bin/true', 0)
    assert story.startswith('conda install failed: /bin/true printed no JSON result (exit code 0; stderr was empty).')


def test_describe_failure_of_a_killed_conda_names_the_signal_and_masks_stderr():
    stderr = 'a\nb\nfetching https://u:pw@h/t/SECRET123/c\nd\n'
    _name, _message, story = describe_failure('conda install', None, stderr, '/opt/c/bin/conda', -9)
    assert 'killed by signal SIGKILL (9)' in story
    assert 'b | fetching' in story and '| d' in story and 'a |' not in story
    assert 'SECRET123' not in story and 'pw' not in story
