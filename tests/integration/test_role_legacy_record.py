"""A host where 0.1.0 left its record in conda-meta/ is repaired by the next run of the role.

0.1.0 wrote ``<prefix>/conda-meta/macfleet-miniconda.json``; conda takes every ``conda-meta/*.json``
for a package record and crashed on it (recordings 72-76, 125). The next run moves the record out,
conda works again, and the install it describes is left alone.

With ``MACFLEET_MINICONDA_INSTALLER`` set (conda_testbed.session) the conda root is installed from that
real installer, with ``MACFLEET_CONDA_CHANNEL`` (default: the test bed's channel) and the classic
solver, as in test_role_install.py: real conda itself then shows the crash and the repair.
"""
from __future__ import annotations

import getpass
import json
import os
import pathlib
import subprocess
import sys

import pytest

from conda_testbed.session import COLLECTIONS, REAL_CHANNEL, REAL_INSTALLER
from conda_testbed.installer import build_installer, given_installer
from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.serve import serve_directory

VERSION = '24.7.1-0'
TASK = 'macfleet.conda.miniconda : %s'
PLAY = [{'hosts': 'localhost', 'gather_facts': False, 'roles': [{'role': 'macfleet.conda.miniconda'}]}]


@pytest.fixture(scope='module')
def served(tmp_path_factory, testbed_channel):
    """The installer served on 127.0.0.1: ``(base_url, {file name: sha256}, version)``.

    The test bed's VERSION, or the real installer the switch names.
    """
    www = tmp_path_factory.mktemp('www')
    if REAL_INSTALLER:
        path, sha256, version = given_installer(www, pathlib.Path(REAL_INSTALLER))
    else:
        version = VERSION
        path, sha256 = build_installer(www, version=VERSION, channel=testbed_channel)
    with serve_directory(www) as base_url:
        yield base_url, {path.name: sha256}, version


@pytest.fixture
def host(tmp_path, served, channel_url):
    """Runs the role with base packages and one env, the way site.yml does; returns (run, prefix, home)."""
    base_url, checksums, version = served
    home = tmp_path / 'home'
    home.mkdir()
    runner = AnsibleRunner(COLLECTIONS, tmp_path, env={'ANSIBLE_PIPELINING': '1', 'HOME': str(home)})
    (tmp_path / 'inventory.ini').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    prefix = tmp_path / 'miniconda3'

    extra = {
        'miniconda_version': version, 'miniconda_mirror_url': base_url,
        'miniconda_sha256': checksums, 'miniconda_prefix': str(prefix),
        'miniconda_owner': getpass.getuser(), 'miniconda_channels': [REAL_CHANNEL or channel_url],
        'miniconda_base_packages': ['toolz'],
        'miniconda_environments': [{'name': 'e1', 'python': '3.9'}],
    }
    if REAL_INSTALLER:
        # Every conda has the classic solver; a conda built from source has no libmamba.
        extra['miniconda_condarc_extra'] = {'solver': 'classic'}

    def run(check: bool = False):
        return runner.run_playbook(PLAY, check=check, extra_vars=extra)
    return run, prefix, home


def conda_list_base(prefix, home):
    return subprocess.run([str(prefix / 'bin' / 'conda'), 'list', '--json', '-n', 'base'],
                          capture_output=True, text=True, check=False,
                          env=dict(os.environ, HOME=str(home)))


def test_the_record_is_kept_out_of_conda_meta(host):
    run, prefix, home = host
    first = run()
    assert first.rc == 0, first.stdout[-3000:]
    assert json.loads((prefix / 'etc' / 'macfleet' / 'miniconda.json').read_text())['installer']
    assert not [p.name for p in (prefix / 'conda-meta').glob('*.json')
                if p.name[:-5].count('-') < 2]
    assert conda_list_base(prefix, home).returncode == 0


def test_a_0_1_0_record_is_moved_and_nothing_is_reinstalled(host):
    run, prefix, home = host
    assert run().rc == 0
    record = prefix / 'etc' / 'macfleet' / 'miniconda.json'
    legacy = prefix / 'conda-meta' / 'macfleet-miniconda.json'
    content = record.read_text()
    record.rename(legacy)                      # the host as 0.1.0 left it
    installed = sorted(p.name for p in (prefix / 'conda-meta').glob('*.json'))
    broken = conda_list_base(prefix, home)
    assert broken.returncode == 1 and 'not enough values to unpack' in broken.stdout

    checked = run(check=True)
    assert checked.rc == 0, checked.stdout[-3000:]
    assert checked.result(TASK % 'Remove the record from conda-meta/, so conda can load the prefix again')['changed']
    assert legacy.exists() and not record.exists()   # check mode predicts, changes nothing

    repaired = run()
    assert repaired.rc == 0, repaired.stdout[-3000:]
    assert not legacy.exists()
    assert record.read_text() == content
    assert conda_list_base(prefix, home).returncode == 0
    ran = [task for task, result in repaired.tasks if not result.get('skipped')]
    assert TASK % 'Run the installer in batch mode' not in ran
    assert sorted(p.name for p in (prefix / 'conda-meta').glob('*.json')) == [
        name for name in installed if name != legacy.name]

    again = run()
    assert again.rc == 0 and again.changed == 0, [t for t, r in again.tasks if r.get('changed')]
