# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read a conda installation without running conda: its root, its configuration, env names -> prefixes.

``conda info`` costs ~0.5 s; the .condarc files, ``CONDA_*`` variables and ``environments.txt`` answer
the same questions in well under a millisecond, and say so (Undecided) when only conda can tell.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import json
import os
import platform
import re

from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import is_env

ROOT_NAMES = ('base', 'root')
# The option of every module that finds conda; here, not in _module_run, so conda_info (which reads a
# given root without running conda) need not import the runners.
EXECUTABLE_OPTION = dict(executable=dict(type='path'))
# The longest folder name APFS, HFS+ and ext4 allow, in bytes.
NAME_MAX = 255
# conda refuses these in env names (and a name with them would be read as a path or a spec).
BAD_NAME_CHARACTERS = ('/', '\\', ' ', ':', '#', '\t', '\n', '\0')
CONDARC_FILES = ('/etc/conda/.condarc', '/etc/conda/condarc', '/var/lib/conda/.condarc',
                 '/var/lib/conda/condarc')
# platform.system(), platform.machine() -> conda's subdir
HOST_PLATFORMS = {('Darwin', 'arm64'): 'osx-arm64', ('Darwin', 'x86_64'): 'osx-64',
                  ('Linux', 'x86_64'): 'linux-64', ('Linux', 'aarch64'): 'linux-aarch64',
                  ('Linux', 'ppc64le'): 'linux-ppc64le', ('Linux', 's390x'): 'linux-s390x'}
_LIST_ITEM = re.compile(r'^\s+-\s+(?P<value>.+?)\s*$')
_KEY = re.compile(r'^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<rest>.*?)\s*$')
_YAML_INDICATORS = '-?:,[]{}#&*!|>\'"%@`'


class Undecided(Exception):
    """The local files cannot answer with certainty; conda has to be asked."""


def host_subdir():
    """This host's conda subdir (``osx-arm64`` on Apple silicon), or None for a platform conda has no subdir for."""
    return HOST_PLATFORMS.get((platform.system(), platform.machine()))


def bad_name_reason(name):
    """Why conda would reject ``name`` as an env name, or None when it is fine."""
    if not name or not name.strip():
        return 'an env name must not be empty'
    bad = sorted(set(char for char in BAD_NAME_CHARACTERS if char in name))
    if bad:
        return 'an env name must not contain %s' % ', '.join(repr(char) for char in bad)
    if name.startswith('-') or name in ('.', '..'):
        return 'an env name must not be %r' % name
    size = len(name.encode('utf-8', 'surrogateescape'))
    if size > NAME_MAX:
        return ('an env name is a folder name, which the file system limits to %d bytes (NAME_MAX), and '
                'this one has %d; choose a shorter name' % (NAME_MAX, size))
    return None


def root_from_executable(executable):
    """The root prefix a conda executable belongs to (``<root>/bin/conda``, ``<root>/condabin/conda``)."""
    real = os.path.realpath(executable)
    folder = os.path.dirname(real)
    if os.path.basename(folder) in ('bin', 'condabin', 'Scripts'):
        root = os.path.dirname(folder)
        if os.path.isdir(os.path.join(root, 'conda-meta')):
            return root
    return None


def read_condarc_list(path, keys):
    """The list under any of ``keys`` in a .condarc, ``[]`` when absent; Undecided when we cannot be sure.

    Only the block-list form conda writes (``key:`` then ``  - item`` lines) and ``[]`` are read;
    flow lists, anchors, quotes, ``#!final`` markers and the like are left to conda itself.
    """
    try:
        with open(path, 'rb') as stream:
            text = stream.read().decode('utf-8')
    except OSError:
        return []
    except ValueError:
        raise Undecided('%s is not UTF-8' % path)
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _KEY.match(line)
        if not match or match.group('key') not in keys:
            if any(key in line for key in keys) and not line.lstrip().startswith('#') \
                    and not _LIST_ITEM.match(line):
                raise Undecided('%s mentions %s in a form this reader does not handle' % (path, keys[0]))
            continue
        key = match.group('key')
        if match.group('rest') == '[]':
            return []
        if match.group('rest'):
            raise Undecided('%s: %s is not a block list' % (path, key))
        values = []
        for item in lines[index + 1:]:
            if not item.strip() or item.lstrip().startswith('#'):
                continue
            entry = _LIST_ITEM.match(item)
            if not entry:
                break
            values.append(_plain_scalar(entry.group('value'), path, key))
        return values
    return []


def _plain_scalar(value, path, key):
    """A YAML plain scalar without its trailing comment; Undecided for anything fancier."""
    value = re.split(r'\s+#', value, 1)[0].strip()
    if not value or value[0] in _YAML_INDICATORS or ': ' in value or value.endswith(':'):
        raise Undecided('%s: %s entry %r needs a YAML parser' % (path, key, value))
    return value


def _expand(path, home, environ):
    if path.startswith('~'):
        path = home + path[1:]
    if '$' in path:
        path = re.sub(r'\$\{(\w+)\}|\$(\w+)', lambda m: environ.get(m.group(1) or m.group(2), m.group(0)), path)
        if '$' in path:
            raise Undecided('envs_dirs entry %r names an unset variable' % path)
    return os.path.normpath(path)


