"""playbooks/report.yml on three local hosts, each with its own conda root of the test bed: one converged, one
drifting, one missing an env. The three files are read back, the rerun changes nothing, and the HTML page is
rendered by a real headless browser (Debian's chromium) whose DOM must show the same grid.
"""
from __future__ import annotations

import fcntl
import getpass
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser

import pytest
import yaml

from conda_testbed.session import REAL_CONDA

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOK = ROOT / 'playbooks' / 'report.yml'
OWNER = getpass.getuser()
SECRET = 'tok-s3cr3t-0815'
# Each host declares the same two envs; mac2 asks more of build than it holds.
DECLARED = [{'name': 'build', 'python': '3.9', 'packages': ['numpy=1.19.2', 'toolz=0.12.0']},
            {'name': 'data', 'python': '3.9'}]
DRIFTING_BUILD = {'name': 'build', 'python': '3.9', 'packages': ['numpy>=1.20,<2', 'toolz=0.12.0'],
                  'channels': ['https://builder:%s@conda.example.com/private' % SECRET]}
CHROMIUM = '/usr/bin/chromium'


pytestmark = pytest.mark.skipif(
    bool(REAL_CONDA), reason='needs three conda roots with their own envs; the real conda switch gives one root')


def _conda(conda_root, prefix, *args):
    """Run a root's conda with a HOME of that root's own, as each Mac of a fleet has: conda lists every env it
    makes in ~/.conda/environments.txt, and hosts sharing that file would each see the others' envs."""
    home = prefix.parent / (prefix.name + '-home')
    home.mkdir(exist_ok=True)
    subprocess.run([str(prefix / 'bin' / 'conda'), *args, '--json', '-y', '--override-channels',
                    '-c', conda_root.channel_url], check=True, capture_output=True,
                   env=dict(os.environ, **dict(conda_root.env, HOME=str(home))))


@pytest.fixture
def controller_home(tmp_path):
    """The HOME the playbook runs with (every local "host" shares it): one no conda has written to."""
    home = tmp_path / 'controller-home'
    home.mkdir()
    return {'HOME': str(home)}


def _root(tmp_path, conda_root, installer, name):
    prefix = tmp_path / name
    subprocess.run(['bash', str(installer[0]), '-b', '-p', str(prefix)], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(conda_root.home)))
    return prefix


def _inventory(path, hosts):
    common = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable, 'miniconda_owner': OWNER}
    path.write_text(yaml.safe_dump({'all': {'children': {'macos_builders': {'hosts': dict(
        (name, dict(common, **variables)) for name, variables in hosts.items())}}}}))
    return str(path)


@pytest.fixture
def fleet(tmp_path, conda_root, installer):
    """Three roots: mac1 converged (the reference), mac2 with an older toolz in build, mac3 without data but
    with an env nobody declared. mac1 names its conda by the role's miniconda_prefix, the others outright."""
    mac1 = conda_root.prefix
    mac2, mac3 = _root(tmp_path, conda_root, installer, 'root2'), _root(tmp_path, conda_root, installer, 'root3')
    for prefix, toolz in ((mac1, '0.12.0'), (mac2, '0.11.2'), (mac3, '0.12.0')):
        _conda(conda_root, prefix, 'create', '-n', 'build', 'python=3.9', 'numpy=1.19.2', 'toolz=' + toolz)
    for prefix in (mac1, mac2):
        _conda(conda_root, prefix, 'create', '-n', 'data', 'python=3.9')
    _conda(conda_root, mac3, 'create', '-n', 'scratch', 'python=3.9')
    return _inventory(tmp_path / 'hosts.yml', {
        'mac1': {'miniconda_prefix': str(mac1), 'miniconda_environments': DECLARED},
        'mac2': {'conda_executable': str(mac2 / 'bin' / 'conda'),
                 'miniconda_environments': [DRIFTING_BUILD, DECLARED[1]]},
        'mac3': {'conda_executable': str(mac3 / 'bin' / 'conda'), 'miniconda_environments': DECLARED},
    })


# -- a real browser ---------------------------------------------------------------------------------------

