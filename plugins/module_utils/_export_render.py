# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn a prefix's package records into an ``environment.yml``, an ``@EXPLICIT`` lock or a conda-lock file,
deterministically.

The same records always give the same bytes: entries are sorted, nothing depends on the clock or
on the host's conda configuration, and channel credentials are masked before anything is rendered.
The YAML is written by hand (no PyYAML on managed hosts) in the layout ``conda env export`` uses.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import hashlib
import json
import re

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask, mask_text
from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import (
    channel_name, records_platform, requested_specs)
from ansible_collections.macfleet.conda.plugins.module_utils._conda_root import host_subdir
from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import MatchSpec, SpecError, spec_name

EXPLICIT_HEADER = ('# This file may be used to create an environment using:\n'
                   '# $ conda create --name <env> --file <this file>\n')
# A plain YAML scalar that every YAML 1.1/1.2 loader reads back as this same string; all else is quoted.
# fullmatch, not match: "$" also matches before a final newline, and "A\n" is no plain scalar.
_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./:@=<>!,*+~^|$\[\]'-]*(?: [A-Za-z0-9_./:@=<>!,*+~^|$\[\]'-]+)*$")
_RESERVED_WORDS = ('y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null')


class ExportError(Exception):
    """The env cannot be rendered in the asked format (``str()`` says which package and why)."""


def package_channels(records):
    """The channels the packages came from, the one most packages came from first (then by name)."""
    counts = {}
    for record in records:
        name = channel_name(record)
        if name:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts, key=lambda name: (-counts[name], name))


def _record_spec(record, no_builds, pin_channel):
    parts = [record['name'], str(record.get('version', ''))]
    if not no_builds:
        parts.append(str(record.get('build', '')))
    spec = '='.join(parts)
    # With strict channel priority conda would look for a package of a lower-priority channel only
    # in the first one that has its name: naming the channel keeps the round trip exact.
    return '%s::%s' % (channel_name(record), spec) if pin_channel else spec


def environment_spec(name, records, pip_packages=(), no_builds=False, requested=None, variables=None):
    """The environment.yml content as a dict: ``name``, ``channels``, ``dependencies`` (pip last), and
    ``variables`` (the env's config vars, in the order conda stored them) when it has any.

    ``requested`` (``{name: spec}`` from the history) replaces the installed packages by the specs
    the user asked for; the channels stay those the installed packages came from.
    """
    channels = package_channels(records)
    if requested is not None:
        dependencies = [requested[key] for key in sorted(requested)]
    else:
        dependencies = [_record_spec(record, no_builds, len(channels) > 1 and channel_name(record) != channels[0])
                        for record in sorted(records, key=lambda rec: rec['name'])]
    if pip_packages:
        dependencies.append({'pip': ['%s==%s' % (pip_name, version) for pip_name, version in sorted(pip_packages)]})
    spec = {'name': name, 'channels': channels, 'dependencies': dependencies}
    if variables:
        spec['variables'] = dict(variables)
    return mask(spec)


def _double_quoted(text):
    out = []
    for char in text:
        if char in '\\"':
            out.append('\\' + char)
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append('\\x%02x' % code if code < 0x100 else '\\u%04x' % code if code < 0x10000
                       else '\\U%08x' % code)
    return '"%s"' % ''.join(out)


def yaml_scalar(value):
    """``value`` as a YAML scalar that loads back as the same string: plain when safe, else quoted."""
    text = str(value)
    if _PLAIN.fullmatch(text) and ': ' not in text and not text.endswith(':') \
            and text.lower() not in _RESERVED_WORDS:
        return text
    if text.isprintable():
        return "'%s'" % text.replace("'", "''")
    return _double_quoted(text)


def _block_list(items, indent):
    if not items:
        return [' []']
    lines = ['']
    for item in items:
        if isinstance(item, dict):
            for key, values in item.items():
                lines.append('%s- %s:' % (indent, yaml_scalar(key)))
                lines.extend('%s    - %s' % (indent, yaml_scalar(value)) for value in values)
        else:
            lines.append('%s- %s' % (indent, yaml_scalar(item)))
    return lines


