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

from ansible.plugins.action import ActionBase
from ansible_collections.macfleet.conda.plugins.module_utils.conda_environment_file import (
    EnvironmentFileError, read_spec)


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        path = args.pop('file', None)
        if path is not None:
            if args.get('spec') is not None or args.get('python') or args.get('packages'):
                result.update(failed=True, msg='file is mutually exclusive with spec, python and packages.')
                return result
            read = self._execute_module('ansible.builtin.slurp', module_args={'src': path},
                                        task_vars=task_vars)
            if read.get('failed'):
                result.update(failed=True, msg='Cannot read environment file %s on the host: %s'
                              % (path, read.get('msg')))
                return result
            try:
                spec = yaml.safe_load(base64.b64decode(read['content']).decode('utf-8'))
            except (ValueError, yaml.YAMLError) as exc:
                result.update(failed=True, msg='Environment file %s is not valid YAML: %s'
                              % (path, ' '.join(str(exc).split())))
                return result
            try:
                read_spec(spec, source='environment file %s' % path)
            except EnvironmentFileError as exc:
                result.update(failed=True, msg=str(exc))
                return result
            args['spec'] = spec
        result.update(self._execute_module(module_name=self._task.resolved_action or self._task.action, module_args=args,
                                           task_vars=task_vars))
        return result
