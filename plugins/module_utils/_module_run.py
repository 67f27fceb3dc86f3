# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run of a module against one conda installation: find conda, resolve the env, run transactions,
report; and the shape every state module of the collection has.

``StateModule`` is the ``StateModuleHelper`` idea of community.general in our own small form (its
module_utils are private): a module is its argument spec, one ``state_<state>()`` method per state,
and ``finish()``, the one place that derives ``changed``, ``diff`` and ``actions`` from the env's
records before and after.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import os

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_transaction as transaction
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_prefix as prefix_reader
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_root as conda_root
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask, mask_text, secrets_in
from ansible_collections.macfleet.conda.plugins.module_utils._conda_plan import (
    ROOT_ESSENTIALS, parse_specs, prune_extras)
from ansible_collections.macfleet.conda.plugins.module_utils._conda_runner import (
    INSTALL_LOCATIONS, CondaError, CondaRunner, find_conda, not_executable_reason)
from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import SpecError
from ansible_collections.macfleet.conda.plugins.module_utils._env_spec import variable_text
from ansible_collections.macfleet.conda.plugins.module_utils._pip_runner import PipError

# The options of every module that runs a conda transaction (see the doc fragment's TRANSACTION).
TRANSACTION_OPTIONS = dict(
    channels=dict(type='list', elements='str', default=[]),
    override_channels=dict(type='bool', default=False),
)
EXECUTABLE_OPTION = conda_root.EXECUTABLE_OPTION


def missing_env(prefix, described, consequence):
    """What to say when there is no env at ``prefix`` (conda's test: ``conda-meta/history``), or None."""
    if prefix_reader.is_env(prefix):
        return None
    if prefix and os.path.isdir(prefix):
        return mask_text('There is no conda env %s: the folder exists but has no conda-meta/history, so it is not '
                         'an env (conda_env creates envs only where nothing is, or in an empty folder); %s'
                         % (described, consequence))
    return mask_text('The conda env %s does not exist (no conda-meta/history); %s' % (described, consequence))


def _package_keys(records):
    return sorted((rec.get('name'), rec.get('version'), rec.get('build')) for rec in records)


