#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r'''
module: conda_package
short_description: Install, upgrade and remove packages in an existing conda environment
version_added: 0.1.0
description:
  - Makes conda packages present, latest or absent in an existing env (or the root env), or updates
    everything in it (O(update_all)).
  - All specs of one task go to conda in one transaction.
  - The env's C(conda-meta/*.json) records are read as conda reads them, before conda runs; a record
    conda fails on fails the task with a message naming the file.
  - When conda fails after changing the env, the task fails with C(changed=true) and the diff.
options:
  name:
    description:
      - conda match specs, for example V(numpy), V(numpy=1.19.2), V(numpy>=1.20,<2), V(conda-forge::numpy).
      - Required unless O(update_all) is set; mutually exclusive with it. With neither (or an empty list)
        the task fails.
    type: list
    elements: str
    aliases: [names, pkg]
  environment:
    description:
      - Name of the env (C(base) is the root env). The env must exist (create it with
        M(macfleet.conda.conda_env)).
      - With neither O(environment) nor O(prefix), the root env is used.
    type: str
    aliases: [env]
  prefix:
    description:
      - Absolute path of the env; a relative path is refused.
    type: path
  state:
    description:
      - V(present) installs what no installed package satisfies; an installed package satisfies a bare name.
      - V(latest) also upgrades to the newest version the channels offer that matches the spec (one conda
        solve each run; changed only when something newer gets linked).
      - V(absent) removes installed packages matching the specs (conda also removes what depends on them).
    type: str
    choices: [present, absent, latest]
    default: present
  update_all:
    description:
      - Update every package of the env (C(conda update --all)).
    type: bool
    default: false
extends_documentation_fragment:
  - macfleet.conda.conda
  - macfleet.conda.conda.transaction
seealso:
  - module: macfleet.conda.conda_env
author:
  - macfleet.conda maintainers (@macfleet)
'''

EXAMPLES = r'''
- name: Install numpy 1.19.2 into myenv (conda install --name myenv numpy=1.19.2)
  macfleet.conda.conda_package:
    name: numpy=1.19.2
    environment: myenv

- name: Keep numpy up to date in myenv (conda update --name myenv numpy)
  macfleet.conda.conda_package:
    name: numpy
    environment: myenv
    state: latest

- name: Update all packages of myenv (conda update --name myenv --all)
  macfleet.conda.conda_package:
    environment: myenv
    update_all: true

- name: Remove toolz from the env at a path
  macfleet.conda.conda_package:
    name: toolz
    prefix: /opt/miniconda3/envs/myenv
    state: absent
'''

RETURN = r'''
prefix:
  description: Absolute path of the env.
  returned: always
  type: str
  sample: /opt/miniconda3/envs/myenv
actions:
  description: What was (or, in check mode, would be) linked and unlinked, from conda's own report.
  returned: always
  type: dict
  contains:
    linked:
      description: Packages added to the env (C(name), C(version), C(build), C(channel)).
      type: list
      elements: dict
      sample: [{name: numpy, version: 1.26.4, build: py39h206e18e_0, channel: "https://conda.anaconda.org/conda-forge"}]
    unlinked:
      description: Packages taken out of the env.
      type: list
      elements: dict
      sample: [{name: numpy, version: 1.19.2, build: py39hf4c9891_0, channel: "https://conda.anaconda.org/conda-forge"}]
conda_error:
  description: conda's own error (exception name, message, exit code, command) when conda failed.
  returned: failure
  type: dict
  sample: {exception_name: UnsatisfiableError, conda_message: "...", rc: 1, cmd: [conda, install]}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.macfleet.conda.plugins.module_utils._conda_plan import installed_matches, split_by_verdict
from ansible_collections.macfleet.conda.plugins.module_utils._prefix_guard import relative_prefix_refusal
from ansible_collections.macfleet.conda.plugins.module_utils._module_run import (
    EXECUTABLE_OPTION, TRANSACTION_OPTIONS, StateModule)


class CondaPackage(StateModule):
    """Packages of one existing env: present, latest, absent, or everything updated."""

    specs = ()

    def refusal(self):
        params = self.params
        if not params['name'] and not params['update_all']:
            # required_one_of alone lets this through: update_all is always set (its default is false)
            return ('conda_package needs the packages to act on: give name (a list of conda match specs, for '
                    'example [numpy=1.19.2]) or update_all=true; nothing was changed.')
        if params['update_all'] and params['state'] == 'absent':
            return 'update_all cannot be combined with state=absent.'
        return relative_prefix_refusal(params['prefix'])

    def state(self):
        return 'update_all' if self.params['update_all'] else self.params['state']

    def _start(self):
        params = self.params
        self.specs = self.run.specs(params['name'] or [])
        prefix = params['prefix'] or self.run.locate(params['environment'] or 'base')
        self.run.require_env(prefix, params['prefix'] or params['environment'] or 'base')
        self.read_env(prefix)
        return params['channels'], params['override_channels']

    def state_present(self):
        channels, override = self._start()
        unsatisfied, undecided = split_by_verdict(self.specs, self.before)
        document = self.run.install(self.prefix, unsatisfied + undecided, bool(unsatisfied), channels, override)
        if document:
            self.applied(document)

    def state_latest(self):
        # Only conda knows what the channels offer: one solve, real or dry, decides.
        channels, override = self._start()
        self.applied(self.run.conda(self.run.runner.install, prefix=self.prefix,
                                    specs=[spec.original for spec in self.specs], channels=channels,
                                    override_channels=override, dry_run=self.module.check_mode))

    def state_absent(self):
        self._start()
        names = installed_matches(self.specs, self.before)
        if names is None:  # only conda can tell what a spec matches: let it pick (and predict)
            names = [spec.original for spec in self.specs]
        document = self.run.remove(self.prefix, names) if names else None
        if document:
            self.applied(document)

    def state_update_all(self):
        channels, override = self._start()
        self.applied(self.run.conda(self.run.runner.update_all, prefix=self.prefix, channels=channels,
                                    override_channels=override, dry_run=self.module.check_mode))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='list', elements='str', aliases=['names', 'pkg']),
            environment=dict(type='str', aliases=['env']),
            prefix=dict(type='path'),
            state=dict(type='str', choices=['present', 'absent', 'latest'], default='present'),
            update_all=dict(type='bool', default=False),
            **dict(TRANSACTION_OPTIONS, **EXECUTABLE_OPTION)
        ),
        mutually_exclusive=[('environment', 'prefix'), ('name', 'update_all')],
        required_one_of=[('name', 'update_all')],
        supports_check_mode=True,
    )
    CondaPackage(module).execute()


if __name__ == '__main__':
    main()
