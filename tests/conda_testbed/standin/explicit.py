"""``create``/``install --file`` of ``@EXPLICIT`` locks, ``remove --force`` and ``config --set``.

As conda/misc.py (``_match_specs_from_explicit``, ``get_package_records_from_explicit``,
``install_explicit_packages``) and conda/models/environment.py, checked with real conda 26.7.1:

- a file with a line ``@EXPLICIT`` is a lock: every later non-comment line is a package URL (an
  absolute path is made a ``file://`` URL) matching conda's pattern, else ``ParseError: Could not
  parse explicit URL``; no solve, no channels;
- ``--dry-run`` ends before anything is fetched (``DryRunExit``): with ``--json`` nothing is printed,
  exit 0;
- every package is fetched first: a ``file://`` package missing is ``PathNotFoundError``, an
  ``http(s)`` one that cannot be reached ``CondaHTTPError``, one whose bytes differ from the lock's
  md5/sha256 ``ChecksumMismatchError``, each inside ``CondaMultiError`` (conda lists each error
  twice); a ``file://`` package is copied without checking the lock's hash, and its record keeps the
  lock's md5, as real conda does; then a name listed twice is ``CondaValueError: Duplicate packages
  found in 'explicit_packages'.``; nothing is linked before all that passed (a create leaves no folder);
- an installed package matching the lock's URL (and md5 when given) is kept; one of the same name
  otherwise is replaced; what the lock does not list stays (recordings 111-114);
- with ``--json`` nothing is printed, changed or not (108, 111-113, 115); history gets an entry even
  for a no-op (110), its ``update specs`` the changed packages as ``<channel>/<subdir>::name==version=build``.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tarfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import errors, linker
from . import prefix as meta
from .ordering import toposort

MARKER = '@EXPLICIT'
URL_PATTERN = re.compile(r'(?:(?P<url_p>.+)(?:[/\\]))?(?P<fn>[^/\\#]+(?:\.conda|\.tar\.bz2))'
                         r'(?:#((?P<md5>[0-9a-f]{32})|((sha256:)?(?P<sha256>[0-9a-f]{64}))))?$')


class PathNotFoundError(errors.CondaError):
    def __init__(self, path: str):
        super().__init__(path, path=path)


class ChecksumMismatchError(errors.CondaError):
    def __init__(self, url: str, target: Path, kind: str, expected: str, actual: str):
        super().__init__(
            'Conda detected a mismatch between the expected content and downloaded content\n'
            f"for url '{url}'.\n  download saved to: {target}\n  expected {kind}: {expected}\n"
            f'  actual {kind}: {actual}\n',
            actual_checksum=actual, checksum_type=kind, expected_checksum=expected, partial_download=False,
            target_full_path=str(target), url=url)


class CondaMultiError(errors.CondaError):
    """conda's error of a failed fetch: every package's error, each listed twice (real conda 26.7.1)."""

    def __init__(self, inner: list):
        super().__init__('Multiple Errors Encountered.')
        self.inner = inner

    def as_json(self) -> dict:
        listed = [error.as_json() for error in self.inner for _twice in (0, 1)]
        return {'error': 'Multiple Errors Encountered.', 'errors': listed, 'exception_name': 'CondaMultiError',
                'exception_type': "<class 'conda.CondaMultiError'>"}

    def report(self, as_json: bool) -> int:
        if as_json:
            sys.stdout.write(json.dumps(self.as_json(), indent=2, sort_keys=True) + '\n\n')
        else:
            for error in self.inner:
                sys.stderr.write(f'\n{error.name}: {error.message}\n')
        return 1


def lock_lines(files) -> list[str] | None:
    """The stripped lines of the ``--file`` files after ``@EXPLICIT``, or None when none is a lock."""
    lines, explicit = [], False
    for name in files or ():
        path = Path(os.path.abspath(name))
        if not path.is_file():
            raise errors.CondaError(f"can't open '{name}'")
        for line in path.read_text(encoding='utf-8').splitlines():
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if line == MARKER:
                explicit = True
            if explicit:
                lines.append(line)
    return lines if explicit else None


def parse(lines: list[str]) -> list[dict]:
    specs = []
    for line in lines:
        if line == MARKER:
            continue
        url = line if re.match(r'^[a-z][a-z0-9+.-]*://', line, re.I) else 'file://' + os.path.abspath(
            os.path.expanduser(line))
        match = URL_PATTERN.match(url)
        if match is None:
            raise errors.ParseError(f'Could not parse explicit URL: {url}')
        folder = match.group('url_p') or ''
        specs.append({'url': f"{folder}/{match.group('fn')}", 'fn': match.group('fn'), 'folder': folder,
                      'md5': match.group('md5'), 'sha256': match.group('sha256')})
    return specs


def _digest(path: Path, kind: str) -> str:
    return hashlib.new(kind, path.read_bytes()).hexdigest()


def _download(spec: dict, pkgs: Path) -> Path:
    """The package file in ``pkgs``: a local one copied (unchecked, as conda), a remote one checked."""
    pkgs.mkdir(parents=True, exist_ok=True)
    target = pkgs / spec['fn']
    if spec['url'].lower().startswith('file://'):
        source = unquote(urlsplit(spec['url']).path)
        if not os.path.isfile(source):
            raise PathNotFoundError(source)
        if os.path.realpath(source) != os.path.realpath(target):
            shutil.copyfile(source, target)
        return target
    try:
        with urllib.request.urlopen(spec['url'], timeout=30) as response:  # noqa: S310 (a test channel)
            target.write_bytes(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise errors.CondaHTTPError(spec['url'], repr(exc)) from exc
    for kind in ('sha256', 'md5'):
        if spec[kind]:
            actual = _digest(target, kind)
            if actual != spec[kind]:
                raise ChecksumMismatchError(spec['url'], target, kind, spec[kind], actual)
            break
    return target


def _extract(tarball: Path, pkgs: Path) -> Path:
    target = pkgs / tarball.name[:-len('.tar.bz2')] if tarball.name.endswith('.tar.bz2') else \
        pkgs / tarball.name[:-len('.conda')]
    if target.exists():
        shutil.rmtree(target)
    if tarball.name.endswith('.conda'):
        from conda_package_handling import api

        api.extract(str(tarball), dest_dir=str(target))
    else:
        with tarfile.open(tarball, 'r:bz2') as archive:
            archive.extractall(target, filter='tar') if hasattr(tarfile, 'data_filter') \
                else archive.extractall(target)
    return target


def fetch(specs: list[dict], pkgs: Path) -> list[tuple[dict, Path]]:
    """Each package's record (as conda writes it) and extracted folder; every failure first, as conda."""
    fetched, failures = [], []
    for spec in specs:
        try:
            tarball = _download(spec, pkgs)
        except errors.CondaError as exc:
            failures.append(exc)
            continue
        extracted = _extract(tarball, pkgs)
        index = json.loads((extracted / 'info' / 'index.json').read_text())
        subdir = spec['folder'].rsplit('/', 1)[-1]
        channel_base = spec['folder'].rsplit('/', 1)[0]
        raw = dict(index, md5=spec['md5'] or _digest(tarball, 'md5'), sha256=_digest(tarball, 'sha256'),
                   size=tarball.stat().st_size)
        record = linker.channel_record(raw, channel_base, subdir, spec['fn'])
        record['url'] = spec['url']
        (extracted / 'info' / 'repodata_record.json').write_text(json.dumps(record, indent=2))
        fetched.append((record, extracted))
    if failures:
        raise CondaMultiError(failures)
    return fetched


