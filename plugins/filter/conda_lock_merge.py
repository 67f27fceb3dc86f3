# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One conda-lock file out of the per-platform locks that conda_export (``format: conda-lock``) returns on
reference hosts of each architecture (an Apple silicon ``osx-arm64`` host, an Intel ``osx-64`` host).

Why a filter and not an action plugin: the merge is a pure function of the hosts' results (data in, text
out), so it is unit tested from fixture dicts of two platforms with no host and no Ansible run, and the
playbook writes its output with ``ansible.builtin.copy``, which already gives ``changed`` only when the
file's content changes, check mode and diff mode. An action plugin would need a module stub for its docs
and would redo what ``copy`` does.

Stable output: the text is rendered by the module's own renderer (``_export_render.render_conda_lock``),
entries in conda-lock's order (manager, name, platform), no timestamp, so the same locks give the same
bytes and a rerun over unchanged envs writes nothing.
"""
from __future__ import annotations

DOCUMENTATION = r'''
name: conda_lock_merge
short_description: Merge the per-platform conda-lock results of several hosts into one conda-lock file
version_added: 0.3.0
author: macfleet.conda maintainers
description:
  - Merges the RV(macfleet.conda.conda_export#module:lock) results of M(macfleet.conda.conda_export) run with
    O(macfleet.conda.conda_export#module:format=conda-lock) on hosts of different platforms (for example one
    Apple silicon C(osx-arm64) and one Intel C(osx-64) reference host) into one conda-lock file (unified
    format, version 1) holding the entries of every platform.
  - Hosts of the same platform must lock the same packages; when they differ the filter fails naming both
    hosts and the first package that differs (which one to keep would be a guess).
  - O(keep) is the lock already stored (its text or its data). Its platforms that none of the given hosts
    has are kept as they are, so one architecture can be exported at a time (C(--limit)). Delete the file to
    drop a platform.
  - C(metadata) is merged as conda-lock merges it, C(content_hash) by platform, C(platforms) sorted, the
    channels and C(sources) in order of first appearance (platforms by name). Credentials in URLs are
    masked again.
  - The text has no time in it and its entries are sorted (manager, name, platform), so the same locks
    always give the same text.
options:
  _input:
    description:
      - The locks, keyed by inventory host name (the hosts are named in errors), or a list of them.
      - Each is a RV(macfleet.conda.conda_export#module:lock) dict, or a registered conda_export result
        holding one. A host without a lock (null, an empty dict) is left out.
    type: raw
    required: true
  keep:
    description:
      - A lock stored earlier (its YAML text, or its data); empty for none.
    type: raw
    default: ""
  output:
    description: V(text) is the conda-lock file's text, V(data) the same as a mapping.
    type: str
    default: text
    choices: [text, data]
'''

EXAMPLES = r'''
- name: Store one conda-lock.yml per env for all the reference hosts' platforms
  ansible.builtin.copy:
    content: "{{ locks | macfleet.conda.conda_lock_merge(keep=lookup('ansible.builtin.file', dest, errors='ignore')) }}"
    dest: "{{ dest }}"
    mode: "0644"
  vars:
    dest: locks/myenv/conda-lock.yml
    # each reference host registered `conda_export: {environment: myenv, format: conda-lock}` as myenv_lock
    locks: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts | map('extract', hostvars, ['myenv_lock', 'lock']))) }}"
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
_value:
  description:
    - With O(output=text), the conda-lock file's text (ending with a newline); with O(output=data), a mapping
      with C(version) (1), C(metadata) (C(content_hash), C(channels), C(platforms), C(sources)) and C(package)
      (the entries of every platform, sorted).
  type: raw
'''

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask

# Ansible loads every file of this folder to find any one filter, in every worker and for every task that
# uses one (the role's miniconda_* filters included): what only this filter needs is imported when it runs.
OUTPUTS = ('text', 'data')


def _render():
    """conda_export's own lock renderer (``_export_render``), imported on first use."""
    from ansible_collections.macfleet.conda.plugins.module_utils import _export_render
    return _export_render


def _fail(msg):
    raise AnsibleFilterError('conda_lock_merge: %s' % msg)


