# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What both modules do around their decision: find conda, resolve the env, run transactions, report."""
from __future__ import annotations

import os

from ansible_collections.macfleet.conda.plugins.module_utils import conda_actions as actions_util
from ansible_collections.macfleet.conda.plugins.module_utils import conda_prefix
from ansible_collections.macfleet.conda.plugins.module_utils.conda_mask import mask, mask_text, secrets_in
from ansible_collections.macfleet.conda.plugins.module_utils.conda_plan import parse_specs, prune_extras
from ansible_collections.macfleet.conda.plugins.module_utils.conda_runner import (
    INSTALL_LOCATIONS, CondaError, CondaRunner, find_conda)
from ansible_collections.macfleet.conda.plugins.module_utils.conda_spec import SpecError

CHANNEL_OPTIONS = dict(
    channels=dict(type='list', elements='str', default=[]),
    override_channels=dict(type='bool', default=False),
    executable=dict(type='path'),
)


class CondaTask(object):
    """One module run against one conda installation."""

    def __init__(self, module):
        self.module = module
        module.no_log_values.update(secrets_in(module.params.get('channels')))
        executable = find_conda(module.params.get('executable'),
                                which=module.get_bin_path)
        if not executable:
            self.fail('conda not found: %s. Set the executable option to the conda to use.' % (
                'no executable at %s' % module.params['executable'] if module.params.get('executable')
                else 'CONDA_EXE is unset and none of %s nor PATH has one' % ', '.join(INSTALL_LOCATIONS)))
        self.runner = CondaRunner(module, executable)
        self._root = conda_prefix.root_from_executable(executable)
        self._info = None

    # -- reporting -----------------------------------------------------------------------------
    def fail(self, msg, **extra):
        self.module.fail_json(msg=mask_text(' '.join(msg.split())), **mask(extra))

    def exit(self, **result):
        self.module.exit_json(**mask(result))

    def conda(self, call, *args, **kwargs):
        """Run a runner method; a conda failure ends the module with conda's story (env untouched)."""
        try:
            return call(*args, **kwargs)
        except CondaError as exc:
            self.fail(str(exc), conda_error=exc.as_result(), prefix=kwargs.get('prefix'))

    def specs(self, spec_strings):
        try:
            return parse_specs(spec_strings)
        except SpecError as exc:
            self.fail('%s; nothing was changed (conda was not run).' % exc)

    # -- where things are ----------------------------------------------------------------------
    def info(self):
        if self._info is None:
            self._info = self.conda(self.runner.info)
        return self._info

    @property
    def root(self):
        if self._root is None:
            self._root = self.info()['root_prefix']
        return self._root

    def pkgs_dirs(self):
        return (self._info or {}).get('pkgs_dirs') or [os.path.join(self.root, 'pkgs')]

    def locate(self, name):
        """Prefix of env ``name`` (None if it does not exist), from files; conda only when they cannot tell."""
        if name in conda_prefix.ROOT_NAMES:
            return self.root
        reason = conda_prefix.bad_name_reason(name)
        if reason:
            self.fail('Invalid env name %r: %s; nothing was changed.' % (name, reason))
        environ = os.environ
        home = environ.get('HOME') or os.path.expanduser('~')
        try:
            dirs = conda_prefix.envs_dirs(self.root, home, environ)
            return conda_prefix.locate_env(name, self.root, dirs, home)
        except conda_prefix.Undecided:
            info = self.info()
            return conda_prefix.locate_env(name, info['root_prefix'], info.get('envs_dirs') or [], '/nonexistent')

    # -- transactions --------------------------------------------------------------------------
    def install(self, prefix, specs, records, certain, channels, override_channels):
        """Install ``specs`` into an existing env in one transaction; returns ``(actions, document)``.

        ``certain`` says some spec is known to be unsatisfied. Otherwise all are undecided: a dry run
        asks conda first, so a converged env sees no transaction.
        """
        check = self.module.check_mode
        if not specs:
            return actions_util.no_actions(), None
        texts = [spec.original for spec in specs]
        if check or not certain:
            document = self.conda(self.runner.install, prefix=prefix, specs=texts, channels=channels,
                                  override_channels=override_channels, dry_run=True)
            if check or not actions_util.changed(actions_util.actions_of(document)):
                return actions_util.actions_of(document), document
        document = self.conda(self.runner.install, prefix=prefix, specs=texts, channels=channels,
                              override_channels=override_channels)
        return actions_util.actions_of(document), document

    def remove(self, prefix, names):
        """``conda remove`` (dry in check mode); None when conda finds none of ``names`` installed."""
        try:
            return self.runner.remove(prefix, names, dry_run=self.module.check_mode)
        except CondaError as exc:
            if exc.exception_name == 'PackagesNotFoundInPrefixError':
                return None
            self.fail(str(exc), conda_error=exc.as_result(), prefix=prefix)

    def after(self, prefix, records, actions, document):
        """The env's records after a run: read from disk, or predicted in check mode."""
        if self.module.check_mode:
            return actions_util.apply(records, actions, actions_util.fetched_depends(document, self.pkgs_dirs()))
        return conda_prefix.read_records(prefix)

    def prune(self, prefix, records, specs):
        """Remove what no spec needs, in one ``conda remove``; returns ``(actions, records after)``."""
        keep = ('conda', 'mamba') if os.path.realpath(prefix) == os.path.realpath(self.root) else ()
        extras = prune_extras(records, specs, keep)
        if not extras:
            return actions_util.no_actions(), records
        if self.module.check_mode:
            removed = [rec for rec in records if rec['name'] in extras]
            actions = actions_util.removal_of(removed)
            return actions, actions_util.apply(records, actions)
        document = self.conda(self.runner.remove, prefix=prefix, names=extras)
        return actions_util.actions_of(document), conda_prefix.read_records(prefix)