def _install_chromium():
    """apt-get install chromium, once per machine (a lock keeps pytest-xdist workers from racing on dpkg)."""
    with open('/tmp/macfleet-conda-chromium.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.access(CHROMIUM, os.X_OK):
            return None
        env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
        install = ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium']
        proc = subprocess.run(install, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:  # stale package lists: refresh them once and try again
            subprocess.run(['apt-get', 'update', '-q'], capture_output=True, env=env, check=False)
            proc = subprocess.run(install, capture_output=True, text=True, env=env, check=False)
        return None if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1:]


@pytest.fixture(scope='session')
def chromium():
    """Debian's chromium, installed with apt-get where it is missing and this session is root; else a skip."""
    if not os.access(CHROMIUM, os.X_OK):
        if os.geteuid() != 0 or not shutil.which('apt-get'):
            pytest.skip('%s is missing and this session cannot install it (needs root and apt-get): '
                        'apt-get install --no-install-recommends chromium' % CHROMIUM)
        failure = _install_chromium()
        if failure is not None:
            pytest.skip('apt-get install chromium failed: %s' % ' '.join(failure))
    return CHROMIUM


def browse(chromium, tmp_path, page, *args):
    """Run headless chromium on a local page with a profile of its own and no network."""
    argv = [chromium, '--headless', '--disable-gpu', '--no-sandbox', '--user-data-dir=%s' % (tmp_path / 'chromium'),
            '--no-first-run', '--proxy-server=127.0.0.1:9', *args, page.as_uri()]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)


class Grid(HTMLParser):
    """The cells of the page's grid as the browser built them: {(host, env): (state, classes, texts)}."""

    def __init__(self):
        super().__init__()
        self.cells, self.rows, self.columns = {}, {}, []
        self._cell, self._texts = None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'th' and attrs.get('scope') == 'col' and 'data-env' in attrs:
            self.columns.append(attrs['data-env'])
        if tag == 'tr' and 'data-status' in attrs:
            self.rows[attrs['data-host']] = (attrs['data-status'], attrs.get('class', '').split())
        if tag == 'td' and 'data-state' in attrs:
            self._cell = (attrs['data-host'], attrs['data-env'], attrs['data-state'], attrs['class'].split())
            self._texts = []

    def handle_data(self, data):
        if self._cell and data.strip():
            self._texts.append(data.strip())

    def handle_endtag(self, tag):
        if tag == 'td' and self._cell:
            host, env, state, classes = self._cell
            self.cells[(host, env)] = (state, classes, self._texts)
            self._cell = None


# -- the test ---------------------------------------------------------------------------------------------

def test_report_grid_reference_differences_rerun_ok_and_the_page_in_a_browser(
        tmp_path, fleet, ansible, chromium, controller_home):
    out = tmp_path / 'report'
    extra = {'conda_report_dir': str(out), 'conda_report_reference': 'mac1'}
    started = time.monotonic()
    first = ansible.run_playbook(PLAYBOOK, extra_vars=extra, inventory=fleet, env=controller_home)
    took = time.monotonic() - started
    assert first.rc == 0, first.stdout[-3000:]
    assert first.stats['localhost']['changed'] == 2  # the folder, and the task writing the three files
    written = first.result('Write each file of the report (only when its content changes)')['results']
    assert [(item['item']['file'], item['changed']) for item in written] == [
        ('conda-fleet.json', True), ('conda-fleet.md', True), ('conda-fleet.html', True)]
    assert all(first.stats[host]['changed'] == 0 for host in ('mac1', 'mac2', 'mac3'))
    print('report.yml, 3 hosts: %.1f s' % took)

    report = json.loads((out / 'conda-fleet.json').read_text())
    assert report['envs'] == ['build', 'data', 'scratch'] and report['reference'] == 'mac1'
    grid = dict((host['name'], dict((env, cell['state']) for env, cell in host['envs'].items()))
                for host in report['hosts'])
    assert grid == {'mac1': {'build': 'converged', 'data': 'converged', 'scratch': 'none'},
                    'mac2': {'build': 'drifting', 'data': 'converged', 'scratch': 'none'},
                    'mac3': {'build': 'converged', 'data': 'missing', 'scratch': 'unmanaged'}}
    hosts = dict((host['name'], host) for host in report['hosts'])
    assert hosts['mac2']['envs']['build']['unsatisfied'] == ['numpy>=1.20,<2', 'toolz=0.12.0']
    assert hosts['mac3']['envs']['data']['unsatisfied'] == ['python=3.9']
    assert all(host['status'] == 'ok' and host['platform'] and host['conda_version'] for host in report['hosts'])
    assert hosts['mac2']['root_prefix'] == str(tmp_path / 'root2')
    differences = report['differences']
    assert differences['build']['same'] == ['mac3']
    assert [(entry['host'], entry['changed']) for entry in differences['build']['differ']] == [
        ('mac2', ['toolz 0.12.0=pyhbdf259b_0 -> 0.11.2=pyh3e3cb63_0'])]
    assert differences['data'] == {'same': ['mac2'], 'differ': [
        {'host': 'mac3', 'reason': 'missing on the host', 'changed': [], 'only_reference': [], 'only_host': []}]}
    assert [(entry['host'], entry['reason']) for entry in differences['scratch']['differ']] == [
        ('mac3', 'not on the reference')]
    assert hosts['mac2']['differs_from_reference'] == ['build']
    assert hosts['mac3']['differs_from_reference'] == ['data', 'scratch']

    markdown = (out / 'conda-fleet.md').read_text()
    assert '| host | conda | platform | build | data | scratch |' in markdown
    assert ('| mac2 | %s | %s | \u2260 drifting; unsatisfied: `numpy>=1.20,<2`, `toolz=0.12.0` (differs from the reference) '
            '| \u2713 converged | \u2014 not there |' % (hosts['mac2']['conda_version'], hosts['mac2']['platform'])
            ) in markdown
    assert '| mac3 | missing on the host |' in markdown

    # Nothing new: the rerun writes nothing (check mode too), and no secret reached any output.
    again = ansible.run_playbook(PLAYBOOK, extra_vars=extra, inventory=fleet, env=controller_home)
    assert again.rc == 0 and again.stats['localhost']['changed'] == 0, again.stdout[-3000:]
    checked = ansible.run_playbook(PLAYBOOK, extra_vars=extra, inventory=fleet, check=True, env=controller_home)
    assert checked.rc == 0 and checked.stats['localhost']['changed'] == 0
    for text in [first.stdout, first.stderr, again.stdout] + [path.read_text() for path in out.iterdir()]:
        assert SECRET not in text

    page = out / 'conda-fleet.html'
    dom = browse(chromium, tmp_path, page, '--dump-dom').stdout
    parsed = Grid()
    parsed.feed(dom)
    assert parsed.columns == ['build', 'data', 'scratch']
    assert set(parsed.rows) == {'mac1', 'mac2', 'mac3'} and 'reference' in parsed.rows['mac1'][1]
    assert dict((key, cell[0]) for key, cell in parsed.cells.items()) == dict(
        ((host, env), state) for host, envs in grid.items() for env, state in envs.items())
    state, classes, texts = parsed.cells[('mac2', 'build')]
    assert classes == ['cell', 'drifting', 'differs']
    assert texts == ['\u2260 drifting', 'differs from the reference', 'unsatisfied:', 'numpy>=1.20,<2',
                     'toolz=0.12.0']
    assert parsed.cells[('mac3', 'data')][1] == ['cell', 'missing', 'differs']
    assert parsed.cells[('mac1', 'build')][2] == ['\u2713 converged']
    shot = tmp_path / 'report.png'
    browse(chromium, tmp_path, page, '--screenshot=%s' % shot, '--window-size=1280,900', '--hide-scrollbars')
    assert shot.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n' and shot.stat().st_size > 10000


