"""``make demo``: the collection's main job, end to end, on this machine and offline.

It builds the test bed's local conda channel and a Miniconda-style installer, serves the installer on
127.0.0.1, and runs ``playbooks/site.yml`` against this machine (local connection) with an inventory
that puts localhost in ``macos_builders``: verified download, batch install under ``build/demo/``,
root ``.condarc``, shell hook, two environments, exports. Then it runs the same playbook again, which
must change nothing, and says what happened in plain words.
"""
from __future__ import annotations

import getpass
import json
import os
import pathlib
import shutil
import sys
import time

TESTS = pathlib.Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))

# pylint: disable=wrong-import-position
from conda_testbed.channel import cached_channel, channel_url  # noqa: E402
from conda_testbed.installer import build_installer  # noqa: E402
from conda_testbed.playbook_runner import AnsibleRunner, PlaybookResult  # noqa: E402
from conda_testbed.serve import serve_directory  # noqa: E402
from conda_testbed.session import COLLECTIONS  # noqa: E402

DEMO = ROOT / 'build' / 'demo'
INSTALLER_VERSION = '24.7.1-0'
ENVIRONMENTS = [
    {'name': 'myenv', 'python': '3.9', 'packages': ['numpy=1.19.2']},
    {'name': 'tools', 'python': '3.11', 'packages': ['toolz=0.12.0', 'requests']},
]


def collections_path() -> pathlib.Path:
    """The staged collection `make stage` built (Makefile exports it), else this checkout's farm."""
    if os.environ.get('ANSIBLE_COLLECTIONS_PATH'):
        return pathlib.Path(os.environ['ANSIBLE_COLLECTIONS_PATH'].split(os.pathsep)[0])
    return COLLECTIONS


def inventory(base_url: str, sha256: str, channel: str) -> dict:
    """localhost as a macOS builder, with the fixture's URL and checksum and everything under build/demo."""
    return {'all': {'children': {'macos_builders': {'hosts': {'localhost': {
        'ansible_connection': 'local',
        'ansible_python_interpreter': sys.executable,
        'conda_become': False,
        'miniconda_version': INSTALLER_VERSION,
        'miniconda_mirror_url': base_url,
        'miniconda_sha256': sha256,
        'miniconda_prefix': str(DEMO / 'miniconda3'),
        # Named on purpose: the role refuses to make root the owner unless it is asked to.
        'miniconda_owner': getpass.getuser(),
        'miniconda_owner_home': str(DEMO / 'home'),
        'miniconda_channels': [channel],
        'miniconda_channel_priority': 'strict',
        'miniconda_shell_init': True,
        'miniconda_base_packages': ['pip'],
        'miniconda_environments': ENVIRONMENTS,
        'miniconda_export_dir': str(DEMO / 'exports'),
    }}}}}}


def changed_tasks(result: PlaybookResult) -> list:
    return [task for task, res in result.tasks if res.get('changed')]


def run_site(runner: AnsibleRunner, inventory_file: pathlib.Path) -> tuple:
    started = time.monotonic()
    result = runner.run_playbook(ROOT / 'playbooks' / 'site.yml', inventory=str(inventory_file))
    elapsed = time.monotonic() - started
    if result.rc != 0:
        failed = [(task, res.get('msg')) for task, res in result.tasks if res.get('failed')]
        sys.exit('site.yml failed (rc=%s): %s\n%s' % (result.rc, failed, result.stderr[-2000:]))
    return result, elapsed


def say(text: str = '') -> None:
    print(text, flush=True)


def main() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    (DEMO / 'home').mkdir(parents=True)
    say('1. Building the local conda channel and a Miniconda-style installer (offline) ...')
    channel = cached_channel(ROOT / 'build' / 'testbed-cache')
    installer, sha256 = build_installer(DEMO / 'www', version=INSTALLER_VERSION, channel=channel)
    say('   %s, sha256 %s' % (installer.name, sha256))
    runner = AnsibleRunner(collections_path(), DEMO, env={'ANSIBLE_PIPELINING': '1', 'HOME': str(DEMO / 'home')})
    with serve_directory(installer.parent) as base_url:
        inventory_file = DEMO / 'inventory.yml'
        inventory_file.write_text(json.dumps(inventory(base_url, sha256, channel_url(channel)), indent=2))
        say('2. Serving it on %s; inventory: %s' % (base_url, inventory_file.relative_to(ROOT)))
        say('3. First run of playbooks/site.yml against this machine ...')
        first, first_time = run_site(runner, inventory_file)
        say('   changed=%d in %.0f s:' % (first.changed, first_time))
        for task in changed_tasks(first):
            say('   - %s' % task)
        say('4. Second run, nothing declared has changed ...')
        second, second_time = run_site(runner, inventory_file)
        say('   changed=%d in %.0f s' % (second.changed, second_time))
    prefix = DEMO / 'miniconda3'
    say()
    say('What happened, in plain words:')
    say('- The installer was downloaded from %s, its sha256 checked, and run in batch mode' % base_url)
    say('  as %s into %s.' % (getpass.getuser(), prefix.relative_to(ROOT)))
    say('- The root .condarc now reads:')
    for line in (prefix / '.condarc').read_text().splitlines():
        say('    ' + line)
    say('- conda is hooked into %s.' % (DEMO / 'home' / '.bashrc').relative_to(ROOT))
    for env in ENVIRONMENTS:
        records = sorted(path.name.rsplit('-', 2)[0] + ' ' + path.name.rsplit('-', 2)[1]
                         for path in (prefix / 'envs' / env['name'] / 'conda-meta').glob('*.json'))
        say('- Environment %s holds: %s.' % (env['name'], ', '.join(records)))
    say('- Each environment was exported to %s:' % (DEMO / 'exports').relative_to(ROOT))
    for export in sorted((DEMO / 'exports').iterdir()):
        say('    %s: %s' % (export.name, ' '.join(export.read_text().split())))
    if second.changed:
        sys.exit('The second run changed %d things: %s' % (second.changed, changed_tasks(second)))
    say('- The second run changed nothing (changed=0): the host was already converged.')


if __name__ == '__main__':
    main()
