"""A working python and the genuine pip for the test channel, so pip runs for real, offline.

The stub pythons of packages.py only answer ``--version``. Beside them the channel gets:

- ``python X.Y.Z`` (this machine's interpreter, the base interpreter of the venv running the tests)
  laid out as an isolated env: ``bin/pythonX.Y`` is an absolute softlink to the interpreter, which
  conda links as a copy of its target (README item 17); ``bin/python`` and ``bin/python3`` are
  relative links to it; ``pyvenv.cfg`` at the prefix root (``home`` = the interpreter's folder, no
  system site-packages) makes the copy a venv-like Python whose ``-m pip install`` writes into the
  env. Its build ends in ``_cpython`` (as conda-forge's do), it depends on that pip, and it is a day
  older than the ``3.11.7`` stub, so ``python=3.11`` keeps choosing the stub where the versions tie
  and only a spec naming the build, ``python=3.11.7=*_cpython`` (``RealPython.spec``), chooses it.
- ``pip`` (``noarch: python``), the files of the genuine pip installed in the venv's site-packages
  (``pip/`` and its dist-info, no ``__pycache__``; ``INSTALLER`` says ``conda`` and ``RECORD`` is
  rewritten for the shipped files, as in a conda package), depending on ``python >=X.Y *_cpython``
  so no stub python gets it. No ``bin/pip`` entry point: the collection runs ``python -m pip``.

No usable interpreter (not a ``pythonX.Y`` that runs and reports the venv's version) or no pip in
the venv: neither package is built, and ``find()`` says why (the pip tests skip with that reason).
"""
from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import os
import re
import subprocess
import sys
import sysconfig
from typing import List, Optional, Tuple

from conda_testbed.packages import TIMESTAMP_MS, PackageDef, PayloadFile

BUILD_SUFFIX = '_cpython'
DAY_MS = 86400000


@dataclasses.dataclass(frozen=True)
class RealPython:
    """The interpreter and pip the channel's real packages are made of."""

    executable: str          # resolved path of the interpreter (``.../bin/python3.11``)
    version: str             # ``3.11.7``
    site_packages: str       # where the genuine pip is taken from (the venv's purelib)
    pip_version: str
    pip_dist_info: str       # ``pip-23.2.1.dist-info``

    @property
    def minor(self) -> str:
        return '.'.join(self.version.split('.')[:2])

    build_glob = '*' + BUILD_SUFFIX

    @property
    def spec(self) -> str:
        """The conda spec that chooses this python (and, through it, the genuine pip).

        ``python=3.11=*_cpython`` would not do: with a build, conda reads ``=3.11`` as exactly 3.11.
        """
        return f'python={self.version}={self.build_glob}'


