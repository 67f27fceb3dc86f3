# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where an env may be: what the modules refuse as a prefix before conda runs.

``prefix_refusal`` keeps ``conda create -y`` away from anything that is not an env already: conda asks
"directory exists but is not a conda environment, continue?" and ``-y`` answers yes.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import os

# The role's miniconda_platform filter needs only system_or_home_reason, in every worker of every task that
# settles the prefix: prefix_refusal and existing_folder_refusal import the prefix and root readers themselves.

# Never an env, nor anything inside them: the operating system's own trees.
SYSTEM_TREES = ('/System', '/bin', '/sbin', '/usr', '/etc', '/private/etc', '/dev', '/proc', '/sys', '/boot')
# Never an env themselves (an env may live below them: /opt/miniconda3, /usr/local/miniconda3).
SYSTEM_FOLDERS = ('/', '/var', '/private', '/private/var', '/tmp', '/private/tmp', '/Library', '/Applications',
                  '/opt', '/Users', '/home', '/Volumes', '/Network', '/cores', '/root', '/usr/local',
                  '/opt/homebrew', '/Users/Shared')
HOME_PARENTS = ('/Users', '/home')
# Below these /usr is a place for local software, not the system's.
USR_LOCAL = '/usr/local'


def _within(path, tree):
    return path == tree or path.startswith(tree.rstrip('/') + '/')


def _protected(path, root, homes):
    """Why ``path`` (normalised, absolute) must never be an env, or None."""
    if path in SYSTEM_FOLDERS:
        return 'it is a system folder'
    if any(_within(path, tree) for tree in SYSTEM_TREES) and not _within(path, USR_LOCAL + '/'):
        return 'it is a system folder'
    if path in homes or os.path.dirname(path) in HOME_PARENTS:
        return 'it is a home folder'
    if root and path == os.path.dirname(root):
        return 'it is the folder holding the conda root prefix %s' % root
    return None


def system_or_home_reason(path):
    """Why the absolute ``path`` must never hold an install nor an env (a system or home folder), or None."""
    return _protected(os.path.normpath(path), None, set())


def relative_prefix_refusal(prefix, consequence='nothing was changed.'):
    """Why a relative ``prefix`` is refused (it would be taken from the module's working folder), or None."""
    if not prefix or os.path.isabs(prefix):
        return None
    return ('prefix %r must be an absolute path (a relative one would land beside the playbook run); give the '
            'full path of the env, for example /opt/miniconda3/envs/myenv; %s' % (prefix, consequence))


def prefix_refusal(prefix, root=None, home=None):
    """Why ``conda_env`` must not install into ``prefix``, or None when it may.

    An env may be created only where nothing is or in an empty folder, never in a system or home
    folder nor in the root prefix's parent; ``prefix`` must be absolute.
    """
    from ansible_collections.macfleet.conda.plugins.module_utils._conda_root import NAME_MAX

    relative = relative_prefix_refusal(prefix)
    if relative:
        return relative
    homes = set()
    for candidate in (home, os.environ.get('HOME'), os.path.expanduser('~')):
        if candidate and os.path.isabs(candidate):
            homes.update((os.path.normpath(candidate), os.path.realpath(candidate)))
    real_root = os.path.realpath(root) if root else None
    for form in (os.path.normpath(prefix), os.path.realpath(prefix)):
        why = _protected(form, real_root, homes) or (
            _protected(form, os.path.normpath(root), homes) if root else None)
        if why:
            return ('Refusing to use %s as an env prefix: %s, and conda would install into it. Give a '
                    'dedicated folder for the env (for example <root prefix>/envs/<name>); nothing was '
                    'changed.' % (prefix, why))
    long_parts = [part for part in prefix.split('/') if len(part.encode('utf-8', 'surrogateescape'))
                  > NAME_MAX]
    if long_parts:
        return ('prefix %s has a folder name of %d bytes; the file system allows at most %d (NAME_MAX). '
                'Choose a shorter path; nothing was changed.'
                % (prefix, len(long_parts[0].encode('utf-8', 'surrogateescape')), NAME_MAX))
    return None


def existing_folder_refusal(prefix):
    """Why ``prefix`` exists but must not become an env (a file, or a non-empty folder that is no env)."""
    from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import is_env

    if not prefix or not os.path.lexists(prefix) or is_env(prefix):
        return None
    if not os.path.isdir(prefix):
        return ('Refusing to create an env at %s: something that is not a folder is there. Remove it or '
                'choose another prefix; nothing was changed.' % prefix)
    try:
        entries = sorted(os.listdir(prefix))
    except OSError as exc:
        return 'Cannot list %s (%s); nothing was changed.' % (prefix, exc.strerror or exc)
    if entries:
        return ('Refusing to create an env at %s: the folder exists, is not a conda env (no '
                'conda-meta/history) and is not empty (%s%s). conda would install into it and mix the env '
                'with what is there; move its content away or choose another prefix; nothing was changed.'
                % (prefix, ', '.join(entries[:3]), ', ...' if len(entries) > 3 else ''))
    return None
