# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read conda-lock's unified lock file (``conda-lock.yml``, version 1) on the controller, for conda_env.

The file is YAML, so it is read where a YAML library is (the controller), and the module gets only
what applying it needs, per platform: the conda entries' URL and hashes, the pip entries' name,
version, URL and sha256 (``conda_env``'s ``conda_lock`` option, read by
``module_utils/_conda_lock.py``). Which platform applies is the module's to decide: only the host
knows its conda root's platform and the env's subdir.

Everything a file cut short or edited by hand can get wrong is refused here, naming the file and the
entry, before the module (and conda) runs: conda-lock's own loader refuses the same files, with
pydantic's less readable messages.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text

# the lock file versions this reads: conda-lock 1.x to 4.x write version 1 (its version 2 is internal)
KNOWN_VERSIONS = (1,)
MANAGERS = ('conda', 'pip')
# what conda-lock install applies without --no-dev or -e: main and dev; extras are opt-in
INSTALLED_CATEGORIES = ('main', 'dev')
_REQUIRED = ('name', 'version', 'manager', 'platform', 'url', 'hash')


class LockFileError(Exception):
    """The file cannot be applied as it is; ``str()`` names the file and the entry and says why."""


def is_conda_lock(data):
    """True when YAML ``data`` is a conda-lock file: a mapping with its ``metadata`` and ``package`` keys
    (``version`` is checked by ``module_option``, so a file of another version is refused, not taken
    for an environment.yml)."""
    return isinstance(data, dict) and 'metadata' in data and 'package' in data


def _entry_label(number, entry):
    name = entry.get('name') if isinstance(entry, dict) else None
    return 'package entry %d%s' % (number, ' (%s)' % mask_text(str(name)) if name else '')


def module_option(data, where):
    """conda_env's ``conda_lock`` option for the conda-lock file ``data`` (parsed YAML) read from ``where``."""
    version = data.get('version')
    if version is None:
        raise LockFileError('conda-lock file %s has no version (conda-lock writes "version: 1" first); it may be '
                            'cut short or not a conda-lock file' % where)
    if version not in KNOWN_VERSIONS:
        raise LockFileError('conda-lock file %s is of version %r, which this module does not read (it reads '
                            'version %s, what conda-lock 1.x to 4.x write); lock it again with conda-lock, or export '
                            'it with macfleet.conda.conda_export format=conda-lock'
                            % (where, version, ', '.join(str(known) for known in KNOWN_VERSIONS)))
    metadata = data.get('metadata')
    if not isinstance(metadata, dict) or not isinstance(metadata.get('platforms'), list):
        raise LockFileError('conda-lock file %s has no metadata.platforms list; it may be cut short' % where)
    entries = data.get('package')
    if not isinstance(entries, list):
        raise LockFileError('conda-lock file %s: package is a %s, not a list of entries'
                            % (where, type(entries).__name__))
    platforms = dict((str(platform), {'conda': [], 'pip': []}) for platform in metadata['platforms'])
    seen = {}
    depends = {}
    for number, entry in enumerate(entries, 1):
        label = _entry_label(number, entry)
        if not isinstance(entry, dict):
            raise LockFileError('conda-lock file %s: %s is a %s, not a mapping' % (where, label, type(entry).__name__))
        missing = [key for key in _REQUIRED if entry.get(key) in (None, '')]
        if missing:
            raise LockFileError('conda-lock file %s: %s has no %s (every entry has %s); the file may be cut '
                                'short or edited by hand' % (where, label, ', '.join(missing), ', '.join(_REQUIRED)))
        manager, platform, name = entry['manager'], str(entry['platform']), str(entry['name'])
        if manager not in MANAGERS:
            raise LockFileError('conda-lock file %s: %s has manager %r, not one of %s'
                                % (where, label, manager, ', '.join(MANAGERS)))
        if platform not in platforms:
            raise LockFileError('conda-lock file %s: %s is for platform %s, which metadata.platforms (%s) does '
                                'not list' % (where, label, platform, ', '.join(sorted(platforms))))
        if not isinstance(entry['hash'], dict):
            raise LockFileError('conda-lock file %s: %s has a hash that is not a mapping of md5/sha256'
                                % (where, label))
        url = str(entry['url'])
        if '${' in url or '$' in url.split('://', 1)[0]:
            raise LockFileError('conda-lock file %s: %s has a url with an environment variable (%s), which '
                                'conda-lock install expands on the machine it runs on; this module does not, so '
                                'credentials stay out of the lock file: put the channel\'s token in the host\'s '
                                'conda configuration and lock without --strip-auth' % (where, label, mask_text(url)))
        key = (platform, manager, name)
        if key in seen:
            raise LockFileError('conda-lock file %s lists %s twice for %s (%s package entries %d and %d); an env '
                                'holds one build of each package' % (where, name, platform, manager, seen[key], number))
        seen[key] = number
        if manager == 'conda' and isinstance(entry.get('dependencies'), dict):
            depends[(platform, name)] = [dep for dep in entry['dependencies'] if not str(dep).startswith('__')]
        category = entry.get('category') or 'main'
        if entry.get('optional') and category not in INSTALLED_CATEGORIES:
            continue
        if name.startswith('__'):
            continue  # a virtual package (__osx, __glibc): the host provides it, nothing installs it
        if manager == 'conda':
            platforms[platform]['conda'].append(dict(
                name=name, url=url, md5=entry['hash'].get('md5'), sha256=entry['hash'].get('sha256')))
        else:
            platforms[platform]['pip'].append(dict(
                name=name, version=str(entry['version']), url=url, sha256=entry['hash'].get('sha256')))
    for (platform, name), needs in sorted(depends.items()):
        absent = [dep for dep in needs if (platform, 'conda', dep) not in seen]
        if absent:
            raise LockFileError('conda-lock file %s is incomplete for %s: %s depends on %s, which it does not list '
                                '(a file cut short, or entries removed by hand?); lock it again'
                                % (where, platform, name, ', '.join(sorted(absent))))
    empty = [platform for platform, found in sorted(platforms.items()) if not found['conda']]
    if empty:
        raise LockFileError('conda-lock file %s lists platform %s in metadata.platforms but has no conda package '
                            'for it (a file cut short?); lock it again' % (where, ', '.join(empty)))
    return {'source': where, 'platforms': platforms}
