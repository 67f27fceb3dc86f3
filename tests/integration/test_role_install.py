"""The miniconda role's install decisions, through ansible-playbook on this machine.

Check mode on a bare host, an update to another pinned installer (``-u``, envs kept), and a converged
host in check mode. The molecule scenarios cover the full converge, macOS data and the failure cases.
"""
from __future__ import annotations

import getpass
import json
import pathlib
import sys

import pytest

from conda_testbed.session import COLLECTIONS
from conda_testbed.installer import build_installer
from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.serve import serve_directory

OLD, NEW = '24.7.1-0', '24.9.2-0'
TASK = 'macfleet.conda.miniconda : %s'
PLAY = [{'hosts': 'localhost', 'gather_facts': False, 'roles': [{'role': 'macfleet.conda.miniconda'}]}]


@pytest.fixture(scope='module')
def served(tmp_path_factory, testbed_channel):
    """Two pinned installers served on 127.0.0.1: ``(base_url, {file name: sha256})``."""
    www = tmp_path_factory.mktemp('www')
    checksums = {}
    for version in (OLD, NEW):
        path, sha256 = build_installer(www, version=version, channel=testbed_channel)
        checksums[path.name] = sha256
    with serve_directory(www) as base_url:
        yield base_url, checksums


@pytest.fixture
def role(tmp_path, served, channel_url):
    """Runs the role on localhost into ``tmp_path/miniconda3``; call it with the version and extra options."""
    base_url, checksums = served
    runner = AnsibleRunner(COLLECTIONS, tmp_path, env={'ANSIBLE_PIPELINING': '1'})
    (tmp_path / 'inventory.ini').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)

    def run(version: str, check: bool = False):
        return runner.run_playbook(PLAY, check=check, extra_vars={
            'miniconda_version': version,
            'miniconda_mirror_url': base_url,
            'miniconda_sha256': checksums,
            'miniconda_prefix': str(tmp_path / 'miniconda3'),
            'miniconda_owner': getpass.getuser(),
            'miniconda_channels': [channel_url],
        })
    return run


def recorded_installer(prefix: pathlib.Path) -> str:
    return json.loads((prefix / 'etc' / 'macfleet' / 'miniconda.json').read_text())['installer']


def test_check_mode_on_a_bare_host_reports_the_install_and_creates_nothing(role, tmp_path):
    result = role(OLD, check=True)
    assert result.rc == 0, result.stderr
    said = result.result(TASK % 'Say what an install would do (check mode)')
    assert said['changed'] is True
    assert 'Would install Miniconda3-%s-Linux-x86_64.sh' % OLD in said['msg']
    assert not (tmp_path / 'miniconda3').exists()


def test_a_new_pinned_installer_updates_in_place_and_keeps_envs(role, tmp_path):
    prefix = tmp_path / 'miniconda3'
    assert role(OLD).rc == 0
    assert recorded_installer(prefix) == 'Miniconda3-%s-Linux-x86_64.sh' % OLD
    kept = prefix / 'envs' / 'kept' / 'conda-meta' / 'history'
    kept.parent.mkdir(parents=True)
    kept.write_text('==> 2024-01-01 00:00:00 <==\n')

    update = role(NEW)
    assert update.rc == 0, update.stderr
    assert update.result(TASK % 'Run the installer in batch mode')['cmd'][-1] == '-u'
    assert recorded_installer(prefix) == 'Miniconda3-%s-Linux-x86_64.sh' % NEW
    assert kept.read_text() == '==> 2024-01-01 00:00:00 <==\n'

    # The real rerun is molecule's idempotence step; here the converged host in check mode.
    again = role(NEW, check=True)
    assert again.rc == 0, again.stderr
    assert again.changed == 0, [task for task, res in again.tasks if res.get('changed')]
