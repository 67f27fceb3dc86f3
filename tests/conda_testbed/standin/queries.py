"""Read-only commands: info, env list, list, export. None of them imports rattler."""
from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path

from . import errors
from . import prefix as meta
from .channels import native_subdir, resolve
from .config import CONDA_VERSION, Context
from .ordering import toposort
from .report import channel_base, dist_entry, print_json


INFO_ENV_VARS = ('SSL_CERT_FILE', 'PYTHONDONTWRITEBYTECODE', 'PATH', 'CONDA_ROOT', 'REQUESTS_CA_BUNDLE',
                 'PYTHONUNBUFFERED', 'GRPC_DEFAULT_SSL_ROOTS_FILE_PATH', 'CIO_TEST', 'CURL_CA_BUNDLE',
                 'LD_PRELOAD')


def virtual_packages() -> list:
    """The virtual packages conda reports (and the solver assumes) for the target subdir."""
    subdir = native_subdir()
    if subdir.startswith('osx'):
        system = [['__osx', '14.0', '0']]
    else:
        system = [['__glibc', '2.36', '0'], ['__linux', '6.1.0', '0']]
    return [['__archspec', '1', subdir.split('-')[1]], ['__conda', CONDA_VERSION, '0']] + system + [
        ['__unix', '0', '0']]


def _iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).isoformat()


def known_envs(ctx: Context) -> list[Path]:
    """Every env conda would list: envs dirs, the registry, then the root last."""
    found = set()
    for envs_dir in ctx.envs_dirs:
        if envs_dir.is_dir():
            found.update(p for p in envs_dir.iterdir() if meta.is_env(p))
    found.update(Path(p) for p in meta.registered(ctx.home) if meta.is_env(Path(p)))
    found.discard(ctx.root)
    return sorted(found) + [ctx.root]


def env_details(ctx: Context, prefix: Path) -> dict:
    created = None
    try:
        created = float((prefix / 'conda-meta' / 'created_at').read_text().strip())
    except (OSError, ValueError):
        pass
    history = prefix / 'conda-meta' / 'history'
    modified = (history if history.exists() else prefix / 'conda-meta').stat().st_mtime
    return {'name': ctx.env_name(prefix), 'created': _iso(created), 'last_modified': _iso(modified),
            'active': str(prefix) == os.environ.get('CONDA_PREFIX'), 'base': prefix == ctx.root,
            'frozen': meta.frozen(prefix), 'writable': meta.writable(prefix)}


def env_list(ctx: Context, args) -> int:
    envs = known_envs(ctx)
    if args.json:
        print_json({'envs': [str(p) for p in envs],
                    'envs_details': {str(p): env_details(ctx, p) for p in envs}})
        return 0
    sys.stdout.write('\n# conda environments:\n#\n')
    active = os.environ.get('CONDA_PREFIX')
    for prefix in envs:
        mark = '*' if str(prefix) == active else ' '
        sys.stdout.write('%-25s %s %s\n' % (ctx.env_name(prefix), mark, prefix))
    sys.stdout.write('\n')
    return 0


def info_document(ctx: Context, envs) -> dict:
    """`conda info --json` without `envs_details`, as conda's error reports carry it too."""
    channel_urls = [url for ch in resolve(ctx.channels_for(None, False), ctx.channel_alias)
                    for url in ch.subdir_urls(native_subdir())]
    return {
        'platform': native_subdir(), 'conda_version': CONDA_VERSION,
        'conda_env_version': CONDA_VERSION, 'conda_build_version': 'not installed',
        'root_prefix': str(ctx.root), 'conda_prefix': str(ctx.root),
        'av_data_dir': str(ctx.root / 'etc' / 'conda'), 'av_metadata_url_base': None,
        'root_writable': meta.writable(ctx.root),
        'pkgs_dirs': [str(p) for p in ctx.pkgs_dirs], 'envs_dirs': [str(p) for p in ctx.envs_dirs],
        'default_prefix': os.environ.get('CONDA_PREFIX') or str(ctx.root),
        'active_prefix': os.environ.get('CONDA_PREFIX'), 'active_prefix_name': None,
        'conda_shlvl': int(os.environ.get('CONDA_SHLVL', -1)), 'channels': channel_urls,
        'user_rc_path': str(ctx.home / '.condarc'), 'rc_path': str(ctx.home / '.condarc'),
        'sys_rc_path': str(ctx.root / '.condarc'), 'offline': False,
        'envs': [str(p) for p in envs],
        'python_version': '.'.join(map(str, sys.version_info[:3])) + '.final.0',
        'requests_version': 'not installed',
        'user_agent': f'conda/{CONDA_VERSION} (macfleet test-bed stand-in)',
        'conda_location': str(Path(__file__).parent), 'config_files': [str(p) for p in ctx.config_files],
        'netrc_file': None, 'virtual_pkgs': virtual_packages(),
        'solver': {'name': 'rattler', 'user_agent': 'solver/rattler', 'default': False},
        'tmp_dir': '/tmp', 'notices_cache_dir': str(ctx.home / '.cache' / 'conda' / 'notices'),
        'UID': os.getuid(), 'GID': os.getgid(), 'sys.version': sys.version,
        'sys.prefix': str(ctx.root), 'sys.executable': str(ctx.root / 'bin' / 'python'),
        'site_dirs': [], 'env_vars': {k: os.environ.get(k, '<not set>') for k in INFO_ENV_VARS},
    }


