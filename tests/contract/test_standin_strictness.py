"""Where the stand-in once was kinder than conda, and now refuses as conda does.

No recording shows these; each was run against conda 26.7.1 (the real-conda build) and its
exception, exit code and message are asserted here. conda's source file is named in each test.
"""
from __future__ import annotations

import json

import pytest


def create(bed, name='s', *specs):
    result = bed.run(['create', '--json', '-y', '-n', name, 'python=3.9', *specs,
                      '--override-channels', '-c', bed.channel_url])
    assert result.returncode == 0, result.stdout + result.stderr
    return bed.root / 'envs' / name


def error(result):
    assert result.returncode == 1, result.stdout + result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize('argv', [['env', 'export', '-n', 's', '--from-history', '--json'],
                                  ['install', '-y', '--json', '-n', 's', 'toolz']])
def test_a_history_specs_line_that_is_not_a_literal_crashes(bed, argv):
    """conda/history.py _parse_comment_line: literal_eval, unguarded."""
    prefix = create(bed)
    with open(prefix / 'conda-meta' / 'history', 'a') as history:
        history.write('# update specs: [unclosed\n')
    body = error(bed.run(argv + ['--override-channels', '-c', bed.channel_url]
                         if argv[0] == 'install' else argv))
    assert body['exception_name'] == 'SyntaxError'


def test_an_env_name_with_a_path_separator_is_refused(bed):
    """conda/core/prefix_data.py from_name."""
    body = error(bed.run(['list', '--json', '-n', 'no/such']))
    assert body['exception_name'] == 'CondaValueError'
    assert body['message'] == 'Environment names cannot contain path separators'


@pytest.mark.parametrize('name', ['bad name', 'a:b', 'a#b'])
def test_a_new_env_name_with_a_disallowed_character_is_refused(bed, name):
    """conda/core/prefix_data.py validate_name, PREFIX_NAME_DISALLOWED_CHARS."""
    body = error(bed.run(['create', '--json', '-y', '-n', name, 'python=3.9',
                          '--override-channels', '-c', bed.channel_url]))
    assert body['exception_name'] == 'CondaValueError'
    assert body['message'].startswith('Environment names cannot contain any of these characters: {')
    assert not (bed.root / 'envs' / name).exists()


def test_a_list_setting_given_as_a_string_is_an_invalid_type(bed):
    """conda/common/configuration.py InvalidTypeError, raised when the parameter is read."""
    create(bed)
    condarc = bed.home / '.condarc'
    condarc.write_text('envs_dirs: notalist\n')
    body = error(bed.run(['list', '--json', '-n', 's']))
    assert body['exception_name'] == 'InvalidTypeError'
    assert body['exception_type'] == "<class 'conda.common.configuration.InvalidTypeError'>"
    assert body['message'] == ("Parameter _envs_dirs = 'notalist' declared in %s has type str.\n"
                               'Valid types:\n  - tuple' % condarc)
    assert (body['parameter_name'], body['source'], body['wrong_type']) == ('_envs_dirs', str(condarc), 'str')


def test_a_condarc_that_is_not_yaml_crashes_every_command(bed):
    (bed.home / '.condarc').write_text('channels: [a\n')
    body = error(bed.run(['list', '--json', '-n', 'base']))
    assert body['exception_name'] == 'ParserError'
    assert 'Traceback' in body['traceback']
    text = bed.run(['list', '-n', 'base'])
    assert text.returncode == 1 and 'An unexpected error has occurred' in text.stderr


@pytest.mark.parametrize('argv', [['install', '-y', '--json', 'toolz'], ['list', '--json'],
                                  ['remove', '-y', '--json', 'toolz'], ['env', 'remove', '-y', '--json'],
                                  ['remove', '--all', '-y', '--json']])
def test_a_folder_that_is_not_an_env_is_refused_and_left_alone(bed, tmp_path, argv):
    """conda/core/prefix_data.py assert_environment: DirectoryNotACondaEnvironmentError."""
    folder = tmp_path / 'userdata'
    (folder / 'keep').mkdir(parents=True)
    (folder / 'keep' / 'file.txt').write_text('mine')
    extra = ['--override-channels', '-c', bed.channel_url] if argv[0] == 'install' else []
    body = error(bed.run(argv + ['-p', str(folder)] + extra))
    assert body['exception_name'] == 'DirectoryNotACondaEnvironmentError'
    assert body['target_directory'] == str(folder)
    assert sorted(p.name for p in folder.rglob('*')) == ['file.txt', 'keep']


def test_a_folder_without_history_is_not_an_env(bed, tmp_path):
    """conda's marker of an env is conda-meta/history, not the conda-meta folder."""
    folder = tmp_path / 'half'
    (folder / 'conda-meta').mkdir(parents=True)
    body = error(bed.run(['list', '--json', '-p', str(folder)]))
    assert body['exception_name'] == 'DirectoryNotACondaEnvironmentError'


def test_an_unknown_option_is_a_usage_error(bed):
    result = bed.run(['install', '--json', '--bogus-flag', '-n', 'base', 'toolz'])
    assert result.returncode == 2
    assert 'error: unrecognized arguments: --bogus-flag' in result.stderr
    assert result.stdout == ''
