"""A self-contained Miniconda-style ``.sh`` installer whose conda is the test bed's stand-in."""
from __future__ import annotations

import gzip
import hashlib
import io
import os
import pathlib
import re
import shutil
import tarfile
from typing import Dict, List, Optional, Tuple, Union

from conda_testbed.base_prefix import (
    PREFIX_PLACEHOLDER, RECORDED_CHANNEL_URL, PrefixFile, base_prefix_files, history_entries,
)
from conda_testbed.channel import channel_url
from conda_testbed.installer_script import BROKEN_LINK_STEP, link_conda_step, render_header, shell_words
from conda_testbed.package_file import MTIME
from conda_testbed.standin.wrapper import wrapper_script

# (os_name, arch) of the real installers' file names -> conda subdir.
SUBDIRS: Dict[Tuple[str, str], str] = {
    ('Linux', 'x86_64'): 'linux-64',
    ('MacOSX', 'x86_64'): 'osx-64',
    ('MacOSX', 'arm64'): 'osx-arm64',
}
CHECKSUM_LISTING = 'SHA256SUMS'


def installer_name(version: str, os_name: str, arch: str) -> str:
    """The real installers' file name, e.g. ``Miniconda3-24.7.1-0-MacOSX-arm64.sh``."""
    return f'Miniconda3-{version}-{os_name}-{arch}.sh'


INSTALLER_NAME = re.compile(r'^Miniconda3-(?P<version>.+)-(?P<os_name>Linux|MacOSX)-(?P<arch>[A-Za-z0-9_]+)\.sh$')


def parse_installer_name(name: str) -> Tuple[str, str, str]:
    """``(version, os_name, arch)`` of a real installer's file name; ValueError for any other name."""
    match = INSTALLER_NAME.match(name)
    if not match:
        raise ValueError(f'not a Miniconda installer name (Miniconda3-<version>-<OS>-<arch>.sh): {name}')
    return match['version'], match['os_name'], match['arch']


def file_sha256(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as stream:
        for block in iter(lambda: stream.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def given_installer(dest_dir: pathlib.Path, source: pathlib.Path) -> Tuple[pathlib.Path, str, str]:
    """Put a real installer into ``dest_dir`` under its own name, as build_installer would its own.

    Returns (path, sha256, version): the sha256 computed from the file, the version parsed from its
    name. Hard-linked when it can be, copied otherwise; ``<name>.sha256`` and SHA256SUMS written.
    """
    source = pathlib.Path(source)
    version, _os_name, _arch = parse_installer_name(source.name)
    if not source.is_file():
        raise FileNotFoundError(f'MACFLEET_MINICONDA_INSTALLER: no such file: {source}')
    dest_dir = pathlib.Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / source.name
    if path.exists():
        path.unlink()
    try:
        os.link(source, path)
    except OSError:
        shutil.copyfile(source, path)
    sha256 = file_sha256(path)
    write_checksums(path, sha256)
    return path, sha256, version


def payload_archive(files: List[PrefixFile]) -> bytes:
    """A gzip'ed tar of the payload (plus an empty ``envs/``), byte for byte reproducible."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w', format=tarfile.USTAR_FORMAT) as archive:
        envs = tarfile.TarInfo('envs')
        envs.type = tarfile.DIRTYPE
        envs.mode = 0o755
        envs.mtime = MTIME
        archive.addfile(envs)
        for prefix_file in sorted(files, key=lambda f: f.path):
            member = tarfile.TarInfo(prefix_file.path)
            member.size = len(prefix_file.data)
            member.mode = prefix_file.mode
            member.mtime = MTIME
            archive.addfile(member, io.BytesIO(prefix_file.data))
    return gzip.compress(buffer.getvalue(), mtime=0)


def write_checksums(path: pathlib.Path, sha256: str) -> None:
    """Write ``<installer>.sha256`` and add or refresh the installer's line in ``SHA256SUMS``."""
    line = f'{sha256}  {path.name}\n'
    path.with_name(path.name + '.sha256').write_text(line)
    listing = path.with_name(CHECKSUM_LISTING)
    others = []
    if listing.exists():
        others = [entry for entry in listing.read_text().splitlines(keepends=True)
                  if not entry.rstrip('\n').endswith(f'  {path.name}')]
    listing.write_text(''.join(sorted(others + [line], key=lambda entry: entry.split()[-1])))


def build_installer(dest_dir: pathlib.Path, *, version: str = '24.7.1-0', os_name: str = 'Linux',
                    arch: str = 'x86_64', channel: Union[str, pathlib.Path, None] = None,
                    broken: bool = False) -> Tuple[pathlib.Path, str]:
    """Write ``Miniconda3-<version>-<os_name>-<arch>.sh`` into ``dest_dir``; return (path, sha256).

    The script installs a conda root in batch mode (``-b -p PREFIX``; ``-u``/``-f`` over an
    existing prefix; ``-h`` usage): python 3.11.7 stub, pip and conda ``<version>`` without its
    ``-N`` suffix, with genuine ``conda-meta`` records, a conda-style ``conda-meta/history``,
    ``bin/conda`` and ``condabin/conda`` launching the stand-in, ``etc/profile.d/conda.sh``,
    ``.condarc``, ``envs/`` and ``pkgs/``. ``channel`` (a channel folder or URL) is what the
    records and ``.condarc`` name; None leaves ``.condarc`` without channels and points the
    records at the recordings' ``file:///srv/conda-channel``. ``broken=True`` writes an
    installer that unpacks part of the prefix, then exits 1 before writing ``bin/conda``.
    Also writes ``<name>.sha256`` and a ``SHA256SUMS`` listing beside it.
    """
    subdir = SUBDIRS[(os_name, arch)]
    url: Optional[str] = None
    if isinstance(channel, pathlib.Path):
        url = channel_url(channel)
    elif channel:
        url = channel.rstrip('/')
    conda_version = version.rsplit('-', 1)[0]
    files, packages = base_prefix_files(subdir, conda_version, url)
    entries = history_entries(packages, url or RECORDED_CHANNEL_URL)
    specs = [f'{package.name}={package.version}' for package in packages]
    header = render_header({
        'NAME': 'Miniconda3',
        'VERSION': version,
        'PLAT': subdir,
        'BASE_NAMES': shell_words([package.name for package in packages]),
        'BASE_DISTS': ' '.join(package.dist for package in packages),
        'BASE_ENTRIES': shell_words(entries),
        'PREFIX_FILES': shell_words([f.path for f in files if f.has_prefix]),
        'PLACEHOLDER': PREFIX_PLACEHOLDER,
        'CONDA_VERSION': conda_version,
        'UPDATE_SPECS': shell_words([repr(specs)]),
        'LINK_CONDA': BROKEN_LINK_STEP if broken else link_conda_step(wrapper_script()),
    })
    data = header.encode() + payload_archive(files)
    dest_dir = pathlib.Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / installer_name(version, os_name, arch)
    path.write_bytes(data)
    path.chmod(0o755)
    sha256 = hashlib.sha256(data).hexdigest()
    write_checksums(path, sha256)
    return path, sha256
