"""What a transaction prints: conda's JSON `actions` document and its text package plan."""
from __future__ import annotations

import json
import sys

from .prefix import dist_name

ACTIVATE_HINT = ('#\n# To activate this environment, use\n#\n#     $ conda activate {name}\n#\n'
                 '# To deactivate an active environment, use\n#\n#     $ conda deactivate\n\n')


def channel_base(record: dict) -> str:
    return record['channel'].rsplit('/', 1)[0]


def channel_name(record: dict) -> str:
    return channel_base(record).rsplit('/', 1)[-1]


def dist_entry(record: dict) -> dict:
    """A package as `conda list --json` and the LINK/UNLINK lists show it."""
    return {'base_url': channel_base(record), 'build_number': record.get('build_number', 0),
            'build_string': record['build'], 'channel': channel_name(record),
            'dist_name': dist_name(record), 'name': record['name'],
            'platform': record['subdir'], 'version': record['version']}


def fetch_entry(record: dict) -> dict:
    entry = {}
    for key, value in record.items():
        if key in ('requested_spec', '_requested_specs', 'package_tarball_full_path',
                   'extracted_package_dir', 'files', 'paths_data', 'link', 'requested_specs'):
            continue
        entry[key] = value
        if key == 'sha256':
            entry.update(arch=None, platform=None)
    return entry


def print_json(document) -> None:
    # conda's JSON reporter writes the document without a final newline (03, 06, 78, 81, ...)
    sys.stdout.write(json.dumps(document, indent=2))


def actions_json(prefix, fetch, unlink, link, dry_run: bool) -> dict:
    actions = {'FETCH': [fetch_entry(r) for r in fetch], 'PREFIX': str(prefix)}
    if unlink:
        actions['UNLINK'] = [dist_entry(r) for r in unlink]
    if link:
        actions['LINK'] = [dist_entry(r) for r in link]
    document = {'success': True, 'actions': actions, 'prefix': str(prefix)}
    if dry_run:
        document['dry_run'] = True
    return document


def human_bytes(size: int) -> str:
    if size < 1024:
        return f'{size} B'
    if size < 1024 ** 2:
        return f'{size / 1024:.0f} KB'
    return f'{size / 1024 ** 2:.1f} MB'


def package_plan(prefix, specs: list[str], fetch, unlink, link) -> str:
    lines = ['', '## Package Plan ##', '', f'  environment location: {prefix}', '']
    if specs:
        lines += ['  added / updated specs:'] + [f'    - {s}' for s in sorted(specs)] + ['', '']
    if fetch:
        lines += ['The following packages will be downloaded:', '',
                  '    package                    |            build',
                  '    ---------------------------|-----------------']
        for rec in fetch:
            dist = f"{rec['name']}-{rec['version']}"
            size = human_bytes(rec.get('size', 0))
            lines.append('    %-27s|%17s%15s  %s' % (dist, rec['build'], size, channel_base(rec)))
        lines += ['    ' + '-' * 60,
                  ' ' * 43 + 'Total:' + '%15s' % human_bytes(sum(r.get('size', 0) for r in fetch)), '']
    old = {r['name']: r for r in unlink}
    new = {r['name']: r for r in link}
    sections = (
        ('NEW packages will be INSTALLED', [n for n in new if n not in old]),
        ('packages will be REMOVED', [n for n in old if n not in new]),
        ('packages will be UPDATED', [n for n in new if n in old and _newer(new[n], old[n])]),
        ('packages will be DOWNGRADED', [n for n in new if n in old and not _newer(new[n], old[n])]),
    )
    for title, names in sections:
        if not names:
            continue
        lines += [f'The following {title}:', '']
        for name in sorted(names):
            rec = new.get(name) or old[name]
            shown = f"{channel_name(rec)}/{rec['subdir']}::{dist_name(rec)}"
            if name in old and name in new:
                shown = f"{old[name]['version']}-{old[name]['build']} --> {rec['version']}-{rec['build']}"
            lines.append('  %-18s %s ' % (name, shown))
        lines.append('')
    return '\n'.join(lines) + '\n\n'


def _newer(new: dict, old: dict) -> bool:
    from .ordering import version_key

    return version_key(new['version']) >= version_key(old['version'])