class ModuleRun(object):
    """The conda installation a module run works with, and how that run reports.

    A failure after conda ran compares the watched env's records with those read before it (see
    ``watch``): when conda changed the env before failing, the result says so, with the diff.
    """

    def __init__(self, module):
        self.module = module
        self._watched = None
        module.no_log_values.update(secrets_in(module.params.get('channels')))
        given = module.params.get('executable')
        executable = find_conda(given, which=module.get_bin_path)
        if not executable:
            self.fail('conda not found: %s. Set the executable option to the conda to use.' % (
                'no executable at %s (%s)' % (given, not_executable_reason(given)) if given
                else 'CONDA_EXE is unset and none of %s nor PATH has one' % ', '.join(INSTALL_LOCATIONS)))
        self.runner = CondaRunner(module, executable)
        self._root = conda_root.root_from_executable(executable)
        self._info = None
        self._root_checked = False

    # -- reporting -----------------------------------------------------------------------------
    def fail(self, msg, **extra):
        if self._watched and 'changed' not in extra:
            msg = self._changed_before_failing(msg, extra)
        self.module.fail_json(msg=mask_text(' '.join(msg.split())), **mask(extra))

    def exit(self, **result):
        self.module.exit_json(**mask(result))

    def watch(self, prefix, records):
        """From now on a failure compares the env's records with ``records`` (read before conda ran)."""
        self._watched = (prefix, list(records))

    def _changed_before_failing(self, msg, extra):
        prefix, before = self._watched
        self._watched = None
        try:
            after = prefix_reader.read_records(prefix) if prefix and os.path.isdir(prefix) else []
        except prefix_reader.PrefixRecordError as exc:
            after = None
            if str(exc) not in msg:
                msg = '%s The env is now unreadable: %s' % (msg, exc)
        if after is None or _package_keys(after) != _package_keys(before):
            extra['changed'] = True
            extra['diff'] = transaction.diff(before, after or [], prefix)
            msg = '%s conda changed the env at %s before it failed (see the diff).' % (msg, prefix)
        return msg

    # -- reading -------------------------------------------------------------------------------
    def specs(self, spec_strings):
        try:
            return parse_specs(spec_strings)
        except SpecError as exc:
            self.fail('%s; nothing was changed (conda was not run).' % exc)

    def records(self, prefix):
        """The env's records, read as conda reads them; a record conda fails on ends the run with its story."""
        try:
            return prefix_reader.read_records(prefix)
        except prefix_reader.PrefixRecordError as exc:
            self.fail(str(exc), prefix=prefix)

    def env_vars(self, prefix):
        """The env's config vars as text (``42`` stored by an env file reads as ``"42"``), {} for no env."""
        if not prefix_reader.is_env(prefix):
            return {}
        try:
            return dict((name, variable_text(value)) for name, value in prefix_reader.read_env_vars(prefix).items())
        except prefix_reader.PrefixRecordError as exc:
            self.fail(str(exc), prefix=prefix)

    def require_env(self, prefix, described):
        """End the run when there is no env at ``prefix``."""
        missing = missing_env(prefix, described, 'create it first with macfleet.conda.conda_env. Nothing was '
                                                 'changed.')
        if missing:
            self.fail(missing, prefix=prefix)

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

    def is_root(self, prefix):
        return os.path.realpath(prefix) == os.path.realpath(self.root)

    @staticmethod
    def home():
        """The home conda reads ``~/.condarc`` and ``~/.conda`` from: HOME, as conda takes it."""
        return conda_root.conda_home()

    def pkgs_dirs(self):
        """conda's package caches: from ``conda info`` when it ran, else from the environment and .condarc."""
        if self._info and self._info.get('pkgs_dirs'):
            return self._info['pkgs_dirs']
        try:
            return conda_root.pkgs_dirs(self.root, self.home(), os.environ)
        except conda_root.Undecided:
            return self.info().get('pkgs_dirs') or [os.path.join(self.root, 'pkgs')]

    def locate(self, name):
        """Prefix of env ``name`` (None if it does not exist), from files; conda only when they cannot tell."""
        if name in conda_root.ROOT_NAMES:
            return self.root
        reason = conda_root.bad_name_reason(name)
        if reason:
            self.fail('Invalid env name %r: %s; nothing was changed.' % (name, reason))
        home = self.home()
        try:
            return conda_root.locate_env(name, self.root, conda_root.envs_dirs(self.root, home, os.environ), home)
        except conda_root.Undecided:
            info = self.info()
            return conda_root.locate_env(name, info['root_prefix'], info.get('envs_dirs') or [], '/nonexistent')

    # -- running conda -------------------------------------------------------------------------
    def conda(self, call, *args, **kwargs):
        """Run a runner method; a conda failure ends the run with conda's story (and what it changed).

        conda loads the root prefix's records in every transaction (recording 125): before the first
        command that solves or links, a record it would fail on there is reported, naming the file,
        instead of as conda's traceback.
        """
        if call != self.runner.info:
            self._check_root_records()
        try:
            return call(*args, **kwargs)
        except CondaError as exc:
            self.fail(str(exc), conda_error=exc.as_result(), prefix=kwargs.get('prefix'))

    def pip(self, call, *args):
        """Run a pip runner method; a pip failure ends the run with pip's story (and what conda changed)."""
        try:
            return call(*args)
        except PipError as exc:
            self.fail('%s; nothing after it was run.' % exc, pip_error=exc.as_result())

    def _check_root_records(self):
        if not self._root_checked:
            self._root_checked = True
            self.records(self.root)

    def install(self, prefix, specs, certain, channels, override_channels):
        """Install ``specs`` into an existing env in one transaction; returns conda's answer (None: no specs).

        ``certain`` says some spec is known to be unsatisfied. Otherwise all are undecided: a dry run
        asks conda first, so a converged env sees no transaction.
        """
        if not specs:
            return None
        texts = [spec.original for spec in specs]
        check = self.module.check_mode
        if check or not certain:
            document = self.conda(self.runner.install, prefix=prefix, specs=texts, channels=channels,
                                  override_channels=override_channels, dry_run=True)
            if check or not transaction.changed(transaction.actions_of(document)):
                return document
        return self.conda(self.runner.install, prefix=prefix, specs=texts, channels=channels,
                          override_channels=override_channels)

    def remove(self, prefix, names):
        """``conda remove`` (dry in check mode); None when conda finds none of ``names`` installed."""
        self._check_root_records()
        try:
            return self.runner.remove(prefix, names, dry_run=self.module.check_mode)
        except CondaError as exc:
            if exc.exception_name == 'PackagesNotFoundInPrefixError':
                return None
            self.fail(str(exc), conda_error=exc.as_result(), prefix=prefix)

    def after(self, prefix, records, actions, document):
        """The env's records after a run: read from disk, or predicted in check mode."""
        if self.module.check_mode:
            depends = transaction.fetched_depends(document, self.pkgs_dirs())
            return transaction.apply(records, actions, depends)
        return self.records(prefix)

    def prune(self, prefix, records, specs, keep=()):
        """Remove what no spec needs, in one ``conda remove``; returns ``(actions, records after)``.

        Check mode asks conda (``--dry-run``) when the env on disk is the one pruned: conda may relink
        what it keeps (real conda 26.7 relinks pip when removing beside it), and the prediction must
        be exact. After a predicted create or install there is nothing on disk to ask about yet.
        """
        extras = prune_extras(records, specs, tuple(keep) + (ROOT_ESSENTIALS if self.is_root(prefix) else ()))
        if not extras:
            return transaction.no_actions(), records
        on_disk = prefix_reader.is_env(prefix) and _package_keys(self.records(prefix)) == _package_keys(records)
        if self.module.check_mode and not on_disk:
            actions = transaction.removal_of([rec for rec in records if rec['name'] in extras])
            return actions, transaction.apply(records, actions)
        document = self.conda(self.runner.remove, prefix=prefix, names=extras, dry_run=self.module.check_mode)
        actions = transaction.actions_of(document)
        return actions, self.after(prefix, records, actions, document)


