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
import os
import pathlib
import sys

import pytest
import yaml

from conda_testbed import real_python
from conda_testbed.session import COLLECTIONS, REAL_CHANNEL, REAL_INSTALLER
from conda_testbed.installer import build_installer, given_installer
from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.serve import serve_directory


OLD, NEW = '24.7.1-0', '24.9.2-0'
TASK = 'macfleet.conda.miniconda : %s'
PLAY = [{'hosts': 'localhost', 'gather_facts': False, 'roles': [{'role': 'macfleet.conda.miniconda'}]}]
GATHERING_PLAY = [dict(PLAY[0], gather_facts=True)]
# The play gathers no facts: the role's one conda_info run also learns the host's (the probe), and as the
# play connects as the owner, it is the owner's answer.
CONVERGED_RUNS = [TASK % "Read the install, its environments, the files the role manages and the host's facts"]
# The play gathers facts: the role reads as the owner, once.
CONVERGED_RUNS_WITH_FACTS = ['Gathering Facts',
                             TASK % 'Read the install, its environments and the files the role manages, as the owner']
# Every task of a converged host costs every host a worker: argument validation, the probe, the decision
# and one include, skipped (that which runs the read as the owner, where the play gave facts).
CONVERGED_TASKS = [TASK % "Validating arguments against arg spec 'main' - Install a verified Miniconda on macOS/Linux "
                   'hosts and converge its environments.', CONVERGED_RUNS[0],
                   TASK % 'Settle platform, owner and installer, and decide what the install needs',
                   TASK % 'Read again as the owner, install, configure and converge what does not hold yet, refuse, '
                   'or remove']
CONVERGED_TASKS_WITH_FACTS = (['Gathering Facts', CONVERGED_TASKS[0], CONVERGED_RUNS[0] + ' (skipped)']
                              + CONVERGED_TASKS[2:] + [CONVERGED_RUNS_WITH_FACTS[1], CONVERGED_TASKS[2],
                                                       TASK % 'Install, configure and converge what does not hold yet, '
                                                       'or refuse (skipped)'])


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

    def run(version: str, check: bool = False, env: dict | None = None, play: list | None = None, **variables):
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
        return runner.run_playbook(play or PLAY, check=check, extra_vars=dict(extra, **variables), env=env)
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


def task_names(result):
    """Every task of the run, in order, a skipped one marked so."""
    return [task + (' (skipped)' if res.get('skipped') else '') for task, res in result.tasks]


def module_runs(tmp_path, run, *args, **kwargs):
    """``(result, [(task, changed)])``: a role run and the tasks that ran a module on the host
    (conda_testbed/callback_plugins/testbed_module_runs.py)."""
    log = tmp_path / 'module-runs.json'
    log.unlink(missing_ok=True)
    result = run(*args, env={'ANSIBLE_CALLBACKS_ENABLED': 'testbed_module_runs', 'TESTBED_MODULE_RUNS': str(log)},
                 **kwargs)
    assert result.rc == 0, result.stdout[-3000:]
    runs = json.loads(log.read_text())
    assert set(runs) <= {'localhost'}, runs  # nothing delegated
    return result, [(entry['task'], entry['changed']) for entry in runs.get('localhost', [])]


