# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read ``file`` (an environment.yml on the managed host) on the controller, then run conda_env with it.

A stock macOS Python has no YAML library, the controller always has one: the file is fetched with
``slurp`` and handed to the module as ``spec``.
"""
from __future__ import annotations

import base64

import yaml

from ansible_collections.macfleet.conda.plugins.module_utils.conda_environment_file import (
    EnvironmentFileError, read_spec)
from ansible_collections.macfleet.conda.plugins.plugin_utils._masked_action import MaskedModuleAction, Refusal


class ActionModule(MaskedModuleAction):

    def module_args(self, args, task_vars):
        python = args.get('python')
        if isinstance(python, float):
            # YAML reads an unquoted 3.10 as the float 3.1: the module would only see "3.1".
            raise Refusal('python is the number %r, not a version string: YAML reads an unquoted 3.10 as 3.1. '
                          'Quote the version you mean, e.g. python: "3.10"; nothing was changed (conda was not '
                          'run).' % python)
        path = args.pop('file', None)
        if path is None:
            return args
        if args.get('state') == 'absent':
            # Refused before the file is read: the module says why (the task would read as a partial removal).
            args['file'] = path
            return args
        if args.get('spec') is not None or args.get('python') or args.get('packages'):
            raise Refusal('file is mutually exclusive with spec, python and packages.')
        read = self._execute_module('ansible.builtin.slurp', module_args={'src': path}, task_vars=task_vars)
        if read.get('failed'):
            raise Refusal('Cannot read environment file %s on the host: %s' % (path, read.get('msg')))
        try:
            spec = yaml.safe_load(base64.b64decode(read['content']).decode('utf-8'))
        except (ValueError, yaml.YAMLError) as exc:
            raise Refusal('Environment file %s is not valid YAML: %s' % (path, ' '.join(str(exc).split())))
        try:
            read_spec(spec, source='environment file %s' % path)
        except EnvironmentFileError as exc:
            raise Refusal(str(exc))
        args['spec'] = spec
        return args