def info(ctx: Context, args) -> int:
    if args.base:
        sys.stdout.write(json.dumps({'root_prefix': str(ctx.root)}, indent=2) + '\n'
                         if args.json else f'{ctx.root}\n')
        return 0
    if args.envs:
        return env_list(ctx, args)
    envs = known_envs(ctx)
    document = dict(info_document(ctx, envs), envs_details={str(p): env_details(ctx, p) for p in envs})
    if args.json:
        print_json(document)
        return 0
    rows = [('active environment', document['active_prefix'] or 'None'),
            ('conda version', CONDA_VERSION), ('base environment', f'{ctx.root}  (writable)'),
            ('channel URLs', '\n'.join(document['channels'])),
            ('package cache', '\n'.join(document['pkgs_dirs'])),
            ('envs directories', '\n'.join(document['envs_dirs'])),
            ('platform', document['platform'])]
    sys.stdout.write('\n')
    for key, value in rows:
        first, *rest = value.split('\n') or ['']
        sys.stdout.write('%23s : %s\n' % (key, first))
        for line in rest:
            sys.stdout.write(' ' * 26 + line + '\n')
    sys.stdout.write('\n')
    return 0


def _existing_prefix(ctx: Context, args) -> Path:
    return meta.assert_environment(ctx.target_prefix(args.name, args.prefix))


def listing(ctx: Context, args) -> int:
    target = _existing_prefix(ctx, args)
    installed = meta.read_records(target)
    records = sorted(installed.values(), key=lambda r: r['name'])
    if not args.explicit:  # an explicit list leaves pip's packages out (89, 92, 93)
        records = sorted(records + meta.pip_records(target, installed), key=lambda r: r['name'])
    if args.regex:
        import re

        if args.full_name:
            records = [r for r in records if r['name'] == args.regex]
            if not records:
                raise errors.PackageNotInstalledError(target, args.regex)
        else:
            records = [r for r in records if re.search(args.regex, r['name'])]
    if args.explicit:
        sys.stdout.write(explicit_text(toposort(records), args.md5))
    elif args.json:
        print_json([dist_entry(r) for r in records])
    else:
        lines = [f'# packages in environment at {target}:', '#',
                 '# Name                     Version          Build            Channel']
        lines += ['%-25s  %-15s  %-15s  %s' % (r['name'], r['version'], r['build'],
                                               'pypi' if r['subdir'] == 'pypi' else channel_base(r))
                  for r in records]
        sys.stdout.write('\n'.join(lines) + '\n')
    return 0


def explicit_text(records: list[dict], md5: bool) -> str:
    lines = ['# This file may be used to create an environment using:',
             '# $ conda create --name <env> --file <this file>',
             f'# platform: {native_subdir()}', f'# created-by: conda {CONDA_VERSION}', '@EXPLICIT']
    lines += [r['url'] + (f"#{r['md5']}" if md5 else '') for r in records]
    return '\n'.join(lines) + '\n'


def export(ctx: Context, args, env_style: bool) -> int:
    """`conda env export` and `conda export`; a missing env exports as empty, exit 0."""
    target = ctx.target_prefix(args.name, args.prefix)
    records = sorted(meta.read_records(target).values(), key=lambda r: r['name'])
    fmt = 'environment-yaml' if env_style else args.format
    if fmt == 'explicit':
        sys.stdout.write(explicit_text(toposort(records), False))
        return 0
    if args.from_history:
        deps = list(meta.requested_specs(target).values())
    elif args.no_builds:
        deps = [f"{r['name']}={r['version']}" for r in records]
    else:
        deps = [f"{r['name']}={r['version']}={r['build']}" for r in records]
    channels = list(dict.fromkeys(
        [channel_base(r) for r in records]
        + [c.base_url for c in resolve(ctx.channels_for(None, False), ctx.channel_alias)]))
    name = ctx.env_name(target) or str(target)
    document = {'name': name, 'channels': channels, 'dependencies': deps, 'prefix': str(target)}
    if args.json or fmt in ('json', 'environment-json'):
        sys.stdout.write(json.dumps(document, indent=2) + '\n')   # 23, 24, 61, 88, 106
        return 0
    lines = [f'name: {name}', 'channels:'] + [f'  - {c}' for c in channels]
    lines += ['dependencies:' + ('' if deps else ' []')] + [f'  - {d}' for d in deps]
    lines.append(f'prefix: {target}')
    sys.stdout.write('\n'.join(lines) + '\n\n')
    return 0
