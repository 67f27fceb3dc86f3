"""The files of a fresh Miniconda-style root prefix, as the installer fixture unpacks them.

Paths inside files are written with ``PREFIX_PLACEHOLDER``; the installer replaces it with the
install prefix, as conda does for packages with a prefix placeholder.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import List, Optional, Tuple

from conda_testbed import package_file
from conda_testbed.packages import PackageDef, conda_package, noarch_package, python_package

PREFIX_PLACEHOLDER = '@@MACFLEET_TESTBED_PREFIX@@'
BASE_PYTHON_VERSION = '3.11.7'
# The channel the recordings were made against; records point there when no channel is given.
RECORDED_CHANNEL_URL = 'file:///srv/conda-channel'


@dataclasses.dataclass(frozen=True)
class PrefixFile:
    """One file of the payload: path relative to the prefix, bytes, mode, placeholder or not."""

    path: str
    data: bytes
    mode: int = 0o644
    has_prefix: bool = False


def base_packages(subdir: str, conda_version: str) -> List[PackageDef]:
    """The packages of a base install, in link order (python before what needs it)."""
    return [python_package(BASE_PYTHON_VERSION, subdir),
            noarch_package('pip', '23.3', ('python >=3.7',)),
            conda_package(conda_version)]


def prefix_record(package: PackageDef, channel: str, tarball: bytes) -> dict:
    """The ``conda-meta/<dist>.json`` of a linked package, shaped like the recorded ones."""
    subdir_url = f'{channel}/{package.subdir}'
    index = package.index_json()
    record = {
        'name': package.name,
        'version': package.version,
        'build': package.build,
        'build_number': index['build_number'],
        'channel': subdir_url,
        'subdir': package.subdir,
        'fn': package.filename,
        'md5': hashlib.md5(tarball).hexdigest(),
        'url': f'{subdir_url}/{package.filename}',
        'sha256': hashlib.sha256(tarball).hexdigest(),
        'depends': list(package.depends),
        'constrains': list(package.constrains),
    }
    if package.noarch:
        record['noarch'] = package.noarch
    record['license'] = index['license']
    if package.noarch:
        record['package_type'] = f'noarch_{package.noarch}'
    pkgs_path = f'{PREFIX_PLACEHOLDER}/pkgs/{package.dist}'
    record.update({
        'timestamp': index['timestamp'],
        'size': len(tarball),
        'requested_spec': f'{package.name}={package.version}',
        'package_tarball_full_path': f'{pkgs_path}.tar.bz2',
        'extracted_package_dir': pkgs_path,
        'files': [payload.path for payload in package.files],
        'paths_data': {
            'paths_version': 1,
            'paths': [dict(entry, sha256_in_prefix=entry['sha256'])
                      for entry in package_file.paths_entries(package)],
        },
        'link': {'source': pkgs_path, 'type': 1},
        'requested_specs': [f'{package.name}={package.version}'],
    })
    return record


def history_entries(packages: List[PackageDef], channel: str) -> List[str]:
    """``channel/subdir::dist`` for each package, as conda writes them in ``conda-meta/history``."""
    return [f'{channel}/{package.subdir}::{package.dist}' for package in packages]


def condarc_text(channel: Optional[str]) -> str:
    """The root ``.condarc``: quiet, offline-friendly, and the test channel unless none."""
    lines = ['auto_update_conda: false', 'notify_outdated_conda: false', 'changeps1: false',
             'report_errors: false']
    if channel:
        lines += ['channels:', f'  - {channel}']
    return '\n'.join(lines) + '\n'


CONDA_SH = f'''# conda's shell function, reduced to what the test bed needs (a real conda.sh also activates).
export CONDA_EXE='{PREFIX_PLACEHOLDER}/bin/conda'
export CONDA_PYTHON_EXE='{PREFIX_PLACEHOLDER}/bin/python'
export _CE_M=''
export _CE_CONDA=''

__conda_exe() {{
    "$CONDA_EXE" "$@"
}}

conda() {{
    __conda_exe "$@"
}}
'''


def base_prefix_files(subdir: str, conda_version: str,
                      channel: Optional[str]) -> Tuple[List[PrefixFile], List[PackageDef]]:
    """Every payload file of a base install and the packages it links.

    ``channel`` is the channel URL the records and ``.condarc`` name (None: no channel in
    ``.condarc`` and records pointing at the recordings' channel). ``bin/conda`` and
    ``conda-meta/history`` are not here: the installer script writes them.
    """
    record_channel = channel or RECORDED_CHANNEL_URL
    packages = base_packages(subdir, conda_version)
    files: List[PrefixFile] = []
    urls = []
    for package in packages:
        tarball = package_file.package_bytes(package)
        files += [PrefixFile(payload.path, payload.text.encode(), payload.mode)
                  for payload in package.files]
        record = prefix_record(package, record_channel, tarball)
        files.append(PrefixFile(f'conda-meta/{package.dist}.json',
                                (json.dumps(record, indent=2) + '\n').encode(), has_prefix=True))
        files.append(PrefixFile(f'pkgs/{package.filename}', tarball))
        urls.append(record['url'])
    files.append(PrefixFile('pkgs/urls.txt', ''.join(url + '\n' for url in urls).encode()))
    files.append(PrefixFile('etc/profile.d/conda.sh', CONDA_SH.encode(), has_prefix=True))
    files.append(PrefixFile('.condarc', condarc_text(channel).encode()))
    return files, packages
