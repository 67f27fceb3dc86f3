"""Package cache and linking: copy a tarball into pkgs/, extract it, link its files into a
prefix and write the conda-style prefix record; unlink by the record's file list."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import prefix as prefix_meta

# Key order of a conda 26 prefix record before the linking details (see conda-meta recordings).
RECORD_KEYS = ('name', 'version', 'build', 'build_number', 'channel', 'subdir', 'fn', 'md5', 'url',
               'sha256', 'depends', 'constrains', 'noarch', 'license', 'license_family',
               'package_type', 'features', 'track_features', 'timestamp', 'size')


def channel_record(raw: dict, channel_base: str, subdir: str, fn: str) -> dict:
    """A repodata entry as conda shows it: channel as <channel>/<subdir>, fn, url."""
    full = dict(raw, channel=f'{channel_base}/{subdir}', subdir=subdir, fn=fn,
                url=f'{channel_base}/{subdir}/{fn}')
    full.setdefault('depends', [])
    full.setdefault('constrains', [])
    noarch = full.get('noarch')
    if noarch:
        full['package_type'] = f'noarch_{noarch}'
    return {key: full[key] for key in RECORD_KEYS if key in full}


def dist(record: dict) -> str:
    return prefix_meta.dist_name(record)


def cached_dir(pkgs_dirs: list[Path], record: dict) -> Path | None:
    """The extracted package in any cache, if its md5 matches the record's."""
    for pkgs in pkgs_dirs:
        marker = pkgs / dist(record) / 'info' / 'repodata_record.json'
        try:
            if json.loads(marker.read_text()).get('md5') == record.get('md5'):
                return pkgs / dist(record)
        except (OSError, ValueError):
            continue
    return None


def fetch(record: dict, source_url: str, pkgs: Path) -> Path:
    """Copy the archive named by ``source_url`` (file:// only) into ``pkgs`` and extract it."""
    pkgs.mkdir(parents=True, exist_ok=True)
    tarball = pkgs / record['fn']
    shutil.copyfile(unquote(urlsplit(source_url).path), tarball)
    target = pkgs / dist(record)
    if target.exists():
        shutil.rmtree(target)
    if record['fn'].endswith('.conda'):
        from conda_package_handling import api  # .conda needs zstd: only imported for those

        api.extract(str(tarball), dest_dir=str(target))
    else:
        with tarfile.open(tarball, 'r:bz2') as archive:
            archive.extractall(target, filter='tar') if hasattr(tarfile, 'data_filter') \
                else archive.extractall(target)
    (target / 'info' / 'repodata_record.json').write_text(json.dumps(record, indent=2))
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _package_paths(extracted: Path) -> list[dict]:
    paths_json = extracted / 'info' / 'paths.json'
    if paths_json.is_file():
        return json.loads(paths_json.read_text()).get('paths', [])
    files = (extracted / 'info' / 'files').read_text().splitlines()
    return [{'_path': f, 'path_type': 'hardlink'} for f in files if f]


def _target_path(path: str, noarch: str | None, python_minor: str | None) -> str:
    if noarch == 'python' and python_minor:
        if path.startswith('site-packages/'):
            return f'lib/python{python_minor}/{path}'
        if path.startswith('python-scripts/'):
            return 'bin/' + path[len('python-scripts/'):]
    return path


def _inside(path: str, folder: Path) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return real == base or real.startswith(base + os.sep)


def link(prefix: Path, extracted: Path, record: dict, requested: str | None,
         python_minor: str | None, tarball: Path) -> dict:
    """Link one extracted package into ``prefix`` and write its conda-meta record."""
    files, paths = [], []
    for entry in _package_paths(extracted):
        source = extracted / entry['_path']
        rel = _target_path(entry['_path'], record.get('noarch'), python_minor)
        target = prefix / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()
        placeholder = entry.get('prefix_placeholder')
        if entry.get('path_type') == 'softlink' or source.is_symlink():
            pointed = os.readlink(source)
            if os.path.isabs(pointed) and not _inside(pointed, extracted):
                # conda links an absolute softlink pointing outside the package as a copy of its
                # target (README item 17: python's bin/python3.11 -> /usr/bin/python3.11).
                shutil.copy2(os.path.realpath(source), target)
            else:
                os.symlink(pointed, target)
        elif placeholder:
            data = source.read_bytes().replace(placeholder.encode(), str(prefix).encode())
            target.write_bytes(data)
            shutil.copymode(source, target)
        else:
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        sha = entry.get('sha256') or (_sha256(source) if source.is_file() else None)
        item = {'_path': rel, 'path_type': entry.get('path_type', 'hardlink'), 'sha256': sha,
                'size_in_bytes': entry.get('size_in_bytes', source.lstat().st_size)}
        if placeholder:
            item.update(file_mode=entry.get('file_mode', 'text'), prefix_placeholder=placeholder)
        item['sha256_in_prefix'] = _sha256(target) if target.is_file() else sha
        files.append(rel)
        paths.append(item)
    full = dict(record)
    if requested:
        full['requested_spec'] = requested
    else:
        full['_requested_specs'] = []
    full.update(package_tarball_full_path=str(tarball), extracted_package_dir=str(extracted),
                files=files, paths_data={'paths_version': 1, 'paths': paths},
                link={'source': str(extracted), 'type': 1})
    if requested:
        full['requested_specs'] = [requested]
    prefix_meta.write_record(prefix, full)
    return full


def unlink(prefix: Path, record: dict) -> None:
    """Remove a package's files (and the folders they leave empty) and its record."""
    dirs = set()
    for rel in record.get('files', []):
        target = prefix / rel
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        dirs.update(target.parents)
    for folder in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        if folder != prefix and prefix in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                pass
    prefix_meta.delete_record(prefix, record)
