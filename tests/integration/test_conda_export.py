"""conda_export through Ansible, against the test bed's conda (its playbooks: test_playbooks.py)."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess

import pytest

from conda_testbed.prefix_records import records as prefix_records

ROOT = pathlib.Path(__file__).resolve().parents[2]

MODULE = 'macfleet.conda.conda_export'
ENV_YML = ('name: myenv\n'
           'channels:\n'
           '  - {channel}\n'
           'dependencies:\n'
           '  - numpy=1.19.2{numpy}\n'
           '  - pip=23.3{pip}\n'
           '  - python=3.9.18{python}\n'
           '  - toolz=0.11.2{toolz}\n')
BUILDS = dict(numpy='=py39hf4c9891_0', pip='=pyhdba3a45_0', python='=h2860985_0', toolz='=pyh3e3cb63_0')
FROM_HISTORY_YML = ('name: myenv\n'
                    'channels:\n'
                    '  - {channel}\n'
                    'dependencies:\n'
                    '  - numpy=1.19.2\n'
                    '  - python=3.9\n'
                    '  - toolz=0.11.2\n')


def conda(conda_root, *args):
    """Run the root's conda as a user would (the env is set up for the test, not by the module)."""
    proc = subprocess.run([str(conda_root.conda)] + list(args), capture_output=True, text=True,
                          env=dict(os.environ, **conda_root.env), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def make_myenv(conda_root):
    """myenv as in the recordings: created with python=3.9, then numpy=1.19.2 and toolz=0.11.2 asked for."""
    channel = ['--override-channels', '-c', conda_root.channel_url]
    conda(conda_root, 'create', '--json', '-y', '-n', 'myenv', 'python=3.9', *channel)
    conda(conda_root, 'install', '--json', '-y', '-n', 'myenv', 'numpy=1.19.2', *channel)
    conda(conda_root, 'install', '--json', '-y', '-n', 'myenv', 'toolz=0.11.2', *channel)
    return conda_root.env_prefix('myenv')


def records(prefix):
    return sorted((rec['name'], rec['version'], rec['build'], rec['channel'])
                  for rec in prefix_records(prefix).values())


def explicit_lines(prefix):
    by_name = dict((json.loads(path.read_text())['name'], json.loads(path.read_text()))
                   for path in (pathlib.Path(prefix) / 'conda-meta').glob('*.json'))
    return ['%s#%s' % (by_name[name]['url'], by_name[name]['md5']) for name in ('python', 'numpy', 'pip', 'toolz')]


@pytest.fixture
def myenv(conda_root):
    return make_myenv(conda_root)


@pytest.fixture
def export(ansible, conda_root):
    """``export(check=False, diff=False, **args)``: one conda_export task; asserts it ran no conda."""

    def run(check=False, diff=False, **args):
        before = len(conda_root.calls())
        result = ansible.run_module(MODULE, dict(args, executable=str(conda_root.conda)), check=check, diff=diff)
        assert len(conda_root.calls()) == before, 'conda_export ran conda: %s' % conda_root.calls()[before:]
        return result

    return run


CASES = [
    ('environment', {}, lambda ch, prefix: ENV_YML.format(channel=ch, **BUILDS)),
    ('no_builds', {'no_builds': True},
     lambda ch, prefix: ENV_YML.format(channel=ch, **dict((key, '') for key in BUILDS))),
    ('from_history', {'from_history': True}, lambda ch, prefix: FROM_HISTORY_YML.format(channel=ch)),
    ('explicit', {'format': 'explicit'},
     lambda ch, prefix: '\n'.join(['# This file may be used to create an environment using:',
                                   '# $ conda create --name <env> --file <this file>',
                                   '# platform: linux-64', '@EXPLICIT'] + explicit_lines(prefix)) + '\n'),
]


@pytest.mark.parametrize('options, expected', [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_format_and_option_writes_once_then_is_ok(tmp_path, conda_root, myenv, export, options, expected):
    dest = tmp_path / 'myenv.out'
    first = export(environment='myenv', dest=str(dest), **options)
    text = expected(conda_root.channel_url, myenv)
    assert first.get('failed') is not True, first
    assert first['changed'] is True
    assert dest.read_text() == text == first['content']
    assert first['prefix'] == str(myenv)
    again = export(environment='myenv', dest=str(dest), **options)
    assert again['changed'] is False and again['checksum'] == first['checksum']


def test_changed_means_the_env_changed(tmp_path, conda_root, myenv, export):
    dest = tmp_path / 'myenv.yml'
    export(environment='myenv', dest=str(dest))
    conda(conda_root, 'install', '--json', '-y', '-n', 'myenv', 'toolz=0.12.0', '--override-channels', '-c',
          conda_root.channel_url)
    result = export(environment='myenv', dest=str(dest), diff=True)
    assert result['changed'] is True
    text_diff = result['diff'][0]
    assert '  - toolz=0.11.2=pyh3e3cb63_0\n' in text_diff['before']
    assert text_diff['after'] == dest.read_text()
    assert '  - toolz=0.12.0=pyhbdf259b_0\n' in text_diff['after']


def test_check_mode_writes_nothing_and_shows_the_diff(tmp_path, conda_root, myenv, export):
    dest = tmp_path / 'myenv.yml'
    predicted = export(environment='myenv', dest=str(dest), check=True, diff=True)
    assert predicted['changed'] is True
    assert not dest.exists() and os.listdir(tmp_path) != [] and 'myenv.yml' not in os.listdir(tmp_path)
    assert predicted['diff'][0]['before'] == ''
    assert predicted['diff'][0]['after'] == ENV_YML.format(channel=conda_root.channel_url, **BUILDS)
    dest.write_text('stale\n')
    predicted = export(environment='myenv', dest=str(dest), check=True, diff=True)
    assert predicted['changed'] is True and dest.read_text() == 'stale\n'
    export(environment='myenv', dest=str(dest))
    assert export(environment='myenv', dest=str(dest), check=True)['changed'] is False


def _freeze(path):
    """Make ``path`` unchangeable even for root (immutable flag), or read-only for a normal user."""
    if subprocess.run(['chattr', '+i', str(path)], capture_output=True, check=False).returncode == 0 \
            if shutil.which('chattr') else False:
        return lambda: subprocess.run(['chattr', '-i', str(path)], check=True)
    if os.geteuid() == 0:
        pytest.skip('cannot make a path unwritable for root here (no chattr +i)')
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    return lambda: path.chmod(mode)


@pytest.mark.parametrize('frozen', ['folder', 'file'])
def test_a_failed_write_leaves_the_old_file(tmp_path, myenv, export, frozen):
    folder = tmp_path / 'exports'
    folder.mkdir()
    dest = folder / 'myenv.yml'
    dest.write_text('old text\n')
    thaw = _freeze(folder if frozen == 'folder' else dest)
    try:
        result = export(environment='myenv', dest=str(dest))
    finally:
        thaw()
    assert result.get('failed') is True, result
    assert dest.read_text() == 'old text\n'
    assert os.listdir(folder) == ['myenv.yml']


def test_a_missing_env_is_an_error_and_writes_nothing(tmp_path, conda_root, export):
    dest = tmp_path / 'nosuchenv.yml'
    result = export(environment='nosuchenv', dest=str(dest))
    assert result.get('failed') is True
    assert 'nosuchenv' in result['msg'] and 'does not exist' in result['msg']
    assert not dest.exists()


def test_file_options_and_backup(tmp_path, myenv, export):
    dest = tmp_path / 'myenv.yml'
    dest.write_text('old text\n')
    result = export(environment='myenv', dest=str(dest), mode='0600', backup=True)
    assert result['changed'] is True
    assert oct(dest.stat().st_mode & 0o777) == '0o600'
    assert pathlib.Path(result['backup_file']).read_text() == 'old text\n'


def test_credentials_in_channel_urls_are_masked(tmp_path, conda_root, myenv, export, ansible):
    record = next((myenv / 'conda-meta').glob('toolz-*.json'))
    data = json.loads(record.read_text())
    secret = 'https://builder:hunter2@conda.example/t/tok-SECRET/private'
    data['channel'] = secret + '/noarch'
    data['url'] = '%s/noarch/%s' % (secret, data['fn'])
    record.write_text(json.dumps(data))
    for options in ({}, {'format': 'explicit'}, {'from_history': True}):
        dest = tmp_path / 'out.txt'
        result = export(environment='myenv', dest=str(dest), diff=True, **options)
        for text in (json.dumps(result), dest.read_text()):
            assert 'hunter2' not in text and 'SECRET' not in text
        assert '********' in dest.read_text()


@pytest.mark.parametrize('options', [{},
                                     {'from_history': True}, {'no_builds': True}],
                         ids=['exact', 'from_history', 'no_builds'])
def test_round_trip_through_conda_env_file(tmp_path, conda_root, myenv, export, ansible, options):
    dest = tmp_path / 'myenv.yml'
    export(environment='myenv', dest=str(dest), **options)
    created = ansible.run_module('macfleet.conda.conda_env', {
        'name': 'copy', 'file': str(dest), 'executable': str(conda_root.conda)})
    assert created.get('failed') is not True, created.get('msg')
    assert records(conda_root.env_prefix('copy')) == records(myenv)
    again = ansible.run_module('macfleet.conda.conda_env', {
        'name': 'copy', 'file': str(dest), 'executable': str(conda_root.conda)})
    assert again['changed'] is False


@pytest.mark.parametrize('fmt', ['environment', 'explicit'])
def test_a_truncated_record_fails_and_writes_nothing(tmp_path, myenv, export, fmt):
    """Issue 12 item 6: conda fails with CorruptedEnvironmentError; so must the export, not drop numpy."""
    record = next((myenv / 'conda-meta').glob('numpy-*.json'))
    record.write_text(record.read_text()[:50])
    dest = tmp_path / 'myenv.yml'
    dest.write_text('previous export\n')
    result = export(environment='myenv', dest=str(dest), format=fmt)
    assert result['failed'] is True and 'is corrupted' in result['msg'] and str(record) in result['msg']
    assert dest.read_text() == 'previous export\n'
