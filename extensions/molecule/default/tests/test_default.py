"""What a converged build host looks like: checked on the host itself through testinfra."""
from __future__ import annotations

import json
import os
import pathlib

import yaml

WORK = pathlib.Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'testbed'
FIXTURES = json.loads((WORK / 'fixtures.json').read_text())
PREFIX = WORK / 'miniconda3'
CONDA = PREFIX / 'bin' / 'conda'


def packages(host, env: str) -> dict:
    listing = host.run('%s list --json -n %s', str(CONDA), env)
    assert listing.rc == 0, listing.stderr
    return {pkg['name']: pkg['version'] for pkg in json.loads(listing.stdout)}


def test_conda_root_works(host):
    version = host.run('%s --version', str(CONDA))
    assert version.rc == 0
    assert version.stdout.startswith('conda ')


def test_the_pinned_installer_is_recorded(host):
    record = json.loads(host.file(str(PREFIX / 'etc' / 'macfleet' / 'miniconda.json')).content_string)
    assert record['installer'] == 'Miniconda3-24.7.1-0-Linux-x86_64.sh'
    assert record['installer'] in FIXTURES['installers']


def test_root_condarc_says_what_the_inventory_says(host):
    condarc = yaml.safe_load(host.file(str(PREFIX / '.condarc')).content_string)
    assert condarc == {
        'auto_activate_base': False,
        'auto_update_conda': False,
        'channel_priority': 'strict',
        'channels': [FIXTURES['channel_url']],
        'proxy_servers': {'https': 'http://proxy.invalid:3128'},
        'report_errors': False,
        'ssl_verify': True,
    }


def test_environments_hold_the_declared_packages(host):
    myenv = packages(host, 'myenv')
    assert myenv['numpy'] == '1.19.2'
    assert myenv['python'].startswith('3.9.')
    tools = packages(host, 'tools')
    assert tools['toolz'] == '0.12.0'
    assert tools['python'].startswith('3.11.')
    assert 'pip' in packages(host, 'base')


def test_install_belongs_to_the_owner(host):
    owner = host.run('id -un').stdout.strip()
    for path in (PREFIX, PREFIX / '.condarc', PREFIX / 'envs' / 'myenv', WORK / 'exports' / 'myenv.yml'):
        assert host.file(str(path)).user == owner, path


def test_no_installer_is_left_behind(host):
    leftovers = host.run("find %s /tmp -maxdepth 2 -name 'Miniconda3-*.sh' -o -maxdepth 1 -name 'macfleet-conda.*'",
                         str(PREFIX))
    assert leftovers.stdout.strip() == ''


def test_shell_hook_points_at_the_prefix(host):
    rc_file = host.file(str(WORK / 'home' / '.bashrc'))
    assert rc_file.contains('# >>> conda initialize >>>')
    assert rc_file.contains("'%s' 'shell.bash' 'hook'" % CONDA)


def test_each_environment_is_exported(host):
    export = yaml.safe_load(host.file(str(WORK / 'exports' / 'myenv.yml')).content_string)
    assert export['name'] == 'myenv'
    assert any(dep.startswith('numpy=1.19.2') for dep in export['dependencies'])


def test_terms_of_service_are_accepted_and_recorded(host):
    record = json.loads(host.file(str(PREFIX / 'etc' / 'macfleet' / 'miniconda.json')).content_string)
    channels = ['https://repo.anaconda.com/pkgs/main', 'https://repo.anaconda.com/pkgs/r']
    assert sorted(record['tos_accepted']) == channels
    for channel in channels:
        view = host.run('%s tos view --override-channels --channel %s --json', str(CONDA), channel)
        assert view.rc == 0, view.stderr
        assert json.loads(view.stdout)[channel] == {'tos_accepted': True}
