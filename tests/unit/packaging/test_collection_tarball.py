"""What users install: the built collection carries the content, none of the test bed and no benchmarks."""
from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

from conda_testbed.session import ROOT


def test_the_tarball_ships_plugins_role_and_playbooks_but_no_test_bed_nor_benchmarks(tmp_path):
    galaxy = Path(sys.executable).parent / 'ansible-galaxy'
    subprocess.run([str(galaxy), 'collection', 'build', '--output-path', str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    [tarball] = tmp_path.glob('macfleet-conda-*.tar.gz')
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for shipped in ('plugins/modules/conda_env.py', 'plugins/modules/conda_package.py',
                    'plugins/modules/conda_export.py', 'plugins/module_utils/_conda_spec.py',
                    'roles/miniconda/tasks/main.yml', 'roles/miniconda/meta/argument_specs.yml',
                    'playbooks/site.yml', 'meta/runtime.yml', 'CHANGELOG.rst'):
        assert shipped in names
    leaked = [name for name in names
              if name.split('/')[0] in ('tests', 'benchmarks', 'extensions', 'build', '.venv')
              or 'standin' in name]
    assert leaked == []
