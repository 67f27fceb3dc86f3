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
      - Path on the managed host of an C(environment.yml) (keys C(name), C(channels), C(dependencies)), or of an
        C(@EXPLICIT) lock (C(conda list --explicit), or M(macfleet.conda.conda_export) with
        O(macfleet.conda.conda_export#module:format=explicit)), told apart by content as conda does (a line
        C(@EXPLICIT)); a lock is applied as O(explicit).
      - It is read by the controller (no YAML library is needed on the host).
      - Mutually exclusive with O(python), O(packages), O(pip), O(src) and O(spec).
    type: path
  src:
    description:
      - Path on the controller of an C(environment.yml) or an C(@EXPLICIT) lock (as O(file)), read there like the
        O(ansible.builtin.copy#module:src) of M(ansible.builtin.copy). A relative path is searched in the C(files/)
        folders Ansible searches (the role's, then the playbook's).
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
  explicit:
    description:
      - The lines of an C(@EXPLICIT) lock (what O(file) or O(src) pass when they name one); the env is made to hold
        exactly these builds, no more. A new env is one C(conda create --file <lock>) (no solve); an existing env is
        changed in place, never recreated, in at most two transactions, an explicit C(conda install --file) of the
        packages it does not hold exactly and a C(conda remove --force) of those the lock does not list (so no solve
        removes what depends on them). conda itself never removes what a lock does not list.
      - An installed package is the locked one when its record has the lock's URL (credentials aside), or the same
        name, version and build with the md5/sha256 the lock gives; a hash the lock gives must agree. So a converged
        env runs no conda process at all.
      - conda prints nothing for an explicit install and cannot dry-run one, so check mode and the diff are
        predicted from the lock and the env's records, and a real run reports what the records say afterwards
        (the same, or the task fails).
      - Refused before conda runs, naming the line or package, with nothing changed, are a lock with no C(@EXPLICIT) line, a line
        that is no package URL (a line cut short, a malformed hash), a relative path, a package listed twice,
        packages of more than one platform, no package at all, a lock for another platform than the env's
        (O(subdir), else the host's; C(noarch) fits all), a C(file://) package missing on the host or whose bytes
        are not the lock's md5/sha256 (conda would copy it unchecked). A O(file)/O(src) lock must end with a newline
        (a file cut short does not). A package conda must download is checked by conda (C(ChecksumMismatchError)),
        before anything is linked; one it cannot reach fails the task the same way, naming its URL.
      - Not on the root env (it holds conda itself). O(prune) is implied; pip packages are left alone.
      - Mutually exclusive with O(python), O(packages), O(pip), O(spec), O(file), O(src) and O(conda_lock).
    type: list
    elements: str
  conda_lock:
    description:
      - The package sets of a conda-lock unified lock file (C(conda-lock.yml), version 1, as C(conda-lock lock) writes
        it, or M(macfleet.conda.conda_export) with O(macfleet.conda.conda_export#module:format=conda-lock) and
        C(playbooks/export.yml) merge it), by platform; what O(file) or O(src) pass when they name such a file (told by
        content, a mapping with C(metadata) and C(package)). The file is read on the controller, where everything a
        file cut short or edited by hand gets wrong is refused before the module runs, naming the entry (no
        C(version), a version other than 1, an entry without C(url) or C(hash), a package listed twice for a
        platform, a platform of C(metadata.platforms) without packages, a conda package depending on one the file
        does not list, a URL with an environment variable, a file not ending with a newline).
      - The set of the env's platform is applied (O(subdir), else the subdir the env's C(.condarc) records, else its
        packages', else the conda root's, e.g. C(osx-arm64) on Apple silicon); a file with no entry for it fails,
        naming the platforms it has, with nothing changed.
      - Its conda packages are applied exactly as O(explicit) applies an C(@EXPLICIT) lock (the same create, install
        and C(conda remove --force), the same record matching and refusals, 0 conda processes when converged), by
        URL and hash, C(url#sha256:<sha256>) when the entry has a sha256 (conda's explicit form; its md5 is still
        matched against the records), else C(url#<md5>).
      - Its pip packages (entries whose C(manager) is C(pip)) are then installed with the env's own pip, in one C(pip install --no-deps)
        (the file lists every dependency) of C(name @ url#sha256=<sha256>) (pip checks a direct URL's hash fragment,
        as conda-lock's own installer relies on; C(--hash) is a per-requirement option pip refuses on its command
        line), or C(name==version) from the host's configured index when the entry has no URL (C(unknown:), as
        M(macfleet.conda.conda_export) writes for an index install); and pip-installed distributions the file does
        not list are uninstalled (pip itself is kept). An installed distribution is the entry when its name and
        version are, and when it recorded a URL (C(direct_url.json)), the same URL; a wheel's hash is not kept in the
        env, so a converged env runs no pip either.
      - Entries of the categories C(conda-lock install) applies by default (C(main), C(dev)) are applied; optional
        extras are not, and are removed like any unlisted package. Virtual packages (C(__osx)) are skipped.
      - Check mode and the diff are predicted from the file and the env's records and dist-info metadata, as for
        O(explicit).
      - Not on the root env. Mutually exclusive with O(python), O(packages), O(pip), O(spec), O(file), O(src) and
        O(explicit).
    type: dict
  subdir:
    description:
      - The platform the env is for, for example V(osx-64) on an Apple silicon (C(osx-arm64)) conda to run Intel
        builds under Rosetta 2 (which must be installed). The env is created with C(CONDA_SUBDIR) set, as conda
        documents, and the subdir is recorded in the env's own C(.condarc) by conda itself
        (C(conda config --file <env>/.condarc --set subdir ...), which is what C(conda config --env --set subdir)
        writes for the active env; conda 26.7 starts that file as a copy of the root's C(.condarc)), so conda keeps
        to it whenever the env is active, and this module runs every later transaction on the env with
        C(CONDA_SUBDIR) from that file, with or without this option.
      - Idempotent, an env whose C(.condarc) records it runs nothing more. An existing env for another subdir (its
        C(.condarc), else its packages) is refused, as is a subdir the host cannot run (V(osx-arm64) on an Intel
        Mac, as x86_64 cannot run arm64; any other OS's), before conda runs.
      - Reported as RV(actions.subdir) when this run records it, and as a line of the diff.
    type: str
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

- name: Make the build env hold exactly the builds of a lock exported on a reference host of this platform
  macfleet.conda.conda_env:
    name: build
    src: locks/build-osx-arm64.txt    # conda list --explicit --md5, or conda_export format=explicit

- name: Export a lock, then apply it on another host of the same platform
  block:
    - name: Lock the reference env
      macfleet.conda.conda_export:
        environment: build
        format: explicit
        dest: /Users/builder/build.lock.txt
    - name: The copy holds exactly those builds (a drifted copy is changed in place)
      macfleet.conda.conda_env:
        name: build-copy
        file: /Users/builder/build.lock.txt

- name: Apply the conda-lock.yml of export.yml (or conda-lock lock); each host takes its own platform's packages
  macfleet.conda.conda_env:
    name: build
    src: locks/build/conda-lock.yml

- name: An Intel (osx-64) env on an Apple silicon Mac, for packages with no arm64 build
  macfleet.conda.conda_env:
    name: intel-tools
    subdir: osx-64
    python: "3.11"
    packages: [some-x86-only-package]

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
    subdir:
      description: The subdir this run recorded (or, in check mode, would record) in the env's own C(.condarc).
      returned: when O(subdir) is given and the env's C(.condarc) did not record it yet
      type: str
      sample: osx-64
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

import os

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_prefix as prefix_reader
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_transaction as transaction
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import secret_name, secrets_in
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_root as conda_root
from ansible_collections.macfleet.conda.plugins.module_utils._conda_plan import split_by_verdict
from ansible_collections.macfleet.conda.plugins.module_utils._env_spec import (
    EXCLUSIVE_SOURCES, DeclaredEnv, EnvSpecError, declared_env, declared_variables, python_spec)
from ansible_collections.macfleet.conda.plugins.module_utils._explicit_lock import (
    LockError, env_condarc, file_refusal, parse_lock, recorded_subdir, subdir_refusal)
from ansible_collections.macfleet.conda.plugins.module_utils._conda_lock import read_option as read_conda_lock
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
    lock = None
    # conda_lock: {platform: PlatformLock}, and the one of the env's platform
    lock_platforms = None
    platform_lock = None
    # the subdir this run writes (or, in check mode, would write) into the env's own .condarc
    subdir_recorded = None
    pip_request = None
    variables = None
    # check mode: the env's distributions as pip would leave them, for prune to decide on
    _predicted_distributions = None

    def refusal(self):
        params = self.params
        if params['state'] == 'absent':
            given = [option for option in ('python', 'packages', 'pip', 'variables', 'spec', 'file', 'explicit',
                                           'conda_lock', 'subdir') if params[option]]
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
        if params['subdir']:
            refusal = subdir_refusal(conda_root.host_subdir(), params['subdir'])
            if refusal:
                return '%s; %s' % (refusal, UNCHANGED)
        if params['explicit'] is not None:
            try:
                self.lock = parse_lock(params['explicit'], 'the @EXPLICIT lock')
            except LockError as exc:
                return '%s; %s' % (exc, UNCHANGED)
            self.module.no_log_values.update(secrets_in(params['explicit']))
        if params['conda_lock'] is not None:
            try:
                self.lock_platforms = read_conda_lock(params['conda_lock'])
            except LockError as exc:
                return '%s; %s' % (exc, UNCHANGED)
            self.module.no_log_values.update(secrets_in([package.url for found in self.lock_platforms.values() for
                                                         package in found.explicit.packages + found.pip if package.url]))
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
        if params['prune'] and not specs and not (self.lock or self.lock_platforms):
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
        subdir = self._settle_subdir(prefix, exists)
        if self.lock_platforms:
            self._choose_platform(prefix, subdir)
        if self.lock:
            self._apply_lock(prefix, exists, subdir)
            self._record_subdir()
            self._converge_locked_pip()
            self._converge_variables()
            return
        if exists:
            unsatisfied, undecided = split_by_verdict(specs, self.before)
            document = self.run.install(prefix, unsatisfied + undecided, bool(unsatisfied), channels, override)
            if document:
                self.applied(document)
        else:
            self._create(prefix, specs, channels, override)
        self._record_subdir()
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

    # -- the env's subdir (an Intel env on Apple silicon) -------------------------------------------
    def _settle_subdir(self, prefix, exists):
        """The subdir the env is (or will be) for; conda runs on the env with CONDA_SUBDIR set to it when the task
        or the env's own .condarc names one (conda reads that file only while the env is active)."""
        wanted = self.params['subdir']
        host = conda_root.host_subdir()
        try:
            recorded = recorded_subdir(prefix) if exists else None
        except LockError as exc:
            self.run.fail('%s; %s' % (exc, UNCHANGED), prefix=prefix)
        current = recorded or (prefix_reader.records_platform(self.before, None) if exists else None)
        if wanted and current and current != wanted:
            self.run.fail('The env at %s is for %s, not %s: an env\'s subdir is chosen when it is created, and '
                          'installing %s builds into it would mix platforms. Remove it (state=absent) and create '
                          'it again with subdir=%s; %s' % (prefix, current, wanted, wanted, wanted, UNCHANGED),
                          prefix=prefix)
        if wanted and recorded != wanted:
            self.subdir_recorded = wanted
        chosen = wanted or recorded
        if chosen:
            self.run.runner.environ['CONDA_SUBDIR'] = chosen
        return chosen or current or host

    def _record_subdir(self):
        """Write the subdir into the env's .condarc with conda itself, as ``conda config --env --set subdir``."""
        if self.subdir_recorded and not self.module.check_mode:
            self.run.conda(self.run.runner.set_config, env_condarc(self.prefix), 'subdir', self.subdir_recorded)

    def setting_changes(self):
        if not self.subdir_recorded:
            return {}, ''
        return {'subdir': self.subdir_recorded}, 'subdir: %s (%s)\n' % (self.subdir_recorded, env_condarc(self.prefix))

    # -- @EXPLICIT locks ----------------------------------------------------------------------------
    def _apply_lock(self, prefix, exists, subdir):
        """Make the env hold exactly the lock's builds: one explicit create, or for an existing env one explicit
        install of what differs and one ``conda remove --force`` of what the lock does not list.

        conda prints nothing for an explicit install (recordings 108, 111-115) and refuses --dry-run of one,
        so what changes is decided here, from the lock and the records, the same in check mode and in a run.
        """
        lock = self.lock
        refusal = lock.platform_refusal(subdir)
        if refusal:
            self.run.fail('%s; %s' % (refusal, UNCHANGED), prefix=prefix)
        if exists and self.run.is_root(prefix):
            self.run.fail('An @EXPLICIT lock makes the env hold exactly its packages, and the root (base) env at %s '
                          'holds conda itself: apply the lock to another env; %s' % (prefix, UNCHANGED), prefix=prefix)
        before = self.before or []
        install, remove = lock.plan(before) if exists else (lock.packages, [])
        for package in install:
            why = file_refusal(package)
            if why:
                self.run.fail('%s; %s' % (why, UNCHANGED), prefix=prefix)
        predicted = lock.predicted(before)
        if not exists:
            prefix = prefix or self._new_prefix()
            self.run.watch(prefix, [])
        self.prefix = prefix
        if not self.module.check_mode:
            if install:
                self._explicit_install('install' if exists else 'create', install, prefix)
            if remove:
                self.run.conda(self.run.runner.remove, prefix=prefix, names=remove, force=True)
        after = predicted if self.module.check_mode or not (install or remove) else self.run.records(prefix)
        self.applied(actions=transaction.record_actions(before, after), after=after)
        if not self.module.check_mode:
            left = lock.plan(after)
            if left[0] or left[1]:
                self.run.fail('conda left the env at %s unlike the lock: %s; see the diff.' % (prefix, ', '.join(
                    [package.dist for package in left[0]] + left[1])), changed=True,
                    diff=transaction.diff(before, after, prefix))

    # -- conda-lock files -----------------------------------------------------------------------------
    def _choose_platform(self, prefix, subdir):
        """The package set of the env's platform; a file without one fails, naming those it has."""
        found = self.lock_platforms.get(subdir)
        if found is None:
            self.run.fail('The conda-lock file %s has no packages for %s, the platform of the env at %s (%s); it has %s. '
                          'Lock it for this platform too (conda-lock -p %s), or export one from a reference host of '
                          'this platform; %s' % (self.params['conda_lock'].get('source') or '', subdir, prefix or
                                                 self.result['name'], 'its subdir' if self.params['subdir'] else
                                                 'the conda root\'s, or the env\'s own', ', '.join(
                                                     sorted(self.lock_platforms)), subdir, UNCHANGED), prefix=prefix)
        self.platform_lock = found
        self.lock = found.explicit

    def _converge_locked_pip(self):
        """The conda-lock file's pip entries through the env's own pip, decided from the dist-info metadata."""
        locked = self.platform_lock
        if locked is None:
            return  # an @EXPLICIT lock: pip packages are left alone
        if not prefix_reader.is_env(self.prefix):  # check mode of a new env: the file says it all
            self.pip_predicted = locked.pip_predicted([])
            return
        records = self.before if self.module.check_mode else self.after
        if prefix_reader.python_record(records) is None:
            if locked.pip:
                self.run.fail('The conda-lock file lists pip packages (%s) but no python for the env at %s.'
                              % (', '.join(entry.name for entry in locked.pip), self.prefix))
            return
        distributions = prefix_reader.distributions(self.prefix, records)
        install, remove = locked.pip_plan(distributions)
        if not install and not remove:
            return
        if self.module.check_mode:
            self.pip_predicted = locked.pip_predicted(distributions)
            return
        pip = PipRunner(self.module, self.prefix)
        if install:
            self.run.pip(pip.install, ['--no-deps'] + [entry.requirement() for entry in install])
        if remove:
            self.run.pip(pip.uninstall, remove)
        self.pip_ran = True

    def _explicit_install(self, verb, packages, prefix):
        """``conda create/install --file`` of ``packages``, from a lock file in the module's tmpdir."""
        path = os.path.join(self.module.tmpdir, 'explicit-lock.txt')
        with open(path, 'w') as stream:
            stream.write('# platform: %s\n@EXPLICIT\n%s\n' % (self.lock.subdir or 'noarch', '\n'.join(
                package.line() for package in packages)))
        try:
            self.run.conda(self.run.runner.explicit, verb, path, prefix=prefix)
        finally:
            os.remove(path)

    def _new_prefix(self):
        """Where ``conda create -n NAME`` would put a new env: the first envs dir it can write to.

        An explicit create prints nothing, not even where it created the env, so it is given ``-p``.
        """
        name = self.result['name']
        try:
            dirs = conda_root.envs_dirs(self.run.root, self.run.home(), os.environ)
        except conda_root.Undecided:
            dirs = self.run.info().get('envs_dirs') or []
        for folder in dirs:
            existing = folder
            while not os.path.isdir(existing) and os.path.dirname(existing) != existing:
                existing = os.path.dirname(existing)
            if os.access(existing, os.W_OK):
                return os.path.join(folder, name)
        self.run.fail('None of the envs dirs (%s) is writable, so env %s cannot be created; %s'
                      % (', '.join(dirs), name, UNCHANGED))

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
            explicit=dict(type='list', elements='str'),
            conda_lock=dict(type='dict'),
            subdir=dict(type='str'),
            prune=dict(type='bool', default=False),
            **dict(TRANSACTION_OPTIONS, **EXECUTABLE_OPTION)
        ),
        mutually_exclusive=[('name', 'prefix')] + list(EXCLUSIVE_SOURCES) + [
            ('explicit', option) for option in ('python', 'packages', 'pip', 'spec', 'file', 'src')] + [
            ('conda_lock', option) for option in ('python', 'packages', 'pip', 'spec', 'file', 'src', 'explicit')],
        supports_check_mode=True,
    )
    CondaEnv(module).execute()


if __name__ == '__main__':
    main()
