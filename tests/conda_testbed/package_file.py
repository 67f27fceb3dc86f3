"""Writing one genuine ``.tar.bz2`` conda package, byte for byte the same on every run."""
from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import pathlib
import tarfile
from typing import List

from conda_testbed.packages import TIMESTAMP_MS, PackageDef

# Fixed member mtimes keep the archive, hence its md5 and sha256, identical between builds.
MTIME = TIMESTAMP_MS // 1000


@dataclasses.dataclass(frozen=True)
class BuiltPackage:
    """A package file on disk with the checksums a repodata or prefix record carries."""

    package: PackageDef
    path: pathlib.Path
    md5: str
    sha256: str
    size: int


def paths_entries(package: PackageDef) -> List[dict]:
    """The ``info/paths.json`` entries of a package's payload files."""
    entries = []
    for payload in package.files:
        data = payload.data()
        entries.append({
            '_path': payload.path,
            # A softlink's checksum and size are those of its target string, as conda-build's.
            'path_type': 'softlink' if payload.link is not None else 'hardlink',
            'sha256': hashlib.sha256(data).hexdigest(),
            'size_in_bytes': len(data),
        })
    return entries


def package_bytes(package: PackageDef) -> bytes:
    """The ``.tar.bz2`` archive of a package: info/index.json, info/paths.json, info/files, payload."""
    info = {
        'info/index.json': json.dumps(package.index_json(), indent=2, sort_keys=True) + '\n',
        'info/paths.json': json.dumps({'paths': paths_entries(package), 'paths_version': 1},
                                      indent=2, sort_keys=True) + '\n',
        'info/files': ''.join(payload.path + '\n' for payload in package.files),
    }
    members = [(name, text.encode(), 0o644, None) for name, text in info.items()]
    members += [(payload.path, payload.data(), payload.mode, payload.link) for payload in package.files]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode='w:bz2', format=tarfile.USTAR_FORMAT) as archive:
        for name, data, mode, link in members:
            member = tarfile.TarInfo(name)
            member.mtime = MTIME
            member.mode = mode
            if link is not None:
                member.type, member.linkname, member.mode = tarfile.SYMTYPE, link, 0o777
                archive.addfile(member)
                continue
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def write_package(package: PackageDef, subdir_dir: pathlib.Path) -> BuiltPackage:
    """Write ``package`` into a channel subdir folder and return it with its checksums."""
    data = package_bytes(package)
    path = subdir_dir / package.filename
    path.write_bytes(data)
    return BuiltPackage(package=package, path=path, md5=hashlib.md5(data).hexdigest(),
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data))
