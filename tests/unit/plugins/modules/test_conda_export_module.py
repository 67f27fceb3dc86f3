"""conda_export run in-process against envs holding real conda's recorded conda-meta (no conda may run)."""
from __future__ import annotations

import hashlib
import os

import pytest
from ansible.module_utils import basic

from ansible_collections.macfleet.conda.plugins.modules import conda_export

INSTALLS_YML = ('name: myenv\n'
                'channels:\n'
                '  - file:///srv/conda-channel\n'
                'dependencies:\n'
                '  - numpy=1.19.2=py39hf4c9891_0\n'
                '  - pip=23.3=pyhdba3a45_0\n'
                '  - python=3.9.18=h2860985_0\n'
                '  - toolz=0.11.2=pyh3e3cb63_0\n')


@pytest.fixture
def myenv(fake_conda):
    return fake_conda.env('myenv')


@pytest.fixture
def out(tmp_path):
    """A folder of its own for dest files (tmp_path also holds the fake conda root)."""
    folder = tmp_path / 'out'
    folder.mkdir()
    return folder


def test_returns_the_export_without_dest_and_runs_no_conda(fake_conda, run_module, myenv):
    result = run_module(conda_export, {'environment': 'myenv'})
    assert fake_conda.calls == []
    assert result['changed'] is False
    assert result['content'] == INSTALLS_YML
    assert result['prefix'] == str(myenv)
    assert result['spec']['dependencies'][0] == 'numpy=1.19.2=py39hf4c9891_0'
    assert result['checksum'] == hashlib.sha1(INSTALLS_YML.encode()).hexdigest()
    assert 'dest' not in result


@pytest.mark.parametrize('args', [{'prefix': 'PREFIX'}, {'name': 'myenv'}], ids=['prefix', 'name-alias'])
def test_env_by_prefix_or_alias(run_module, myenv, args):
    args = dict((key, str(myenv) if value == 'PREFIX' else value) for key, value in args.items())
    assert run_module(conda_export, args)['content'] == INSTALLS_YML


def test_base_when_no_env_is_named(fake_conda, run_module):
    result = run_module(conda_export, {})
    assert result['prefix'] == str(fake_conda.root)
    assert result['content'] == 'name: base\nchannels: []\ndependencies: []\n'


def test_writes_dest_then_is_idempotent(tmp_path, run_module, myenv):
    dest = tmp_path / 'out' / 'myenv.yml'
    dest.parent.mkdir()
    first = run_module(conda_export, {'environment': 'myenv', 'dest': str(dest), 'mode': '0640'})
    assert first['changed'] is True and first['dest'] == str(dest)
    assert dest.read_text() == INSTALLS_YML
    assert oct(dest.stat().st_mode & 0o777) == '0o640'
    inode = dest.stat().st_ino
    second = run_module(conda_export, {'environment': 'myenv', 'dest': str(dest), 'mode': '0640'})
    assert second['changed'] is False
    assert dest.stat().st_ino == inode  # not even rewritten


def test_mode_change_alone_is_a_change(tmp_path, run_module, myenv):
    dest = tmp_path / 'myenv.yml'
    dest.write_text(INSTALLS_YML)
    dest.chmod(0o600)
    result = run_module(conda_export, {'environment': 'myenv', 'dest': str(dest), 'mode': '0644'}, diff=True)
    assert result['changed'] is True
    assert oct(dest.stat().st_mode & 0o777) == '0o644'
    assert result['diff'][1]['before'] == {'mode': '0600'} and result['diff'][1]['after'] == {'mode': '0644'}


@pytest.mark.parametrize('existing', [None, 'old text\n'], ids=['new-file', 'changed-file'])
def test_check_mode_writes_nothing_and_diffs_the_text(out, run_module, myenv, existing):
    dest = out / 'myenv.yml'
    if existing is not None:
        dest.write_text(existing)
    result = run_module(conda_export, {'environment': 'myenv', 'dest': str(dest)}, check=True, diff=True)
    assert result['changed'] is True
    assert result['diff'][0]['before'] == (existing or '') and result['diff'][0]['after'] == INSTALLS_YML
    assert (dest.read_text() if existing is not None else None) == existing
    assert os.listdir(out) == (['myenv.yml'] if existing else [])


