"""What the test channel holds: every package definition and the bytes of its payload.

Names, versions, build strings, dependencies and payload texts are those of the recordings in
``tests/fixtures/conda-recordings`` (recorded on linux-64), so the stand-in's output can be compared with
them. Builds the recordings never showed (other platforms, python 3.11, pandas, conda) get build
strings derived from a hash of their identity, the way conda-build derives them from a variant.
Beside these stubs, real_python.py adds a working python (this machine's interpreter) and the
genuine pip, chosen only by specs that ask for them (``python=3.11.7=*_cpython``).
"""
from __future__ import annotations

import dataclasses
import hashlib
from typing import Dict, List, Optional, Tuple

LICENSE = 'BSD-3-Clause'
# Every record of the recordings carries this timestamp (milliseconds since the epoch).
TIMESTAMP_MS = 1700000000000
PLATFORM_SUBDIRS = ('linux-64', 'osx-64', 'osx-arm64')
SUBDIRS = PLATFORM_SUBDIRS + ('noarch',)

PYTHON_VERSIONS = ('3.9.18', '3.10.13', '3.11.7')
# conda versions the channel offers; the installer fixture names its base conda after one of them.
CONDA_VERSIONS = ('24.7.1', '24.11.3')

# Build strings seen in the recordings, keyed by (name, version, subdir, python minor).
RECORDED_BUILDS: Dict[Tuple[str, str, str, str], str] = {
    ('python', '3.9.18', 'linux-64', ''): 'h2860985_0',
    ('python', '3.10.13', 'linux-64', ''): 'h1dabc45_0',
    ('numpy', '1.19.2', 'linux-64', '3.9'): 'py39hf4c9891_0',
    ('numpy', '1.20.3', 'linux-64', '3.10'): 'py310h01fc42b_0',
    ('numpy', '1.26.4', 'linux-64', '3.9'): 'py39h206e18e_0',
    ('numpy', '1.26.4', 'linux-64', '3.10'): 'py310h1a9fb7e_0',
    ('pip', '23.3', 'noarch', ''): 'pyhdba3a45_0',
    ('toolz', '0.11.2', 'noarch', ''): 'pyh3e3cb63_0',
    ('toolz', '0.12.0', 'noarch', ''): 'pyhbdf259b_0',
    ('requests', '2.31.0', 'noarch', ''): 'pyh59988c5_0',
    ('urllib3', '2.1.0', 'noarch', ''): 'pyh59ab5a7_0',
    ('idna', '3.6', 'noarch', ''): 'pyh97d37a8_0',
    ('certifi', '2023.11.17', 'noarch', ''): 'pyhe0195c8_0',
    ('charset-normalizer', '3.3.2', 'noarch', ''): 'pyhb6f6985_0',
}

# (version, python minors it is built for, extra dependencies)
NUMPY_BUILDS = (
    ('1.19.2', ('3.9',), ()),
    ('1.20.3', ('3.9', '3.10'), ()),
    ('1.26.4', ('3.9', '3.10', '3.11'), ()),
)
PANDAS_BUILDS = (
    ('1.5.3', ('3.9', '3.10', '3.11'), ('numpy >=1.20.3',)),
    ('2.1.4', ('3.9', '3.10', '3.11'), ('numpy >=1.22.4',)),
)
# (name, version, depends) of the pure-python packages, all `noarch: generic`.
NOARCH_PACKAGES = (
    ('pip', '23.3', ('python >=3.7',)),
    ('toolz', '0.11.2', ('python >=3.5',)),
    ('toolz', '0.12.0', ('python >=3.7',)),
    ('requests', '2.31.0', (
        'certifi >=2017.4.17',
        'charset-normalizer >=2,<4',
        'idna >=2.5,<4',
        'python >=3.7',
        'urllib3 >=1.21.1,<3',
    )),
    ('urllib3', '2.1.0', ('python >=3.7',)),
    ('idna', '3.6', ('python >=3.6',)),
    ('certifi', '2023.11.17', ('python >=3.7',)),
    ('charset-normalizer', '3.3.2', ('python >=3.7',)),
)


@dataclasses.dataclass(frozen=True)
class PayloadFile:
    """One file a package lays down: its path in the prefix, its text and its mode.

    ``link`` makes it a softlink to that target instead (``text`` unused); ``source`` takes its
    bytes from that file on disk (the genuine pip's files) instead of ``text``.
    """

    path: str
    text: str
    mode: int = 0o644
    link: Optional[str] = None
    source: Optional[str] = None

    def data(self) -> bytes:
        """The file's bytes (a softlink's are its target)."""
        if self.link is not None:
            return self.link.encode()
        if self.source is not None:
            with open(self.source, 'rb') as handle:
                return handle.read()
        return self.text.encode()