def render_environment(spec):
    """environment.yml text for a spec dict from ``environment_spec``, in ``conda env export``'s layout."""
    lines = ['name: %s' % yaml_scalar(spec['name'])]
    for key in ('channels', 'dependencies'):
        block = _block_list(spec[key], '  ')
        lines.append('%s:%s' % (key, block[0]))
        lines.extend(block[1:])
    if spec.get('variables'):
        # as conda env export writes them (recording 98): a number stays a number, '1' stays a string
        lines.append('variables:')
        lines.extend('  %s: %s' % (yaml_scalar(name), _variable_scalar(value))
                     for name, value in spec['variables'].items())
    return '\n'.join(lines) + '\n'


def _variable_scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return repr(value)
    return yaml_scalar(value)


def _dependency_names(record):
    return set(name for name in (spec_name(dependency) for dependency in record.get('depends') or ()) if name)


def dependency_order(records):
    """``records`` with dependencies first, in the order ``conda list --explicit`` prints them.

    Like conda's prefix graph: pip is not a dependency of python (conda adds that edge itself),
    packages nothing depends on and that depend on nothing come first, then level by level by
    name; a cycle is broken at the package with the fewest unmet dependencies, then by name.
    """
    by_name = dict((record['name'], record) for record in records)
    waiting = dict((name, (_dependency_names(record) & set(by_name)) - set([name]))
                   for name, record in by_name.items())
    waiting.get('python', set()).discard('pip')
    needed = set().union(*waiting.values()) if waiting else set()
    ordered = sorted(name for name, needs in waiting.items() if not needs and name not in needed)
    for name in ordered:
        del waiting[name]
    while waiting:
        ready = sorted(name for name, needs in waiting.items() if not needs)
        if not ready:
            ready = [min(waiting, key=lambda name: (len(waiting[name]), name))]
        for name in ready:
            ordered.append(name)
            del waiting[name]
        for needs in waiting.values():
            needs.difference_update(ready)
    return [by_name[name] for name in ordered]


def package_url(record):
    """Where the package file of ``record`` came from; ExportError when the record does not say."""
    url = record.get('url')
    if not url and record.get('channel') and record.get('fn'):
        url = '%s/%s' % (str(record['channel']).rstrip('/'), record['fn'])
    if not url or '://' not in url:
        raise ExportError('package %s-%s-%s has no download URL in its conda-meta record, so it cannot be '
                          'part of an @EXPLICIT export' % (record.get('name'), record.get('version'),
                                                           record.get('build')))
    return url


HASH_KINDS = ('md5', 'sha256', 'none')


def render_explicit(records, platform, hash_kind='md5'):
    """An ``@EXPLICIT`` lock as ``conda list --explicit [--md5|--sha256]`` prints it: one ``url#<hash>`` per
    package, dependencies first; ``hash_kind`` ``none`` gives bare URLs.

    conda's ``# created-by: conda <version>`` line is left out: it would change every lock of a host
    whenever its conda is updated, while the env is the same. A record without the asked hash gets a
    bare URL, as conda prints it (conda then cannot verify that package).
    """
    if hash_kind not in HASH_KINDS:
        raise ValueError('hash_kind must be one of %s' % ', '.join(HASH_KINDS))
    lines = [EXPLICIT_HEADER + '# platform: %s' % platform, '@EXPLICIT']
    for record in dependency_order(records):
        url = mask_text(package_url(record))
        digest = record.get(hash_kind) if hash_kind != 'none' else None
        lines.append('%s#%s' % (url, digest) if digest else url)
    return '\n'.join(lines) + '\n'


# -- conda-lock's unified lock file (version 1) ------------------------------------------------------

CONDA_LOCK_VERSION = 1
# What stands in a pip entry's url when the dist-info does not say where the distribution came from
# (a plain install from an index records no URL, PEP 610): conda-lock requires a url, and a made-up
# index URL would send an installer to the wrong place. ``conda-lock render --kind env`` still gives
# ``name == version`` for such an entry; ``conda-lock install`` fails on it, naming it, instead of
# installing something else.
PIP_URL_UNKNOWN = 'unknown:'
CONDA_LOCK_HEADER = ('# conda-lock unified lock file (version 1), written by macfleet.conda from the installed env(s).\n'
                     '# Install it with: conda-lock install -n YOURENV <this file>\n')
_ENTRY_KEYS = ('name', 'version', 'manager', 'platform', 'dependencies', 'url', 'hash', 'source', 'build', 'category',
               'optional')


def _merge_version(old, new):
    if not old:
        return new
    if not new or new == old:
        return old
    return '%s,%s' % (old, new)


