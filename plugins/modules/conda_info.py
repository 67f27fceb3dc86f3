#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r'''
module: conda_info
short_description: Everything a host's conda installation holds, and how far each env is from its declaration
version_added: 0.2.0
description:
  - Returns the conda root, its conda version and platform, its C(.condarc) (credentials masked) and every
    env with its conda packages, requested specs, pip packages, config vars and last change time.
  - With O(declared) (the miniconda role's C(miniconda_environments) list), also says per env whether it
    is converged and which declared specs, pip requirements and config vars are not met, with the
    decisions M(macfleet.conda.conda_env) makes before running anything. A converged env is one for which
    M(macfleet.conda.conda_env) would run neither conda nor pip.
  - Everything is read from the disk (C(conda-meta/*.json), C(conda-meta/history), C(conda-meta/state),
    the C(*.dist-info) metadata of site-packages, the C(.condarc) files and C(~/.conda/environments.txt)),
    each file once; no conda process runs, unless the root cannot be told from the executable's path
    (then C(conda info) runs once to name it).
  - The envs are those C(conda env list) finds, base first, then the envs in the envs dirs (the root's
    C(envs), the C(.condarc) C(envs_dirs), C(CONDA_ENVS_PATH)), then those only C(~/.conda/environments.txt)
    lists. When the C(.condarc) files set the envs dirs in a form this reader does not handle, only the
    root's C(envs) and C(~/.conda/envs) are searched, with a warning.
  - An env whose records conda itself would fail on is reported with an C(error) and no packages, and is
    never converged; the other envs are reported as usual.
options:
  declared:
    description:
      - Env declarations, as the items of the miniconda role's C(miniconda_environments). Each is a mapping
        with C(name) (required; C(base) is the root env), C(state) (V(present), the default, or V(absent)),
        C(python), C(packages), C(channels), C(override_channels), C(pip), C(variables), C(spec), C(file),
        C(src), C(prune) and C(update_all), read as M(macfleet.conda.conda_env) reads the options of the same name.
      - A conda spec is unsatisfied when no installed record matches it (conda's match-spec semantics), a pip
        requirement when the installed distributions do not meet it (PEP 440 and PEP 508, for the env's python),
        a config var when the env's value differs. With C(prune), what M(macfleet.conda.conda_env) would remove
        is listed as extraneous.
      - What only conda or pip can tell is listed as undecided, and such an env is not converged. That is the
        case for a spec on a channel glob or a C(features) key, a pip URL, path, VCS or C(-r) line, C(update_all), and an
        item with C(file) or C(src) (YAML read by the controller; give its content as C(spec) instead).
      - An item that cannot be read (an unknown key, a bad env name, an invalid spec or pip line, an env declared
        twice, keys conda_env refuses together) fails the task, naming the item, before anything is read.
    type: list
    elements: dict
  bad_declarations:
    description:
      - What an item of O(declared) that cannot be read does. V(fail) fails the task naming the item.
      - V(undecided) reports that env with C(converged=false) and the reason in C(undecided), and reads the rest;
        the miniconda role uses it, so such an item reaches M(macfleet.conda.conda_env), which fails with its own message.
    type: str
    choices: [fail, undecided]
    default: fail
  details:
    description:
      - V(false) leaves out of each env its C(packages), C(requested), C(pip_packages) and C(variables), keeping
        C(exists), C(prefix), C(last_modified), C(error) and the verdict; the miniconda role's inspection needs no
        more, and a fleet's result stays small (20 envs, about a tenth of the bytes).
    type: bool
    default: true
  root:
    description:
      - The conda root to read (the miniconda role's prefix) instead of the one O(executable) or the usual search finds.
      - Nothing fails when there is no conda there (a bare host, or an install that died half-way). C(root_exists)
        and C(conda_executable) say so, C(envs) holds only the declared envs, as missing.
    type: path
  base_packages:
    description:
      - Match specs base must satisfy (the role's C(miniconda_base_packages)), decided as
        M(macfleet.conda.conda_package) with C(state=present) decides them; the verdict is C(base_packages).
    type: list
    elements: str
  exports:
    description:
      - Exports to compare with their files (the role's C(miniconda_export_dir)), each rendered as
        M(macfleet.conda.conda_export) renders it from the env's files; the verdicts are C(exports).
    type: list
    elements: dict
    suboptions:
      environment:
        description: Name of the env exported.
        type: str
        required: true
      dest:
        description: The file M(macfleet.conda.conda_export) writes.
        type: path
        required: true
      format:
        description: As M(macfleet.conda.conda_export)'s.
        type: str
        choices: [environment, explicit]
        default: environment
      from_history:
        description: As M(macfleet.conda.conda_export)'s.
        type: bool
        default: false
      no_builds:
        description: As M(macfleet.conda.conda_export)'s.
        type: bool
        default: false
      owner:
        description: The owner the file must have (none compared when not given).
        type: str
      group:
        description: The group the file must have (none compared when not given).
        type: str
      mode:
        description: The octal mode the file must have (none compared when not given); a symbolic one is never converged.
        type: raw
  paths:
    description:
      - Files and folders whose state the caller compares with what it would write (the role's C(.condarc), its
        record, the shell rc files, the prefix); their facts are C(paths).
    type: list
    elements: dict
    suboptions:
      path:
        description: The file or folder.
        type: path
        required: true
      content:
        description: Also return the file's bytes (base64), as M(ansible.builtin.slurp) does. Only for small files.
        type: bool
        default: false
      block:
        description:
          - The block M(ansible.builtin.blockinfile) would keep in the file (with O(paths[].marker),
            O(paths[].marker_begin), O(paths[].marker_end), C(insertafter=EOF)); C(block_holds) says whether it is there as it would write it.
        type: str
      marker:
        description: As M(ansible.builtin.blockinfile)'s.
        type: str
        default: "# {mark} ANSIBLE MANAGED BLOCK"
      marker_begin:
        description: As M(ansible.builtin.blockinfile)'s.
        type: str
        default: BEGIN
      marker_end:
        description: As M(ansible.builtin.blockinfile)'s.
        type: str
        default: END
  owner:
    description: An account whose primary group is returned as C(owner_group) (C(id -gn)).
    type: str
extends_documentation_fragment:
  - macfleet.conda.conda
attributes:
  check_mode:
    support: full
    description: Reads only; it runs the same in check mode.
  diff_mode:
    support: none
    description: Nothing is changed, so there is no diff.
  platform:
    support: full
    platforms: posix
    description: POSIX hosts (macOS, the target, and Linux).
notes:
  - Config vars whose name looks like a credential (C(PASSWORD), C(TOKEN), C(SECRET), C(API_KEY), C(AUTH)) are
    reported masked, as are credentials in URLs everywhere and the values of such keys in C(.condarc).
  - conda writes the times of C(conda-meta/history) in the host's local time; C(last_modified) converts them.
seealso:
  - module: macfleet.conda.conda_env
  - module: macfleet.conda.conda_export
  - module: ansible.builtin.package_facts
author:
  - macfleet.conda maintainers (@macfleet)
'''

EXAMPLES = r'''
- name: Read the host's conda installation
  macfleet.conda.conda_info:
  register: conda

- name: Show the packages of myenv
  ansible.builtin.debug:
    msg: "{{ conda.envs.myenv.packages | map(attribute='name') | list }}"

- name: Learn in one run which declared envs drift
  macfleet.conda.conda_info:
    executable: /opt/miniconda3/bin/conda
    declared: "{{ miniconda_environments }}"
  register: conda

- name: Converge only the envs that are not converged
  macfleet.conda.conda_env:
    name: "{{ item.name }}"
    python: "{{ item.python | default(omit) }}"
    packages: "{{ item.packages | default(omit) }}"
    pip: "{{ item.pip | default(omit) }}"
    variables: "{{ item.variables | default(omit) }}"
  loop: "{{ miniconda_environments }}"
  when: not conda.envs[item.name].converged
'''

RETURN = r'''
root_prefix:
  description: The conda root (the base env).
  returned: always
  type: str
  sample: /opt/miniconda3
conda_version:
  description:
    - Version of the root's conda, from its C(conda-meta) record (or the C(conda-*.dist-info) of a conda
      installed by pip); null when neither is there.
  returned: always
  type: str
  sample: 25.9.1
platform:
  description:
    - The conda subdir the root works for, C(CONDA_SUBDIR) when set, else that of the root's packages, else the
      host's.
  returned: always
  type: str
  sample: osx-arm64
condarc:
  description: Text of the root's C(.condarc) with credentials masked; null when it has none.
  returned: always
  type: str
  sample: "channels:\n  - https://********@conda.example.com/private\n"
root_exists:
  description: Whether the root is a conda env (C(conda-meta/history)); false on a bare host or a half-made install.
  returned: always
  type: bool
  sample: true
conda_executable:
  description: The root's C(bin/conda) when it is an executable file, else null.
  returned: always
  type: str
  sample: /opt/miniconda3/bin/conda
base_packages:
  description: How far base is from O(base_packages), with C(converged), C(unsatisfied) and C(undecided) as for an env.
  returned: when O(base_packages) is given
  type: dict
  sample: {converged: false, unsatisfied: ["toolz=0.12.0"], undecided: []}
exports:
  description:
    - One verdict per item of O(exports), in order, with its C(environment) and C(dest), C(converged) (the file
      holds what M(macfleet.conda.conda_export) would write, with the given owner, group and mode), C(reason)
      (what differs, empty when converged) and the file's C(owner), C(group) and C(mode) (null when there is none).
  returned: when O(exports) is given
  type: list
  elements: dict
  sample: [{environment: myenv, dest: /Users/builder/exports/myenv.yml, converged: true, reason: "",
            owner: builder, group: staff, mode: "0644"}]
paths:
  description:
    - Per item of O(paths), keyed by its path, C(exists), C(type) (C(file), C(directory), C(other)), C(owner),
      C(group), C(mode) (C(0644)) and for a file its sha1 C(checksum) (what M(ansible.builtin.copy) compares); with
      O(paths[].content) its C(content) (base64), with O(paths[].block) C(block_holds).
  returned: when O(paths) is given
  type: dict
  sample: {/opt/miniconda3/.condarc: {exists: true, type: file, owner: builder, group: staff, mode: "0644",
           checksum: 3f786850e387550fdab836ed7e6dc881de23001b}}
host_facts:
  description:
    - The host's facts the miniconda role decides by, named and found as M(ansible.builtin.setup) finds them, for
      the account the module runs as, so a role run without facts needs no C(setup) run.
  returned: always
  type: dict
  contains:
    system:
      description: As the C(system) fact (C(platform.system())).
      type: str
      sample: Darwin
    architecture:
      description: As the C(architecture) fact (C(platform.machine())).
      type: str
      sample: arm64
    user_id:
      description: As the C(user_id) fact, the account the module runs as.
      type: str
      sample: builder
    user_group:
      description: The primary group of RV(host_facts.user_id); null when it has none.
      type: str
      sample: staff
    env:
      description: C(SUDO_USER) from the module's environment when it is set (the C(env) fact's), else empty.
      type: dict
      sample: {}
owner_group:
  description: The primary group of O(owner); null when there is no such account.
  returned: when O(owner) is given
  type: str
  sample: staff
envs:
  description:
    - The envs, keyed by name (C(base) for the root). An env that C(conda -n) cannot reach by a name (outside
      the envs dirs, or its name taken by an earlier envs dir) is keyed by its prefix.
    - With O(declared), a declared env that does not exist is there too, with C(exists=false), null C(prefix)
      and C(last_modified), empty C(packages), C(requested), C(pip_packages) and C(variables), C(converged=false)
      and everything it declares as C(unsatisfied) (C(converged=true) when it is declared absent).
  returned: always
  type: dict
  contains:
    exists:
      description: Whether the env exists (false only for a declared env that does not).
      type: bool
      sample: true
    prefix:
      description: The env's folder.
      type: str
      sample: /opt/miniconda3/envs/myenv
    packages:
      description: The conda packages, sorted by name, each with C(name), C(version), C(build) and C(channel)
        (as C(conda env export) names it, credentials masked).
      type: list
      elements: dict
      sample: [{name: numpy, version: 1.19.2, build: py39hf4c9891_0, channel: conda-forge}]
      returned: unless O(details=false)
    requested:
      description: The specs the user asked for, by package name, as C(conda-meta/history) records them
        (the last request for a name wins, removed and no longer installed names are dropped).
      type: dict
      sample: {python: "python=3.9", numpy: "numpy=1.19.2"}
      returned: unless O(details=false)
    pip_packages:
      description: The Python distributions that pip (not conda) installed, each with C(name) and C(version).
      type: list
      elements: dict
      sample: [{name: requests, version: 2.31.0}]
      returned: unless O(details=false)
    variables:
      description: The env's config vars (C(conda env config vars list)), values as text.
      type: dict
      sample: {BUILD_PROFILE: release}
      returned: unless O(details=false)
    last_modified:
      description: When the env last changed (ISO 8601, UTC), the latest of its last C(conda-meta/history) entry
        and the modification times of C(conda-meta), its C(history) and C(state), and site-packages.
      type: str
      sample: "2026-11-30T15:47:11Z"
    error:
      description: Why the env's records cannot be read (conda fails on them too).
      returned: when the env cannot be read
      type: str
    declared_state:
      description: The declared C(state), V(present) or V(absent).
      returned: when O(declared) names the env
      type: str
      sample: present
    converged:
      description: Whether the env holds what is declared, certainly, so that
        M(macfleet.conda.conda_env) would run no conda and no pip for it.
      returned: when O(declared) names the env
      type: bool
      sample: false
    unsatisfied:
      description:
        - What is declared and not met, as M(macfleet.conda.conda_env) would install or set it. A conda spec as
          declared (C(numpy=1.26.4)), a pip requirement as C(<line> (pypi)), a config var as C(NAME=value (env var)).
      returned: when O(declared) names the env
      type: list
      elements: str
      sample: ["numpy=1.26.4", "requests>=2.31,<3 (pypi)", "BUILD_PROFILE=release (env var)"]
    undecided:
      description: What only conda or pip can tell (the env is then not converged).
      returned: when O(declared) names the env
      type: list
      elements: str
      sample: ["git+https://example.com/tool.git (pypi)"]
    extraneous:
      description:
        - With C(prune), what M(macfleet.conda.conda_env) would remove, conda package names, pip packages as
          C(name (pypi)) and config vars as C(NAME (env var)); for an env declared absent that exists, the env.
      returned: when O(declared) names the env
      type: list
      elements: str
      sample: ["toolz", "macfleet-demo-c (pypi)"]
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_prefix as prefix_reader
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_root as conda_root
from ansible_collections.macfleet.conda.plugins.module_utils import _fleet_state as fleet
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask, mask_text, secrets_in


def _declared_secrets(items):
    """Credentials in the declared channels and pip lines, hidden by Ansible wherever they appear."""
    texts = []
    for item in items or []:
        if isinstance(item, dict):
            for key in ('channels', 'pip'):
                if isinstance(item.get(key), list):
                    texts += [entry for entry in item[key] if isinstance(entry, str)]
    return secrets_in(texts)


PATH_OPTIONS = dict(
    path=dict(type='path', required=True),
    content=dict(type='bool', default=False),
    block=dict(type='str'),
    marker=dict(type='str', default='# {mark} ANSIBLE MANAGED BLOCK'),
    marker_begin=dict(type='str', default='BEGIN'),
    marker_end=dict(type='str', default='END'),
)
EXPORT_OPTIONS = dict(
    environment=dict(type='str', required=True),
    dest=dict(type='path', required=True),
    format=dict(type='str', choices=['environment', 'explicit'], default='environment'),
    from_history=dict(type='bool', default=False),
    no_builds=dict(type='bool', default=False),
    owner=dict(type='str'),
    group=dict(type='str'),
    mode=dict(type='raw'),
)


def _paths(items):
    facts = {}
    for item in items:
        block = None
        if item['block'] is not None:
            block = dict((key, item[key]) for key in ('block', 'marker', 'marker_begin', 'marker_end'))
        facts[item['path']] = fleet.path_facts(item['path'], content=item['content'], block=block)
    return facts


def main():
    module = AnsibleModule(
        argument_spec=dict(
            declared=dict(type='list', elements='dict'),
            bad_declarations=dict(type='str', choices=['fail', 'undecided'], default='fail'),
            details=dict(type='bool', default=True),
            root=dict(type='path'),
            base_packages=dict(type='list', elements='str'),
            exports=dict(type='list', elements='dict', options=EXPORT_OPTIONS),
            paths=dict(type='list', elements='dict', options=PATH_OPTIONS),
            owner=dict(type='str'),
            **conda_root.EXECUTABLE_OPTION
        ),
        mutually_exclusive=[('root', 'executable')],
        supports_check_mode=True,
    )
    params = module.params
    module.no_log_values.update(_declared_secrets(params['declared']))
    refused = {} if params['bad_declarations'] == 'undecided' else None
    try:
        declared = fleet.declarations(params['declared'], refused)
    except fleet.DeclarationError as exc:
        module.fail_json(msg=mask_text(' '.join(str(exc).split())))
    if params['root']:
        # the role's prefix: a bare host or a half-made install is an answer, not a failure
        run, root, home = None, os.path.normpath(params['root']), conda_root.conda_home()
    else:
        # imported here: the role's runs give the root, and a module compiles all it imports on each host
        from ansible_collections.macfleet.conda.plugins.module_utils._module_run import ModuleRun

        run = ModuleRun(module)
        root, home = os.path.normpath(run.root), run.home()
    root_exists = prefix_reader.is_env(root)
    # (without root, the root is conda's own: listed as it always was)
    found, warnings = fleet.known_envs(root, home, os.environ) if root_exists or not params['root'] else ([], [])
    states = dict((key, fleet.EnvState(prefix, conda_too=bool(declared))) for key, prefix in found)
    envs = dict((key, state.report(params['details'])) for key, state in states.items())
    for declaration in declared:
        state = states.get(declaration.name)
        envs.setdefault(declaration.name, fleet.missing_report(params['details'])).update(
            fleet.verdict(declaration, state, is_root=declaration.name == 'base'))
    for name, message in (refused or {}).items():
        envs.setdefault(name, fleet.missing_report(params['details'])).update(fleet.refused_verdict(mask_text(message)))
    for warning in warnings:
        module.warn(mask_text(warning))
    base = states.get('base')
    conda = os.path.join(root, 'bin', 'conda')
    result = dict(changed=False, root_prefix=root, root_exists=root_exists,
                  conda_executable=conda if os.path.isfile(conda) and os.access(conda, os.X_OK) else None,
                  conda_version=fleet.conda_version(root, base.records if base else []),
                  platform=fleet.root_platform(base.records if base else [], os.environ),
                  condarc=fleet.read_condarc(root)[1], envs=envs, host_facts=fleet.host_facts())
    if params['base_packages'] is not None:
        result['base_packages'] = fleet.base_verdict(params['base_packages'], base)
    if params['exports'] is not None:
        result['exports'] = [fleet.export_verdict(export, states.get(export['environment']))
                             for export in params['exports']]
    if params['paths'] is not None:
        result['paths'] = _paths(params['paths'])
    if params['owner']:
        result['owner_group'] = fleet.owner_group(params['owner'])
    if run is None:
        module.exit_json(**mask(result))
    run.exit(**result)


if __name__ == '__main__':
    main()
