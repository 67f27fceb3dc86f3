"""After the faults: nothing where verification failed, a working conda where a broken install was repaired."""
from __future__ import annotations

import json
import os
import pathlib

WORK = pathlib.Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'testbed'


def test_mismatch_unreachable_and_unverified_installed_nothing(host):
    for name in ('mismatch', 'unreachable', 'unverified'):
        assert not host.file(str(WORK / name)).exists, name


def test_no_installer_is_left_behind(host):
    # converge.yml runs the role with this TMPDIR; every failed run must have removed its download folder
    tmp = WORK / 'tmp'
    assert host.file(str(tmp)).is_directory
    leftovers = host.run("find %s \\( -name 'macfleet-conda.*' -o -name 'Miniconda3-*.sh' \\) -print", str(tmp))
    assert leftovers.rc == 0, leftovers.stderr
    assert leftovers.stdout.strip() == ''


def test_half_installed_prefix_was_repaired(host):
    prefix = WORK / 'half'
    version = host.run('%s --version', str(prefix / 'bin' / 'conda'))
    assert version.rc == 0 and version.stdout.startswith('conda ')
    record = json.loads(host.file(str(prefix / 'etc' / 'macfleet' / 'miniconda.json')).content_string)
    assert record['installer'] == 'Miniconda3-24.7.1-0-Linux-x86_64.sh'