def test_a_converged_host_costs_one_module_run_and_a_drifting_env_its_own_task(role, tmp_path, first):
    home = tmp_path / 'home'
    wanted = {'miniconda_base_packages': ['toolz'], 'miniconda_shell_init': True,
              'miniconda_owner_home': str(home), 'miniconda_export_dir': str(tmp_path / 'exports'),
              'miniconda_environments': [{'name': 'e%d' % index, 'packages': ['toolz=0.12.0']} for index in range(4)]
              + [{'name': 'e4', 'python': '3.9', 'variables': {'E4': 'on'}}]}
    if not REAL_INSTALLER or os.environ.get('MACFLEET_CONDA_TOS') == '1':  # a conda with the ToS plugin
        wanted.update(miniconda_accept_tos=True, miniconda_tos_channels=[REAL_CHANNEL or 'https://repo.anaconda.com/pkgs/main'])
    installed = role(first, **wanted)
    assert installed.rc == 0, installed.stdout[-3000:]
    assert installed.changed > 0

    again, ran = module_runs(tmp_path, role, first, **wanted)
    assert again.changed == 0
    assert ran == [(task, False) for task in CONVERGED_RUNS]
    assert task_names(again) == CONVERGED_TASKS[:-1] + [CONVERGED_TASKS[-1] + ' (skipped)']
    checked, ran = module_runs(tmp_path, role, first, check=True, **wanted)
    assert checked.changed == 0
    assert ran == [(task, False) for task in CONVERGED_RUNS]
    gathered, ran = module_runs(tmp_path, role, first, play=GATHERING_PLAY, **wanted)
    assert gathered.changed == 0
    assert ran == [(task, False) for task in CONVERGED_RUNS_WITH_FACTS]
    assert task_names(gathered) == CONVERGED_TASKS_WITH_FACTS

    # e2 drifts from its declaration: its conda_env runs, then its export, and nothing else
    drifting = dict(wanted)
    drifting['miniconda_environments'] = [dict(item, packages=['toolz=0.11.2']) if item['name'] == 'e2' else item
                                          for item in wanted['miniconda_environments']]
    export = tmp_path / 'exports' / 'e2.yml'
    exported = export.read_text()
    checked, ran = module_runs(tmp_path, role, first, check=True, **drifting)
    assert ran == [(task, False) for task in CONVERGED_RUNS] + [
        (TASK % 'Converge the environments', True), (TASK % 'Export the environments', False)]
    predicted = checked.result(TASK % 'Converge the environments')['results']
    assert [item['item']['name'] for item in predicted] == ['e2']
    assert any('toolz' in line and '0.11.2' in line for line in predicted[0]['diff']['after'].splitlines())
    assert export.read_text() == exported and list((tmp_path / 'miniconda3' / 'envs' / 'e2' / 'conda-meta').glob(
        'toolz-0.12.0-*.json'))

    converged, ran = module_runs(tmp_path, role, first, **drifting)
    assert ran == [(task, False) for task in CONVERGED_RUNS] + [
        (TASK % 'Converge the environments', True), (TASK % 'Export the environments', True)]
    assert '0.11.2' in export.read_text()
    again, ran = module_runs(tmp_path, role, first, **drifting)
    assert again.changed == 0 and ran == [(task, False) for task in CONVERGED_RUNS]

    # a file the role manages that no longer holds what it writes runs that task only
    rc_file = home / '.bashrc'
    rc_file.write_text(rc_file.read_text() + '# the owner\'s own line\n')
    kept, ran = module_runs(tmp_path, role, first, **drifting)
    assert kept.changed == 0 and ran == [(task, False) for task in CONVERGED_RUNS]  # blockinfile would keep it
    rc_file.write_text(rc_file.read_text().replace('eval', 'evil'))
    (tmp_path / 'exports' / 'e0.yml').chmod(0o600)
    mended, ran = module_runs(tmp_path, role, first, **drifting)
    assert ran == [(task, False) for task in CONVERGED_RUNS] + [
        (TASK % "Add conda's initialize block to the owner's shell rc files", True),
        (TASK % 'Export the environments', True)]
    assert 'evil' not in rc_file.read_text() and (tmp_path / 'exports' / 'e0.yml').stat().st_mode & 0o777 == 0o644


def test_a_ca_bundle_that_holds_costs_no_task_and_a_changed_one_only_its_copy(role, tmp_path, first):
    # the converged check reads the bundle's checksum in a branch only miniconda_ca_bundle_src opens
    bundle = tmp_path / 'fleet-ca.pem'
    bundle.write_text('-----BEGIN CERTIFICATE-----\nfleet one\n-----END CERTIFICATE-----\n')
    wanted = {'miniconda_ca_bundle_src': str(bundle)}
    installed = role(first, **wanted)
    assert installed.rc == 0, installed.stdout[-3000:]
    trusted = pathlib.Path(yaml.safe_load((tmp_path / 'miniconda3' / '.condarc').read_text())['ssl_verify'])
    assert trusted.parent.parent == tmp_path / 'miniconda3' and trusted.read_text() == bundle.read_text()

    again, ran = module_runs(tmp_path, role, first, **wanted)
    assert again.changed == 0 and ran == [(task, False) for task in CONVERGED_RUNS]

    bundle.write_text('-----BEGIN CERTIFICATE-----\nfleet two\n-----END CERTIFICATE-----\n')
    renewed, ran = module_runs(tmp_path, role, first, **wanted)
    assert ran == [(task, False) for task in CONVERGED_RUNS] + [
        (TASK % 'Make the folder of the CA bundle', False), (TASK % 'Copy the CA bundle conda should trust', True)]
    assert trusted.read_text() == bundle.read_text()