def _requested(record: dict) -> str:
    channel = record['channel'].rsplit('/', 2)
    return f"{'/'.join(channel[-2:])}::{record['name']}=={record['version']}={record['build']}"


def _same(installed: dict, record: dict, spec: dict) -> bool:
    """conda's ``prefix_data.query(MatchSpec(url, md5=...))``: the same file from the same place."""
    if spec['md5'] and installed.get('md5') != spec['md5']:
        return False
    return (installed.get('url') == record['url'] or (
        installed.get('channel') == record['channel'] and installed.get('fn') == record['fn']))


def apply(transaction, lines: list[str], creating: bool) -> int:
    """conda create/install of an ``@EXPLICIT`` lock (see the module docstring)."""
    args, ctx = transaction.args, transaction.ctx
    specs = parse(lines)
    prefix = transaction.target() if creating else transaction.existing_target()
    if getattr(args, 'dry_run', False):
        if not transaction.as_json:
            raise errors.CondaExit('DryRunExit', 'Dry run. Exiting.')
        return 0
    fetched = fetch(specs, ctx.writable_pkgs_dir())
    names = [record['name'] for record, _folder in fetched]
    if len(set(names)) != len(names):
        raise errors.CondaValueError("Duplicate packages found in 'explicit_packages'.")
    meta.read_records(ctx.root)  # every transaction verifies against base (recording 125)
    if creating and meta.is_env(prefix):
        if prefix == ctx.root:
            raise errors.CondaValueError('The target prefix is the base prefix. Aborting.')
        shutil.rmtree(prefix)
    installed = {} if creating else meta.read_records(prefix)
    unlink, link = [], []
    for (record, folder), spec in zip(fetched, specs):
        old = installed.get(record['name'])
        if old and _same(old, record, spec):
            continue
        if old:
            unlink.append(old)
        link.append((record, folder))
    if creating:
        meta.mark_created(prefix)
    for old in reversed(toposort(unlink)):
        linker.unlink(prefix, old)
    final = {name: rec for name, rec in installed.items() if rec not in unlink}
    final.update((record['name'], record) for record, _folder in link)
    python = final.get('python')
    minor = '.'.join(python['version'].split('.')[:2]) if python else None
    folders = dict((record['name'], folder) for record, folder in link)
    for record in toposort([record for record, _folder in link]):
        folder = folders[record['name']]
        linker.link(prefix, folder, record, _requested(record), minor, folder.parent / record['fn'])
    meta.append_history(prefix, transaction.history_argv(), unlink, [record for record, _f in link],
                        [('update', [_requested(record) for record, _f in link])])
    if creating and prefix != ctx.root:
        meta.register(ctx.home, prefix)
    if transaction.text:
        transaction.say('\nDownloading and Extracting Packages: ...working... done\n')
    return 0


