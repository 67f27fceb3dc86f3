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
from ansible_collections.macfleet.conda.plugins.module_utils.conda_mask import mask


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        python = args.get('python')
        if isinstance(python, float):
            # YAML reads an unquoted 3.10 as the float 3.1: the module would only see "3.1".
            result.update(failed=True, msg='python is the number %r, not a version string: YAML reads an '
                          'unquoted 3.10 as 3.1. Quote the version you mean, e.g. python: "3.10"; '
                          'nothing was changed (conda was not run).' % python)
            return result
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
        # A channel token can sit inside a list (channels) or a dict (spec, file): no_log=True cannot
        # name it, and the module registers it only after argument validation, so a run that fails
        # validation would echo it in invocation.module_args at -vvv. Masking the whole result here,
        # on the controller, covers every outcome of the module, validation failures included.
        return mask(result)