@pytest.mark.parametrize('keywords', [{'strategy': 'free'}, {'serial': 1}], ids=['strategy-free', 'serial-1'])
def test_hosts_at_different_tasks_each_get_the_controller_download(tmp_path, served, channel_url, keywords):
    """Three hosts (local aliases, each its own prefix and HOME) fetch the installer through the
    controller's cache although no task has them all at the same point."""
    base_url, checksums, first = served
    hosts = ['h1', 'h2', 'h3']
    # h3 needs another installer (as an Intel Mac among Apple silicon ones would), when two are served
    versions = {'h1': first, 'h2': first, 'h3': first if REAL_INSTALLER else NEW}
    lines = []
    for host in hosts:
        (tmp_path / host / 'home').mkdir(parents=True)
        lines.append('%s ansible_connection=local ansible_python_interpreter=%s miniconda_prefix=%s testbed_home=%s '
                     'miniconda_version=%s' % (host, sys.executable, tmp_path / host / 'miniconda3',
                                               tmp_path / host / 'home', versions[host]))
    (tmp_path / 'inventory.ini').write_text('\n'.join(lines) + '\n')
    runner = AnsibleRunner(COLLECTIONS, tmp_path, env={'ANSIBLE_PIPELINING': '1', 'ANSIBLE_FORKS': '3'})
    cache = tmp_path / 'controller-cache'
    play = [dict({'hosts': 'all', 'gather_facts': False, 'environment': {'HOME': '{{ testbed_home }}'},
                  'roles': [{'role': 'macfleet.conda.miniconda'}]}, **keywords)]
    extra = {'miniconda_mirror_url': base_url, 'miniconda_sha256': checksums, 'miniconda_owner': getpass.getuser(),
             'miniconda_channels': [REAL_CHANNEL or channel_url],
             'miniconda_download_on_controller': True, 'miniconda_controller_cache_dir': str(cache),
             'miniconda_environments': [{'name': 'tools', 'packages': ['toolz=0.12.0']}]}
    if REAL_INSTALLER:
        extra['miniconda_condarc_extra'] = {'solver': 'classic'}
    log = tmp_path / 'module-runs.json'
    # (the testbed_json report files a result under the last task started, which under strategy free
    # is another host's: the module runs callback files each under its own task)
    installed = runner.run_playbook(play, extra_vars=extra, env={
        'ANSIBLE_CALLBACKS_ENABLED': 'testbed_module_runs', 'TESTBED_MODULE_RUNS': str(log)})
    assert installed.rc == 0, installed.stdout[-3000:]
    names = dict((host, 'Miniconda3-%s-Linux-x86_64.sh' % versions[host]) for host in hosts)
    assert sorted(path.name for path in cache.iterdir()) == sorted(set(names.values()))
    for host in hosts:
        prefix = tmp_path / host / 'miniconda3'
        assert recorded_installer(prefix) == names[host]
        assert list((prefix / 'envs' / 'tools' / 'conda-meta').glob('toolz-0.12.0-*.json'))
    downloads = dict((host.split(' ')[0], run['changed']) for host, runs in json.loads(log.read_text()).items()
                     for run in runs if run['action'] == 'ansible.builtin.get_url')
    assert sorted(downloads) == hosts
    # one download per installer; the other hosts found it there, verified
    assert list(downloads.values()).count(True) == len(set(names.values()))
    again = runner.run_playbook(play, extra_vars=extra)
    assert again.rc == 0 and sum(stats['changed'] for stats in again.stats.values()) == 0, again.stdout[-3000:]


def test_an_owner_without_an_account_is_refused_and_nothing_is_installed(role, tmp_path, first):
    # The play runs as an account with no passwd entry (a container's bare uid; getpass.getuser() reads
    # LOGNAME first): the probe is that owner's answer, and its primary group is nowhere to be found.
    result = role(first, env={'LOGNAME': 'macfleet-nobody', 'USER': 'macfleet-nobody'},
                  miniconda_owner='macfleet-nobody')
    assert result.rc != 0
    [(task, failure)] = [(task, res) for task, res in result.tasks if res.get('failed')]
    assert task.startswith(TASK % 'Refuse an unsupported platform'), task
    assert failure['msg'] == ('miniconda_owner macfleet-nobody has no account on this host (no primary group); '
                              'nothing was changed.')
    assert not (tmp_path / 'miniconda3').exists()