class StateModule(object):
    """A module as ``state_<state>()`` methods over one env, and ``finish()`` deriving the result.

    A state method sets ``self.prefix``, ``self.before`` (the env's records before, None when there
    was no env), and through ``applied()`` what conda did; ``finish()`` then derives ``changed``,
    ``actions`` and ``diff`` in one place, for every state. A module that also converges what pip
    installed and the env's config vars (``converges_pip_and_variables``) has them read before and
    after too; in check mode its state methods leave their predictions in ``pip_predicted`` and
    ``variables_predicted``, otherwise they set ``pip_ran`` / ``variables_ran`` once they wrote.
    """

    converges_pip_and_variables = False

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.run = None
        self.prefix = None
        self.before = None
        self.after = None
        self.actions = transaction.no_actions()
        self.result = {}
        self.pip_before, self.variables_before = [], {}
        self.pip_predicted = self.variables_predicted = None
        # set by a state method once pip, or conda env config vars, has written to the env
        self.pip_ran = self.variables_ran = False

    def refusal(self):
        """Why the task is refused before conda is even looked for, or None."""
        return None

    def state(self):
        return self.params['state']

    def execute(self):
        refusal = self.refusal()
        if refusal:
            self.module.fail_json(msg=refusal)
        self.run = ModuleRun(self.module)
        getattr(self, 'state_' + self.state())()
        self.finish()

    def read_env(self, prefix):
        """Start from the env at ``prefix``: its records are ``before``, and a failure is measured against them."""
        self.prefix = prefix
        self.before = self.after = self.run.records(prefix)
        self.run.watch(prefix, self.before)
        if self.converges_pip_and_variables:
            self.pip_before = prefix_reader.pip_packages(prefix, self.before)
            self.variables_before = self.run.env_vars(prefix)

    def applied(self, document=None, actions=None, after=None):
        """Take in what conda did: its answer ``document`` (or ``actions`` and the records ``after``).

        The env's records after it are read from disk, or predicted in check mode.
        """
        actions = transaction.actions_of(document) if actions is None else actions
        self.actions = transaction.combine(self.actions, actions)
        if after is not None:
            self.after = after
        elif transaction.changed(actions) or self.after is None:
            self.after = self.run.after(self.prefix, self.after or [], actions, document)

    def _pip_and_variables_after(self):
        if self.after is None:
            return [], {}
        if self.module.check_mode:
            return (self.pip_before if self.pip_predicted is None else self.pip_predicted,
                    self.variables_before if self.variables_predicted is None else self.variables_predicted)
        # read again only what something wrote: a converged run opens no more files than it must
        conda_wrote = self.before is None or transaction.changed(self.actions)
        pip = prefix_reader.pip_packages(self.prefix, self.after) if conda_wrote or self.pip_ran else self.pip_before
        variables = self.run.env_vars(self.prefix) if self.variables_ran else self.variables_before
        return pip, variables

    def setting_changes(self):
        """What a state method changed besides packages, pip and config vars: ``(actions, diff line)``,
        e.g. ``({'subdir': 'osx-64'}, 'subdir: osx-64 (<env>/.condarc)\n')``; ``({}, '')`` by default."""
        return {}, ''

    def finish(self):
        changed = (self.before is None) != (self.after is None) or transaction.changed(self.actions)
        actions = self.actions
        settings, setting_line = self.setting_changes()
        if settings:
            changed, actions = True, dict(actions, **settings)
        pip, variables = ([], []), ({}, {})
        if self.converges_pip_and_variables:
            pip_after, variables_after = self._pip_and_variables_after()
            pip, variables = (self.pip_before, pip_after), (self.variables_before, variables_after)
            changed = changed or sorted(pip[0]) != sorted(pip[1]) or variables[0] != variables[1]
            actions = dict(actions, pip=transaction.pip_actions(*pip),
                           variables=transaction.variable_actions(*variables))
        result = dict(self.result, changed=changed, prefix=self.prefix, actions=actions)
        if changed:
            result['diff'] = transaction.diff(self.before or [], self.after or [], self.prefix, pip, variables)
            result['diff']['after'] += setting_line
        self.run.exit(**result)
