"""What a converged build host looks like: checked on the host itself through testinfra.

The same checks hold for the test bed's installer and, with MACFLEET_MINICONDA_INSTALLER, for a real
one: what differs (installer, version, solver, terms of service) is read from fixtures.json.
"""
from __future__ import annotations

import json
import os
import pathlib
import re

import yaml

WORK = pathlib.Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'testbed'
FIXTURES = json.loads((WORK / 'fixtures.json').read_text())
PREFIX = WORK / 'miniconda3'
CONDA = PREFIX / 'bin' / 'conda'
TMP = WORK / 'tmp'  # the TMPDIR converge.yml runs the role with
# The one installer the scenario serves, and the conda it carries: Miniconda3-py311_26.7.1-0-... holds
# conda 26.7.1, Miniconda3-24.7.1-0-... conda 24.7.1.
[INSTALLER] = FIXTURES['installers']
CONDA_VERSION = re.sub(r'^py\d+_', '', FIXTURES['version']).rsplit('-', 1)[0]


def packages(host, env: str) -> dict:
    listing = host.run('%s list --json -n %s', str(CONDA), env)
    assert listing.rc == 0, listing.stderr
    return {pkg['name']: pkg['version'] for pkg in json.loads(listing.stdout)}


def record(host) -> dict:
    return json.loads(host.file(str(PREFIX / 'etc' / 'macfleet' / 'miniconda.json')).content_string)


def test_conda_root_works(host):
    version = host.run('%s --version', str(CONDA))
    assert version.rc == 0, version.stderr
    assert version.stdout.startswith('conda ')
    if FIXTURES['real']:  # the stand-in prints the conda it imitates, not its installer's version
        assert version.stdout.strip() == 'conda %s' % CONDA_VERSION


def test_base_holds_the_installers_conda(host):
    assert packages(host, 'base')['conda'] == CONDA_VERSION


def test_the_pinned_installer_is_recorded(host):
    assert INSTALLER.startswith('Miniconda3-%s-' % FIXTURES['version'])
    assert record(host)['installer'] == INSTALLER


def test_root_condarc_says_what_the_inventory_says(host):
    condarc = yaml.safe_load(host.file(str(PREFIX / '.condarc')).content_string)
    assert condarc == dict({
        'auto_activate_base': False,
        'auto_update_conda': False,
        'channel_priority': 'strict',
        'channels': [FIXTURES['channel_url']],
        'proxy_servers': {'https': 'http://proxy.invalid:3128'},
        'report_errors': False,
        'ssl_verify': True,
    }, **FIXTURES['condarc_extra'])
    # The role replaces the installer's .condarc as a whole: with a real installer the scenario asks
    # for the classic solver, the one every conda has.
    assert condarc.get('solver') == ('classic' if FIXTURES['real'] else None)


def test_environments_hold_the_declared_packages(host):
    myenv = packages(host, 'myenv')
    assert myenv['numpy'] == '1.19.2'
    assert myenv['python'].startswith('3.9.')
    tools = packages(host, 'tools')
    assert tools['toolz'] == '0.12.0'
    assert tools['python'].startswith('3.11.')
    base = packages(host, 'base')
    assert 'pip' in base
    assert base['toolz'] == '0.12.0'  # in neither installer's base: the role put it there
    records = [name for name in host.file(str(PREFIX / 'conda-meta')).listdir() if name.startswith('toolz-')]
    assert len(records) == 1 and records[0].startswith('toolz-0.12.0-'), records


def test_install_belongs_to_the_owner(host):
    owner = host.run('id -un').stdout.strip()
    for path in (PREFIX, PREFIX / '.condarc', PREFIX / 'envs' / 'myenv', WORK / 'exports' / 'myenv.yml'):
        assert host.file(str(path)).user == owner, path


def test_no_installer_is_left_behind(host):
    # converge.yml asserts the role made its download folder in TMP; neither it nor an installer is left
    # there or in the prefix, at any depth. (Not /tmp: other runs on this machine use it meanwhile.)
    assert host.file(str(TMP)).is_directory
    leftovers = host.run("find %s %s \\( -name 'Miniconda3-*.sh' -o -name 'macfleet-conda.*' \\) -print",
                         str(TMP), str(PREFIX))
    assert leftovers.rc == 0, leftovers.stderr
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
    channels = ['https://repo.anaconda.com/pkgs/main', 'https://repo.anaconda.com/pkgs/r']
    if not FIXTURES['accept_tos']:
        # A real conda without the conda-anaconda-tos plugin (MACFLEET_CONDA_TOS unset) has no
        # `conda tos`: the scenario does not ask, and the role records nothing it did not do.
        assert record(host)['tos_accepted'] == []
        return
    assert sorted(record(host)['tos_accepted']) == channels
    for channel in channels:
        view = host.run('%s tos view --override-channels --channel %s --json', str(CONDA), channel)
        assert view.rc == 0, view.stderr
        assert json.loads(view.stdout)[channel] == {'tos_accepted': True}