def conda_dependencies(record):
    """``{name: version constraint}`` from a record's ``depends``, as conda-lock writes a package's dependencies:
    the build part dropped, a name listed twice merged (``python`` lists ``pip`` twice in real records).

    A depends string this toolkit cannot read is kept by its first word with no constraint: the
    name is what conda-lock uses (for its order and categories).
    """
    found = {}
    for depend in record.get('depends') or ():
        try:
            spec = MatchSpec.parse(depend)
            name, version = spec.name, '' if spec.version is None else str(spec.version)
        except (SpecError, ValueError, AttributeError):
            name, version = str(depend).split(' ', 1)[0], ''
        if name and name != '*':
            found[name] = _merge_version(found.get(name, ''), version)
    return dict((name, found[name]) for name in sorted(found))


def conda_lock_conda_entry(record, platform):
    """One ``manager: conda`` entry of a conda-lock file for ``record``; ExportError without a URL or md5
    (conda-lock refuses a conda package without md5)."""
    url = package_url(record)
    if not record.get('md5'):
        raise ExportError('package %s-%s-%s has no md5 in its conda-meta record, and conda-lock requires one for '
                          'every conda package' % (record.get('name'), record.get('version'), record.get('build')))
    digests = {'md5': record['md5']}
    if record.get('sha256'):
        digests['sha256'] = record['sha256']
    return {'name': record['name'], 'version': str(record['version']), 'manager': 'conda', 'platform': platform,
            'dependencies': conda_dependencies(record), 'url': url, 'hash': digests,
            'category': 'main', 'optional': False}


class PipDist(object):
    """What a pip-installed distribution's dist-info says: name (PEP 503), version, ``Requires-Dist``
    lines, and its ``direct_url.json`` (PEP 610) as a dict when pip wrote one (an install from a URL,
    a path or a VCS), else None."""

    def __init__(self, name, version, requires=(), direct_url=None):
        self.name = name
        self.version = version
        self.requires = list(requires)
        self.direct_url = direct_url


def _pip_source(dist):
    """``(url, {'sha256': ...} or {})`` of a pip entry, as far as its direct_url.json says."""
    info = dist.direct_url if isinstance(dist.direct_url, dict) else {}
    url = info.get('url')
    if not url:
        return '%s%s==%s' % (PIP_URL_UNKNOWN, dist.name, dist.version), {}
    vcs = info.get('vcs_info')
    if isinstance(vcs, dict) and vcs.get('vcs'):
        # pip's own requirement form for a VCS install, at the commit that was installed
        commit = vcs.get('commit_id')
        return '%s+%s%s' % (vcs['vcs'], url, '@%s' % commit if commit else ''), {}
    archive = info.get('archive_info')
    digests = {}
    if isinstance(archive, dict):
        hashes = archive.get('hashes') if isinstance(archive.get('hashes'), dict) else {}
        legacy = str(archive.get('hash') or '')
        sha256 = hashes.get('sha256') or (legacy[len('sha256='):] if legacy.startswith('sha256=') else None)
        if sha256:
            digests['sha256'] = sha256
    return url, digests


def pip_dependencies(dist, environment):
    """``{name: specifier}`` of the ``Requires-Dist`` lines that apply in ``environment`` (PEP 508 markers;
    extras are not installed, so their requirements are left out), ``*`` for any version, as conda-lock
    writes them. Without an environment (no CPython record) a marker is kept only when it has none."""
    # the PEP 508 parser is imported only where pip distributions are exported: conda_info reads the
    # platform and channel names here on every host, and a module compiles all it imports from source
    from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import (
        RequirementError, parse_requirement)

    found = {}
    for line in dist.requires:
        try:
            requirement = parse_requirement(line)
            if requirement.marker is not None and (environment is None
                                                   or not requirement.marker.evaluate(environment)):
                continue
        except RequirementError:
            continue  # pip would fail on it too; the entry's name and version are still what is installed
        found[requirement.name] = _merge_version(found.get(requirement.name, ''), str(requirement.specifier or ''))
    return dict((name, found[name] or '*') for name in sorted(found))


def conda_lock_pip_entry(dist, platform, environment):
    """One ``manager: pip`` entry of a conda-lock file for a pip-installed distribution."""
    url, digests = _pip_source(dist)
    return {'name': dist.name, 'version': str(dist.version), 'manager': 'pip', 'platform': platform,
            'dependencies': pip_dependencies(dist, environment), 'url': url, 'hash': digests,
            'category': 'main', 'optional': False}


