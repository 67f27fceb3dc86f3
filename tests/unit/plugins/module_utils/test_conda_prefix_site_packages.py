"""conda_site_packages: pip-installed packages are those whose metadata no conda record owns."""
from __future__ import annotations

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import (
    normalized_name, pip_packages, site_packages_path)

SITE = 'lib/python3.9/site-packages'
PYTHON = {'name': 'python', 'version': '3.9.18', 'files': ['bin/python']}


def _dist_info(prefix, folder, name, version, record=True):
    path = prefix / SITE / folder
    path.mkdir(parents=True)
    (path / 'METADATA').write_text('Metadata-Version: 2.1\nName: %s\nVersion: %s\n\nName: not-a-header\n'
                                   % (name, version))
    if record:
        (path / 'RECORD').write_text('')
    return '%s/%s/RECORD' % (SITE, folder)


def test_pip_installed_packages_are_found_and_conda_ones_are_not(tmp_path):
    conda_anchor = _dist_info(tmp_path, 'pip-23.3.dist-info', 'pip', '23.3')
    _dist_info(tmp_path, 'Requests_Toolbelt-1.0.0.dist-info', 'Requests_Toolbelt', '1.0.0')
    _dist_info(tmp_path, 'attrs-23.1.0.dist-info', 'attrs', '23.1.0')
    _dist_info(tmp_path, 'half-1.0.dist-info', 'half', '1.0', record=False)  # no RECORD: not installed
    egg = tmp_path / SITE / 'legacy.egg-info'
    egg.mkdir()
    (egg / 'PKG-INFO').write_text('Name: Legacy.Pkg\nVersion: 0.1\n')
    (tmp_path / SITE / 'flat-2.0.egg-info').write_text('Name: flat\nVersion: 2.0\n')
    records = [PYTHON, {'name': 'pip', 'version': '23.3', 'files': [conda_anchor, 'bin/pip']}]
    assert pip_packages(str(tmp_path), records) == [
        ('attrs', '23.1.0'), ('flat', '2.0'), ('legacy-pkg', '0.1'), ('requests-toolbelt', '1.0.0')]


def test_no_python_means_no_pip_packages(tmp_path):
    _dist_info(tmp_path, 'attrs-23.1.0.dist-info', 'attrs', '23.1.0')
    assert pip_packages(str(tmp_path), [{'name': 'zlib', 'version': '1.3'}]) == []


def test_missing_site_packages(tmp_path):
    assert pip_packages(str(tmp_path), [PYTHON]) == []


@pytest.mark.parametrize('record, expected', [
    (PYTHON, SITE),
    ({'name': 'python', 'version': '3.13.1', 'python_site_packages_path': 'lib/python3.13t/site-packages'},
     'lib/python3.13t/site-packages'),
])
def test_site_packages_path(record, expected):
    assert site_packages_path(record) == expected


def test_normalized_name():
    assert normalized_name('Foo_Bar.baz') == 'foo-bar-baz'
