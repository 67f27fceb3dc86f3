"""A folder of tiny, valid, pure-Python wheels for running pip offline (``--find-links``).

Each wheel is what a build backend writes (``{name}-{version}.dist-info/METADATA``, ``WHEEL`` and a
``RECORD`` with sha256 digests, PEP 427/491), byte for byte the same on every build. The set mirrors
the wheels the recordings were made with (``macfleet-demo-b==2.0.0`` pulls in
``macfleet-demo-a-1.1.0``, recording 77) and adds what pip decides on:

- ``macfleet-demo-a`` 1.0.0, 1.1.0;
- ``macfleet-demo-b`` 1.0.0, 2.0.0 (``Requires-Dist: macfleet-demo-a>=1.0``), and the prerelease
  3.0.0rc1, which pip only takes when asked (``--pre`` or a pin);
- ``macfleet-demo-c`` 0.1.0 with an extra: ``macfleet-demo-c[fast]`` also needs ``macfleet-demo-a``;
- ``macfleet-demo-d`` 1.0.0 with marker dependencies: ``macfleet-demo-a`` for
  ``python_version >= "3"``, ``macfleet-demo-b`` only for ``python_version < "3"`` (never here).
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import pathlib
import zipfile
from typing import List, Tuple

# A fixed member date keeps every wheel's bytes (hence pip's cache keys) identical between builds.
DATE_TIME = (2023, 10, 22, 0, 0, 0)


@dataclasses.dataclass(frozen=True)
class Wheel:
    name: str                          # the project name, as in ``Name:``
    version: str
    requires: Tuple[str, ...] = ()     # Requires-Dist lines (with markers)
    extras: Tuple[str, ...] = ()       # Provides-Extra lines

    @property
    def module(self) -> str:
        return self.name.replace('-', '_')

    @property
    def filename(self) -> str:
        return f'{self.module}-{self.version}-py3-none-any.whl'


WHEELS: Tuple[Wheel, ...] = (
    Wheel('macfleet-demo-a', '1.0.0'),
    Wheel('macfleet-demo-a', '1.1.0'),
    Wheel('macfleet-demo-b', '1.0.0', ('macfleet-demo-a>=1.0',)),
    Wheel('macfleet-demo-b', '2.0.0', ('macfleet-demo-a>=1.0',)),
    Wheel('macfleet-demo-b', '3.0.0rc1', ('macfleet-demo-a>=1.0',)),
    Wheel('macfleet-demo-c', '0.1.0', ('macfleet-demo-a>=1.0; extra == "fast"',), ('fast',)),
    Wheel('macfleet-demo-d', '1.0.0', ('macfleet-demo-a>=1.0; python_version >= "3"',
                                       'macfleet-demo-b; python_version < "3"')),
)


def _metadata(wheel: Wheel) -> str:
    lines = ['Metadata-Version: 2.1', f'Name: {wheel.name}', f'Version: {wheel.version}',
             f'Summary: {wheel.name} (tiny test wheel)', 'License: MIT', 'Requires-Python: >=3.7']
    lines += [f'Provides-Extra: {extra}' for extra in wheel.extras]
    lines += [f'Requires-Dist: {requirement}' for requirement in wheel.requires]
    return '\n'.join(lines) + '\n'


WHEEL_FILE = ('Wheel-Version: 1.0\nGenerator: macfleet-conda-testbed\nRoot-Is-Purelib: true\n'
              'Tag: py3-none-any\n')


def _record_entry(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    return f'{path},sha256={digest},{len(data)}'


def wheel_bytes(wheel: Wheel) -> bytes:
    """The ``.whl`` archive: the module, then METADATA, WHEEL and RECORD, as backends order them."""
    info = f'{wheel.module}-{wheel.version}.dist-info'
    members: List[Tuple[str, bytes]] = [
        (f'{wheel.module}/__init__.py', f'__version__ = "{wheel.version}"\n'.encode()),
        (f'{info}/METADATA', _metadata(wheel).encode()),
        (f'{info}/WHEEL', WHEEL_FILE.encode()),
    ]
    record = [_record_entry(path, data) for path, data in members] + [f'{info}/RECORD,,']
    members.append((f'{info}/RECORD', ('\n'.join(record) + '\n').encode()))
    import io  # pylint: disable=import-outside-toplevel

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for path, data in members:
            member = zipfile.ZipInfo(path, DATE_TIME)
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, data)
    return buffer.getvalue()


def build_wheelhouse(dest: pathlib.Path) -> pathlib.Path:
    """Write every wheel of ``WHEELS`` into ``dest`` (made if needed); return ``dest``."""
    dest = pathlib.Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for wheel in WHEELS:
        (dest / wheel.filename).write_bytes(wheel_bytes(wheel))
    return dest


def pip_environment(wheelhouse: pathlib.Path) -> dict:
    """The PIP_* variables a fleet sets to run pip offline, from its own wheelhouse, without the
    machine's pip configuration (pip reads every ``PIP_<OPTION>`` as that option)."""
    return {
        'PIP_CONFIG_FILE': '/dev/null',
        'PIP_DISABLE_PIP_VERSION_CHECK': '1',
        'PIP_NO_INDEX': '1',
        'PIP_FIND_LINKS': str(wheelhouse),
    }