def _plain(value):
    """``value`` as plain dicts, lists and scalars: Ansible 2.19 hands filters lazy containers, which cannot
    be constructed directly (``type(value)(...)``, as the masker rebuilds a list)."""
    if isinstance(value, Mapping):
        return dict((_plain(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _named_locks(locks):
    """``[(source name, lock dict)]`` of the input, results unwrapped, hosts without a lock left out."""
    locks = _plain(locks)
    if isinstance(locks, Mapping):
        pairs = sorted(locks.items(), key=lambda pair: str(pair[0]))
    elif isinstance(locks, (list, tuple)):
        pairs = [('lock %d' % (index + 1), lock) for index, lock in enumerate(locks)]
    else:
        _fail('expects the conda_export locks keyed by host name (or a list of them), got %s.'
              % type(locks).__name__)
    found = []
    for name, lock in pairs:
        if isinstance(lock, Mapping) and 'lock' in lock and 'package' not in lock:
            lock = lock['lock']  # a registered conda_export result
        if not lock:
            continue
        found.append((str(name), _checked(str(name), lock)))
    return found


def _checked(name, lock):
    if not isinstance(lock, Mapping) or not isinstance(lock.get('metadata'), Mapping) \
            or not isinstance(lock.get('package'), list):
        _fail('%s is no conda-lock file (a mapping with metadata and package).' % name)
    if lock.get('version') != _render().CONDA_LOCK_VERSION:
        _fail('%s is a conda-lock file of version %r; only version %d can be merged.'
              % (name, lock.get('version'), _render().CONDA_LOCK_VERSION))
    for entry in lock['package']:
        if not isinstance(entry, Mapping) or not all(key in entry for key in ('name', 'manager', 'platform')):
            _fail('%s has a package entry without name, manager or platform: %r.' % (name, entry))
    return lock


def _parsed_keep(keep):
    if keep is None or keep == '' or keep == {}:
        return None
    keep = _plain(keep)
    if isinstance(keep, str):
        import yaml  # pylint: disable=import-outside-toplevel  # controller side: PyYAML comes with ansible-core
        try:
            keep = yaml.safe_load(keep)
        except yaml.YAMLError as exc:
            _fail('the stored lock (keep) is not valid YAML: %s' % exc)
        if not keep:
            return None
    return _checked('the stored lock (keep)', keep)


def _by_platform(lock):
    platforms = {}
    for entry in lock['package']:
        platforms.setdefault(entry['platform'], []).append(dict(entry))
    for platform in lock['metadata'].get('platforms') or ():
        platforms.setdefault(platform, [])
    return platforms


def _first_difference(one, other):
    mine = dict((_render().entry_key(entry), entry) for entry in one)
    theirs = dict((_render().entry_key(entry), entry) for entry in other)
    for key in sorted(set(mine) | set(theirs)):
        if mine.get(key) != theirs.get(key):
            def said(entry):
                return '%s %s' % (entry.get('version'), entry.get('url')) if entry else 'not there'
            return '%s package %s: %s, and %s' % (key[0], key[1], said(mine.get(key)), said(theirs.get(key)))
    return None


def _ordered_union(lists):
    seen, out = set(), []
    for items in lists:
        for item in items or ():
            marker = repr(sorted(item.items())) if isinstance(item, Mapping) else repr(item)
            if marker not in seen:
                seen.add(marker)
                out.append(item)
    return out


def conda_lock_merge(locks, keep='', output='text'):
    """One conda-lock file (text or data) of every platform of ``locks``, plus ``keep``'s other platforms."""
    if output not in OUTPUTS:
        _fail('output must be one of %s, not %r.' % (', '.join(OUTPUTS), output))
    named = _named_locks(locks)
    platforms = {}      # platform -> (host, entries)
    metadata_of = {}    # platform -> the metadata it came with
    for name, lock in named:
        for platform, entries in _by_platform(lock).items():
            if platform in platforms:
                difference = _first_difference(platforms[platform][1], entries)
                if difference:
                    _fail('%s and %s are both %s hosts but lock different packages (%s). Give one reference '
                          'host per platform.' % (platforms[platform][0], name, platform, difference))
                continue
            platforms[platform] = (name, entries)
            metadata_of[platform] = lock['metadata']
    if not platforms:
        _fail('no host has a lock (run conda_export with format conda-lock on the reference hosts).')
    content_hash = dict((platform, _render().platform_content_hash(entries)) for platform, (_name, entries) in platforms.items())
    stored = _parsed_keep(keep)
    if stored is not None:
        for platform, entries in _by_platform(stored).items():
            if platform not in platforms:
                # kept as stored, its hash too (it may come from conda-lock itself)
                platforms[platform] = ('the stored lock', entries)
                metadata_of[platform] = stored['metadata']
                old_hash = (stored['metadata'].get('content_hash') or {}).get(platform)
                content_hash[platform] = old_hash or _render().platform_content_hash(entries)
    order = sorted(platforms)
    metadata = {
        'content_hash': dict((platform, content_hash[platform]) for platform in order),
        'channels': _ordered_union([metadata_of[platform].get('channels') for platform in order]),
        'platforms': order,
        'sources': _ordered_union([metadata_of[platform].get('sources') for platform in order]),
    }
    package = sorted((entry for platform in order for entry in platforms[platform][1]), key=_render().entry_key)
    merged = mask({'version': _render().CONDA_LOCK_VERSION, 'metadata': metadata, 'package': package})
    return _render().render_conda_lock(merged) if output == 'text' else merged


class FilterModule:
    """Merge conda-lock files of several platforms."""

    def filters(self):
        return {'conda_lock_merge': conda_lock_merge}