def _marker_environment(records, platform):
    from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import marker_environment

    python = next((record for record in records if record.get('name') == 'python'), None)
    if python is None:
        return None
    try:
        return marker_environment(str(python.get('version')), platform)
    except ValueError:
        return None


def platform_content_hash(entries):
    """The ``content_hash`` of one platform: sha256 of the platform's entries as canonical JSON.

    conda-lock hashes its *input* (the specs of its source files and the virtual packages it
    assumed) to tell whether a lock must be solved again; an exported env has no such input. This
    hash of what is locked is as stable (same entries, same hash) and changes exactly when the
    platform's packages change; ``conda-lock lock --check-input-hash`` will never take it as its own.
    """
    canonical = json.dumps(sorted(entries, key=entry_key), sort_keys=True, separators=(',', ':'))
    return hashlib.sha256(canonical.encode('utf-8')).hexdigest()


def entry_key(entry):
    """conda-lock's order of entries (its ``alphasort``): manager, name, platform."""
    return (entry['manager'], entry['name'], entry['platform'])


def conda_lock(records, platform, pip_dists=()):
    """The conda-lock file (version 1) of one env as a dict: ``version``, ``metadata`` and ``package`` (the
    env's conda packages and pip-installed distributions for ``platform``), credentials masked."""
    environment = _marker_environment(records, platform)
    entries = [conda_lock_conda_entry(record, platform) for record in records]
    entries.extend(conda_lock_pip_entry(dist, platform, environment) for dist in pip_dists)
    entries = mask(sorted(entries, key=entry_key))
    metadata = {'content_hash': {platform: platform_content_hash(entries)},
                'channels': [{'url': channel, 'used_env_vars': []} for channel in package_channels(records)],
                'platforms': [platform], 'sources': []}
    return {'version': CONDA_LOCK_VERSION, 'metadata': metadata, 'package': entries}


def _mapping_lines(mapping, indent):
    """Block-style YAML lines of a dict, laid out as PyYAML's ``dump(sort_keys=False)`` writes conda-lock's files:
    a nested mapping indented by two, a list's ``-`` at its key's indent, empty collections in flow style."""
    lines = []
    pad = ' ' * indent
    for key, value in mapping.items():
        head = '%s%s:' % (pad, yaml_scalar(key))
        if isinstance(value, dict) and value:
            lines.append(head)
            lines.extend(_mapping_lines(value, indent + 2))
        elif isinstance(value, list) and value:
            lines.append(head)
            lines.extend(_sequence_lines(value, indent))
        else:
            lines.append('%s %s' % (head, _lock_scalar(value)))
    return lines


def _sequence_lines(items, indent):
    lines = []
    pad = ' ' * indent
    for item in items:
        if isinstance(item, dict) and item:
            inner = _mapping_lines(item, indent + 2)
            lines.append('%s- %s' % (pad, inner[0][indent + 2:]))
            lines.extend(inner[1:])
        else:
            lines.append('%s- %s' % (pad, _lock_scalar(item)))
    return lines


def _lock_scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return '{}'
    if isinstance(value, list):
        return '[]'
    return yaml_scalar(value)


def render_conda_lock(lock):
    """The text of a conda-lock file dict (``conda_lock``, or merged): top-level keys and entry fields in
    the order conda-lock writes them, entries in conda-lock's order, no timestamp."""
    ordered = {'version': lock['version'], 'metadata': lock['metadata'],
               'package': [dict((key, entry[key]) for key in _ENTRY_KEYS if key in entry)
                           for entry in sorted(lock['package'], key=entry_key)]}
    return CONDA_LOCK_HEADER + '\n'.join(_mapping_lines(ordered, 0)) + '\n'


def render_export(name, records, fmt='environment', from_history=False, no_builds=False, history='',
                  pip_packages=(), variables=None, hash_kind='md5'):
    """``(content, spec)`` of an env as conda_export writes it, from what the prefix reader read: its
    records and, for an environment.yml, its history, pip packages and config vars. spec is None for an
    ``@EXPLICIT`` lock. conda_export and conda_info (which compares the role's exports) both call this,
    so what one writes is what the other expects."""
    if fmt == 'explicit':
        return render_explicit(records, records_platform(records, host_subdir() or 'noarch'), hash_kind), None
    requested = None
    if from_history:
        requested = requested_specs(history, [record['name'] for record in records])
    spec = environment_spec(name, records, pip_packages, no_builds, requested, variables)
    return render_environment(spec), spec