def _interpreter() -> Tuple[Optional[str], str]:
    """(path, '') of the base interpreter as a ``pythonX.Y`` file, or (None, why not)."""
    minor = '%d.%d' % sys.version_info[:2]
    base = os.path.realpath(getattr(sys, '_base_executable', None) or sys.executable)
    candidates = [base, os.path.join(os.path.dirname(base), f'python{minor}')]
    exe = next((c for c in candidates if re.fullmatch(r'python\d+\.\d+', os.path.basename(c))
                and os.path.isfile(c) and os.access(c, os.X_OK)), None)
    if exe is None:
        return None, f'no python{minor} interpreter found beside {base}'
    try:
        out = subprocess.run([exe, '-I', '-c', 'import sys; print(*sys.version_info[:3], sep=".")'],
                             capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f'{exe} does not run: {exc}'
    wanted = '%d.%d.%d' % sys.version_info[:3]
    if out != wanted:
        return None, f'{exe} reports {out!r}, not this venv\'s python {wanted}'
    return exe, ''


@functools.lru_cache(maxsize=None)
def probe() -> Tuple[Optional[RealPython], str]:
    """(RealPython, '') when the real packages can be built, else (None, the reason)."""
    exe, why = _interpreter()
    if exe is None:
        return None, why
    site = sysconfig.get_paths()['purelib']
    infos = sorted(d for d in os.listdir(site) if re.fullmatch(r'pip-[^-]+\.dist-info', d)) \
        if os.path.isfile(os.path.join(site, 'pip', '__init__.py')) else []
    if len(infos) != 1:
        return None, f'no single genuine pip in {site} (found {infos})'
    version = '%d.%d.%d' % sys.version_info[:3]
    return RealPython(exe, version, site, infos[0][len('pip-'):-len('.dist-info')], infos[0]), ''


def find() -> Optional[RealPython]:
    return probe()[0]


def _digest(*parts: str) -> str:
    return hashlib.sha256('|'.join(parts).encode()).hexdigest()[:7]


def python_package(real: RealPython, subdir: str) -> PackageDef:
    minor = real.minor
    cfg = (f'home = {os.path.dirname(real.executable)}\ninclude-system-site-packages = false\n'
           f'version = {real.version}\n')
    return PackageDef(
        name='python', version=real.version,
        build=f"h{_digest('python', real.version, subdir, real.executable)}_0{BUILD_SUFFIX}",
        build_number=0, subdir=subdir, depends=(f'pip =={real.pip_version}',),
        timestamp_ms=TIMESTAMP_MS - DAY_MS,
        extra_files=(
            PayloadFile(f'bin/python{minor}', '', 0o755, link=real.executable),
            PayloadFile('bin/python', '', 0o755, link=f'python{minor}'),
            PayloadFile('bin/python3', '', 0o755, link=f'python{minor}'),
            PayloadFile('pyvenv.cfg', cfg),
            PayloadFile(f'lib/python{minor}/site-packages/README.txt',
                        'This directory exists so that packages can be installed here.\n'),
        ),
    )


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    return f'{path},sha256={digest},{len(data)}\n'


def pip_files(real: RealPython) -> Tuple[PayloadFile, ...]:
    """The genuine pip's files in the ``noarch: python`` layout (``site-packages/...``)."""
    info = real.pip_dist_info
    skipped = {f'{info}/{name}' for name in ('RECORD', 'INSTALLER', 'REQUESTED', 'direct_url.json')}
    files: List[PayloadFile] = []
    record = []
    for top in ('pip', info):
        for root, dirs, names in os.walk(os.path.join(real.site_packages, top)):
            dirs[:] = sorted(d for d in dirs if d != '__pycache__')
            for name in sorted(names):
                full = os.path.join(root, name)
                rel = os.path.relpath(full, real.site_packages).replace(os.sep, '/')
                if name.endswith(('.pyc', '.pyo')) or rel in skipped:
                    continue
                mode = 0o755 if os.stat(full).st_mode & 0o111 else 0o644
                files.append(PayloadFile(f'site-packages/{rel}', '', mode, source=full))
                with open(full, 'rb') as handle:
                    record.append(_record_line(rel, handle.read()))
    files.append(PayloadFile(f'site-packages/{info}/INSTALLER', 'conda\n'))
    record.append(_record_line(f'{info}/INSTALLER', b'conda\n'))
    record.append(f'{info}/RECORD,,\n')
    files.append(PayloadFile(f'site-packages/{info}/RECORD', ''.join(sorted(record))))
    return tuple(files)


def pip_package(real: RealPython) -> PackageDef:
    return PackageDef(
        name='pip', version=real.pip_version,
        # Build number 1: it wins a tie with the stub pip should the genuine pip be a 23.3 too.
        build=f"pyh{_digest('pip', real.pip_version, real.site_packages)}_1",
        subdir='noarch', noarch='python',
        depends=(f'python >={real.minor} *{BUILD_SUFFIX}',), timestamp_ms=TIMESTAMP_MS - DAY_MS,
        extra_files=pip_files(real),
    )


@functools.lru_cache(maxsize=None)
def _packages(subdirs: Tuple[str, ...]) -> Tuple[PackageDef, ...]:
    real = find()
    if real is None:
        return ()
    return tuple(python_package(real, subdir) for subdir in subdirs) + (pip_package(real),)


def channel_packages(subdirs: Tuple[str, ...]) -> List[PackageDef]:
    """The real python for each platform subdir and the genuine pip, or none (see ``probe``)."""
    return list(_packages(tuple(subdirs)))