def test_report_finds_conda_as_the_modules_do_and_shows_a_failing_host(tmp_path, conda_root, ansible):
    """No conda_executable, no miniconda_prefix: conda_info finds conda as every module does (CONDA_EXE here).
    A host whose conda cannot be read is a row with its message, not the end of the report."""
    _conda(conda_root, conda_root.prefix, 'create', '-n', 'build', 'python=3.9')
    inventory = _inventory(tmp_path / 'hosts.yml', {
        'found': {'miniconda_environments': [{'name': 'build', 'python': '3.9'}]},
        'broken': {'conda_executable': str(tmp_path / 'nowhere' / 'bin' / 'conda')}})
    out = tmp_path / 'report'
    result = ansible.run_playbook(PLAYBOOK, extra_vars={'conda_report_dir': str(out)}, inventory=inventory,
                                  env={'CONDA_EXE': str(conda_root.conda)})
    assert result.rc == 0, result.stdout[-3000:]
    report = json.loads((out / 'conda-fleet.json').read_text())
    hosts = dict((host['name'], host) for host in report['hosts'])
    assert hosts['found']['root_prefix'] == str(conda_root.prefix)
    assert hosts['found']['envs']['build']['state'] == 'converged'
    assert hosts['broken']['status'] == 'failed' and hosts['broken']['envs']['build']['state'] == 'unknown'
    assert 'nowhere' in hosts['broken']['message']
    assert report['reference'] is None and report['differences'] == {}


def test_a_reference_outside_the_hosts_stops_before_any_host_is_read(tmp_path, conda_root, ansible):
    inventory = _inventory(tmp_path / 'hosts.yml', {'mac1': {'miniconda_prefix': str(conda_root.prefix)}})
    result = ansible.run_playbook(PLAYBOOK, inventory=inventory, extra_vars={
        'conda_report_dir': str(tmp_path / 'report'), 'conda_report_reference': 'mac9'})
    assert result.rc != 0 and 'conda_report_reference=mac9 is not one of the hosts' in result.stdout
    assert 'mac1' not in result.stats and not (tmp_path / 'report').exists()
