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
  - Makes a conda environment exist with the declared packages (O(python), O(packages), or an
    C(environment.yml) as O(file) or O(spec)), optionally removing everything else (O(prune)), or makes
    it absent.
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
      - V(absent) with O(python), O(packages), O(spec) or O(file) fails (the task would read as removing
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
      - Mutually exclusive with O(python), O(packages) and O(spec).
      - C(pip:) sub-lists in C(dependencies) are not supported and fail the task; install them with
        M(ansible.builtin.pip) using the env's python.
    type: path
  spec:
    description:
      - The content of an C(environment.yml) as a dictionary (C(name), C(channels), C(dependencies)).
      - Mutually exclusive with O(python), O(packages) and O(file).
    type: dict
  prune:
    description:
      - Remove installed packages that no declared spec needs, directly or as a dependency of a needed
        package, in one C(conda remove) after installing what is missing.
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
conda_error:
  description: conda's own error (exception name, message, exit code, command) when conda failed.
  returned: failure
  type: dict
  sample: {exception_name: PackagesNotFoundInChannelsError, conda_message: "...", rc: 1, cmd: [conda, install]}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_transaction as transaction
from ansible_collections.macfleet.conda.plugins.module_utils._conda_plan import split_by_verdict
from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import is_env
from ansible_collections.macfleet.conda.plugins.module_utils._env_spec import EnvSpecError, declared_env
from ansible_collections.macfleet.conda.plugins.module_utils._module_run import (
    EXECUTABLE_OPTION, TRANSACTION_OPTIONS, StateModule)
from ansible_collections.macfleet.conda.plugins.module_utils._prefix_guard import (
    existing_folder_refusal, prefix_refusal)


def python_spec(version):
    """``python=3.9`` for a plain version, ``python>=3.10`` for one with an operator."""
    return 'python' + ('=' if version[:1].isdigit() else '') + version


class CondaEnv(StateModule):
    """One env: present with the declared packages (created where nothing is), or absent."""

    declared = None

    def refusal(self):
        params = self.params
        if params['state'] == 'absent':
            given = [option for option in ('python', 'packages', 'spec', 'file') if params[option]]
            if given:
                return ('state=absent removes the whole env, so %s cannot be given with it (the task would read '
                        'as removing only those packages). To remove packages from the env use '
                        'macfleet.conda.conda_package with state=absent; to remove the env, drop %s; nothing '
                        'was changed.' % (' and '.join(given), ' and '.join(given)))
        if params['prefix']:
            refusal = prefix_refusal(params['prefix'])
            if refusal:
                return refusal
        if params['file']:
            return ('file is read on the controller by the macfleet.conda.conda_env action plugin; this run '
                    'bypassed it. Pass the content as spec instead.')
        try:
            self.declared = declared_env(params['spec']) if params['spec'] is not None else None
        except EnvSpecError as exc:
            return str(exc)
        self.result['name'] = params['name'] or (
            self.declared.name if self.declared and not params['prefix'] else None)
        if not self.result['name'] and not params['prefix']:
            return 'one of name or prefix is required (or a name in spec/file).'
        return None

    def _target(self):
        """The env's prefix (None: no env of that name yet) and whether an env is there."""
        prefix = self.params['prefix'] or self.run.locate(self.result['name'])
        return prefix, bool(prefix) and is_env(prefix)

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
        specs = self.run.specs(declared.dependencies if declared else (
            ([python_spec(params['python'])] if params['python'] else []) + params['packages']))
        if params['prune'] and not specs:
            self.run.fail('prune needs at least one declared package: with none it would empty the env.')
        channels = params['channels'] + [channel for channel in (declared.channels if declared else [])
                                         if channel not in params['channels']]
        override = params['override_channels']
        prefix, exists = self._target()
        # conda create -y answers yes to "directory exists but is not a conda environment, continue?"
        refusal = (prefix_refusal(prefix, self.run.root) if params['prefix'] else None) \
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
        if params['prune']:
            pruned, after = self.run.prune(self.prefix, self.after, specs)
            self.applied(actions=pruned, after=after)

    def _create(self, prefix, specs, channels, override):
        """``conda create`` where no env is (never over one: conda would delete it and start again)."""
        self.run.watch(prefix, [])
        document = self.run.conda(self.run.runner.create, [spec.original for spec in specs],
                                  prefix=self.params['prefix'], name=None if self.params['prefix'] else
                                  self.result['name'], channels=channels, override_channels=override,
                                  dry_run=self.module.check_mode)
        self.prefix = document.get('prefix') or (document.get('actions') or {}).get('PREFIX') or prefix
        self.run.watch(self.prefix, [])
        self.applied(document)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', aliases=['environment']),
            prefix=dict(type='path'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            python=dict(type='str'),
            packages=dict(type='list', elements='str', default=[]),
            file=dict(type='path'),
            spec=dict(type='dict'),
            prune=dict(type='bool', default=False),
            **dict(TRANSACTION_OPTIONS, **EXECUTABLE_OPTION)
        ),
        mutually_exclusive=[('name', 'prefix'), ('file', 'spec'), ('file', 'python'), ('file', 'packages'),
                            ('spec', 'python'), ('spec', 'packages')],
        supports_check_mode=True,
    )
    CondaEnv(module).execute()


if __name__ == '__main__':
    main()