def test_backup_keeps_the_old_file(tmp_path, run_module, myenv):
    dest = tmp_path / 'myenv.yml'
    dest.write_text('old text\n')
    result = run_module(conda_export, {'environment': 'myenv', 'dest': str(dest), 'backup': True})
    assert result['changed'] is True
    with open(result['backup_file']) as stream:
        assert stream.read() == 'old text\n'
    assert dest.read_text() == INSTALLS_YML


def test_a_failed_move_leaves_the_old_file_and_no_temporary_file(out, run_module, myenv, monkeypatch):
    dest = out / 'myenv.yml'
    dest.write_text('old text\n')
    seen = []

    def failing_move(self, src, dest_path, unsafe_writes=False, keep_dest_attrs=True):
        seen.append(open(src).read())
        self.fail_json(msg='Could not replace file: %s to %s: simulated' % (src, dest_path))

    monkeypatch.setattr(basic.AnsibleModule, 'atomic_move', failing_move)
    result = run_module(conda_export, {'environment': 'myenv', 'dest': str(dest)})
    assert result['failed'] is True and 'simulated' in result['msg']
    assert seen == [INSTALLS_YML]  # the whole new text was in the temporary file
    assert dest.read_text() == 'old text\n'
    assert os.listdir(out) == ['myenv.yml']


@pytest.mark.parametrize('args', [{'environment': 'nosuchenv'}, {'prefix': '/nonexistent/env'}],
                         ids=['name', 'prefix'])
def test_a_missing_env_is_an_error_and_writes_nothing(tmp_path, fake_conda, run_module, args):
    dest = tmp_path / 'out.yml'
    result = run_module(conda_export, dict(args, dest=str(dest)))
    assert result['failed'] is True
    assert 'does not exist' in result['msg'] and (args.get('environment') or args['prefix']) in result['msg']
    assert not dest.exists()
    assert fake_conda.calls == []


def test_dest_in_a_missing_folder_fails_clearly(tmp_path, run_module, myenv):
    result = run_module(conda_export, {'environment': 'myenv', 'dest': str(tmp_path / 'no' / 'such.yml')})
    assert result['failed'] is True and 'does not exist' in result['msg']


@pytest.mark.parametrize('option', ['from_history', 'no_builds'])
def test_explicit_rejects_environment_only_options(run_module, myenv, option):
    result = run_module(conda_export, {'environment': 'myenv', 'format': 'explicit', option: True})
    assert result['failed'] is True and option in result['msg']


def test_explicit_format(run_module, myenv):
    result = run_module(conda_export, {'environment': 'myenv', 'format': 'explicit'})
    lines = result['content'].splitlines()
    assert lines[2:4] == ['# platform: linux-64', '@EXPLICIT']
    assert lines[4] == ('file:///srv/conda-channel/linux-64/python-3.9.18-h2860985_0.tar.bz2'
                        '#f0cac7d7f20ccaab4bba896c0ef697ad')
    assert result['spec'] is None


def test_from_history_of_the_recorded_remove(fake_conda, run_module):
    fake_conda.env('myenv', 'conda-meta_myenv_after_remove')
    result = run_module(conda_export, {'environment': 'myenv', 'from_history': True})
    assert result['spec'] == {'name': 'myenv', 'channels': ['file:///srv/conda-channel'],
                              'dependencies': ['python=3.9', 'toolz']}


def test_a_record_without_url_fails_explicit_with_the_package_named(fake_conda, run_module, myenv):
    record = myenv / 'conda-meta' / 'toolz-0.11.2-pyh3e3cb63_0.json'
    text = record.read_text()
    record.write_text(text.replace('"url"', '"_url"').replace('"channel"', '"_channel"'))
    result = run_module(conda_export, {'environment': 'myenv', 'format': 'explicit'})
    assert result['failed'] is True and 'toolz-0.11.2-pyh3e3cb63_0' in result['msg']
