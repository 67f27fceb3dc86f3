# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An environment spec: the ``environment.yml`` structure, already parsed into a dict (the action plugin
reads the YAML on the controller), as the env's declared name, channels and match specs.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

KNOWN_KEYS = ('name', 'prefix', 'channels', 'dependencies')


class EnvSpecError(ValueError):
    """The structure is not one this collection can apply exactly."""


class DeclaredEnv(object):
    """What a spec declares; its ``prefix:`` key is accepted and not applied (the task says where)."""

    def __init__(self, name, channels, dependencies):
        self.name = name
        self.channels = channels
        self.dependencies = dependencies


def _string_list(value, key, source):
    if value is None:
        return []
    if not isinstance(value, list):
        raise EnvSpecError('%s: %s must be a list, got %s' % (source, key, type(value).__name__))
    return value


def declared_env(spec, source='spec'):
    """A DeclaredEnv from an environment.yml structure; EnvSpecError when it cannot be applied."""
    if not isinstance(spec, dict):
        raise EnvSpecError('%s must be a mapping with name, channels and dependencies' % source)
    unknown = sorted(str(key) for key in spec if key not in KNOWN_KEYS)
    if unknown:
        raise EnvSpecError(
            '%s has keys this module does not apply: %s (supported: %s); nothing was changed.'
            % (source, ', '.join(unknown), ', '.join(KNOWN_KEYS)))
    dependencies = []
    for entry in _string_list(spec.get('dependencies'), 'dependencies', source):
        if isinstance(entry, dict) and list(entry) == ['pip']:
            raise EnvSpecError(
                '%s lists pip dependencies (%s): pip sub-lists are not supported, as pip installs cannot '
                'be checked or predicted like conda packages. Declare them with ansible.builtin.pip and '
                'the env\'s python (executable: <prefix>/bin/pip); nothing was changed.'
                % (source, ', '.join(str(item) for item in entry['pip'] or [])))
        if not isinstance(entry, str):
            raise EnvSpecError('%s: dependency %r is not a match spec string' % (source, entry))
        dependencies.append(entry)
    channels = _string_list(spec.get('channels'), 'channels', source)
    if not all(isinstance(channel, str) for channel in channels):
        raise EnvSpecError('%s: channels must be strings' % source)
    name = spec.get('name')
    return DeclaredEnv(str(name) if name is not None else None, channels, dependencies)
