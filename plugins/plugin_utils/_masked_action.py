# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller half of every macfleet.conda module: run the module, mask credentials in its result.

A channel token can sit inside a list (``channels``) or a dict (``spec``, ``file``): ``no_log=True``
cannot name it, and a module registers it with ``no_log_values`` only after argument validation, so a
run that fails validation would echo it in ``invocation.module_args`` at ``-vvv``. Masking the whole
result here, on the controller, covers every outcome of the module, validation failures included.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask


class Refusal(Exception):
    """What the controller refuses before the module runs; its text is the task's ``msg``."""


class MaskedModuleAction(ActionBase):
    """Runs the task's module with ``module_args(args, task_vars)`` and returns its masked result."""

    def module_args(self, args, task_vars):
        """The arguments the module gets; raise ``Refusal`` to fail the task before it runs."""
        return args

    def module_result(self, result):
        """The module's result as the task reports it (before masking)."""
        return result

    def run(self, tmp=None, task_vars=None):
        result = super(MaskedModuleAction, self).run(tmp, task_vars)
        try:
            args = self.module_args(dict(self._task.args), task_vars)
        except Refusal as exc:
            result.update(failed=True, msg=str(exc))
            return mask(result)
        result.update(self._execute_module(module_name=self._task.resolved_action or self._task.action,
                                           module_args=args, task_vars=task_vars))
        return mask(self.module_result(result))
