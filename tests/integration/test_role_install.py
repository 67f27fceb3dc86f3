"""The miniconda role's install decisions, through ansible-playbook on this machine.

Check mode on a bare host, an install that converges (a rerun changes nothing), an update to another
pinned installer (``-u``, envs kept), and a converged host in check mode. The molecule scenarios cover
the full converge, macOS data and the failure cases.

With ``MACFLEET_MINICONDA_INSTALLER`` set (conda_testbed.session) the role installs that real installer,
served the same way, with ``MACFLEET_CONDA_CHANNEL`` (default: the test bed's channel) and the classic
solver; the update test needs two installers of one build and is skipped.
"""
from __future__ import annotations

import getpass
import json
import pathlib
import sys

import pytest

from conda_testbed import real_python
from conda_testbed.session import COLLECTIONS, REAL_CHANNEL, REAL_INSTALLER
from conda_testbed.installer import build_installer, given_installer
from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.serve import serve_directory

OLD, NEW = '24.7.1-0', '24.9.2-0'
TASK = 'macfleet.conda.miniconda : %s'
PLAY = [{'hosts': 'localhost', 'gather_facts': False, 'roles': [{'role': 'macfleet.conda.miniconda'}]}]


needs_two_builds = pytest.mark.skipif(
    bool(REAL_INSTALLER), reason='MACFLEET_MINICONDA_INSTALLER names one installer; an update needs two '
    'versions of one build (the test bed builds both)')


@pytest.fixture(scope='module')
def served(tmp_path_factory, testbed_channel):
    """The pinned installers served on 127.0.0.1: ``(base_url, {file name: sha256}, first version)``.

    The test bed's OLD and NEW, or the real installer the switch names.
    """
    www = tmp_path_factory.mktemp('www')
    checksums = {}
    if REAL_INSTALLER:
        path, sha256, first = given_installer(www, pathlib.Path(REAL_INSTALLER))
        checksums[path.name] = sha256
    else:
        first = OLD
        for version in (OLD, NEW):
            path, sha256 = build_installer(www, version=version, channel=testbed_channel)
            checksums[path.name] = sha256
    with serve_directory(www) as base_url:
        yield base_url, checksums, first


@pytest.fixture
def role(tmp_path, served, channel_url, pip_env):
    """Runs the role on localhost into ``tmp_path/miniconda3``; call it with the version and extra variables.

    pip runs offline from the test bed's wheelhouse, configured as a fleet configures it (PIP_* variables).
    """
    base_url, checksums, _first = served
    home = tmp_path / 'home'
    home.mkdir()
    runner = AnsibleRunner(COLLECTIONS, tmp_path, env=dict(pip_env, ANSIBLE_PIPELINING='1', HOME=str(home)))
    (tmp_path / 'inventory.ini').write_text(
        'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)

    def run(version: str, check: bool = False, **variables):
        extra = {
            'miniconda_version': version,
            'miniconda_mirror_url': base_url,
            'miniconda_sha256': checksums,
            'miniconda_prefix': str(tmp_path / 'miniconda3'),
            'miniconda_owner': getpass.getuser(),
            'miniconda_channels': [REAL_CHANNEL or channel_url],
        }
        if REAL_INSTALLER:
            # Every conda has the classic solver; a conda built from source has no libmamba.
            extra['miniconda_condarc_extra'] = {'solver': 'classic'}
        return runner.run_playbook(PLAY, check=check, extra_vars=dict(extra, **variables))
    return run


@pytest.fixture
def first(served) -> str:
    """The version of the first installer served (OLD, or the real installer's)."""
    return served[2]


def recorded_installer(prefix: pathlib.Path) -> str:
    return json.loads((prefix / 'etc' / 'macfleet' / 'miniconda.json').read_text())['installer']


def test_check_mode_on_a_bare_host_reports_the_install_and_creates_nothing(role, tmp_path, served, first):
    result = role(first, check=True)
    assert result.rc == 0, result.stderr
    said = result.result(TASK % 'Say what an install would do (check mode)')
    assert said['changed'] is True
    [name] = [name for name in served[1] if name.startswith('Miniconda3-%s-' % first)]
    assert 'Would install %s' % name in said['msg']
    assert not (tmp_path / 'miniconda3').exists()


def test_an_install_converges_and_a_rerun_changes_nothing(role, tmp_path, first):
    prefix = tmp_path / 'miniconda3'
    # an environment.yml kept in the playbook's files/, found by the item's src as copy finds its src
    (tmp_path / 'files').mkdir()
    (tmp_path / 'files' / 'e2.yml').write_text('dependencies: [python=3.9, toolz=0.11.2]\n'
                                               'variables: {BUILD_PROFILE: release}\n')
    wanted = {'miniconda_base_packages': ['toolz'],
              'miniconda_environments': [{'name': 'e1', 'python': '3.9', 'packages': ['toolz=0.12.0'],
                                          'variables': {'E1_ONLY': 1}},
                                         {'name': 'e2', 'src': 'e2.yml'}]}
    python, why = real_python.probe()
    if python is not None:  # an env whose genuine pip installs from the wheelhouse (the real channel's 3.11.2)
        spec = 'python=3.11.2' if REAL_CHANNEL else python.spec
        wanted['miniconda_environments'].append({'name': 'e3', 'packages': [spec], 'pip': ['macfleet-demo-b==2.0.0']})
    installed = role(first, **wanted)
    assert installed.rc == 0, installed.stdout[-3000:]
    assert recorded_installer(prefix).startswith('Miniconda3-%s-' % first)
    assert list((prefix / 'envs' / 'e1' / 'conda-meta').glob('toolz-0.12.0-*.json'))
    assert list((prefix / 'envs' / 'e2' / 'conda-meta').glob('toolz-0.11.2-*.json'))
    assert json.loads((prefix / 'envs' / 'e2' / 'conda-meta' / 'state').read_text()) == {
        'env_vars': {'BUILD_PROFILE': 'release'}}
    assert json.loads((prefix / 'envs' / 'e1' / 'conda-meta' / 'state').read_text()) == {'env_vars': {'E1_ONLY': '1'}}
    assert list((prefix / 'conda-meta').glob('toolz-*.json'))
    if python is not None:
        assert list((prefix / 'envs' / 'e3').glob('lib/python3.11/site-packages/macfleet_demo_b-2.0.0.dist-info'))
    else:
        print('no pip env in this converge: %s' % why)
    again = role(first, **wanted)
    assert again.rc == 0, again.stdout[-3000:]
    assert again.changed == 0, [task for task, res in again.tasks if res.get('changed')]
    checked = role(first, check=True, **wanted)
    assert checked.rc == 0 and checked.changed == 0, [task for task, res in checked.tasks if res.get('changed')]


@needs_two_builds
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
