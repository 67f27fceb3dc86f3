# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An environment spec: the ``environment.yml`` structure, already parsed into a dict (the action plugin
reads the YAML on the controller), as the env's declared name, prefix, channels, conda match specs,
pip requirement lines and config vars.

Where conda reads a key in a way its users do not mean, this reads it as they mean it: ``nodefaults``
in ``channels`` is "no default channels" (conda takes it for a channel name and fails, recordings 116,
118), and a key conda does not know is refused, naming it, where conda prints
``EnvironmentSectionNotValid`` and ignores it (121, 122).

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import re

KNOWN_KEYS = ('name', 'prefix', 'channels', 'dependencies', 'variables')
# conda-forge's and conda's own spelling for "none of the default channels"
NODEFAULTS = 'nodefaults'
# conda ignores these at activation (conda/base/constants.py RESERVED_ENV_VARS)
RESERVED_VARIABLES = ('PATH',)
_VARIABLE_NAME = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
# Ways of declaring an env that exclude each other: a whole file or spec, or python/packages/pip inline.
EXCLUSIVE_SOURCES = (('file', 'spec'), ('file', 'python'), ('file', 'packages'), ('spec', 'python'),
                     ('spec', 'packages'), ('src', 'file'), ('src', 'spec'), ('src', 'python'), ('src', 'packages'),
                     ('pip', 'spec'), ('pip', 'file'), ('pip', 'src'))


class EnvSpecError(ValueError):
    """The structure is not one this collection can apply exactly."""


class DeclaredEnv(object):
    """What a spec declares. ``prefix`` is where the spec says the env is (used only when nothing names it)."""

    def __init__(self, name=None, prefix=None, channels=(), nodefaults=False, dependencies=(), pip=None,
                 variables=None):
        self.name = name
        self.prefix = prefix
        self.channels = list(channels)
        self.nodefaults = nodefaults
        self.dependencies = list(dependencies)
        self.pip = None if pip is None else list(pip)  # None: no pip list declared (not even an empty one)
        self.variables = None if variables is None else dict(variables)  # None: no variables declared


def python_spec(version):
    """``python=3.9`` for a plain version, ``python>=3.10`` for one with an operator."""
    version = str(version)
    return 'python' + ('=' if version[:1].isdigit() else '') + version


def _string_list(value, key, source):
    if value is None:
        return []
    if not isinstance(value, list):
        raise EnvSpecError('%s: %s must be a list, got %s; nothing was changed.' % (source, key, type(value).__name__))
    return value


def _pip_lines(entry, source):
    lines = _string_list(entry['pip'], 'the pip list', source)
    bad = [line for line in lines if not isinstance(line, str)]
    if bad:
        raise EnvSpecError('%s: pip requirement %r is not a string (write it as pip would read it in a '
                           'requirements file); nothing was changed.' % (source, bad[0]))
    return lines


def variable_text(value):
    """The text conda activation exports for a config var value (``42`` and ``"42"`` are the same)."""
    return str(value)


def declared_variables(variables, source='variables'):
    """``{NAME: text}`` from a ``variables`` mapping (None: none declared); EnvSpecError naming the first one
    conda cannot store."""
    if variables is None:
        return None
    if not isinstance(variables, dict):
        raise EnvSpecError('%s must be a mapping of NAME: value, got %s; nothing was changed.'
                           % (source, type(variables).__name__))
    declared = {}
    for name, value in variables.items():
        name = str(name)
        if not _VARIABLE_NAME.match(name):
            raise EnvSpecError('%s: %r is not an environment variable name (letters, digits and _, not starting '
                               'with a digit); nothing was changed.' % (source, name))
        if name in RESERVED_VARIABLES:
            raise EnvSpecError('%s: %s is reserved: conda ignores it when it activates the env; set it in the '
                               'shell instead. Nothing was changed.' % (source, name))
        if isinstance(value, (dict, list)) or value is None:
            raise EnvSpecError('%s: the value of %s must be a string or a number, got %s; nothing was changed.'
                               % (source, name, 'null' if value is None else type(value).__name__))
        text = variable_text(value)
        if text != text.strip():
            # conda env config vars set strips the value, so it could never be stored as declared
            raise EnvSpecError('%s: the value of %s starts or ends with white space, which conda strips; '
                               'nothing was changed.' % (source, name))
        declared[name] = text
    return declared


def declared_env(spec, source='spec'):
    """A DeclaredEnv from an environment.yml structure; EnvSpecError when it cannot be applied."""
    if not isinstance(spec, dict):
        raise EnvSpecError('%s must be a mapping with name, channels and dependencies' % source)
    unknown = sorted(str(key) for key in spec if key not in KNOWN_KEYS)
    if unknown:
        raise EnvSpecError(
            '%s has keys this module does not know: %s (known: %s); conda would ignore them '
            '(EnvironmentSectionNotValid). Nothing was changed.' % (source, ', '.join(unknown), ', '.join(KNOWN_KEYS)))
    dependencies, pip = [], None
    for entry in _string_list(spec.get('dependencies'), 'dependencies', source):
        if isinstance(entry, dict) and list(entry) == ['pip']:
            pip = (pip or []) + _pip_lines(entry, source)
            continue
        if not isinstance(entry, str):
            raise EnvSpecError('%s: dependency %r is not a match spec string (a pip list is written '
                               '"- pip: [...]"); nothing was changed.' % (source, entry))
        dependencies.append(entry)
    channels = _string_list(spec.get('channels'), 'channels', source)
    if not all(isinstance(channel, str) for channel in channels):
        raise EnvSpecError('%s: channels must be strings; nothing was changed.' % source)
    name, prefix = spec.get('name'), spec.get('prefix')
    if prefix is not None and not (isinstance(prefix, str) and prefix.startswith('/')):
        raise EnvSpecError('%s: prefix must be an absolute path, got %r; nothing was changed.' % (source, prefix))
    return DeclaredEnv(
        name=str(name) if name is not None else None, prefix=prefix,
        channels=[channel for channel in channels if channel != NODEFAULTS], nodefaults=NODEFAULTS in channels,
        dependencies=dependencies, pip=pip,
        variables=declared_variables(spec.get('variables'), '%s: variables' % source))
