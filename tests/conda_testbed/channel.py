"""The local conda channel of the test bed: genuine tiny packages indexed by py-rattler."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from typing import Dict

from conda_testbed import package_file
from conda_testbed.packages import SUBDIRS, channel_packages

# py-rattler 0.28 sometimes crashes (SIGSEGV/SIGABRT) while the interpreter finalizes after an
# async call, as a runtime thread still holds the GIL: index in a child that leaves by os._exit.
INDEX_SCRIPT = """
import asyncio, os, sys
from rattler.index import index_fs
asyncio.run(index_fs(sys.argv[1], write_zst=False, write_shards=False, force=True))
sys.stdout.flush()
os._exit(0)
"""
# Marks a cached channel as complete; written last, after indexing succeeded.
COMPLETE_MARKER = '.complete'


def channel_url(channel_dir: pathlib.Path) -> str:
    """The ``file://`` URL conda uses for a channel folder."""
    return pathlib.Path(channel_dir).resolve().as_uri()


def build_channel(dest: pathlib.Path) -> pathlib.Path:
    """Write every test package into ``dest/<subdir>/`` and index it; return ``dest``.

    Subdirs are linux-64, osx-64, osx-arm64 and noarch, each with a ``repodata.json``
    (no ``.zst`` and no shards, so any reader sees the same plain file).
    """
    dest = pathlib.Path(dest)
    for subdir in SUBDIRS:
        (dest / subdir).mkdir(parents=True, exist_ok=True)
    for package in channel_packages():
        package_file.write_package(package, dest / package.subdir)
    subprocess.run([sys.executable, '-c', INDEX_SCRIPT, str(dest)], check=True)
    return dest


def definitions_digest() -> str:
    """A hash of everything a built channel depends on: the package data and the archive writer."""
    data = json.dumps([dataclasses.asdict(package) for package in channel_packages()],
                      sort_keys=True)
    builder = pathlib.Path(package_file.__file__).read_bytes()
    return hashlib.sha256(data.encode() + builder).hexdigest()[:16]


def cached_channel(cache_dir: pathlib.Path) -> pathlib.Path:
    """Return a built channel under ``cache_dir``, building it only if the definitions changed.

    The channel lives in ``cache_dir/channel-<digest>``. Concurrent callers (pytest-xdist
    workers) each build in a private folder and the first to rename it into place wins.
    """
    cache_dir = pathlib.Path(cache_dir)
    final = cache_dir / f'channel-{definitions_digest()}'
    if (final / COMPLETE_MARKER).exists():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = pathlib.Path(tempfile.mkdtemp(prefix='channel-build-', dir=cache_dir))
    # mkdtemp makes it private; a channel is read by every user's conda (the role installs as its owner).
    staging.chmod(0o755)
    build_channel(staging)
    (staging / COMPLETE_MARKER).write_text('')
    try:
        os.rename(staging, final)
    except OSError:
        # Another builder got there first (or a stale incomplete copy is in the way).
        if not (final / COMPLETE_MARKER).exists():
            shutil.rmtree(final)
            os.rename(staging, final)
            return final
        shutil.rmtree(staging)
    return final


def read_repodata(channel_dir: pathlib.Path) -> Dict[str, dict]:
    """Every subdir's ``repodata.json`` of a built channel, keyed by subdir."""
    return {subdir: json.loads((pathlib.Path(channel_dir) / subdir / 'repodata.json').read_text())
            for subdir in SUBDIRS}