def remove_force(transaction) -> int:
    """``conda remove --force``: only the named packages go, nothing that depends on them, no solve."""
    from .plan import Plan

    prefix = transaction.existing_target()
    requested = transaction.parse_specs(transaction.args.specs)
    installed = meta.read_records(prefix)
    missing = [spec.text for spec in requested if spec.name not in installed]
    if missing:
        raise errors.PackagesNotFoundInPrefixError(prefix, missing)
    doomed = {spec.name for spec in requested}
    plan = Plan(prefix, installed, [(record, '') for name, record in installed.items() if name not in doomed])
    return transaction.finish(plan, [('remove', [spec.text for spec in requested])],
                              [spec.text for spec in requested])


def config(ctx, args) -> int:
    """``conda config --file F | --env --set KEY VALUE`` (conda/cli/main_config.py): a file that does not
    exist yet starts as a copy of the root's ``.condarc`` (real conda 26.7.1 does that), then the key is
    set; nothing is printed."""
    if not args.set:
        sys.stderr.write('usage: conda config --set KEY VALUE (the stand-in sets keys only)\n')
        return 2
    if args.file:
        path = Path(args.file)
    elif args.env and os.environ.get('CONDA_PREFIX'):
        path = Path(os.environ['CONDA_PREFIX']) / '.condarc'
    else:
        path = ctx.home / '.condarc'
    root_rc = ctx.root / '.condarc'
    text = path.read_text() if path.is_file() else root_rc.read_text() if root_rc.is_file() else ''
    key, value = args.set
    lines = text.splitlines()
    setting = f'{key}: {value}'
    for index, line in enumerate(lines):
        if re.match(rf'^{re.escape(key)}\s*:', line):
            lines[index] = setting
            break
    else:
        lines.append(setting)
    path.write_text('\n'.join(lines) + '\n')
    return 0
