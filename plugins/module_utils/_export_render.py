# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn a prefix's package records into an ``environment.yml`` or an ``@EXPLICIT`` lock, deterministically.

The same records always give the same bytes: entries are sorted, nothing depends on the clock or
on the host's conda configuration, and channel credentials are masked before anything is rendered.
The YAML is written by hand (no PyYAML on managed hosts) in the layout ``conda env export`` uses.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import re

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask, mask_text
from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import (
    DEFAULT_CHANNEL_ALIAS, channel_without_subdir, spec_name)

EXPLICIT_HEADER = ('# This file may be used to create an environment using:\n'
                   '# $ conda create --name <env> --file <this file>\n')
# A plain YAML scalar that every YAML 1.1/1.2 loader reads back as this same string; all else is quoted.
# fullmatch, not match: "$" also matches before a final newline, and "A\n" is no plain scalar.
_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./:@=<>!,*+~^|$\[\]'-]*(?: [A-Za-z0-9_./:@=<>!,*+~^|$\[\]'-]+)*$")
_RESERVED_WORDS = ('y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null')


class ExportError(Exception):
    """The env cannot be rendered in the asked format (``str()`` says which package and why)."""


def channel_name(record):
    """The channel of ``record`` as an environment.yml names it: subdir dropped, short for conda.anaconda.org."""
    channel = channel_without_subdir(mask_text(str(record.get('channel') or '')), record.get('subdir'))
    # conda.anaconda.org is conda's default channel_alias: a channel there is known by its short name.
    if channel.startswith(DEFAULT_CHANNEL_ALIAS):
        channel = channel[len(DEFAULT_CHANNEL_ALIAS):]
    return channel


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


def records_platform(records, fallback):
    """The platform (subdir) of the env's packages, the host's ``fallback`` when all are noarch."""
    counts = {}
    for record in records:
        subdir = record.get('subdir')
        if subdir and subdir != 'noarch':
            counts[subdir] = counts.get(subdir, 0) + 1
    return min(counts, key=lambda subdir: (-counts[subdir], subdir)) if counts else fallback


def render_explicit(records, platform):
    """An ``@EXPLICIT`` lock (``conda list --explicit --md5``): one ``url#md5`` per package, dependencies first."""
    lines = [EXPLICIT_HEADER + '# platform: %s' % platform, '@EXPLICIT']
    for record in dependency_order(records):
        url = mask_text(package_url(record))
        lines.append('%s#%s' % (url, record['md5']) if record.get('md5') else url)
    return '\n'.join(lines) + '\n'
