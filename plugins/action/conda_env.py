# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the environment.yml of ``file`` (on the managed host) or ``src`` (on the controller) on the
controller, then run conda_env with its content as ``spec``; an ``@EXPLICIT`` lock (told by its content,
as conda tells it: a line ``@EXPLICIT``) goes to the module as its lines, ``explicit``; a conda-lock file
(``conda-lock.yml``: a mapping with ``metadata`` and ``package``) goes as the package sets of its
platforms, ``conda_lock`` (the module picks the env's platform: only the host knows it).

A stock macOS Python has no YAML library, the controller always has one: a host file is fetched with
``slurp``; a controller file is found as ``copy`` finds its ``src`` (the role's and the playbook's
``files/`` folders for a relative path).
"""
from __future__ import annotations

import base64
import os

import yaml

from ansible.errors import AnsibleError

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text
from ansible_collections.macfleet.conda.plugins.module_utils._explicit_lock import LockError, is_explicit, parse_lock
from ansible_collections.macfleet.conda.plugins.plugin_utils._conda_lock_file import (
    LockFileError, is_conda_lock, module_option)
from ansible_collections.macfleet.conda.plugins.plugin_utils._masked_action import MaskedModuleAction, Refusal

# What the module calls the spec in its messages, and what the user gave instead.
SPEC_SOURCE = 'spec'


class ActionModule(MaskedModuleAction):
    """Validation stays the module's (argument spec, spec structure): this only reads the file."""

    def module_args(self, args, task_vars):
        python = args.get('python')
        if isinstance(python, float):
            # YAML reads an unquoted 3.10 as the float 3.1: the module would only see "3.1".
            raise Refusal('python is the number %r, not a version string: YAML reads an unquoted 3.10 as 3.1. '
                          'Quote the version you mean, e.g. python: "3.10"; nothing was changed (conda was not '
                          'run).' % python)
        source = 'src' if args.get('src') is not None else 'file'
        path = args.get(source)
        given = [option for option in ('file', 'spec', 'python', 'packages', 'pip') if args.get(option)]
        if source == 'src' and given:
            raise Refusal('src and %s cannot be given together: src is the whole environment.yml; nothing was '
                          'changed (conda was not run).' % ' and '.join(given))
        if path is None or args.get('state') == 'absent' or any(
                args.get(option) for option in ('spec', 'python', 'packages', 'pip')):
            # the module refuses these combinations, with the message of its argument spec
            return args
        text, where = self._read_src(path) if source == 'src' else self._read_file(path, task_vars)
        if is_explicit(text):
            args.pop(source)
            args['explicit'] = self._lock_lines(text, where)
            return args
        try:
            spec = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise Refusal('Environment file %s is not valid YAML: %s' % (where, ' '.join(str(exc).split())))
        if is_conda_lock(spec):
            args.pop(source)
            args['conda_lock'] = self._conda_lock(text, spec, where)
            return args
        if not isinstance(spec, dict):
            # the argument spec would say only "unable to convert to dict", without the file's name
            raise Refusal('Environment file %s must be a mapping (name, channels, dependencies), not a %s; '
                          'nothing was changed (conda was not run).' % (where, type(spec).__name__))
        self._file = where
        args.pop(source)
        args['spec'] = spec
        return args

    @staticmethod
    def _lock_lines(text, where):
        """The lines of an @EXPLICIT lock, refused here, naming the file, when conda would fail on it."""
        if not text.endswith('\n'):
            # conda list --explicit (and conda_export) end every line with a newline: a file cut short does not
            raise Refusal('@EXPLICIT lock %s does not end with a newline, so it looks truncated (its last line is %r); '
                          'export it again; nothing was changed (conda was not run).'
                          % (where, mask_text(text.splitlines()[-1])))
        lines = text.splitlines()
        try:
            parse_lock(lines, '@EXPLICIT lock %s' % where)
        except LockError as exc:
            raise Refusal('%s; nothing was changed (conda was not run).' % exc)
        return lines

    @staticmethod
    def _conda_lock(text, data, where):
        """The ``conda_lock`` option of a conda-lock file, refused here, naming the file, when it cannot be applied."""
        if not text.endswith('\n'):
            # conda-lock (and conda_export) end the file with a newline; YAML cut at an entry still parses
            raise Refusal('conda-lock file %s does not end with a newline, so it looks truncated; lock or export it '
                          'again; nothing was changed (conda was not run).' % where)
        try:
            return module_option(data, where)
        except LockFileError as exc:
            raise Refusal('%s; nothing was changed (conda was not run).' % exc)

    def _read_file(self, path, task_vars):
        read = self._execute_module('ansible.builtin.slurp', module_args={'src': path}, task_vars=task_vars)
        if read.get('failed'):
            raise Refusal('Cannot read environment file %s on the host: %s' % (path, read.get('msg')))
        try:
            return base64.b64decode(read['content']).decode('utf-8'), path
        except ValueError as exc:
            raise Refusal('Environment file %s is not UTF-8 text: %s' % (path, exc))

    def _read_src(self, path):
        try:
            found = self._find_needle('files', path)
        except AnsibleError:
            searched = [path] if os.path.isabs(path) else [
                os.path.join(folder, 'files') for folder in self._task.get_search_path()]
            raise Refusal('Environment file %s (src) was not found on the controller; searched %s. Nothing was '
                          'changed (conda was not run).' % (path, ', '.join(searched)))
        try:
            with open(found, 'rb') as stream:
                return stream.read().decode('utf-8'), '%s (on the controller)' % found
        except (OSError, ValueError) as exc:
            raise Refusal('Cannot read environment file %s on the controller: %s' % (found, exc))

    def module_result(self, result):
        # The module judges the file's content as its spec: say which file the user gave.
        path = getattr(self, '_file', None)
        msg = str(result.get('msg', ''))
        if path and result.get('failed') and msg.split(' ', 1)[0].rstrip(':') == SPEC_SOURCE:
            result['msg'] = 'environment file %s%s' % (path, msg[len(SPEC_SOURCE):])
        return result
