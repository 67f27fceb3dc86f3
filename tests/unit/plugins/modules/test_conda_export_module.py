"""conda_export writing dest, run in-process against an env holding real conda's recorded conda-meta.

The export's decisions (what it reads, what it refuses, check mode's diff) are data in
cases/conda_export.yml; these look at what data cannot: file modes and inodes, a backup, a failed
move, a record edited in place.
No conda may run: the fake conda fails any call.
"""
from __future__ import annotations

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


def test_writes_dest_then_is_idempotent(out, run_module, myenv):
    dest = out / 'myenv.yml'
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


def test_a_record_without_url_fails_explicit_with_the_package_named(run_module, myenv):
    record = myenv / 'conda-meta' / 'toolz-0.11.2-pyh3e3cb63_0.json'
    text = record.read_text()
    record.write_text(text.replace('"url"', '"_url"').replace('"channel"', '"_channel"'))
    result = run_module(conda_export, {'environment': 'myenv', 'format': 'explicit'})
    assert result['failed'] is True and 'toolz-0.11.2-pyh3e3cb63_0' in result['msg']
