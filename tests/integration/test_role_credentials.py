"""An installer mirror behind HTTP basic auth: credentials in the URL work and show nowhere.

``miniconda_mirror_url: https://user:password@mirror/...`` is how a fleet reaches a private mirror. The
role hands the credentials to get_url apart from the URL (url_username/url_password), so neither a
fact, a task result at -vvv, nor a failure message carries the password.
"""
from __future__ import annotations

import getpass
import json
import sys

import pytest

from conda_testbed.session import COLLECTIONS
from conda_testbed.installer import build_installer
from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.serve import serve_directory

VERSION = '24.7.1-0'
USER, PASSWORD = 'builder', 'S3cr3t!pw'
PLAY = [{'hosts': 'localhost', 'gather_facts': False, 'roles': [{'role': 'macfleet.conda.miniconda'}]}]


@pytest.fixture(scope='module')
def mirror(tmp_path_factory, testbed_channel):
    """``(base_url, {file name: sha256})`` of an installer served only to USER:PASSWORD."""
    www = tmp_path_factory.mktemp('private-mirror')
    path, sha256 = build_installer(www, version=VERSION, channel=testbed_channel)
    with serve_directory(www, credentials=(USER, PASSWORD)) as base_url:
        yield base_url, {path.name: sha256}


@pytest.mark.parametrize('on_controller', [False, True], ids=['host-download', 'controller-download'])
def test_a_mirror_behind_basic_auth_installs_and_the_password_shows_nowhere(
        tmp_path, mirror, channel_url, on_controller):
    base_url, checksums = mirror
    home = tmp_path / 'home'
    home.mkdir()
    (tmp_path / 'inventory.ini').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    prefix = tmp_path / 'miniconda3'
    with_credentials = base_url.replace('http://', 'http://%s:%s@' % (USER, PASSWORD.replace('!', '%21')))
    runner = AnsibleRunner(COLLECTIONS, tmp_path, env={'HOME': str(home), 'ANSIBLE_VERBOSE_TO_STDERR': '1'})
    run = runner.run_playbook(PLAY, args=('-vvv',), extra_vars={
        'miniconda_version': VERSION, 'miniconda_mirror_url': with_credentials, 'miniconda_sha256': checksums,
        'miniconda_prefix': str(prefix), 'miniconda_owner': getpass.getuser(), 'miniconda_channels': [channel_url],
        'miniconda_download_on_controller': on_controller,
        'miniconda_controller_cache_dir': str(tmp_path / 'installer-cache'),
    })
    assert run.rc == 0, run.stdout[-3000:]
    record = json.loads((prefix / 'etc' / 'macfleet' / 'miniconda.json').read_text())
    assert record['installer'] in checksums
    output = run.stdout + run.stderr
    for shown in (PASSWORD, PASSWORD.replace('!', '%21')):
        assert shown not in output, [line[:300] for line in output.splitlines() if shown in line]


def test_wrong_credentials_fail_naming_the_url_without_them(tmp_path, mirror, channel_url):
    base_url, checksums = mirror
    (tmp_path / 'inventory.ini').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    prefix = tmp_path / 'miniconda3'
    runner = AnsibleRunner(COLLECTIONS, tmp_path, env={'HOME': str(tmp_path)})
    run = runner.run_playbook(PLAY, extra_vars={
        'miniconda_version': VERSION, 'miniconda_mirror_url': base_url.replace('http://', 'http://builder:WRONGpw@'),
        'miniconda_sha256': checksums, 'miniconda_prefix': str(prefix), 'miniconda_owner': getpass.getuser(),
        'miniconda_channels': [channel_url]})
    assert run.rc != 0
    [(_task, failure)] = [(task, res) for task, res in run.tasks if res.get('failed') and 'Explain' in task]
    assert '(%s/Miniconda3-%s-' % (base_url, VERSION) in failure['msg'], failure['msg']
    assert '401' in failure['msg'] and 'Nothing was installed' in failure['msg'], failure['msg']
    assert 'WRONGpw' not in run.stdout + run.stderr
    assert not (prefix / 'bin').exists()
