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
        path = args.get('file')
        if path is None or args.get('state') == 'absent' or any(
                args.get(option) for option in ('spec', 'python', 'packages')):
            # the module refuses these combinations, with the message of its argument spec
            return args
        read = self._execute_module('ansible.builtin.slurp', module_args={'src': path}, task_vars=task_vars)
        if read.get('failed'):
            raise Refusal('Cannot read environment file %s on the host: %s' % (path, read.get('msg')))
        try:
            spec = yaml.safe_load(base64.b64decode(read['content']).decode('utf-8'))
        except (ValueError, yaml.YAMLError) as exc:
            raise Refusal('Environment file %s is not valid YAML: %s' % (path, ' '.join(str(exc).split())))
        if not isinstance(spec, dict):
            # the argument spec would say only "unable to convert to dict", without the file's name
            raise Refusal('Environment file %s must be a mapping (name, channels, dependencies), not a %s; '
                          'nothing was changed (conda was not run).' % (path, type(spec).__name__))
        self._file = path
        args.pop('file')
        args['spec'] = spec
        return args

    def module_result(self, result):
        # The module judges the file's content as its spec: say which file the user gave.
        path = getattr(self, '_file', None)
        msg = str(result.get('msg', ''))
        if path and result.get('failed') and msg.split(' ', 1)[0].rstrip(':') == SPEC_SOURCE:
            result['msg'] = 'environment file %s%s' % (path, msg[len(SPEC_SOURCE):])
        return result
