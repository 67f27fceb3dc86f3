"""The macOS choices, on each faked Mac: installer for its architecture, group staff, zsh and bash hooks."""
from __future__ import annotations

import json
import os
import pathlib

WORK = pathlib.Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'testbed'


def host_dir(host) -> pathlib.Path:
    return WORK / host.ansible.get_variables()['inventory_hostname']


def test_installer_for_the_architecture(host):
    arch = host.ansible.get_variables()['testbed_architecture']
    record = json.loads(host.file(str(host_dir(host) / 'miniconda3' / 'etc' / 'macfleet' / 'miniconda.json'))
                        .content_string)
    assert record['installer'] == 'Miniconda3-24.7.1-0-MacOSX-%s.sh' % arch


def test_conda_works(host):
    assert host.run('%s --version', str(host_dir(host) / 'miniconda3' / 'bin' / 'conda')).rc == 0


def test_install_belongs_to_staff(host):
    for path in ('miniconda3', 'miniconda3/.condarc', 'miniconda3/etc/macfleet/miniconda.json'):
        assert host.file(str(host_dir(host) / path)).group == 'staff', path


def test_zsh_and_bash_login_shells_are_hooked(host):
    conda = host_dir(host) / 'miniconda3' / 'bin' / 'conda'
    for rc_file, shell in (('.zshrc', 'zsh'), ('.bash_profile', 'bash')):
        text = host.file(str(host_dir(host) / 'home' / rc_file)).content_string
        assert "'%s' 'shell.%s' 'hook'" % (conda, shell) in text
    assert not host.file(str(host_dir(host) / 'home' / '.bashrc')).exists
