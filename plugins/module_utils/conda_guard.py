# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules check before conda runs, and what they report when conda changed an env and failed.

``prefix_refusal`` keeps ``conda create -y`` away from anything that is not an env already: conda asks
"directory exists but is not a conda environment, continue?" and ``-y`` answers yes.
"""
from __future__ import annotations

import os

from ansible_collections.macfleet.conda.plugins.module_utils import conda_actions as actions_util
from ansible_collections.macfleet.conda.plugins.module_utils import conda_prefix
from ansible_collections.macfleet.conda.plugins.module_utils.conda_task import CondaTask

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


def prefix_refusal(prefix, root=None, home=None):
    """Why ``conda_env`` must not install into ``prefix``, or None when it may.

    An env may be created only where nothing is or in an empty folder, never in a system or home
    folder nor in the root prefix's parent; ``prefix`` must be absolute.
    """
    if not os.path.isabs(prefix):
        return ('prefix %r must be an absolute path (a relative one would land beside the playbook run); '
                'give the full path of the env, for example /opt/miniconda3/envs/myenv' % prefix)
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
                  > conda_prefix.NAME_MAX]
    if long_parts:
        return ('prefix %s has a folder name of %d bytes; the file system allows at most %d (NAME_MAX). '
                'Choose a shorter path; nothing was changed.'
                % (prefix, len(long_parts[0].encode('utf-8', 'surrogateescape')), conda_prefix.NAME_MAX))
    return None


def existing_folder_refusal(prefix):
    """Why ``prefix`` exists but must not become an env (a file, or a non-empty folder that is no env)."""
    if not prefix or not os.path.lexists(prefix) or conda_prefix.is_env(prefix):
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


def _package_keys(records):
    return sorted((rec.get('name'), rec.get('version'), rec.get('build')) for rec in records)


class GuardedTask(CondaTask):
    """A CondaTask that says when a failing conda changed the env, and knows conda's configured caches."""

    _watched = None
    _root_read = False

    def conda(self, call, *args, **kwargs):
        """Run a conda command; before the first one that solves or links, base's records must be sound.

        conda loads the root prefix's records in every transaction (recording 125): a record it fails on
        there is reported now, naming the file, instead of as conda's traceback.
        """
        if call != self.runner.info:
            self._check_root()
        return super(GuardedTask, self).conda(call, *args, **kwargs)

    def remove(self, prefix, names):
        self._check_root()
        return super(GuardedTask, self).remove(prefix, names)

    def _check_root(self):
        if not self._root_read:
            self._root_read = True
            self.records(self.root)

    def watch(self, prefix, records):
        """From now on a failure compares the env's records with ``records`` (read before conda ran)."""
        self._watched = (prefix, list(records))

    def fail(self, msg, **extra):
        if self._watched and 'changed' not in extra:
            prefix, before = self._watched
            self._watched = None
            try:
                after = conda_prefix.read_records(prefix) if prefix and os.path.isdir(prefix) else []
            except conda_prefix.PrefixRecordError as exc:
                after = None
                if str(exc) not in msg:
                    msg = '%s The env is now unreadable: %s' % (msg, exc)
            if after is None or _package_keys(after) != _package_keys(before):
                extra['changed'] = True
                extra['diff'] = actions_util.diff(before, after or [], prefix)
                msg = '%s conda changed the env at %s before it failed (see the diff).' % (msg, prefix)
        super(GuardedTask, self).fail(msg, **extra)

    def pkgs_dirs(self):
        """conda's package caches: from ``conda info`` when it ran, else from the environment and .condarc."""
        if self._info and self._info.get('pkgs_dirs'):
            return self._info['pkgs_dirs']
        environ = os.environ
        home = environ.get('HOME') or os.path.expanduser('~')
        try:
            return conda_prefix.pkgs_dirs(self.root, home, environ)
        except conda_prefix.Undecided:
            return self.info().get('pkgs_dirs') or [os.path.join(self.root, 'pkgs')]

    def after(self, prefix, records, actions, document):
        try:
            return super(GuardedTask, self).after(prefix, records, actions, document)
        except conda_prefix.PrefixRecordError as exc:
            self.fail(str(exc), prefix=prefix)

    def prune(self, prefix, records, specs):
        try:
            return super(GuardedTask, self).prune(prefix, records, specs)
        except conda_prefix.PrefixRecordError as exc:
            self.fail(str(exc), prefix=prefix)

    def records(self, prefix):
        """``read_records`` that ends the module with the reader's message on a record conda fails on."""
        try:
            return conda_prefix.read_records(prefix)
        except conda_prefix.PrefixRecordError as exc:
            self.fail(str(exc), prefix=prefix)