@dataclasses.dataclass(frozen=True)
class PackageDef:
    """A conda package of the test channel: its index.json fields and its payload."""

    name: str
    version: str
    build: str
    subdir: str
    depends: Tuple[str, ...] = ()
    constrains: Tuple[str, ...] = ()
    noarch: Optional[str] = None
    extra_files: Tuple[PayloadFile, ...] = ()
    # Set when the build string does not end in the build number (``h1234567_0_cpython``).
    build_number: Optional[int] = None
    timestamp_ms: int = TIMESTAMP_MS

    @property
    def dist(self) -> str:
        """``name-version-build``, conda's name for one package build."""
        return f'{self.name}-{self.version}-{self.build}'

    @property
    def filename(self) -> str:
        """The package's file name in its channel subdir."""
        return f'{self.dist}.tar.bz2'

    @property
    def files(self) -> Tuple[PayloadFile, ...]:
        """Every payload file, sorted by path, including the ``share/conda-stubs`` marker."""
        stub = PayloadFile(f'share/conda-stubs/{self.dist}.txt',
                           f'{self.name} {self.version} {self.build}\n')
        return tuple(sorted(self.extra_files + (stub,), key=lambda f: f.path))

    def index_json(self) -> dict:
        """The package's ``info/index.json`` content."""
        index = {
            'build': self.build,
            'build_number': (self.build_number if self.build_number is not None
                             else int(self.build.rsplit('_', 1)[1])),
            'constrains': list(self.constrains),
            'depends': list(self.depends),
            'license': LICENSE,
            'name': self.name,
            'subdir': self.subdir,
            'timestamp': self.timestamp_ms,
            'version': self.version,
        }
        if self.noarch:
            index['noarch'] = self.noarch
        return index


def build_string(name: str, version: str, subdir: str, python_minor: str = '') -> str:
    """The recorded build string of a package, or a stable made-up one of the same shape."""
    recorded = RECORDED_BUILDS.get((name, version, subdir, python_minor))
    if recorded:
        return recorded
    digest = hashlib.sha256(f'{name}|{version}|{subdir}|{python_minor}'.encode()).hexdigest()[:7]
    if subdir == 'noarch':
        prefix = 'pyh'
    elif python_minor:
        prefix = 'py' + python_minor.replace('.', '') + 'h'
    else:
        prefix = 'h'
    return f'{prefix}{digest}_0'


def python_pin(python_minor: str) -> str:
    """The dependency a compiled package has on the python minor it was built for."""
    major, minor = python_minor.split('.')
    return f'python >={python_minor},<{major}.{int(minor) + 1}.0a0'


def python_stub_script(version: str) -> str:
    """A POSIX sh stand-in for the interpreter: it only answers ``--version`` like CPython."""
    return f'''#!/bin/sh
# python {version} stub of the macfleet.conda test channel: not an interpreter.
case "$1" in
  --version|-V) echo "Python {version}"; exit 0 ;;
esac
echo "python stub: only --version is supported" >&2
exit 1
'''


def python_package(version: str, subdir: str) -> PackageDef:
    """The python package of one version for one platform subdir."""
    minor = version.rsplit('.', 1)[0]
    script = python_stub_script(version)
    return PackageDef(
        name='python', version=version, build=build_string('python', version, subdir),
        subdir=subdir,
        # The recordings' python depends on pip (conda's add_pip_as_python_dependency).
        depends=('pip',),
        extra_files=(
            PayloadFile('bin/python', script, 0o755),
            PayloadFile(f'bin/python{minor}', script, 0o755),
            PayloadFile(f'lib/python{minor}/site-packages/README.txt', 'stub site-packages\n'),
        ),
    )


def compiled_package(name: str, version: str, subdir: str, python_minor: str,
                     depends: Tuple[str, ...] = ()) -> PackageDef:
    """A package built for one python minor (numpy, pandas): pinned to it, with a module file."""
    module = PayloadFile(f'lib/python{python_minor}/site-packages/{name}/__init__.py',
                         f'__version__ = "{version}"  # stub\n')
    return PackageDef(
        name=name, version=version, build=build_string(name, version, subdir, python_minor),
        subdir=subdir, depends=tuple(sorted(depends + (python_pin(python_minor),))),
        extra_files=(module,),
    )


def noarch_package(name: str, version: str, depends: Tuple[str, ...]) -> PackageDef:
    """A ``noarch: generic`` package whose payload is only its conda-stubs marker."""
    return PackageDef(name=name, version=version, build=build_string(name, version, 'noarch'),
                      subdir='noarch', depends=depends, noarch='generic')


def conda_package(version: str) -> PackageDef:
    """The conda package of a base install (noarch here, as the stand-in runs on any platform)."""
    return noarch_package('conda', version, ('python >=3.9',))


def channel_packages() -> List[PackageDef]:
    """Every package of the test channel, in a stable order."""
    packages = [noarch_package(*entry) for entry in NOARCH_PACKAGES]
    packages += [conda_package(version) for version in CONDA_VERSIONS]
    for subdir in PLATFORM_SUBDIRS:
        packages += [python_package(version, subdir) for version in PYTHON_VERSIONS]
        for name, builds in (('numpy', NUMPY_BUILDS), ('pandas', PANDAS_BUILDS)):
            for version, minors, depends in builds:
                packages += [compiled_package(name, version, subdir, minor, depends)
                             for minor in minors]
    from conda_testbed import real_python  # pylint: disable=import-outside-toplevel

    packages += real_python.channel_packages(PLATFORM_SUBDIRS)
    return packages
