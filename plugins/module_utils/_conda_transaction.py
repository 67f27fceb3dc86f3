# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a conda transaction does to an env: its LINK/UNLINK actions as module results, the env after it
(predicted in check mode) and the diff of the env's packages before and after.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import re

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text, mask_variable
from ansible_collections.macfleet.conda.plugins.module_utils._conda_root import cached_depends

_USERINFO = re.compile(r'^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@')
_TOKEN = re.compile(r'/t/[^/]+(?=/)')


def _entry(item):
    """One linked/unlinked package as we report it (conda's LINK keys or a conda-meta record's)."""
    return {
        'name': item.get('name'),
        'version': item.get('version'),
        'build': item.get('build_string', item.get('build')),
        'channel': mask_text(item.get('base_url') or item.get('channel')),
    }


def no_actions():
    return {'linked': [], 'unlinked': []}


def actions_of(document):
    """``{'linked': [...], 'unlinked': [...]}`` from a conda ``--json`` result (empty when nothing to do)."""
    actions = (document or {}).get('actions') or {}
    if isinstance(actions, list):  # conda env update may report one action set per step
        merged = no_actions()
        for part in actions:
            for key, value in actions_of({'actions': part}).items():
                merged[key].extend(value)
        return merged
    return {
        'linked': sorted((_entry(item) for item in actions.get('LINK') or ()), key=_sort_key),
        'unlinked': sorted((_entry(item) for item in actions.get('UNLINK') or ()), key=_sort_key),
    }


def combine(*action_sets):
    """Several transactions' actions as one report, in order."""
    merged = no_actions()
    for actions in action_sets:
        merged['linked'].extend(actions['linked'])
        merged['unlinked'].extend(actions['unlinked'])
    return merged


def removal_of(records):
    """The actions of removing these installed records (what ``conda remove --all`` unlinks)."""
    return {'linked': [], 'unlinked': sorted((_entry(rec) for rec in records), key=_sort_key)}


def record_actions(before_records, after_records):
    """The actions that turned ``before_records`` into ``after_records``: what an explicit install did, which
    conda does not report (recordings 108, 111-115); a package counts as relinked when its build or its URL
    differs."""
    def key(record):
        # the URL without credentials: conda may record it with or without the token the lock has
        url = record.get('url') or ''
        return _key(record) + (_TOKEN.sub('', _USERINFO.sub(r'\1', url)),)

    after_keys = set(key(rec) for rec in after_records)
    before_keys = set(key(rec) for rec in before_records)
    return {'linked': removal_of([rec for rec in after_records if key(rec) not in before_keys])['unlinked'],
            'unlinked': removal_of([rec for rec in before_records if key(rec) not in after_keys])['unlinked']}


def changed(actions):
    return bool(actions['linked'] or actions['unlinked'])


def _sort_key(entry):
    return (entry['name'] or '', entry['version'] or '', entry['build'] or '')


def _key(item):
    return (item.get('name'), item.get('version'), item.get('build_string', item.get('build')))


def fetched_depends(document, pkgs_dirs=()):
    """``depends`` of the packages a dry run would link, keyed by (name, version, build).

    A dry run's LINK entries carry no dependencies: FETCH (packages to download) does, and the
    package cache holds the index of the others.
    """
    actions = (document or {}).get('actions') or {}
    known = dict((_key(item), item.get('depends') or [])
                 for item in (actions.get('FETCH') or ()) if isinstance(actions, dict))
    for item in (actions.get('LINK') or ()) if isinstance(actions, dict) else ():
        if _key(item) in known or not item.get('dist_name'):
            continue
        depends = cached_depends(pkgs_dirs, item['dist_name'])
        if depends is not None:
            known[_key(item)] = depends
    return known


def apply(records, actions, depends=None):
    """The records after ``actions`` (check mode's prediction of the env after the run).

    Linked packages get their ``depends`` from ``depends`` (see fetched_depends) when known, else
    None, which callers treat as "needs an unknown set".
    """
    after = dict((_key(rec), rec) for rec in records)
    for entry in actions['unlinked']:
        after.pop(_key(entry), None)
    for entry in actions['linked']:
        after[_key(entry)] = dict(entry, depends=(depends or {}).get(_key(entry)))
    return [after[key] for key in sorted(after, key=lambda k: tuple(part or '' for part in k))]


def package_lines(records):
    """The env as diff text: one ``name==version=build`` line per package, sorted."""
    lines = sorted('%s==%s=%s' % (rec['name'], rec.get('version'), rec.get('build_string', rec.get('build')))
                   for rec in records)
    return ''.join(line + '\n' for line in lines)


def pip_lines(packages):
    """pip-installed packages as diff text, ``name==version (pypi)`` as conda lists them (recording 84).

    A version of None is one pip chooses only once the env exists (check mode of a new env).
    """
    return ''.join(('%s==%s (pypi)\n' % (name, version)) if version is not None else
                   ('%s (pypi, version chosen by pip)\n' % name) for name, version in sorted(packages))


def variable_lines(variables):
    """Config vars as diff text, ``NAME=value (env var)``."""
    return ''.join('%s=%s (env var)\n' % (name, mask_variable(name, str(variables[name])))
                   for name in sorted(variables))


def diff(before_records, after_records, prefix, pip=((), ()), variables=({}, {})):
    """The env before and after: conda packages, then pip packages and config vars when there are any."""
    return {
        'before': package_lines(before_records) + pip_lines(pip[0]) + variable_lines(variables[0]),
        'after': package_lines(after_records) + pip_lines(pip[1]) + variable_lines(variables[1]),
        'before_header': '%s (before)' % prefix,
        'after_header': '%s (after)' % prefix,
    }


def pip_actions(before, after):
    """What pip installed (or would) and removed: ``{'installed': [...], 'removed': [...]}``."""
    before, after = dict(before), dict(after)
    return {
        'installed': [{'name': name, 'version': after[name]} for name in sorted(after)
                      if name not in before or before[name] != after[name]],
        'removed': [{'name': name, 'version': before[name]} for name in sorted(before)
                    if name not in after or before[name] != after[name]],
    }


def variable_actions(before, after):
    """Config vars set (new or changed values) and unset."""
    return {
        'set': dict((name, mask_variable(name, value)) for name, value in after.items()
                    if before.get(name) != value),
        'unset': sorted(name for name in before if name not in after),
    }
