"""What conda keeps inside a prefix: `conda-meta/*.json` records, `history`, `created_at`,
plus the user's `~/.conda/environments.txt` registry."""
from __future__ import annotations

import ast
import json
import os
import re
import sys
import time
from pathlib import Path


def is_env(prefix: Path) -> bool:
    """conda's own test (conda/core/prefix_data.py, ``is_environment``): ``conda-meta/history``."""
    return (prefix / 'conda-meta' / 'history').is_file()


def assert_environment(prefix: Path) -> Path:
    """``prefix`` when it is an env; conda's errors otherwise (conda/core/prefix_data.py,
    ``assert_environment``): a missing folder, or a folder that is not an env (checked with conda
    26.7.1 for list, install and remove)."""
    from .errors import DirectoryNotACondaEnvironmentError, EnvironmentLocationNotFound

    if is_env(prefix):
        return prefix
    if prefix.exists():
        raise DirectoryNotACondaEnvironmentError(prefix)
    raise EnvironmentLocationNotFound(prefix)


def read_records(prefix: Path) -> dict[str, dict]:
    """Installed package records keyed by package name, loaded as conda's ``PrefixData.load`` does
    (conda/core/prefix_data.py): every ``conda-meta/*.json`` but ``._*`` is a record named
    ``<name>-<version>-<build>.json``. Not JSON: CorruptedEnvironmentError. A name that does not
    split in three, a document that is not an object or lacks name/version/build: the Python error
    conda crashes with (recordings 72-75). A record whose fields differ from its file name: a
    warning, and the record is ignored."""
    from .errors import CorruptedEnvironmentError, UnexpectedError

    records = {}
    meta = prefix / 'conda-meta'
    if not meta.is_dir():
        return records
    for path in sorted(meta.iterdir()):
        if not path.name.endswith('.json') or path.name.startswith('._'):
            continue
        try:
            data = json.loads(path.read_bytes())
        except (UnicodeDecodeError, ValueError) as exc:
            raise CorruptedEnvironmentError(prefix, path) from exc
        try:
            name, version, build = path.name[:-5].rsplit('-', 2)
            fields = (data['name'], data['version'], data['build'])
        except (ValueError, KeyError, TypeError) as exc:
            raise UnexpectedError(exc, 'conda/core/prefix_data.py, in _load_single_record') from exc
        if (name, version, build) != fields:
            sys.stderr.write(f'WARNING conda.core.prefix_data:_load_single_record(649): '
                             f'Ignoring malformed prefix record at: {path}\n')
            continue
        records[name] = data
    return records


def dist_name(record: dict) -> str:
    return f"{record['name']}-{record['version']}-{record['build']}"


def write_record(prefix: Path, record: dict) -> None:
    meta = prefix / 'conda-meta'
    meta.mkdir(parents=True, exist_ok=True)
    (meta / f'{dist_name(record)}.json').write_text(json.dumps(record, indent=2))


def delete_record(prefix: Path, record: dict) -> None:
    try:
        (prefix / 'conda-meta' / f'{dist_name(record)}.json').unlink()
    except FileNotFoundError:
        pass


def mark_created(prefix: Path) -> None:
    meta = prefix / 'conda-meta'
    meta.mkdir(parents=True, exist_ok=True)
    (meta / 'created_at').write_text(repr(time.time()))
    (meta / 'history').touch()


def history_dist(record: dict) -> str:
    return f"{record['channel']}::{dist_name(record)}"


def append_history(prefix: Path, argv: list[str], removed: list[dict], added: list[dict],
                   spec_lines: list[tuple[str, list[str]]]) -> None:
    """Append one conda-style revision; spec_lines are ('update'|'remove'|'neutered', specs)."""
    lines = [f"==> {time.strftime('%Y-%m-%d %H:%M:%S')} <==", '# cmd: ' + ' '.join(argv),
             f'# conda version: {_conda_version()}']
    lines += ['-' + d for d in sorted(history_dist(r) for r in removed)]
    lines += ['+' + d for d in sorted(history_dist(r) for r in added)]
    lines += [f'# {kind} specs: {specs!r}' for kind, specs in spec_lines if specs]
    with open(prefix / 'conda-meta' / 'history', 'a') as handle:
        handle.write('\n'.join(lines) + '\n')


def _conda_version() -> str:
    from .config import CONDA_VERSION

    return CONDA_VERSION


