#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r'''
module: conda_env
short_description: Create, converge and remove conda environments
version_added: 0.1.0
description:
  - Makes a conda environment exist with the declared packages (O(python), O(packages), O(pip), or an
    C(environment.yml) as O(src), O(file) or O(spec)) and config vars (O(variables)), optionally removing
    everything else (O(prune)), or makes it absent.
  - pip requirements (O(pip), or a C(pip:) sub-list in the file's C(dependencies)) are installed after
    the conda packages with the env's own pip (C(<prefix>/bin/python -m pip install)), all in one pip
    call, with the host's pip configuration and C(PIP_*) environment (a private index configured there
    is used), as C(conda env create) does. Unlike conda, a requirement already met is left alone (no
    C(-U)), and whether it is met is read from the env's C(*.dist-info) metadata (PEP 440 versions,
    PEP 508 markers for the env's python), so a converged env runs neither conda nor pip. What metadata
    cannot tell (URLs, VCS, local paths, C(-e), C(-r) files, extras) is asked of pip with
    C(--dry-run --report); only a real change installs.
  - An existing env is changed in place with C(conda install)/C(conda remove); it is never recreated.
  - The env's C(conda-meta/*.json) records are read as conda reads them, before conda runs; a record
    conda fails on (bad JSON, a file that is no package record) fails the task with a message naming
    the file, in the env or in the root env.
  - When conda fails after changing the env, the task fails with C(changed=true) and the diff of
    the packages before and after.
  - A spec already satisfied by an installed package is left alone, so a bare C(numpy) does not upgrade
    numpy; use M(macfleet.conda.conda_package) with O(macfleet.conda.conda_package#module:state=latest)
    for upgrades.
options:
  name:
    description:
      - Name of the env, resolved like C(conda -n) does (C(base) is the root env).
      - Exactly one of O(name) and O(prefix) is required; O(name) wins over the C(name) of O(file) or O(spec).
      - Must not contain C(/), spaces, C(:) or C(#), and must fit in a folder name (255 bytes, C(NAME_MAX)).
    type: str
    aliases: [environment]
  prefix:
    description:
      - Absolute path of the env; a relative path is refused.
      - An env is created only where nothing is or in an empty folder. An existing folder that is not an
        env (no C(conda-meta/history)) and is not empty is refused, as are V(/), the folder holding the
        root prefix, a home folder (the user's, or any C(/Users/*) or C(/home/*)) and system folders
        (C(/usr), C(/bin), C(/sbin), C(/etc), C(/System) and what is inside them; C(/var), C(/private),
        C(/Library), C(/Applications), C(/opt) and the like themselves), in check mode too.
      - Each folder name in it must fit in 255 bytes (C(NAME_MAX)).
    type: path
  state:
    description:
      - V(present) creates the env or installs what is missing; V(absent) removes the whole env.
      - V(absent) on the root (C(base)) env fails.
      - V(absent) with O(python), O(packages), O(pip), O(variables), O(spec), O(src) or O(file) fails (the task would read as removing
        only those packages); use M(macfleet.conda.conda_package) with
        O(macfleet.conda.conda_package#module:state=absent) for that.
    type: str
    choices: [present, absent]
    default: present
  python:
    description:
      - Version spec for python, for example V(3.9) (meaning C(python=3.9), any 3.9.x) or V(>=3.10,<3.12).
    type: str
  packages:
    description:
      - conda match specs, for example V(numpy=1.19.2), V(numpy>=1.20,<2), V(conda-forge::numpy),
        V(numpy 1.19.* py39*).
    type: list
    elements: str
    default: []
  file:
    description:
      - Path on the managed host of an C(environment.yml) (keys C(name), C(channels), C(dependencies)).
      - It is read by the controller (no YAML library is needed on the host).
      - Mutually exclusive with O(python), O(packages), O(pip), O(src) and O(spec).
    type: path
  src:
    description:
      - Path on the controller of an C(environment.yml), read there like the O(ansible.builtin.copy#module:src)
        of M(ansible.builtin.copy). A relative path is searched in the C(files/) folders Ansible searches
        (the role's, then the playbook's).
      - Mutually exclusive with O(python), O(packages), O(pip), O(file) and O(spec).
    type: path
  spec:
    description:
      - The content of an C(environment.yml) as a dictionary, as M(macfleet.conda.conda_export) returns it.
      - C(name); C(prefix) (used only when neither O(name), O(prefix) nor the spec's C(name) names the env,
        as conda does); C(channels) (V(nodefaults) among them means no default channels, as
        O(override_channels=true) with the listed channels, where conda would take it for a channel's
        name and fail); C(dependencies) (match specs, and C(pip:) sub-lists of pip requirement lines);
        C(variables) (config vars, as O(variables)). Any other key fails the task, naming it (conda
        would ignore it with C(EnvironmentSectionNotValid)).
      - Mutually exclusive with O(python), O(packages), O(pip), O(src) and O(file).
    type: dict
  pip:
    description:
      - pip requirement lines, as in a C(requirements.txt) or the C(pip:) list of an C(environment.yml), for
        example V(requests>=2.31,<3), V(attrs==23.1.0; python_version >= "3.8"), V(name @ https://...),
        V(git+https://...), absolute paths of wheels or folders, C(-e /path), C(-r /path/requirements.txt),
        and option lines (C(--index-url), C(--extra-index-url), C(--find-links), C(--no-index), C(--pre),
        C(--trusted-host), C(-c)). Relative paths are refused (pip would read them from the module's
        working folder). Credentials in index URLs are hidden in every output.
      - Needs python and pip in the env (python depends on pip in conda's default configuration).
      - Check mode asks the env's pip (C(--dry-run --report)) and predicts exactly what a real run
        installs. For an env that does not exist yet there is no python to ask, so check mode lists
        the requirements by name, with the version left to pip.
      - Mutually exclusive with O(spec), O(file) and O(src) (write a C(pip:) sub-list there instead).
    type: list
    elements: str
  variables:
    description:
      - Config vars of the env, set as C(conda env config vars set) stores them (in C(conda-meta/state)),
        so that C(conda activate) exports them. Values are strings or numbers (V(42) and V("42") are the
        same value); names are letters, digits and C(_); C(PATH) is refused (conda ignores it).
      - Merged over the C(variables) of O(spec), O(file) or O(src), the task's values winning.
      - A variable set on the env but not declared stays, unless O(prune=true).
      - The value of a variable whose name says it is a credential (it contains C(PASSWORD), C(PASSWD),
        C(SECRET), C(TOKEN), C(API_KEY), C(CREDENTIAL) or C(AUTH), in any case) is never shown, masked in
        the diff and RV(actions) and hidden from the invocation; URL credentials in any value are masked
        too.
    type: dict
  prune:
    description:
      - Remove installed packages that no declared spec needs, directly or as a dependency of a needed
        package, in one C(conda remove) after installing what is missing.
      - When pip requirements are declared (O(pip), or a C(pip:) sub-list, even empty), also uninstall
        the pip-installed distributions no declared requirement needs (directly or through their
        C(Requires-Dist)), with the env's pip; conda's packages are never removed through pip, nor is
        pip itself. An env that declares no pip requirements keeps its pip packages (another task, such
        as M(ansible.builtin.pip), may own them). A C(-r) or C(-c) file in the list is not read, so pip
        packages are then not pruned (with a warning).
      - When config vars are declared (O(variables), or C(variables:) in the file, even empty), also
        unset the env's config vars that are not declared.
      - Needs at least one declared spec. In the root env, conda itself is always kept.
    type: bool
    default: false
extends_documentation_fragment:
  - macfleet.conda.conda
  - macfleet.conda.conda.transaction
seealso:
  - module: macfleet.conda.conda_package
author:
  - macfleet.conda maintainers (@macfleet)
'''

EXAMPLES = r'''
- name: Create myenv with Python 3.9 (conda create --name myenv python=3.9)
  macfleet.conda.conda_env:
    name: myenv
    python: "3.9"

- name: Keep myenv at Python 3.9 with numpy 1.19.2 from conda-forge only
  macfleet.conda.conda_env:
    name: myenv
    python: "3.9"
    packages:
      - numpy=1.19.2
    channels:
      - conda-forge
    override_channels: true

- name: Converge an env from an environment.yml on the host, removing undeclared packages
  macfleet.conda.conda_env:
    file: /Users/builder/project/environment.yml
    prune: true

- name: The same structure inline, with the task's name winning over the file's
  macfleet.conda.conda_env:
    name: build
    spec:
      channels: [conda-forge]
      dependencies:
        - python=3.10
        - requests

- name: Apply an environment.yml kept beside the playbook (files/build-env.yml), pip section included
  macfleet.conda.conda_env:
    src: build-env.yml
    prune: true

- name: Conda packages, pip requirements from the fleet's private index, and config vars
  macfleet.conda.conda_env:
    name: build
    python: "3.11"
    packages:
      - numpy>=1.26,<2
    pip:
      - --extra-index-url https://pypi.example.com/simple
      - requests>=2.31,<3
      - internal-tools==4.2.0
    variables:
      BUILD_PROFILE: release
      OMP_NUM_THREADS: 4

- name: Remove myenv (conda env remove --name myenv)
  macfleet.conda.conda_env:
    name: myenv
    state: absent
'''

RETURN = r'''
prefix:
  description: Absolute path of the env (null when an absent env was asked to be absent).
  returned: always
  type: str
  sample: /opt/miniconda3/envs/myenv
name:
  description: Name of the env, when it was given by name.
  returned: always
  type: str
  sample: myenv
actions:
  description: What was (or, in check mode, would be) linked and unlinked, from conda's own report.
  returned: always
  type: dict
  contains:
    linked:
      description: Packages added to the env.
      type: list
      elements: dict
      sample: [{name: numpy, version: 1.19.2, build: py39hf4c9891_0, channel: "https://conda.anaconda.org/conda-forge"}]
    unlinked:
      description: Packages taken out of the env.
      type: list
      elements: dict
      sample: []
    pip:
      description: pip packages installed (or replaced by another version) and removed, by name and version.
      type: dict
      sample: {installed: [{name: requests, version: 2.31.0}], removed: []}
    variables:
      description: Config vars set (new or changed values) and unset.
      type: dict
      sample: {set: {BUILD_PROFILE: release}, unset: []}
conda_error:
  description: conda's own error (exception name, message, exit code, command) when conda failed.
  returned: failure
  type: dict
  sample: {exception_name: PackagesNotFoundInChannelsError, conda_message: "...", rc: 1, cmd: [conda, install]}
pip_error:
  description: How pip ended (exit code, command) when pip failed; the message says what pip said.
  returned: failure
  type: dict
  sample: {rc: 1, cmd: [/opt/miniconda3/envs/build/bin/python, -m, pip, install, "..."]}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_prefix as prefix_reader
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_transaction as transaction
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import secret_name, secrets_in
from ansible_collections.macfleet.conda.plugins.module_utils._conda_plan import split_by_verdict
from ansible_collections.macfleet.conda.plugins.module_utils._env_spec import (
    EXCLUSIVE_SOURCES, DeclaredEnv, EnvSpecError, declared_env, declared_variables, python_spec)
from ansible_collections.macfleet.conda.plugins.module_utils._module_run import (
    EXECUTABLE_OPTION, TRANSACTION_OPTIONS, StateModule)
from ansible_collections.macfleet.conda.plugins.module_utils._pip_plan import (
    PipPlan, PipRequest, environment_of, predicted_distributions, prune_names)
from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import RequirementError
from ansible_collections.macfleet.conda.plugins.module_utils._pip_runner import PipRunner
from ansible_collections.macfleet.conda.plugins.module_utils._prefix_guard import (
    existing_folder_refusal, prefix_refusal)

UNCHANGED = 'nothing was changed (conda was not run).'


class CondaEnv(StateModule):
    """One env: present with the declared packages, pip requirements and config vars, or absent."""

    converges_pip_and_variables = True
    declared = None
    pip_request = None
    variables = None
    # check mode: the env's distributions as pip would leave them, for prune to decide on
    _predicted_distributions = None

    def refusal(self):
        params = self.params
        if params['state'] == 'absent':
            given = [option for option in ('python', 'packages', 'pip', 'variables', 'spec', 'file')
                     if params[option]]
            if given:
                return ('state=absent removes the whole env, so %s cannot be given with it (the task would read '
                        'as removing only those packages). To remove packages from the env use '
                        'macfleet.conda.conda_package with state=absent; to remove the env, drop %s; nothing '
                        'was changed.' % (' and '.join(given), ' and '.join(given)))
        if params['prefix']:
            refusal = prefix_refusal(params['prefix'])
            if refusal:
                return refusal
        if params['file'] or params['src']:
            return ('%s is read on the controller by the macfleet.conda.conda_env action plugin; this run '
                    'bypassed it. Pass the content as spec instead.' % ('file' if params['file'] else 'src'))
        try:
            self.declared = declared_env(params['spec']) if params['spec'] is not None else DeclaredEnv(
                dependencies=([python_spec(params['python'])] if params['python'] else []) + params['packages'],
                pip=params['pip'])
            self.variables = self.declared.variables
            if params['variables'] is not None:
                self.variables = dict(self.variables or {}, **declared_variables(params['variables']))
            self.pip_request = PipRequest(self.declared.pip) if self.declared.pip is not None else None
        except (EnvSpecError, RequirementError) as exc:
            return '%s%s' % (exc, '' if 'nothing was changed' in str(exc) else '; ' + UNCHANGED)
        self.module.no_log_values.update(secrets_in(self.declared.channels + (self.declared.pip or [])))
        # a config var named like a credential (API_TOKEN) is one: Ansible hides its value everywhere,
        # the invocation included
        self.module.no_log_values.update(
            value for name, value in (self.variables or {}).items() if secret_name(name) and value)
        self.result['name'] = params['name'] or (
            self.declared.name if not params['prefix'] else None)
        if not self.result['name'] and not params['prefix'] and not self.declared.prefix:
            return 'one of name or prefix is required (or a name or prefix in spec/file).'
        return None

    def _given_prefix(self):
        """The prefix the task or, when nothing names the env, the spec's ``prefix:`` gives (recordings 119, 120)."""
        return self.params['prefix'] or (None if self.result['name'] else self.declared.prefix)

    def _target(self):
        """The env's prefix (None: no env of that name yet) and whether an env is there."""
        prefix = self._given_prefix() or self.run.locate(self.result['name'])
        return prefix, bool(prefix) and prefix_reader.is_env(prefix)

    def state_absent(self):
        prefix, exists = self._target()
        self.prefix = prefix
        if prefix and self.run.is_root(prefix):
            self.run.fail('Refusing to remove the root (base) environment %s: it holds conda itself.' % prefix)
        if not exists:
            return
        self.read_env(prefix)
        removal = transaction.removal_of(self.before)
        if not self.module.check_mode:
            document = self.run.conda(self.run.runner.remove_env, prefix=prefix)
            removal = transaction.actions_of(document) if document.get('actions') else removal
        self.applied(actions=removal, after=[])
        self.after = None

    def state_present(self):
        params = self.params
        declared = self.declared
        specs = self.run.specs(declared.dependencies)
        if params['prune'] and not specs:
            self.run.fail('prune needs at least one declared package: with none it would empty the env.')
        channels = params['channels'] + [channel for channel in declared.channels if channel not in params['channels']]
        override = params['override_channels'] or declared.nodefaults
        prefix, exists = self._target()
        # conda create -y answers yes to "directory exists but is not a conda environment, continue?"
        refusal = (prefix_refusal(prefix, self.run.root) if self._given_prefix() else None) \
            or existing_folder_refusal(prefix)
        if refusal:
            self.run.fail(refusal, prefix=prefix)
        if exists:
            self.read_env(prefix)
            unsatisfied, undecided = split_by_verdict(specs, self.before)
            document = self.run.install(prefix, unsatisfied + undecided, bool(unsatisfied), channels, override)
            if document:
                self.applied(document)
        else:
            self._create(prefix, specs, channels, override)
        self._install_pip()
        if params['prune']:
            pruned, after = self.run.prune(self.prefix, self.after, specs, keep=('pip',) if self.pip_request else ())
            self.applied(actions=pruned, after=after)
            self._prune_pip()
        self._converge_variables()

    def _create(self, prefix, specs, channels, override):
        """``conda create`` where no env is (never over one: conda would delete it and start again)."""
        self.run.watch(prefix, [])
        given = self._given_prefix()
        document = self.run.conda(self.run.runner.create, [spec.original for spec in specs],
                                  prefix=given, name=None if given else self.result['name'], channels=channels,
                                  override_channels=override, dry_run=self.module.check_mode)
        self.prefix = document.get('prefix') or (document.get('actions') or {}).get('PREFIX') or prefix
        self.run.watch(self.prefix, [])
        self.applied(document)

    # -- pip ------------------------------------------------------------------------------------
    def _pip_env(self):
        """The env's distributions and marker environment as pip would see them now; None before it exists."""
        if not prefix_reader.is_env(self.prefix):
            return None
        records = self.before if self.module.check_mode else self.after
        python = prefix_reader.python_record(records)
        if python is None:
            self.run.fail('The pip requirements need python in the env at %s: add python (and pip) to its '
                          'packages.' % self.prefix)
        return prefix_reader.distributions(self.prefix, records), environment_of(python)

    def _install_pip(self):
        """Install the unmet pip requirements in one pip call; 0 pip processes when the metadata says all are met."""
        request = self.pip_request
        if not request:
            return
        seen = self._pip_env()
        if seen is None:  # check mode of a new env: there is no python to ask yet
            self.pip_predicted = sorted((requirement.name, None) for requirement in request.requirements)
            return
        distributions, environment = seen
        plan = PipPlan(request, distributions, environment)
        if plan.converged:
            return
        pip = PipRunner(self.module, self.prefix)
        if self.module.check_mode or not plan.certain:
            installs = self.run.pip(pip.would_install, request.argv)
            if self.module.check_mode:
                self._predicted_distributions = predicted_distributions(distributions, installs)
                self.pip_predicted = prefix_reader.pip_package_list(self._predicted_distributions)
                return
            if not installs:
                return
        self.run.pip(pip.install, request.argv)
        self.pip_ran = True

    def _prune_pip(self):
        """Uninstall what pip installed that no declared pip requirement needs (only when the env declares some)."""
        request = self.pip_request
        if request is None:
            return
        seen = self._pip_env()
        if seen is None:
            return
        distributions, environment = seen
        if self._predicted_distributions is not None:
            distributions = self._predicted_distributions
        names = prune_names(request, distributions, environment)
        if names is None:
            self.module.warn('pip packages were not pruned in %s: a -r or -c file in the pip list is not read by '
                             'this module, so what it needs is unknown.' % self.prefix)
            return
        if not names:
            return
        if self.module.check_mode:
            self.pip_predicted = [package for package in (self.pip_predicted or self.pip_before)
                                  if package[0] not in names]
            return
        self.run.pip(PipRunner(self.module, self.prefix).uninstall, names)
        self.pip_ran = True

    # -- config vars ----------------------------------------------------------------------------
    def _converge_variables(self):
        """Set the declared config vars that differ; with prune, unset those no longer declared."""
        declared = self.variables
        if declared is None:
            return
        current = self.variables_before  # neither conda nor pip writes config vars
        to_set = dict((name, value) for name, value in declared.items() if current.get(name) != value)
        to_unset = sorted(name for name in current if name not in declared) if self.params['prune'] else []
        if self.module.check_mode:
            kept = dict((name, value) for name, value in current.items() if name not in to_unset)
            self.variables_predicted = dict(kept, **to_set)
            return
        if to_set:
            self.run.conda(self.run.runner.set_env_vars, prefix=self.prefix, variables=to_set)
        if to_unset:
            self.run.conda(self.run.runner.unset_env_vars, prefix=self.prefix, names=to_unset)
        self.variables_ran = bool(to_set or to_unset)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', aliases=['environment']),
            prefix=dict(type='path'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            python=dict(type='str'),
            packages=dict(type='list', elements='str', default=[]),
            pip=dict(type='list', elements='str'),
            variables=dict(type='dict'),
            file=dict(type='path'),
            src=dict(type='path'),
            spec=dict(type='dict'),
            prune=dict(type='bool', default=False),
            **dict(TRANSACTION_OPTIONS, **EXECUTABLE_OPTION)
        ),
        mutually_exclusive=[('name', 'prefix')] + list(EXCLUSIVE_SOURCES),
        supports_check_mode=True,
    )
    CondaEnv(module).execute()


if __name__ == '__main__':
    main()