def condarc_files(root, home, environ):
    """The .condarc files conda reads, in its search order."""
    xdg = environ.get('XDG_CONFIG_HOME') or os.path.join(home, '.config')
    files = list(CONDARC_FILES) + [
        os.path.join(root, '.condarc'), os.path.join(root, 'condarc'),
        os.path.join(xdg, 'conda', '.condarc'), os.path.join(xdg, 'conda', 'condarc'),
        os.path.join(home, '.config', 'conda', '.condarc'), os.path.join(home, '.config', 'conda', 'condarc'),
        os.path.join(home, '.conda', '.condarc'), os.path.join(home, '.conda', 'condarc'),
        os.path.join(home, '.condarc'),
    ]
    if environ.get('CONDA_PREFIX'):
        files += [os.path.join(environ['CONDA_PREFIX'], '.condarc'), os.path.join(environ['CONDA_PREFIX'], 'condarc')]
    if environ.get('CONDARC'):
        files.append(environ['CONDARC'])
    for folder in (os.path.join(root, 'condarc.d'), os.path.join(root, '.condarc.d')):
        if os.path.isdir(folder):
            raise Undecided('%s holds configuration snippets' % folder)
    seen = []
    for path in files:
        if path not in seen:
            seen.append(path)
    return seen


def envs_dirs(root, home, environ):
    """conda's ``envs_dirs`` for this root, from the environment and .condarc files; Undecided if unsure.

    Like conda: the environment variable first, then the files' lists with the most specific file
    first, then the fixed dirs (the user's before the root's when the root is not writable).
    """
    configured = []
    for path in reversed(condarc_files(root, home, environ)):
        configured.extend(read_condarc_list(path, ('envs_dirs', 'envs_path')))
    from_env = []
    for variable in ('CONDA_ENVS_DIRS', 'CONDA_ENVS_PATH'):
        value = environ.get(variable, '')
        if ',' in value:
            raise Undecided('%s may be a comma-separated list' % variable)
        from_env += [entry for entry in value.split(os.pathsep) if entry]
    fixed = [os.path.join(root, 'envs'), os.path.join(home, '.conda', 'envs')]
    if not os.access(root, os.W_OK):
        fixed.reverse()
    dirs = []
    for entry in from_env + configured + fixed:
        path = _expand(entry, home, environ)
        if path not in dirs:
            dirs.append(path)
    return dirs


def pkgs_dirs(root, home, environ):
    """conda's ``pkgs_dirs`` (package caches) for this root; Undecided when the files cannot tell.

    Like conda: ``CONDA_PKGS_DIRS`` (comma-separated) and the .condarc lists, most specific first;
    only when none is configured the defaults, ``<root>/pkgs`` then ``~/.conda/pkgs`` (the user's first
    when the root is not writable).
    """
    configured = [entry.strip() for entry in environ.get('CONDA_PKGS_DIRS', '').split(',') if entry.strip()]
    for path in reversed(condarc_files(root, home, environ)):
        configured.extend(read_condarc_list(path, ('pkgs_dirs',)))
    if not configured:
        configured = [os.path.join(root, 'pkgs'), os.path.join(home, '.conda', 'pkgs')]
        if not os.access(root, os.W_OK):
            configured.reverse()
    dirs = []
    for entry in configured:
        path = _expand(entry, home, environ)
        if path not in dirs:
            dirs.append(path)
    return dirs


def registered_envs(home):
    """Prefixes listed in ``~/.conda/environments.txt`` (conda's registry of envs it created)."""
    try:
        with open(os.path.join(home, '.conda', 'environments.txt'), 'rb') as stream:
            text = stream.read().decode('utf-8', 'replace')
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def locate_env(name, root, dirs, home):
    """The prefix of env ``name``, None when it does not exist; Undecided when only conda can say.

    Like conda, the first ``<envs_dir>/<name>`` folder wins.
    An env of that name registered elsewhere (environments.txt) means our view of the configuration
    differs from the one it was created with, so conda is asked rather than guessed.
    """
    if name in ROOT_NAMES:
        return root
    for folder in dirs:
        candidate = os.path.join(folder, name)
        if os.path.isdir(candidate):
            return candidate
    for prefix in registered_envs(home):
        if os.path.basename(os.path.normpath(prefix)) == name and is_env(prefix):
            raise Undecided('env %s is registered at %s, outside the known envs dirs' % (name, prefix))
    return None


def cached_depends(pkgs_dirs, dist_name):
    """``depends`` of package ``dist_name`` from the first package cache holding it; None when none does."""
    for folder in pkgs_dirs:
        try:
            with open(os.path.join(folder, dist_name, 'info', 'index.json'), 'rb') as stream:
                return json.loads(stream.read().decode('utf-8')).get('depends') or []
        except (OSError, ValueError):
            continue
    return None


def conda_home():
    """The home conda reads ``~/.condarc`` and ``~/.conda`` from: HOME, as conda takes it."""
    return os.environ.get('HOME') or os.path.expanduser('~')