def requested_specs(prefix: Path) -> dict[str, str]:
    """The user's explicit specs by package name, replayed from history like conda does.

    A ``# <action> specs: [...]`` line that is not a Python literal crashes conda
    (conda/history.py ``_parse_comment_line`` calls ``literal_eval`` unguarded; checked with conda
    26.7.1: ``env export --from-history`` and ``install`` fail with ``SyntaxError``), so it is an
    UnexpectedError here too. Kinder than conda: the pre-4.4 comma-separated form
    (``# install specs: a,b``) and the ``install``/``create``/``uninstall`` actions of old histories
    are not read; this stand-in never writes them and the collection never meets them.
    """
    from .errors import UnexpectedError

    specs: dict[str, str] = {}
    try:
        text = (prefix / 'conda-meta' / 'history').read_text()
    except OSError:
        return specs
    for line in text.splitlines():
        for kind in ('update', 'remove', 'neutered'):
            marker = f'# {kind} specs: '
            if line.startswith(marker):
                try:
                    values = ast.literal_eval(line[len(marker):])
                except (ValueError, SyntaxError) as exc:
                    raise UnexpectedError(exc, 'conda/history.py, in _parse_comment_line') from exc
                for value in values:
                    from .specs import InvalidSpec, parse

                    try:
                        name = parse(value).name
                    except InvalidSpec:
                        continue
                    if kind == 'remove':
                        specs.pop(name, None)
                    else:
                        specs[name] = value
    return specs


# -- ~/.conda/environments.txt -----------------------------------------------------------------
def _registry(home: Path) -> Path:
    return home / '.conda' / 'environments.txt'


def registered(home: Path) -> list[str]:
    try:
        return [line.strip() for line in _registry(home).read_text().splitlines() if line.strip()]
    except OSError:
        return []


def register(home: Path, prefix: Path) -> None:
    entries = registered(home)
    if str(prefix) in entries:
        return
    path = _registry(home)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, 'a') as handle:
            handle.write(f'{prefix}\n')
    except OSError:
        pass  # conda also carries on when the registry cannot be written


def unregister(home: Path, prefix: Path) -> None:
    entries = registered(home)
    if str(prefix) not in entries:
        return
    kept = [e for e in entries if e != str(prefix)]
    try:
        _registry(home).write_text(''.join(f'{e}\n' for e in kept))
    except OSError:
        pass


def frozen(prefix: Path) -> bool:
    return (prefix / 'conda-meta' / 'frozen').exists()


def writable(prefix: Path) -> bool:
    return os.access(prefix, os.W_OK)


# -- what pip installed (conda's PrefixData with pip interop, conda/core/prefix_data.py) ----------
PYPI_CHANNEL = 'https://conda.anaconda.org/pypi/pypi'


def _metadata_headers(path: Path) -> dict:
    headers = {}
    try:
        text = path.read_text(errors='replace')
    except OSError:
        return headers
    for line in text.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(':')
        if sep:
            headers.setdefault(key.strip().lower(), value.strip())
    return headers


def pip_records(prefix: Path, records: dict) -> list[dict]:
    """The Python distributions of the env's site-packages that no conda record owns, as conda
    lists them: build ``pypi_0``, channel and platform ``pypi`` (recordings 83, 84). A distribution
    is conda's when its ``.dist-info/RECORD`` (or ``.egg-info``) is in a conda record's files."""
    python = records.get('python')
    if not python:
        return []
    site = python.get('python_site_packages_path') or \
        'lib/python%s/site-packages' % '.'.join(python['version'].split('.')[:2])
    owned = {path for record in records.values() for path in record.get('files', [])}
    found = []
    try:
        entries = sorted(os.listdir(prefix / site))
    except OSError:
        return []
    for entry in entries:
        folder = prefix / site / entry
        if entry.endswith('.dist-info') and (folder / 'RECORD').is_file():
            anchor, metadata = f'{site}/{entry}/RECORD', folder / 'METADATA'
        elif entry.endswith('.egg-info'):
            anchor = f'{site}/{entry}/PKG-INFO' if folder.is_dir() else f'{site}/{entry}'
            metadata = folder / 'PKG-INFO' if folder.is_dir() else folder
        else:
            continue
        if anchor in owned:
            continue
        headers = _metadata_headers(metadata)
        if not headers.get('name') or not headers.get('version'):
            continue
        found.append({'name': re.sub(r'[-_.]+', '-', headers['name']).lower(),
                      'version': headers['version'], 'build': 'pypi_0', 'build_number': 0,
                      'channel': PYPI_CHANNEL, 'subdir': 'pypi'})
    return found
